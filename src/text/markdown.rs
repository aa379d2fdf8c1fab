//! Event descriptions arrive from lu.ma as Markdown written by anyone who can edit an event.
//! They become HTML here, on the server, and are sanitised before any page shows them: only
//! plain formatting and `https` links (opened safely) survive; nothing else (not even
//! `mailto:`) keeps its URL. An image becomes a link to it: a remote image would be fetched by
//! every reader's browser and tell its host who read what, when.

use std::collections::HashSet;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Markdown to HTML that is safe to insert into a page.
pub fn to_safe_html(markdown: &str) -> String {
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, images_as_links(markdown));
    sanitizer().clean(&raw).to_string()
}

/// The Markdown's events with each image turned into a link to it, named by its alt text
/// ("image" when it has none).
fn images_as_links(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    let mut alt_is_empty = false;
    Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    )
    .flat_map(move |event| {
        let events: Vec<Event<'_>> = match event {
            Event::Start(Tag::Image {
                dest_url,
                title,
                id,
                ..
            }) => {
                alt_is_empty = true;
                vec![Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    title,
                    id,
                })]
            }
            Event::End(TagEnd::Image) => {
                let mut end = Vec::with_capacity(2);
                if alt_is_empty {
                    end.push(Event::Text(CowStr::Borrowed("image")));
                }
                alt_is_empty = false;
                end.push(Event::End(TagEnd::Link));
                end
            }
            Event::Text(text) => {
                alt_is_empty &= text.trim().is_empty();
                vec![Event::Text(text)]
            }
            other => vec![other],
        };
        events
    })
}

/// The words of a description without markup (raw HTML dropped), on one line and at most
/// `max_chars` characters (cut at a word, with "…"): for link previews and search results.
pub fn to_plain_text(markdown: &str, max_chars: usize) -> String {
    let mut words = String::new();
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    ) {
        match event {
            Event::Text(text) | Event::Code(text) => words.push_str(&text),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => words.push(' '),
            _ => {}
        }
    }
    let joined = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= max_chars {
        return joined;
    }
    if max_chars == 0 {
        return String::new();
    }
    // Room for the mark: at most `max_chars` in all, cut at the last space when there is one.
    let kept: String = joined.chars().take(max_chars - 1).collect();
    let cut = match kept.rfind(' ') {
        Some(at) if at > 0 => &kept[..at],
        _ => kept.as_str(),
    };
    format!("{}…", cut.trim_end())
}

fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["https"]))
        // Relative URLs would resolve against Convene, not lu.ma.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .add_tag_attributes("a", ["target"])
        .set_tag_attribute_value("a", "target", "_blank")
        // Raw `<img>` in the Markdown goes too (Markdown images became links above).
        .rm_tags(["img"]);
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_the_words_on_one_line_and_cuts_at_a_word() {
        assert_eq!(
            to_plain_text(
                "# Hi\n\n**Bring** a [laptop](https://x.org).\n<b>raw</b>\n- one\n- two",
                100
            ),
            "Hi Bring a laptop. raw one two"
        );
        assert_eq!(to_plain_text("one two three", 9), "one two…");
        assert_eq!(to_plain_text("abcdefghij", 5), "abcd…");
        // Words that fill the room exactly still leave room for the mark (found by the
        // generated-input test below).
        assert_eq!(to_plain_text("aaaa bbbb cccc", 9), "aaaa…");
        assert_eq!(to_plain_text("aaaa bbbb", 9), "aaaa bbbb");
    }

    proptest::proptest! {
        #[test]
        fn generated_descriptions_give_bounded_plain_text(text in "\\PC{0,400}", max in 1usize..80) {
            let plain = to_plain_text(&text, max);
            proptest::prop_assert!(plain.chars().count() <= max, "{} > {max}: {plain:?}", plain.chars().count());
            proptest::prop_assert!(!plain.contains('\n'));
        }
    }

    #[test]
    fn formatting_and_https_links_survive() {
        let html =
            to_safe_html("**Bring** a _laptop_.\n\n- one\n- two\n\n[Map](https://example.org/map)");
        assert!(html.contains("<strong>Bring</strong>"), "{html}");
        assert!(html.contains("<em>laptop</em>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(html.contains("href=\"https://example.org/map\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow ugc\""),
            "{html}"
        );
    }

    #[test]
    fn an_image_becomes_a_link_to_it_so_no_reader_fetches_it() {
        let html = to_safe_html(
            "![The venue](https://tracker.example/venue.png) and ![](https://tracker.example/p.gif)",
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("href=\"https://tracker.example/venue.png\"")
                && html.contains(">The venue</a>"),
            "{html}"
        );
        assert!(html.contains(">image</a>"), "{html}");
    }

    #[test]
    fn scripts_handlers_and_unsafe_urls_render_inert() {
        let html = to_safe_html(concat!(
            "<script>alert('x')</script>\n\n",
            "<img src=\"https://example.org/a.png\" onerror=\"alert(1)\">\n\n",
            "[click](javascript:alert(1)) [plain](http://example.org/) [rel](/admin)\n\n",
            "<iframe src=\"https://evil.example\"></iframe>\n\n",
            "![pixel](http://tracker.example/p.gif)",
        ));
        for forbidden in [
            "<script",
            "alert('x')",
            "onerror",
            "javascript:",
            "http://",
            "/admin",
            "<iframe",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived: {html}");
        }
        assert!(
            !html.contains("<img"),
            "no image is fetched by readers: {html}"
        );
        assert!(
            html.contains(
                "<a target=\"_blank\" rel=\"noopener noreferrer nofollow ugc\">click</a>"
            ),
            "{html}"
        );
    }
}
