use chrono::TimeZone;
use chrono_tz::Tz;

use super::*;
use crate::import::ical::feed::{FeedSettings, read_feed};
use crate::import::luma::model::LocationType;

/// The descriptions of `events`, each `text` of the event.
fn texts(events: &[Event], text: impl Fn(&Event) -> String) -> Descriptions {
    Descriptions::from_texts(
        events
            .iter()
            .filter_map(|event| Some((event.description_id?, text(event))))
            .collect(),
    )
}

fn talks(event: &Event) -> String {
    format!(
        "Talks, food; and a very long line that certainly goes past seventy-five octets: ünïcödé {}",
        event.id
    )
}

fn stored(n: i64, external_id: &str, title: &str) -> Event {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap() + Duration::days(n);
    Event {
        id: n,
        organization_id: 1,
        source: convene_types::EventSource::LumaApi,
        external_id: external_id.into(),
        title: title.into(),
        description_id: Some(n),
        start_at: start,
        end_at: start + Duration::hours(2),
        timezone: "Europe/Berlin".into(),
        cover_url: None,
        event_url: Some(format!("https://luma.com/e{n}")),
        location_text: (n % 2 == 0).then(|| "c-base, Rungestraße 20; Berlin".to_owned()),
        meeting_url: (n % 2 == 1).then(|| "https://meet.example.org/x".to_owned()),
        location_type: if n % 2 == 0 {
            convene_types::LocationType::InPerson
        } else {
            convene_types::LocationType::Online
        },
        visibility: convene_types::Visibility::Public,
        tags: "[]".into(),
        content_hash: String::new(),
        all_day: false,
        address_hidden: false,
        city: None,
        latitude_e6: None,
        longitude_e6: None,
        cross_listed: false,
        description_pending: false,
        public_id: Some(format!("public{n}")),
        synced_at: start,
        removed_at: None,
    }
}

#[test]
fn a_generated_feed_reads_back_as_the_same_events() {
    let events = vec![
        stored(0, "evt-AbC", "Hack & Learn, with \"pizza\""),
        stored(
            1,
            "weekly@google.com/20261202T180000Z",
            "Online: async\\await",
        ),
    ];
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let described = texts(&events, talks);
    let text = feed("Rust Berlin", &events, &described);

    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.contains("DTSTAMP:20261201T180000Z"), "the last sync");
    assert_eq!(
        text,
        feed("Rust Berlin", &events, &described),
        "same events, same bytes"
    );
    assert!(text.contains("UID:evt-AbC@events.lu.ma"));
    assert!(
        text.split("\r\n").all(|line| line.len() <= 75),
        "lines folded at 75 octets:\n{text}"
    );

    let read = read_feed(
        &text,
        &FeedSettings {
            display_timezone: "Europe/Berlin".parse::<Tz>().unwrap(),
            from: now,
            until: now + Duration::days(60),
        },
    )
    .unwrap();
    assert_eq!(read.len(), 2);
    for (original, back) in events.iter().zip(&read) {
        assert_eq!(back.title, original.title);
        assert_eq!(back.start_at, original.start_at);
        assert_eq!(back.end_at, original.end_at);
        assert_eq!(back.event_url, original.event_url);
        assert!(
            back.description_md
                .as_deref()
                .unwrap_or_default()
                .ends_with(described.of(original).unwrap_or_default())
        );
    }
    assert_eq!(
        read[0].external_id, "evt-AbC",
        "lu.ma ids survive the round trip"
    );
    assert_eq!(read[0].location_text, events[0].location_text);
    assert_eq!(
        read[1].location_type,
        LocationType::Online,
        "its lu.ma page as the place"
    );
    assert!(
        !text.contains("meet.example.org"),
        "join links are never exported"
    );
}

const HOSTILE: [&str; 6] = [
    "Evil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected",
    "Alarm\nBEGIN:VALARM\nTRIGGER:-PT5M\nEND:VALARM",
    "Lone\rCR: BEGIN:VTODO",
    "back\\slash\\n; semi, comma",
    "\u{0}\u{1b}[31mred\u{7}",
    "trailing \\",
];

