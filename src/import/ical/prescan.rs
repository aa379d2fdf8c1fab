//! A linear pass over a feed's text before any parser sees it: it refuses what would make the
//! recursive parser or the expansion unbounded (nesting, too many events, too many dates in
//! one event) and drops control characters no calendar needs. Everything here is one loop over
//! the lines, so a hostile feed costs at most a read of its bytes.

use std::borrow::Cow;

/// Components nest this deep in real calendars: VCALENDAR › VEVENT › VALARM, or VTIMEZONE ›
/// STANDARD. The parser recurses once per level, so deeper is refused before it runs.
pub const MAX_NESTING: usize = 16;
/// Events (VEVENT blocks, recurring ones counting once) a feed may hold.
pub const MAX_EVENTS_IN_FEED: usize = 20_000;
/// `RDATE` and `EXDATE` lines one event may carry.
pub const MAX_DATE_LISTS_PER_EVENT: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrescanError {
    #[error("the feed is not an iCalendar file (it does not start with BEGIN:VCALENDAR)")]
    NotICalendar,
    #[error("the feed nests components {depth} levels deep; at most {MAX_NESTING} are read")]
    TooDeep { depth: usize },
    #[error(
        "the feed holds {events} events; at most {MAX_EVENTS_IN_FEED} are read (publish a feed of upcoming events only)"
    )]
    TooManyEvents { events: usize },
    #[error(
        "an event of the feed (line {line}) lists more than {MAX_DATE_LISTS_PER_EVENT} extra or excluded dates (RDATE, EXDATE)"
    )]
    TooManyDates { line: usize },
    #[error("the feed ends inside a {0} block (a BEGIN without its END)")]
    Unclosed(String),
}

/// Checks `text` and returns it with control characters other than tab, CR and LF removed
/// (borrowed when there were none).
pub fn prescan(text: &str) -> Result<Cow<'_, str>, PrescanError> {
    let text = text.trim_start_matches('\u{FEFF}');
    if !text
        .trim_start()
        .get(..15)
        .is_some_and(|start| start.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(PrescanError::NotICalendar);
    }
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut events = 0usize;
    let mut dates_in_event = 0usize;
    let mut open: Vec<&str> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(name) = strip_prefix_ignore_case(line, "BEGIN:") {
            depth += 1;
            deepest = deepest.max(depth);
            // The names are only kept while the nesting is sane; past it, only counted.
            if depth <= MAX_NESTING {
                open.push(name.trim());
            }
            if name.trim().eq_ignore_ascii_case("VEVENT") {
                events += 1;
                dates_in_event = 0;
            }
        } else if strip_prefix_ignore_case(line, "END:").is_some() {
            if depth <= MAX_NESTING {
                open.pop();
            }
            depth = depth.saturating_sub(1);
        } else if strip_prefix_ignore_case(line, "RDATE").is_some()
            || strip_prefix_ignore_case(line, "EXDATE").is_some()
        {
            dates_in_event += 1;
            if dates_in_event > MAX_DATE_LISTS_PER_EVENT {
                return Err(PrescanError::TooManyDates { line: index + 1 });
            }
        }
    }
    if deepest > MAX_NESTING {
        return Err(PrescanError::TooDeep { depth: deepest });
    }
    if events > MAX_EVENTS_IN_FEED {
        return Err(PrescanError::TooManyEvents { events });
    }
    if let Some(unclosed) = open.last() {
        return Err(PrescanError::Unclosed(unclosed.chars().take(40).collect()));
    }
    if text.chars().any(is_stray_control) {
        return Ok(Cow::Owned(
            text.chars().filter(|c| !is_stray_control(*c)).collect(),
        ));
    }
    Ok(Cow::Borrowed(text))
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\r' | '\n')
}

fn strip_prefix_ignore_case<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn wrap(body: &str) -> String {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n")
    }

    #[test]
    fn a_plain_feed_passes_unchanged() {
        let feed = wrap("BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n");
        assert!(matches!(prescan(&feed), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn deep_nesting_is_refused_with_its_depth() {
        let depth = 300_000;
        let body = "BEGIN:X\r\n".repeat(depth) + &"END:X\r\n".repeat(depth);
        assert_eq!(
            prescan(&wrap(&body)),
            Err(PrescanError::TooDeep { depth: depth + 1 })
        );
        assert_eq!(
            PrescanError::TooDeep { depth: 300_000 }.to_string(),
            "the feed nests components 300000 levels deep; at most 16 are read"
        );
    }

    #[test]
    fn too_many_events_or_dates_and_unclosed_blocks_are_refused() {
        let events = "BEGIN:VEVENT\r\nEND:VEVENT\r\n".repeat(MAX_EVENTS_IN_FEED + 1);
        assert_eq!(
            prescan(&wrap(&events)),
            Err(PrescanError::TooManyEvents {
                events: MAX_EVENTS_IN_FEED + 1
            })
        );
        let dates = format!(
            "BEGIN:VEVENT\r\n{}END:VEVENT\r\n",
            "EXDATE:20261201T100000Z\r\n".repeat(MAX_DATE_LISTS_PER_EVENT + 1)
        );
        assert!(matches!(
            prescan(&wrap(&dates)),
            Err(PrescanError::TooManyDates { .. })
        ));
        assert_eq!(
            prescan("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"),
            Err(PrescanError::Unclosed("VEVENT".into()))
        );
        assert_eq!(prescan("<html>"), Err(PrescanError::NotICalendar));
    }

    #[test]
    fn control_characters_are_dropped() {
        let feed = wrap("BEGIN:VEVENT\r\nSUMMARY:a\u{0}b\u{1b}[31m\r\nEND:VEVENT\r\n");
        let cleaned = prescan(&feed).unwrap();
        assert!(cleaned.contains("SUMMARY:ab[31m\r\n"), "{cleaned}");
    }

    proptest! {
        #[test]
        fn never_panics_and_never_lets_deep_nesting_through(lines in proptest::collection::vec(
            prop_oneof![
                Just("BEGIN:VEVENT".to_owned()),
                Just("END:VEVENT".to_owned()),
                Just("BEGIN:X".to_owned()),
                Just("END:X".to_owned()),
                Just("EXDATE:20261201T100000Z".to_owned()),
                ".{0,20}",
            ],
            0..200,
        )) {
            let text = format!("BEGIN:VCALENDAR\r\n{}\r\nEND:VCALENDAR", lines.join("\r\n"));
            if let Ok(cleaned) = prescan(&text) {
                let mut depth = 0usize;
                for line in cleaned.lines() {
                    if line.to_ascii_uppercase().starts_with("BEGIN:") { depth += 1; }
                    if line.to_ascii_uppercase().starts_with("END:") { depth = depth.saturating_sub(1); }
                    prop_assert!(depth <= MAX_NESTING);
                }
            }
        }
    }
}
