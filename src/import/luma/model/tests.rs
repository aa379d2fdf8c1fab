use super::*;

const FLAT: &str = include_str!("../fixtures/calendars-events-list.json");
const LEGACY: &str = include_str!("../fixtures/list-events.legacy.json");

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn flat_2026_entries_are_read() {
    let page = parse_event_page(FLAT).unwrap();
    assert_eq!(page.events.len(), 1);
    assert!(
        !page.has_more,
        "trust has_more even though a cursor came along"
    );
    let event = &page.events[0];
    assert_eq!(event.external_id, "evt-7AfHSGOBmoz4iLO");
    assert_eq!(event.calendar_id.as_deref(), Some("cal-NQYQhHfQN7sg4BF"));
    assert_eq!(event.title, "AI Safety Reading Group: Scalable Oversight");
    assert_eq!(event.start_at, time("2026-10-08T17:00:00Z"));
    assert_eq!(event.end_at, time("2026-10-08T19:00:00Z"));
    assert_eq!(event.timezone, "Europe/London");
    assert_eq!(event.location_type, LocationType::InPerson);
    assert_eq!(
        event.location_text.as_deref(),
        Some("Newspeak House, London")
    );
    assert_eq!(
        event.event_url.as_deref(),
        Some("https://luma.com/7sfm30gu")
    );
    assert_eq!(event.tags, ["Reading group"]);
    assert_eq!(
        event.description_md, None,
        "lists carry no description since July 2026"
    );
}

#[test]
fn legacy_nested_entries_read_the_same_event_the_same_way() {
    let flat = parse_event_page(FLAT).unwrap().events.remove(0);
    let page = parse_event_page(LEGACY).unwrap();
    assert!(page.has_more);
    assert_eq!(
        page.next_cursor.as_deref(),
        Some("eyJzdiI6IjIwMjYtMTAtMjlUMDA6MDA6MDAuMDAwWiJ9")
    );
    let legacy = &page.events[0];
    assert_eq!(legacy.external_id, flat.external_id);
    assert_eq!(legacy.start_at, flat.start_at);
    assert_eq!(
        legacy.location_type,
        LocationType::InPerson,
        "inferred from the address"
    );
    assert_eq!(
        legacy.tags,
        ["Reading group"],
        "legacy tags sit beside the event"
    );

    let online = &page.events[1];
    assert_eq!(online.external_id, "evt-qlNoZjWKJzEq5ao");
    assert_eq!(
        online.location_type,
        LocationType::Online,
        "inferred from the meeting URL"
    );
    assert!(
        !format!("{online:?}").contains("zoom.us"),
        "the join link is not kept"
    );
    assert_eq!(online.timezone, "America/Los_Angeles");
}

#[test]
fn missing_optional_fields_and_unknown_fields_are_fine() {
    let body = r#"{"entries":[{"id":"evt-1","start_at":"2026-11-01T10:00:00Z","duration_interval":"PT90M","brand_new_field":{"x":1}}]}"#;
    let event = parse_event_page(body).unwrap().events.remove(0);
    assert_eq!(event.title, "Untitled event");
    assert_eq!(
        event.end_at,
        time("2026-11-01T11:30:00Z"),
        "end from the duration"
    );
    assert_eq!(event.timezone, "UTC");
    assert_eq!(event.location_type, LocationType::Unknown);
    assert_eq!(event.visibility, Visibility::Public);
}

#[test]
fn null_tags_and_null_optionals_are_accepted() {
    let body = r#"{"entries":[{"id":"evt-1","start_at":"2026-11-01T10:00:00Z","end_at":null,"tags":null,"cover_url":null,"geo_address_json":null}]}"#;
    let event = parse_event_page(body).unwrap().events.remove(0);
    assert!(event.tags.is_empty());
    assert_eq!(event.cover_url, None);
}