#[test]
fn hostile_text_adds_no_line_to_any_calendar_file_and_reads_back_as_written() {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let events: Vec<Event> = HOSTILE
        .iter()
        .enumerate()
        .map(|(n, title)| {
            let mut event = stored(
                i64::try_from(n).unwrap(),
                &format!("id-{n}\r\nX-INJECTED:1"),
                title,
            );
            event.location_text = Some(format!("Room {title}"));
            event.event_url = Some(format!("https://example.org/{n}\r\nX-INJECTED:1"));
            event.timezone = "Europe/Berlin\r\nX-INJECTED:1".into();
            event
        })
        .collect();
    let about = texts(&events, |event| {
        format!("About {}", HOSTILE[usize::try_from(event.id).unwrap()])
    });
    for text in [
        feed(HOSTILE[0], &events, &about),
        feed(HOSTILE[1], std::slice::from_ref(&events[1]), &about),
    ] {
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(
            !text.replace("\r\n", "").contains(['\r', '\n']),
            "no bare line breaks"
        );
        assert!(
            lines.iter().all(|line| !line.starts_with("X-INJECTED")
                && !line.starts_with("BEGIN:VALARM")
                && !line.starts_with("BEGIN:VTODO")
                && !line.starts_with("UID:injected")),
            "{text}"
        );
        assert_eq!(
            lines.iter().filter(|line| **line == "BEGIN:VEVENT").count(),
            lines.iter().filter(|line| line.starts_with("UID:")).count()
        );
    }
    let text = feed(HOSTILE[0], &events, &about);
    let read = read_feed(
        &text,
        &FeedSettings {
            display_timezone: chrono_tz::UTC,
            from: now,
            until: now + Duration::days(60),
        },
    )
    .unwrap();
    assert_eq!(read.len(), HOSTILE.len(), "exactly the events we meant");
    for (original, back) in events.iter().zip(&read) {
        assert_eq!(
            back.title,
            crate::rules::bounds::one_line(&original.title, 300)
        );
    }
    let name_line = text
        .split("\r\n")
        .find(|line| line.starts_with("NAME:"))
        .unwrap();
    assert_eq!(
        name_line, "NAME:Evil END:VEVENT BEGIN:VEVENT UID:injected",
        "the calendar's name is one escaped line"
    );
}

#[test]
fn all_day_events_are_written_as_dates_and_read_back_as_all_day() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let midnight = |d| {
        berlin
            .with_ymd_and_hms(2026, 12, d, 0, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let mut event = stored(0, "conference@example.org", "Conference");
    event.all_day = true;
    event.start_at = midnight(9);
    event.end_at = midnight(11);
    let text = feed(
        "Rust Berlin",
        std::slice::from_ref(&event),
        &texts(std::slice::from_ref(&event), talks),
    );
    assert!(text.contains("DTSTART;VALUE=DATE:20261209\r\n"), "{text}");
    assert!(text.contains("DTEND;VALUE=DATE:20261211\r\n"), "{text}");
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let read = read_feed(
        &text,
        &FeedSettings {
            display_timezone: berlin,
            from: now,
            until: now + Duration::days(60),
        },
    )
    .unwrap();
    assert!(read[0].all_day);
    assert_eq!(
        (read[0].start_at, read[0].end_at),
        (event.start_at, event.end_at)
    );
    let link = google_calendar_link(
        "Conference",
        event.start_at,
        event.end_at,
        Some("Europe/Berlin"),
        "",
        None,
    );
    assert!(link.contains("dates=20261209%2F20261211"), "{link}");
}

#[test]
fn google_links_carry_the_event() {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
    let link = google_calendar_link(
        "Hack & Learn",
        start,
        start + Duration::hours(2),
        None,
        "c-base, Berlin",
        Some("https://luma.com/e1"),
    );
    assert!(link.starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE"));
    assert!(link.contains("text=Hack+%26+Learn"), "{link}");
    assert!(
        link.contains("dates=20261201T180000Z%2F20261201T200000Z"),
        "{link}"
    );
    assert!(
        link.contains("details=https%3A%2F%2Fluma.com%2Fe1"),
        "{link}"
    );
}

proptest::proptest! {
    /// Folding keeps every line within 75 octets, never splits a character, and unfolds to
    /// the line it was given.
    #[test]
    fn folding_is_bounded_and_reversible(line in "\\PC{0,400}") {
        let mut out = String::new();
        push_folded(&mut out, &line);
        proptest::prop_assert!(out.split("\r\n").all(|part| part.len() <= 75));
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        proptest::prop_assert_eq!(unfolded, line);
    }
}

#[test]
fn a_feed_of_long_descriptions_is_written_in_linear_time() {
    let events: Vec<Event> = (0..200).map(|n| stored(n, &format!("e{n}"), "T")).collect();
    let long = texts(&events, |event| {
        format!("{} {}", event.id, "𝄞".repeat(4_000))
    });
    let text = feed("Long", &events, &long);
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 200);
    assert!(text.split("\r\n").all(|line| line.len() <= 75));
    let read = read_feed(
        &text,
        &FeedSettings {
            display_timezone: chrono_tz::UTC,
            from: Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap(),
            until: Utc.with_ymd_and_hms(2027, 11, 24, 9, 0, 0).unwrap(),
        },
    )
    .unwrap();
    assert!(
        read[0]
            .description_md
            .as_deref()
            .unwrap()
            .ends_with(&"𝄞".repeat(100))
    );
}

#[test]
fn the_etag_follows_the_bytes() {
    assert_eq!(etag("a"), etag("a"));
    assert_ne!(etag("a"), etag("b"));
    assert_eq!(etag("a").len(), 34);
}
