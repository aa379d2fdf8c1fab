//! "Copy as text" and "Copy as Markdown": the dashboard's current view as a list to paste into
//! a newsletter or a chat, events grouped by their own local day, each with its lu.ma link (or
//! its Convene page when it has none).

use convene_types::views::DashboardEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
}

/// The events, in start order, under their day ("Sat 24 Oct"); `site` makes Convene's own
/// links absolute for events without a lu.ma page.
pub fn write(events: &[DashboardEvent], format: Format, site: &crate::site::PublicUrl) -> String {
    let mut sorted: Vec<&DashboardEvent> = events.iter().collect();
    sorted.sort_by(|a, b| a.start_utc.cmp(&b.start_utc));
    let mut out = String::new();
    let mut current_day: Option<&str> = None;
    for event in sorted {
        let day = day_of(event);
        if current_day != Some(day) {
            if current_day.is_some() {
                out.push('\n');
            }
            match format {
                Format::Text => out.push_str(&format!("{day}\n")),
                Format::Markdown => out.push_str(&format!("### {}\n\n", escape_markdown(day))),
            }
            current_day = Some(day);
        }
        let time = time_of(event, day);
        let link = event
            .event_url
            .clone()
            .or_else(|| event.page_url.as_ref().map(|path| site.link(path)));
        let hosts = if event.also_listed_by.is_empty() {
            event.org_name.clone()
        } else {
            format!(
                "{} with {}",
                event.org_name,
                event.also_listed_by.join(", ")
            )
        };
        match format {
            Format::Text => {
                out.push_str(&format!(
                    "- {time} · {} ({hosts}) · {}\n",
                    event.title, event.location
                ));
                if let Some(link) = link {
                    out.push_str(&format!("  {link}\n"));
                }
            }
            Format::Markdown => {
                let title = escape_markdown(&event.title);
                let title = match link {
                    Some(link) => format!("[{title}](<{}>)", link.replace('>', "%3E")),
                    None => title,
                };
                out.push_str(&format!(
                    "- **{}** {title} · {} · {}\n",
                    escape_markdown(time),
                    escape_markdown(&hosts),
                    escape_markdown(&event.location)
                ));
            }
        }
    }
    out
}

/// "Sat 24 Oct" of "Sat 24 Oct, 18:00 BST" (an all-day event's `starts` is the day itself).
fn day_of(event: &DashboardEvent) -> &str {
    event
        .starts
        .split_once(", ")
        .map_or(event.starts.as_str(), |(day, _)| day)
}

/// The time without its day: "18:00 BST – 20:00", "all day"; the whole span when it runs
/// over several days.
fn time_of<'a>(event: &'a DashboardEvent, day: &str) -> &'a str {
    event
        .when
        .strip_prefix(day)
        .and_then(|rest| rest.strip_prefix(", "))
        .unwrap_or(&event.when)
}

/// Text that Markdown shows as itself: its punctuation escaped with backslashes.
fn escape_markdown(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '('
                | ')'
                | '#'
                | '+'
                | '!'
                | '<'
                | '>'
                | '|'
                | '~'
        ) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> crate::site::PublicUrl {
        crate::site::PublicUrl::new("https://convene.example/".parse().unwrap()).unwrap()
    }

    fn event(title: &str, starts: &str, when: &str, start_utc: &str) -> DashboardEvent {
        DashboardEvent {
            calendar_file: None,
            page_url: Some("/events/abc".into()),
            luma_id: "evt-1".into(),
            title: title.into(),
            org_slug: "rust-berlin".into(),
            org_name: "Rust Berlin".into(),
            mine: true,
            start_utc: start_utc.into(),
            end_utc: start_utc.into(),
            starts: starts.into(),
            ends: String::new(),
            when: when.into(),
            all_day: false,
            timezone: "Europe/Berlin".into(),
            hint: String::new(),
            day_label: String::new(),
            location: "Hall 1".into(),
            online: false,
            members_only: false,
            address_hidden: false,
            cross_listed: false,
            also_listed_by: Vec::new(),
            cover_url: None,
            event_url: Some("https://luma.com/x".into()),
            google_calendar_url: String::new(),
        }
    }

    fn week() -> Vec<DashboardEvent> {
        let mut no_page = event(
            "Talks [beta] *live*",
            "Sat 24 Oct, 18:00 CEST",
            "Sat 24 Oct, 18:00 CEST – 20:00",
            "2026-10-24T16:00:00+00:00",
        );
        no_page.event_url = None;
        vec![
            event(
                "Late",
                "Sun 25 Oct, 19:00 CET",
                "Sun 25 Oct, 19:00 CET – 21:00",
                "2026-10-25T18:00:00+00:00",
            ),
            no_page,
            event(
                "Hack & Learn",
                "Sat 24 Oct, 10:00 CEST",
                "Sat 24 Oct, 10:00 CEST – 12:00",
                "2026-10-24T08:00:00+00:00",
            ),
        ]
    }

    #[test]
    fn text_groups_by_day_in_start_order_with_links() {
        assert_eq!(
            write(&week(), Format::Text, &site()),
            "Sat 24 Oct\n\
             - 10:00 CEST – 12:00 · Hack & Learn (Rust Berlin) · Hall 1\n  https://luma.com/x\n\
             - 18:00 CEST – 20:00 · Talks [beta] *live* (Rust Berlin) · Hall 1\n  https://convene.example/events/abc\n\
             \n\
             Sun 25 Oct\n\
             - 19:00 CET – 21:00 · Late (Rust Berlin) · Hall 1\n  https://luma.com/x\n"
        );
    }

    #[test]
    fn markdown_escapes_what_events_bring() {
        let markdown = write(&week(), Format::Markdown, &site());
        assert!(markdown.starts_with("### Sat 24 Oct\n\n- **10:00 CEST – 12:00** [Hack & Learn](<https://luma.com/x>) · Rust Berlin · Hall 1\n"), "{markdown}");
        assert!(
            markdown
                .contains("[Talks \\[beta\\] \\*live\\*](<https://convene.example/events/abc>)"),
            "{markdown}"
        );
        assert!(markdown.contains("\n\n### Sun 25 Oct\n\n"));
    }
}
