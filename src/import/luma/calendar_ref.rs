//! What an admin may paste to name a lu.ma calendar: its page (`https://lu.ma/<slug>`,
//! `https://luma.com/<slug>`), its `cal-…` id, its iCal subscription link or its embed address.
//! The page is what "Open on lu.ma" links to; the id is what the embed and the iCal feed need.

use url::Url;

use crate::Error;
use convene_types::InputField;

/// The field these errors name (the settings form's and the CLI's).
const FIELD: InputField = InputField::Calendar;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarReference {
    /// `https://luma.com/<slug>` when a page was given.
    pub page_url: Option<String>,
    /// `cal-…` when the input carried it.
    pub calendar_id: Option<String>,
}

impl CalendarReference {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::invalid(FIELD, "must not be empty"));
        }
        if let Some(id) = calendar_id(input) {
            return Ok(Self {
                page_url: None,
                calendar_id: Some(id),
            });
        }
        let with_scheme = if input.contains("://") {
            input.replacen("webcal://", "https://", 1)
        } else {
            format!("https://{input}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| not_a_calendar(input))?;
        if url.scheme() != "https" {
            return Err(not_a_calendar(input));
        }
        let host = url.host_str().unwrap_or_default();
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|part| !part.is_empty()).collect())
            .unwrap_or_default();
        match (host, segments.as_slice()) {
            // The iCal subscription link: https://api.lu.ma/ics/get?entity=calendar&id=cal-…
            ("api.lu.ma" | "api.luma.com", ["ics", "get"]) => url
                .query_pairs()
                .find(|(name, _)| name == "id")
                .and_then(|(_, id)| calendar_id(&id))
                .map(|id| Self {
                    page_url: None,
                    calendar_id: Some(id),
                })
                .ok_or_else(|| not_a_calendar(input)),
            // The embed: https://lu.ma/embed/calendar/cal-…/events
            ("lu.ma" | "luma.com" | "www.luma.com", ["embed", "calendar", id, ..]) => {
                calendar_id(id)
                    .map(|id| Self {
                        page_url: None,
                        calendar_id: Some(id),
                    })
                    .ok_or_else(|| not_a_calendar(input))
            }
            ("lu.ma" | "luma.com" | "www.luma.com", [slug]) if is_slug(slug) => Ok(Self {
                page_url: Some(format!("https://luma.com/{slug}")),
                calendar_id: None,
            }),
            _ => Err(not_a_calendar(input)),
        }
    }
}

fn not_a_calendar(input: &str) -> Error {
    Error::invalid(
        FIELD,
        format!(
            "{input:?} is not a lu.ma calendar: use its page (https://lu.ma/your-calendar), its cal-… id or its iCal subscription link"
        ),
    )
}

fn calendar_id(text: &str) -> Option<String> {
    is_calendar_id(text).then(|| text.to_owned())
}

/// `cal-` followed by letters and digits: safe to put into an embed address.
pub fn is_calendar_id(text: &str) -> bool {
    text.strip_prefix("cal-")
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str) -> CalendarReference {
        CalendarReference {
            page_url: Some(url.into()),
            calendar_id: None,
        }
    }

    fn id(id: &str) -> CalendarReference {
        CalendarReference {
            page_url: None,
            calendar_id: Some(id.into()),
        }
    }

    #[test]
    fn pages_ids_ical_links_and_embeds_are_understood() {
        let cases = [
            (
                "https://lu.ma/rust-berlin",
                page("https://luma.com/rust-berlin"),
            ),
            (
                "https://luma.com/rust-berlin/",
                page("https://luma.com/rust-berlin"),
            ),
            (
                "  lu.ma/rust_berlin?utm=x ",
                page("https://luma.com/rust_berlin"),
            ),
            ("https://www.luma.com/rb", page("https://luma.com/rb")),
            ("cal-NQYQhHfQN7sg4BF", id("cal-NQYQhHfQN7sg4BF")),
            (
                "https://api.lu.ma/ics/get?entity=calendar&id=cal-NQYQhHfQN7sg4BF",
                id("cal-NQYQhHfQN7sg4BF"),
            ),
            (
                "webcal://api.luma.com/ics/get?entity=calendar&id=cal-abc",
                id("cal-abc"),
            ),
            (
                "https://lu.ma/embed/calendar/cal-abc/events?lt=light",
                id("cal-abc"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                CalendarReference::parse(input).unwrap(),
                expected,
                "{input}"
            );
        }
    }

    #[test]
    fn only_well_formed_ids_count_as_calendar_ids() {
        assert!(is_calendar_id("cal-NQYQhHfQN7sg4BF"));
        for bad in ["cal-", "evt-abc", "cal-a/../b", "cal-a\"onload=x"] {
            assert!(!is_calendar_id(bad), "{bad}");
        }
    }

    #[test]
    fn anything_else_is_refused_naming_the_field() {
        for input in [
            "",
            "http://lu.ma/rust-berlin",
            "https://example.org/rust-berlin",
            "https://lu.ma/a/b",
            "cal-",
            "cal-<script>",
            "https://api.lu.ma/ics/get?entity=calendar",
            "javascript:alert(1)",
        ] {
            let err = CalendarReference::parse(input).unwrap_err().to_string();
            assert!(err.starts_with("calendar_url: "), "{input}: {err}");
        }
    }

    mod generated {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #[test]
            fn any_text_gives_a_bounded_reference_or_a_named_refusal(
                input in prop_oneof![
                    ".{0,300}",
                    "(https?://)?(lu\\.ma|luma\\.com|example\\.org)/[a-zA-Z0-9?=&%/._-]{0,60}",
                    "cal-[A-Za-z0-9]{0,30}",
                ]
            ) {
                match CalendarReference::parse(&input) {
                    Ok(reference) => {
                        prop_assert!(reference.page_url.is_some() || reference.calendar_id.is_some());
                        for text in reference.page_url.iter().chain(&reference.calendar_id) {
                            prop_assert!(text.len() <= input.len() + 30);
                            prop_assert!(!text.chars().any(char::is_control));
                        }
                    }
                    Err(err) => prop_assert!(err.to_string().starts_with("calendar_url: ")),
                }
            }
        }
    }
}
