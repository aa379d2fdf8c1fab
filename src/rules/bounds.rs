//! Limits on what Convene takes from outside (feeds, lu.ma answers), shared by every source:
//! how long each stored field may be, which characters survive, and the dates and lengths of
//! time an event may have. Each bound is one constant here; docs/limits.md lists them.
//! Source-specific bounds live beside their reader (`ical::prescan`, `ical::feed`,
//! `luma::model`, `dashboard`).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// An event title longer than this is cut, ending in "…".
pub const TITLE_MAX_CHARS: usize = 300;
/// A place longer than this is cut, ending in "…".
pub const LOCATION_MAX_CHARS: usize = 500;
/// A description longer than this is cut, ending in "…" (a lu.ma event's is rarely 5,000).
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
/// And in bytes: 20,000 characters of four bytes each would be 80 KB a row.
pub const DESCRIPTION_MAX_BYTES: usize = 32 * 1024;
/// A link longer than this is dropped: a cut address leads nowhere.
pub const URL_MAX_CHARS: usize = 2_048;
/// An event id longer than this is replaced by a digest of it (ids sit in a unique index).
pub const ID_MAX_CHARS: usize = 200;
/// Tags kept per event, and characters per tag.
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX_CHARS: usize = 60;
/// The longest event: a festival or a term-long course fits, a "decade-long" typo does not.
pub const EVENT_MAX_LENGTH: Duration = Duration::days(366);
/// Events must start and end inside these years; anything else is a broken or hostile date. The
/// last is the last that four-digit years (iCalendar, RFC 3339, our text columns) can write: a
/// limit of the formats, not a guess about the calendar, so it never goes stale.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 9999;

/// The mark that ends a cut field.
const CUT: char = '…';

/// One-line text (a title, a place): control characters and line breaks become spaces, runs
/// of spaces collapse, the ends are trimmed, and the result is cut at `max_chars`.
pub fn one_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_control() || c.is_whitespace() || is_invisible_format(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        // Stop early: the rest of a multi-megabyte field is never copied.
        if out.len() > max_chars * 4 {
            break;
        }
    }
    cut(out, max_chars)
}

/// Multi-line text (a description): line breaks normalised to `\n`, tabs kept, every other
/// control character dropped, cut at `max_chars`.
pub fn multi_line(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_invisible_format(c) => {}
            c => out.push(c),
        }
        if out.len() > max_chars * 4 {
            break;
        }
    }
    cut(out, max_chars)
}

/// A link as stored: one line without spaces or control characters, `None` when empty or
/// longer than [`URL_MAX_CHARS`].
pub fn link(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty()
        || text.chars().count() > URL_MAX_CHARS
        || text.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return None;
    }
    Some(text.to_owned())
}

/// An event id as stored: kept when short and printable, else a digest of it, so equal ids
/// still match and different ones still differ.
pub fn event_id(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= ID_MAX_CHARS && !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    format!("sha256-{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// Tags as stored: at most [`TAGS_MAX`], each one line of at most [`TAG_MAX_CHARS`], empty and
/// repeated ones dropped.
pub fn tags(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        let name = one_line(&name, TAG_MAX_CHARS);
        if !name.is_empty() && !kept.contains(&name) {
            kept.push(name);
        }
        if kept.len() == TAGS_MAX {
            break;
        }
    }
    kept
}

/// Zero-width and direction-override characters: invisible, and used to disguise text.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A description as stored: [`multi_line`], then at most [`DESCRIPTION_MAX_BYTES`] bytes (cut at
/// a character's edge, ending in "…").
pub fn description(text: &str) -> String {
    cut_bytes(
        multi_line(text, DESCRIPTION_MAX_CHARS),
        DESCRIPTION_MAX_BYTES,
    )
}

/// `text` in at most `max_bytes` bytes, the mark included when it is cut.
fn cut_bytes(mut text: String, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text;
    }
    let mut keep = max_bytes.saturating_sub(CUT.len_utf8());
    while !text.is_char_boundary(keep) {
        keep -= 1;
    }
    text.truncate(keep);
    text.truncate(text.trim_end().len());
    text.push(CUT);
    text
}

fn cut(mut text: String, max_chars: usize) -> String {
    if let Some((index, _)) = text.char_indices().nth(max_chars) {
        // Room for the mark: the result is `max_chars` long in all.
        let keep = text[..index]
            .char_indices()
            .last()
            .map_or(0, |(last, _)| last);
        text.truncate(keep);
        text.truncate(text.trim_end().len());
        text.push(CUT);
    }
    text
}

/// An HTTP body read in pieces up to `limit` bytes, so an answer that lies about (or omits)
/// its length still stops at the cap; `None` when it would grow past it (read no further).
pub async fn read_body_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Why a date or a length of time from outside was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeBoundError {
    #[error("{0} is outside the years {FIRST_YEAR} to {LAST_YEAR}")]
    OutOfRange(String),
    #[error("it lasts longer than {} days", EVENT_MAX_LENGTH.num_days())]
    TooLong,
    #[error("it ends before it starts")]
    EndsBeforeStart,
}

/// The first and last instants an event may touch.
pub fn earliest() -> DateTime<Utc> {
    year_start(FIRST_YEAR)
}

pub fn latest() -> DateTime<Utc> {
    year_start(LAST_YEAR + 1)
}

fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |start| start.and_utc())
}

/// Checks an instant from outside.
pub fn instant(at: DateTime<Utc>) -> Result<DateTime<Utc>, TimeBoundError> {
    if at < earliest() || at >= latest() {
        return Err(TimeBoundError::OutOfRange(
            at.format("%Y-%m-%d").to_string(),
        ));
    }
    Ok(at)
}

