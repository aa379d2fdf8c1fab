//! Writing iCalendar feeds of Convene's events (subscribable from any calendar app), with the
//! same `icalendar` crate that reads them: it folds lines at 75 octets and escapes text.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::rules::bounds;
use crate::rules::visibility::Audience;
use crate::store::descriptions::{self, Descriptions};
use crate::store::entities::event;
use crate::store::events::{Event, https_only, place};

/// How far back a feed reaches: last month's events stay in subscribers' calendars.
pub const RECENT: Duration = Duration::days(30);
/// Calendar apps poll feeds; suggest hourly (our imports are hourly at most).
const REFRESH_INTERVAL: Duration = Duration::hours(1);
/// Events in one feed at most: the recent ones and the next, in start order.
pub const FEED_EVENTS_MAX: u64 = 1_000;
/// Bytes of one feed at most: events that would go past it are left out (the soonest stay).
pub const FEED_BYTES_MAX: usize = 8 * 1024 * 1024;
/// Each event's description in a feed, at most this many characters (cut in the store; the
/// event's page has all of it).
pub const FEED_DESCRIPTION_CHARS: u32 = 4_000;

/// The organizations' live events that ended after `since` and `audience` may see, in start
/// order, at most [`FEED_EVENTS_MAX`], with their descriptions as feeds carry them.
pub async fn events_since(
    db: &impl ConnectionTrait,
    organization_ids: &[i64],
    audience: &Audience,
    since: DateTime<Utc>,
) -> Result<(Vec<Event>, Descriptions), Error> {
    let events = event::Entity::find()
        .filter(event::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(event::Column::RemovedAt.is_null())
        .filter(audience.condition())
        .filter(event::Column::EndAt.gt(since))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(FEED_EVENTS_MAX)
        .all(db)
        .await?;
    let descriptions = descriptions::of_events(db, &events, Some(FEED_DESCRIPTION_CHARS)).await?;
    Ok((events, descriptions))
}

/// The stable `UID` of an event in our feeds: lu.ma's own form for lu.ma events, so a calendar
/// app that also subscribed to lu.ma's feed sees one event, not two.
pub fn uid(event: &Event) -> String {
    if event.external_id.starts_with("evt-") && !event.external_id.contains('@') {
        format!("{}@events.lu.ma", event.external_id)
    } else {
        format!("{}@convene", event.external_id)
    }
}

/// [`feed`] on a blocking thread: a large feed never holds up the threads answering requests.
pub async fn render(
    name: String,
    events: Vec<Event>,
    descriptions: Descriptions,
) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || feed(&name, &events, &descriptions))
        .await
        .map_err(|err| Error::Internal(format!("writing a feed failed: {err}")))
}

/// A feed of `events`, times in UTC (valid everywhere, no VTIMEZONE needed); each event's own
/// zone travels in the description's first line so nobody loses it. The same events give the
/// same bytes (each `DTSTAMP` is the event's last sync), so the `ETag` only moves with them.
/// At most [`FEED_BYTES_MAX`] bytes: the events that would go past it are left out.
///
/// Everything written is text from outside (titles, places, links), so each value is made
/// one line (or, for descriptions, its breaks escaped) before the library sees it: no
/// value can end its line and start a property or component of its own.
pub fn feed(name: &str, events: &[Event], descriptions: &Descriptions) -> String {
    const END: &str = "END:VCALENDAR\r\n";
    let name = bounds::one_line(name, bounds::TITLE_MAX_CHARS);
    let mut calendar = Calendar::new();
    // The library writes NAME raw (it is not a TEXT property to it): escape it here.
    calendar
        .append_property(Property::new("NAME", escape_text(&name)))
        .append_property(Property::new("X-WR-CALNAME", &name))
        .ttl(&REFRESH_INTERVAL);
    let empty = calendar.done().to_string();
    // The calendar's own lines, then each event's, written one at a time against the budget.
    let head = empty.strip_suffix(END).unwrap_or(&empty);
    let mut text = String::from(head);
    for (written, item) in events.iter().enumerate() {
        let one = event_text(item, descriptions.of(item));
        if text.len() + one.len() + END.len() > FEED_BYTES_MAX {
            tracing::warn!(name = %name, written, of = events.len(), "a feed reached its byte budget; later events are left out");
            break;
        }
        text.push_str(&one);
    }
    text.push_str(END);
    text
}

/// One `VEVENT`: the library writes the short properties; the description, the one long
/// value, is folded here (the library's folding walks the line from its start for every fold,
/// which took 88 s for a feed of 8 MB).
fn event_text(item: &Event, description_text: Option<&str>) -> String {
    const END: &str = "END:VEVENT\r\n";
    let mut text = vevent(item).to_string();
    if text.ends_with(END) {
        text.truncate(text.len() - END.len());
    }
    let mut description = format!("Times in {}.", bounds::one_line(&item.timezone, 64));
    if let Some(more) = description_text {
        description.push_str("\n\n");
        description.push_str(&bounds::description(more));
    }
    push_folded(
        &mut text,
        &format!("DESCRIPTION:{}", escape_multiline(&description)),
    );
    text.push_str(END);
    text
}

