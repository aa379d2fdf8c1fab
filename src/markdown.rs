//! Event descriptions arrive from lu.ma as Markdown written by anyone who can edit an event.
//! They become HTML here, on the server, and are sanitised before any page shows them: only
//! plain formatting, `https` links (opened safely) and `https` images survive; nothing else
//! (not even `mailto:`) keeps its URL.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, html};

/// Markdown to HTML that is safe to insert into a page.
pub fn to_safe_html(markdown: &str) -> String {
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(
        &mut raw,
        Parser::new_ext(
            markdown,
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
        ),
    );
    sanitizer().clean(&raw).to_string()
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
        .add_tag_attributes("img", ["loading"])
        .set_tag_attribute_value("img", "loading", "lazy");
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(html.contains("src=\"https://example.org/a.png\""), "{html}");
        assert!(
            html.contains(
                "<a target=\"_blank\" rel=\"noopener noreferrer nofollow ugc\">click</a>"
            ),
            "{html}"
        );
    }
}