#[test]
fn an_unknown_timezone_is_shown_in_utc_and_remembered() {
    let body = r#"{"entries":[{"id":"evt-1","start_at":"2026-11-01T10:00:00.000Z","end_at":"2026-11-01T11:00:00Z","timezone":"Mars/Olympus_Mons"}]}"#;
    let event = parse_event_page(body).unwrap().events.remove(0);
    assert_eq!(event.timezone, "UTC");
    assert_eq!(event.unknown_timezone.as_deref(), Some("Mars/Olympus_Mons"));
}

#[test]
fn an_entry_without_id_or_start_fails_the_page_naming_it() {
    let no_id = r#"{"entries":[{"id":"evt-1","start_at":"2026-11-01T10:00:00Z"},{"name":"x","start_at":"2026-11-01T10:00:00Z"}]}"#;
    let err = parse_event_page(no_id).unwrap_err().to_string();
    assert_eq!(
        err,
        "malformed lu.ma response: entry 1: no id (neither `id` nor `api_id`)"
    );
    let bad_start = r#"{"entries":[{"id":"evt-1","start_at":"next tuesday"}]}"#;
    let err = parse_event_page(bad_start).unwrap_err().to_string();
    assert!(err.contains("entry 0: start_at \"next tuesday\""), "{err}");
    assert!(parse_event_page("<html>502 Bad Gateway</html>").is_err());
}

#[test]
fn event_detail_and_calendar_accept_both_wrappings() {
    let detail = r#"{"event":{"api_id":"evt-9","start_at":"2026-11-01T10:00:00Z","description_md":"**Bring snacks**"}}"#;
    let event = parse_event_detail(detail).unwrap();
    assert_eq!(event.external_id, "evt-9");
    assert_eq!(event.description_md.as_deref(), Some("**Bring snacks**"));

    let wrapped = r#"{"calendar":{"api_id":"cal-1","name":"Rust Berlin","slug":"rust-berlin"}}"#;
    let flat = r#"{"id":"cal-1","name":"Rust Berlin","location":{"timezone":"Europe/Berlin"}}"#;
    assert_eq!(parse_calendar(wrapped).unwrap().id, "cal-1");
    let calendar = parse_calendar(flat).unwrap();
    assert_eq!(calendar.name, "Rust Berlin");
    assert_eq!(calendar.timezone.as_deref(), Some("Europe/Berlin"));
    assert!(parse_calendar(r#"{"name":"no id"}"#).is_err());
}

#[test]
fn content_hash_changes_with_list_fields_only() {
    let event = parse_event_page(FLAT).unwrap().events.remove(0);
    let mut moved = event.clone();
    moved.start_at += Duration::hours(1);
    let mut described = event.clone();
    described.description_md = Some("new description".into());
    assert_ne!(event.content_hash(), moved.content_hash());
    assert_eq!(event.content_hash(), described.content_hash());
    assert_eq!(event.content_hash().len(), 64);
}

#[test]
fn iso_durations_as_lu_ma_writes_them() {
    assert_eq!(parse_iso_duration("PT2H"), Some(Duration::hours(2)));
    assert_eq!(
        parse_iso_duration("P0Y0M0DT2H0M0S"),
        Some(Duration::hours(2))
    );
    assert_eq!(parse_iso_duration("PT1H30M"), Some(Duration::minutes(90)));
    assert_eq!(parse_iso_duration("P1DT1H"), Some(Duration::hours(25)));
    assert_eq!(
        parse_iso_duration("P1M"),
        None,
        "months have no fixed length"
    );
    assert_eq!(parse_iso_duration("2 hours"), None);
    assert_eq!(parse_iso_duration("PT2"), None);
}

mod generated {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn text() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            Just(serde_json::Value::Null),
            ".{0,30}".prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,3})?(Z|[+-][0-9]{2}:[0-9]{2})"
                .prop_map(serde_json::Value::from),
            "P([0-9]{1,12}[WD])?(T[0-9]{1,14}[HMS])?".prop_map(serde_json::Value::from),
        ]
    }

    proptest! {
        #[test]
        fn any_entry_is_read_bounded_or_refused(
            id in text(), start in text(), end in text(), duration in text(),
            name in text(), timezone in text(), url in text(), tags in proptest::collection::vec(text(), 0..30),
            description in text(), legacy in any::<bool>(),
        ) {
            let entry = json!({
                "id": id, "start_at": start, "end_at": end, "duration_interval": duration,
                "name": name, "timezone": timezone, "url": url, "meeting_url": url,
                "tags": tags.into_iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
                "description_md": description,
            });
            let entry = if legacy { json!({"api_id": "evt-x", "event": entry}) } else { entry };
            let body = json!({"entries": [entry], "has_more": false}).to_string();
            if let Ok(page) = parse_event_page(&body) {
                for event in page.events {
                    prop_assert!(event.end_at >= event.start_at);
                    prop_assert!(event.end_at - event.start_at <= bounds::EVENT_MAX_LENGTH);
                    prop_assert!(event.title.chars().count() <= bounds::TITLE_MAX_CHARS);
                    prop_assert!(event.tags.len() <= bounds::TAGS_MAX);
                    prop_assert!(event.timezone.parse::<chrono_tz::Tz>().is_ok());
                }
            }
        }
    }

    proptest! {
        /// An organization's calendar list, whatever lu.ma sends: read bounded, or refused.
        #[test]
        fn any_calendar_list_is_read_bounded_or_refused(
            id in text(), name in text(), slug in text(), url in text(),
            description in text(), timezone in text(), nested in any::<bool>(),
            has_more in any::<bool>(), cursor in text(),
        ) {
            let calendar = json!({
                "id": id, "name": name, "slug": slug, "url": url,
                "description": description, "location": {"timezone": timezone},
            });
            let calendar = if nested { json!({"calendar": calendar}) } else { calendar };
            let body = json!({"entries": [calendar], "has_more": has_more, "next_cursor": cursor})
                .to_string();
            if let Ok(page) = parse_calendar_page(&body) {
                for calendar in page.calendars {
                    prop_assert!(!calendar.id.is_empty());
                    prop_assert!(calendar.name.chars().count() <= 120);
                    prop_assert!(calendar.slug.is_none_or(|slug| slug.chars().count() <= 64));
                    prop_assert!(calendar.description.is_none_or(|d| d.chars().count() <= 2_000));
                }
            }
        }
    }
}