/// RFC 5545 TEXT escaping of a value that may span lines: its breaks become `\n`.
fn escape_multiline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | ',' | ';' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' => {
                // CRLF is one break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` as a content line folded at 75 octets (RFC 5545 §3.1), never inside a
/// character, in one pass.
fn push_folded(out: &mut String, line: &str) {
    const OCTETS: usize = 75;
    let mut start = 0;
    while start < line.len() {
        // A continuation line starts with a space, which counts.
        let room = if start == 0 { OCTETS } else { OCTETS - 1 };
        let mut end = (start + room).min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        if start > 0 {
            out.push(' ');
        }
        out.push_str(&line[start..end]);
        out.push_str("\r\n");
        start = end;
    }
}

fn vevent(item: &Event) -> icalendar::Event {
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&bounds::one_line(&uid(item), 400))
        .timestamp(item.synced_at);
    if item.all_day {
        // Whole dates in the event's own zone (the end date is the day after the last).
        let (first, after_last) =
            crate::text::timefmt::all_day_dates(item.start_at, item.end_at, &item.timezone);
        vevent.starts(first).ends(after_last);
    } else {
        vevent.starts(item.start_at).ends(item.end_at);
    }
    vevent
        .summary(&bounds::one_line(&item.title, bounds::TITLE_MAX_CHARS))
        .status(EventStatus::Confirmed);
    // The place as anyone may see it: never a join link, never a guests-only address. An
    // online event points to its lu.ma page, where registering reveals the link.
    let (label, online) = place(item.location_type, item.location_text.as_deref());
    // URL is written raw by the library: only a link without spaces or controls goes in.
    let page = https_only(item.event_url.clone()).and_then(|url| bounds::link(&url));
    match &page {
        Some(page) if online && item.location_text.is_none() => vevent.location(page),
        _ => vevent.location(&bounds::one_line(&label, bounds::LOCATION_MAX_CHARS)),
    };
    if let Some(page) = &page {
        vevent.url(page);
    }
    vevent.done()
}

/// RFC 5545 TEXT escaping of one line (already without breaks or controls), for the
/// properties the library writes raw.
fn escape_text(line: &str) -> String {
    let mut escaped = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\\' | ',' | ';') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The feed of an organization's upcoming and recent events.
pub async fn organization_feed(
    db: &impl ConnectionTrait,
    org: &crate::store::organizations::Organization,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    // A public address: public events only, whoever asks.
    let (events, descriptions) =
        events_since(db, &[org.id], &Audience::public(), now - RECENT).await?;
    render(org.name.clone(), events, descriptions).await
}

/// One live event as its own calendar file ("Add to calendar"), addressed by its random public
/// id; `None` when there is no such live event that `audience` may see.
pub async fn single_event(
    db: &impl ConnectionTrait,
    public_id: &str,
    audience: &Audience,
) -> Result<Option<String>, Error> {
    let found = event::Entity::find()
        .filter(event::Column::PublicId.eq(public_id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(audience.condition())
        .one(db)
        .await?;
    let Some(item) = found else {
        return Ok(None);
    };
    let descriptions = descriptions::of_events(db, std::slice::from_ref(&item), None).await?;
    Ok(Some(feed(
        &item.title,
        std::slice::from_ref(&item),
        &descriptions,
    )))
}

/// Google Calendar's "add this event" link: its title, UTC times (or, for an all-day event,
/// its dates in `all_day_zone`), place and page prefilled.
pub fn google_calendar_link(
    title: &str,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    all_day_zone: Option<&str>,
    place: &str,
    page: Option<&str>,
) -> String {
    let dates = match all_day_zone {
        Some(zone) => {
            let (first, after_last) = crate::text::timefmt::all_day_dates(start_at, end_at, zone);
            format!("{}/{}", first.format("%Y%m%d"), after_last.format("%Y%m%d"))
        }
        None => format!(
            "{}/{}",
            start_at.format("%Y%m%dT%H%M%SZ"),
            end_at.format("%Y%m%dT%H%M%SZ")
        ),
    };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("action", "TEMPLATE")
        .append_pair("text", title)
        .append_pair("dates", &dates)
        .append_pair("location", place);
    if let Some(page) = page {
        query.append_pair("details", page);
    }
    format!(
        "https://calendar.google.com/calendar/render?{}",
        query.finish()
    )
}

/// A strong validator for a feed's bytes (the `ETag` header).
pub fn etag(body: &str) -> String {
    format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    )
}

#[cfg(test)]
mod tests {
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
                let mut event = stored(n as i64, &format!("id-{n}\r\nX-INJECTED:1"), title);
                event.location_text = Some(format!("Room {title}"));
                event.event_url = Some(format!("https://example.org/{n}\r\nX-INJECTED:1"));
                event.timezone = "Europe/Berlin\r\nX-INJECTED:1".into();
                event
            })
            .collect();
        let about = texts(&events, |event| {
            format!("About {}", HOSTILE[event.id as usize])
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
}