/// The end of an event that starts at `start` and lasts `length`, checked: no overflow, no
/// negative or overlong lengths, inside the allowed years.
pub fn end_after(start: DateTime<Utc>, length: Duration) -> Result<DateTime<Utc>, TimeBoundError> {
    if length < Duration::zero() {
        return Err(TimeBoundError::EndsBeforeStart);
    }
    if length > EVENT_MAX_LENGTH {
        return Err(TimeBoundError::TooLong);
    }
    let end = start
        .checked_add_signed(length)
        .ok_or_else(|| TimeBoundError::OutOfRange("its end".into()))?;
    instant(end)
}

/// A start and an end from outside, checked together.
pub fn span(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), TimeBoundError> {
    let start = instant(start)?;
    let end = instant(end)?;
    if end < start {
        return Err(TimeBoundError::EndsBeforeStart);
    }
    if end - start > EVENT_MAX_LENGTH {
        return Err(TimeBoundError::TooLong);
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_description_is_bounded_in_bytes_not_only_in_characters() {
        // 19,990 four-byte characters: under the character cap, 80 KB in bytes.
        let wide = "🦀".repeat(19_990);
        let kept = description(&wide);
        assert!(kept.len() <= DESCRIPTION_MAX_BYTES, "{} bytes", kept.len());
        assert!(kept.ends_with('…'));
        assert!(kept.trim_end_matches('…').chars().all(|c| c == '🦀'));
        assert_eq!(description("Bring a laptop."), "Bring a laptop.");
    }

    #[test]
    fn one_line_text_loses_breaks_and_controls_and_is_cut_visibly() {
        assert_eq!(
            one_line("  Rust\r\nBEGIN:VALARM\u{0}  night\t", 100),
            "Rust BEGIN:VALARM night"
        );
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("abc", 3), "abc");
        assert_eq!(one_line("ab\u{202E}cd", 10), "ab cd");
        assert_eq!(one_line(&"x".repeat(5_000_000), 10).chars().count(), 10);
    }

    #[test]
    fn descriptions_keep_their_lines_and_are_cut_with_a_mark() {
        assert_eq!(multi_line("a\r\nb\rc\n\u{7}d\te", 100), "a\nb\nc\nd\te");
        let long = multi_line(&"word ".repeat(10_000), 20);
        assert!(long.ends_with('…'), "{long}");
        assert!(long.chars().count() <= 20);
    }

    #[test]
    fn links_and_ids_are_bounded() {
        assert_eq!(
            link(" https://a.example/x "),
            Some("https://a.example/x".into())
        );
        assert_eq!(link("https://a.example/x\nInjected: 1"), None);
        assert_eq!(
            link(&format!("https://a.example/{}", "x".repeat(3000))),
            None
        );
        assert_eq!(event_id("evt-1"), "evt-1");
        let long = event_id(&"u".repeat(1000));
        assert!(long.starts_with("sha256-") && long.len() == 71, "{long}");
        assert_ne!(event_id(&"u".repeat(1000)), event_id(&"v".repeat(1000)));
        assert_ne!(event_id("a\nb"), "a\nb");
    }

    #[test]
    fn tags_are_few_short_and_distinct() {
        let many = (0..100).map(|n| format!("tag {}", n % 30));
        let kept = tags(many);
        assert_eq!(kept.len(), TAGS_MAX);
        assert_eq!(tags(["a".into(), " a ".into(), String::new()]), ["a"]);
    }

    #[test]
    fn time_arithmetic_on_outside_values_is_checked() {
        let start = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        assert_eq!(
            end_after(start, Duration::hours(2)),
            Ok(start + Duration::hours(2))
        );
        assert_eq!(
            end_after(start, Duration::days(400)),
            Err(TimeBoundError::TooLong)
        );
        assert_eq!(
            end_after(start, -Duration::hours(1)),
            Err(TimeBoundError::EndsBeforeStart)
        );
        let late = Utc.with_ymd_and_hms(9999, 12, 31, 23, 0, 0).unwrap();
        assert!(matches!(
            end_after(late, Duration::hours(2)),
            Err(TimeBoundError::OutOfRange(_))
        ));
        assert!(instant(DateTime::<Utc>::MAX_UTC).is_err());
        assert!(span(start, start - Duration::seconds(1)).is_err());
    }

    proptest! {
        #[test]
        fn a_stored_description_never_exceeds_its_byte_cap(text in "\\PC{0,12000}") {
            let kept = description(&text.repeat(4));
            prop_assert!(kept.len() <= DESCRIPTION_MAX_BYTES);
            prop_assert!(kept.chars().count() <= DESCRIPTION_MAX_CHARS);
        }

        #[test]
        fn cleaned_text_is_bounded_and_has_no_control_characters(text in ".{0,400}", max in 1usize..80) {
            let line = one_line(&text, max);
            prop_assert!(line.chars().count() <= max);
            prop_assert!(!line.chars().any(char::is_control));
            let lines = multi_line(&text, max);
            prop_assert!(lines.chars().count() <= max);
            prop_assert!(!lines.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        }

        #[test]
        fn checked_ends_never_panic(secs in any::<i64>(), millis in -4_102_444_800_000i64..=i64::MAX / 1_000) {
            if let (Some(length), Some(start)) = (Duration::try_seconds(secs), DateTime::from_timestamp_millis(millis))
                && let Ok(end) = end_after(start, length)
            {
                prop_assert!(end >= start);
            }
        }
    }
}