#[test]
fn lu_mas_privacy_fields_are_respected() {
    let body = r#"{"entries":[
        {"id":"evt-1","start_at":"2026-12-01T18:00:00Z","visibility":"members-only","location_type":"offline","location_visibility":"guests-only",
         "geo_address_json":{"address":"Flat 3, 12 Secret Street","city":"Berlin","region":"Berlin","country":"Germany","full_address":"Flat 3, 12 Secret Street, 10115 Berlin"}},
        {"id":"evt-2","start_at":"2026-12-01T18:00:00Z","visibility":"private","meeting_url":"https://zoom.us/j/123?pwd=secret"},
        {"id":"evt-3","start_at":"2026-12-01T18:00:00Z","platform":"external","zoom_meeting_url":"https://zoom.us/j/456"}
    ]}"#;
    let events = parse_event_page(body).unwrap().events;
    assert_eq!(events[0].visibility, Visibility::MembersOnly);
    assert_eq!(
        events[0].location_text.as_deref(),
        Some("Berlin, Berlin, Germany")
    );
    assert!(events[0].address_hidden);
    assert_eq!(events[1].visibility, Visibility::Private);
    assert_eq!(events[1].location_type, LocationType::Online);
    assert_eq!(
        events[2].visibility,
        Visibility::Public,
        "cross-listed, no visibility"
    );
    assert!(events[2].cross_listed);
    assert!(!events[0].cross_listed);
    let all = format!("{events:?}");
    assert!(
        !all.contains("Secret Street") && !all.contains("zoom.us"),
        "{all}"
    );
}

#[test]
fn hostile_values_are_refused_or_bounded_without_panicking() {
    let body = r#"{"entries":[{"id":"evt-1","start_at":"1899-12-31T00:00:00Z","duration_interval":"P99999999999W"}]}"#;
    assert!(
        parse_event_page(body)
            .unwrap_err()
            .to_string()
            .contains("start_at")
    );
    let body = r#"{"entries":[{"id":"evt-1","start_at":"2026-12-01T00:00:00Z","duration_interval":"P99999999999W"}]}"#;
    assert_eq!(
        parse_event_page(body).unwrap().events[0].end_at,
        time("2026-12-01T01:00:00Z"),
        "an unreadable duration is the default hour"
    );
    let body = r#"{"entries":[{"id":"evt-1","start_at":"2026-12-01T00:00:00Z","duration_interval":"P400D"}]}"#;
    assert!(
        parse_event_page(body)
            .unwrap_err()
            .to_string()
            .contains("366 days")
    );
    let title = "T".repeat(10_000);
    let body = format!(
        r#"{{"entries":[{{"id":"evt-1","start_at":"2026-12-01T00:00:00Z","name":"{title}\nX","url":"https://a.example/\nb"}}]}}"#
    );
    let event = parse_event_page(&body).unwrap().events.remove(0);
    assert_eq!(event.title.chars().count(), bounds::TITLE_MAX_CHARS);
    assert!(event.title.ends_with('…'));
    assert_eq!(event.event_url, None, "a link with a line break is dropped");
}

#[test]
fn places_carry_the_city_and_only_a_public_venues_coordinates() {
    let body = r#"{"entries":[
        {"id":"evt-1","start_at":"2026-12-01T18:00:00Z","location_type":"offline",
         "geo_address_json":{"address":"Betahaus","city":"Berlin"},"coordinate":{"latitude":52.5017,"longitude":13.4115}},
        {"id":"evt-2","start_at":"2026-12-01T18:00:00Z","location_type":"offline","location_visibility":"guests-only",
         "geo_address_json":{"address":"Flat 3, 12 Secret Street","city":"Berlin"},"coordinate":{"latitude":52.53,"longitude":13.38}},
        {"id":"evt-3","start_at":"2026-12-01T18:00:00Z","location_type":"zoom",
         "geo_address_json":{"city":"Berlin"},"coordinate":{"latitude":52.53,"longitude":13.38}},
        {"id":"evt-4","start_at":"2026-12-01T18:00:00Z","location_type":"offline",
         "geo_address_json":{"city_state":"Lisboa, Portugal"},"coordinate":{"latitude":"nonsense","longitude":9}},
        {"id":"evt-5","start_at":"2026-12-01T18:00:00Z","location_type":"offline",
         "geo_address_json":null,"coordinate":{"latitude":0,"longitude":0}},
        {"id":"evt-6","start_at":"2026-12-01T18:00:00Z","coordinate":"somewhere","geo_latitude":[1]}
    ]}"#;
    let events = parse_event_page(body).unwrap().events;
    assert_eq!(events[0].city.as_deref(), Some("Berlin"));
    let point = events[0].coordinate.expect("a public venue's coordinate");
    assert_eq!(
        (point.latitude_e6, point.longitude_e6),
        (52_501_700, 13_411_500)
    );
    assert_eq!(
        events[1].city.as_deref(),
        Some("Berlin"),
        "the city is public"
    );
    assert_eq!(events[1].coordinate, None, "a guests-only venue is not");
    assert_eq!(
        (events[2].city.as_deref(), events[2].coordinate),
        (None, None),
        "online"
    );
    assert_eq!(events[3].city.as_deref(), Some("Lisboa"));
    assert_eq!(events[3].coordinate, None);
    assert_eq!(events[4].coordinate, None, "0, 0 is no place");
    assert_eq!(
        events[5].coordinate, None,
        "a coordinate of another shape is none"
    );
    let legacy = r#"{"entries":[{"event":{"api_id":"evt-6","start_at":"2026-12-01T18:00:00Z",
        "geo_address_json":{"address":"Old Street","city":"London"},"geo_latitude":"51.5255","geo_longitude":"-0.0705"}}]}"#;
    let events = parse_event_page(legacy).unwrap().events;
    assert_eq!(events[0].city.as_deref(), Some("London"));
    assert_eq!(events[0].coordinate.map(|p| p.longitude_e6), Some(-70_500));
}
