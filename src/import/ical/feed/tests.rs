//! Feeds as lu.ma and Google Calendar publish them, and broken ones.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{FeedError, FeedSettings, read_feed};
use crate::import::luma::model::{ImportedEvent, LocationType};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn settings(zone: Tz) -> FeedSettings {
    FeedSettings {
        display_timezone: zone,
        from: at("2026-11-01T00:00:00Z"),
        until: at("2027-01-01T00:00:00Z"),
    }
}

fn find<'a>(events: &'a [ImportedEvent], id: &str) -> &'a ImportedEvent {
    events
        .iter()
        .find(|event| event.external_id == id)
        .unwrap_or_else(|| panic!("no event {id} in {events:#?}"))
}

/// The shape of lu.ma's calendar feed: UTC times, TENTATIVE, the event page in the
/// description, an address or a URL as LOCATION, long lines folded at 75 octets.
const LUMA_FEED: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Luma//Calendar//EN\r
X-WR-CALNAME:Rust Berlin\r
BEGIN:VEVENT\r
UID:evt-AbC123@events.lu.ma\r
DTSTAMP:20261120T100000Z\r
DTSTART:20261126T180000Z\r
DTEND:20261126T210000Z\r
SUMMARY:Hack & Learn\\, with pizza\r
STATUS:TENTATIVE\r
LOCATION:Mindspace\\, Skalitzer Str. 104\\, Berlin\r
GEO:52.5;13.4\r
DESCRIPTION:Get up-to-date information at: https://luma.com/hack-learn\\n\\nBri\r
 ng a laptop and a project.\\nHosted by Rust Berlin\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:evt-Online9@events.lu.ma\r
DTSTAMP:20261120T100000Z\r
DTSTART:20261203T170000Z\r
DTEND:20261203T180000Z\r
SUMMARY:Embedded show-and-tell\r
STATUS:TENTATIVE\r
LOCATION:https://meet.example.org/embedded\r
DESCRIPTION:Get up-to-date information at: https://luma.com/embedded\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn a_luma_feed_maps_to_the_ids_and_fields_the_api_gives() {
    let events = read_feed(LUMA_FEED, &settings(chrono_tz::Europe::Berlin)).unwrap();
    assert_eq!(events.len(), 2);

    let hack = find(&events, "evt-AbC123");
    assert_eq!(hack.title, "Hack & Learn, with pizza", "escaped comma");
    assert_eq!(hack.start_at, at("2026-11-26T18:00:00Z"));
    assert_eq!(hack.end_at, at("2026-11-26T21:00:00Z"));
    assert_eq!(
        hack.timezone, "Europe/Berlin",
        "UTC times show in the organization's zone"
    );
    assert_eq!(
        hack.event_url.as_deref(),
        Some("https://luma.com/hack-learn")
    );
    assert_eq!(hack.location_type, LocationType::InPerson);
    assert_eq!(
        hack.location_text.as_deref(),
        Some("Mindspace, Skalitzer Str. 104, Berlin")
    );
    assert_eq!(hack.city.as_deref(), Some("Berlin"), "the place's city");
    assert_eq!(
        hack.coordinate
            .map(|point| (point.latitude_e6, point.longitude_e6)),
        Some((52_500_000, 13_400_000)),
        "GEO, latitude first"
    );
    assert_eq!(
        hack.description_md.as_deref(),
        Some("Bring a laptop and a project.\nHosted by Rust Berlin"),
        "a folded line rejoined, the link line taken out"
    );

    let online = find(&events, "evt-Online9");
    assert_eq!(online.location_type, LocationType::Online);
    assert_eq!((online.city.as_deref(), online.coordinate), (None, None));
    assert!(
        !format!("{online:?}").contains("meet.example.org"),
        "the join link is not kept"
    );
    assert_eq!(online.location_text, None);
    assert_eq!(online.description_md, None);
}

/// The shape of a Google Calendar feed: X-WR-TIMEZONE, TZID times with their VTIMEZONE, a
/// weekly RRULE with one occurrence cancelled and one moved, an all-day event, a DURATION.
const GOOGLE_FEED: &str = "BEGIN:VCALENDAR\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
X-WR-CALNAME:Rust London\r
X-WR-TIMEZONE:Europe/London\r
BEGIN:VTIMEZONE\r
TZID:Europe/London\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0000\r
TZNAME:GMT\r
DTSTART:19701025T020000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0000\r
TZOFFSETTO:+0100\r
TZNAME:BST\r
DTSTART:19700329T010000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:20261104T183000\r
DTEND;TZID=Europe/London:20261104T200000\r
RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=6\r
DTSTAMP:20261101T090000Z\r
UID:weekly-meeting@google.com\r
SUMMARY:Weekly meeting\r
LOCATION:The Pub\\, 1 High St\\, London\r
URL:https://example.org/weekly\r
STATUS:CONFIRMED\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:20261118T183000\r
DTEND;TZID=Europe/London:20261118T200000\r
RECURRENCE-ID;TZID=Europe/London:20261118T183000\r
DTSTAMP:20261101T090000Z\r
UID:weekly-meeting@google.com\r
SUMMARY:Weekly meeting\r
STATUS:CANCELLED\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;TZID=Europe/London:20261126T190000\r
DTEND;TZID=Europe/London:20261126T203000\r
RECURRENCE-ID;TZID=Europe/London:20261125T183000\r
DTSTAMP:20261101T090000Z\r
UID:weekly-meeting@google.com\r
SUMMARY:Weekly meeting (moved to Thursday)\r
LOCATION:The Pub\\, 1 High St\\, London\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20261212\r
DTEND;VALUE=DATE:20261213\r
DTSTAMP:20261101T090000Z\r
UID:conf-day@google.com\r
SUMMARY:RustConf watch party\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;TZID=America/New_York:20261201T090000\r
DURATION:PT1H30M\r
DTSTAMP:20261101T090000Z\r
UID:call@google.com\r
SUMMARY:Call with NYC\r
END:VEVENT\r
END:VCALENDAR\r
";

#[test]
fn a_google_feed_expands_its_weekly_meeting_with_the_exceptions() {
    let events = read_feed(GOOGLE_FEED, &settings(chrono_tz::Europe::Berlin)).unwrap();
    let mut weekly: Vec<&ImportedEvent> = events
        .iter()
        .filter(|event| event.external_id.starts_with("weekly-meeting@google.com/"))
        .collect();
    weekly.sort_by_key(|event| event.start_at);
    let starts: Vec<String> = weekly.iter().map(|e| e.start_at.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            "2026-11-04T18:30:00+00:00",
            "2026-11-11T18:30:00+00:00",
            // 18 Nov cancelled; 25 Nov moved to Thursday 19:00.
            "2026-11-26T19:00:00+00:00",
            "2026-12-02T18:30:00+00:00",
            "2026-12-09T18:30:00+00:00",
        ]
    );
    let moved = weekly[2];
    assert_eq!(
        moved.external_id, "weekly-meeting@google.com/20261125T183000Z",
        "a moved occurrence keeps the id of the date it replaces"
    );
    assert_eq!(moved.title, "Weekly meeting (moved to Thursday)");
    assert_eq!(moved.end_at - moved.start_at, chrono::Duration::minutes(90));
    assert!(weekly.iter().all(|e| e.timezone == "Europe/London"));
    assert_eq!(
        weekly[0].event_url.as_deref(),
        Some("https://example.org/weekly")
    );
    assert_eq!(
        weekly[0].location_text.as_deref(),
        Some("The Pub, 1 High St, London")
    );
}

#[test]
fn all_day_events_and_durations_take_the_calendars_zone_and_length() {
    let events = read_feed(GOOGLE_FEED, &settings(chrono_tz::Europe::Berlin)).unwrap();
    let party = find(&events, "conf-day@google.com");
    assert_eq!(
        party.start_at,
        Utc.with_ymd_and_hms(2026, 12, 12, 0, 0, 0).unwrap(),
        "midnight in the calendar's zone (London, GMT in December)"
    );
    assert_eq!(party.end_at - party.start_at, chrono::Duration::days(1));
    assert_eq!(party.timezone, "Europe/London");
    assert!(party.all_day, "given as a date");

    let call = find(&events, "call@google.com");
    assert_eq!(call.start_at, at("2026-12-01T14:00:00Z"));
    assert_eq!(call.end_at, at("2026-12-01T15:30:00Z"));
    assert_eq!(call.timezone, "America/New_York");
    assert!(!call.all_day);
    assert_eq!(call.location_type, LocationType::Unknown);
}

#[test]
fn a_recurring_event_expands_only_inside_the_window() {
    let narrow = FeedSettings {
        display_timezone: chrono_tz::UTC,
        from: at("2026-11-10T00:00:00Z"),
        until: at("2026-11-20T00:00:00Z"),
    };
    let events = read_feed(GOOGLE_FEED, &narrow).unwrap();
    let weekly: Vec<_> = events
        .iter()
        .filter(|event| event.external_id.starts_with("weekly-meeting"))
        .map(|event| event.external_id.as_str())
        .collect();
    // 11 Nov only: 4 Nov ended before the window, 18 Nov is cancelled, 25 Nov is after it.
    assert_eq!(weekly, ["weekly-meeting@google.com/20261111T183000Z"]);
}

#[test]
fn a_cancelled_event_is_left_out() {
    let feed = LUMA_FEED.replace(
        "STATUS:TENTATIVE\r\nLOCATION:https",
        "STATUS:CANCELLED\r\nLOCATION:https",
    );
    let events = read_feed(&feed, &settings(chrono_tz::UTC)).unwrap();
    let ids: Vec<_> = events.iter().map(|e| e.external_id.as_str()).collect();
    assert_eq!(ids, ["evt-AbC123"]);
}

#[test]
fn broken_feeds_say_what_is_wrong() {
    let s = settings(chrono_tz::UTC);
    assert!(matches!(
        read_feed("<html>Not found</html>", &s),
        Err(FeedError::NotICalendar(_))
    ));
    let no_start = LUMA_FEED.replace("DTSTART:20261126T180000Z\r\n", "");
    assert_eq!(
        read_feed(&no_start, &s),
        Err(FeedError::Event {
            uid: "evt-AbC123".into(),
            problem: "it has no DTSTART".into()
        })
    );
    let backwards = LUMA_FEED.replace("DTEND:20261126T210000Z", "DTEND:20261126T100000Z");
    assert!(matches!(
        read_feed(&backwards, &s),
        Err(FeedError::Event { problem, .. }) if problem == "it ends before it starts"
    ));
    let no_uid = LUMA_FEED.replace("UID:evt-AbC123@events.lu.ma\r\n", "");
    assert!(matches!(
        read_feed(&no_uid, &s),
        Err(FeedError::Event { problem, .. }) if problem == "it has no UID"
    ));
    let bad_rule = GOOGLE_FEED.replace("FREQ=WEEKLY;BYDAY=WE;COUNT=6", "FREQ=SOMETIMES");
    assert!(matches!(
        read_feed(&bad_rule, &s),
        Err(FeedError::Event { problem, .. }) if problem.starts_with("its RRULE cannot be expanded")
    ));
}

// ---- hostile and unusual feeds: every bound, no panic ----

fn one_event(lines: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:hostile@example.org\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn problem_of(result: Result<Vec<ImportedEvent>, FeedError>) -> String {
    match result {
        Err(FeedError::Event { problem, .. }) => problem,
        other => panic!("expected the event to be refused, got {other:?}"),
    }
}

#[test]
fn deep_nesting_is_refused_before_the_parser_recurses() {
    let depth = 300_000;
    let feed = format!(
        "BEGIN:VCALENDAR\r\n{}{}END:VCALENDAR\r\n",
        "BEGIN:VEVENT\r\n".repeat(depth),
        "END:VEVENT\r\n".repeat(depth)
    );
    let err = read_feed(&feed, &settings(chrono_tz::UTC)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the feed nests components 300001 levels deep; at most 16 are read"
    );
}

#[test]
fn sub_hourly_repeats_are_refused_and_ancient_hourly_ones_start_near_the_window() {
    let secondly = one_event("DTSTART:19900101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n");
    assert_eq!(
        problem_of(read_feed(&secondly, &settings(chrono_tz::UTC))),
        "it repeats every second; events that repeat at most hourly are read"
    );
    let minutely = one_event("DTSTART:19900101T000000Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=5\r\n");
    assert!(problem_of(read_feed(&minutely, &settings(chrono_tz::UTC))).contains("every minute"));

    // 37 years of hours before the window: walked from 1990 that is over 300,000 steps (more
    // than the budget allows), so this succeeds only because the start moves forward first.
    let hourly = one_event("DTSTART:19900101T003000Z\r\nDURATION:PT30M\r\nRRULE:FREQ=HOURLY\r\n");
    let events = read_feed(&hourly, &settings(chrono_tz::UTC)).unwrap();
    assert_eq!(events.len(), super::MAX_OCCURRENCES_PER_SERIES);
    assert_eq!(
        events[0].start_at,
        at("2026-10-31T23:30:00Z"),
        "still going at the window's start"
    );
    assert!(
        events
            .iter()
            .all(|e| e.start_at.format("%M").to_string() == "30")
    );

    let counted = one_event("DTSTART:19900101T000000Z\r\nRRULE:FREQ=HOURLY;COUNT=4000000\r\n");
    assert_eq!(
        problem_of(read_feed(&counted, &settings(chrono_tz::UTC))),
        "it repeats more than 100000 times before the import window"
    );
}

#[test]
fn a_daily_series_from_long_ago_keeps_its_wall_clock_time_across_daylight_saving() {
    let daily = one_event(
        "DTSTART;TZID=Europe/Berlin:19500105T180000\r\nDTEND;TZID=Europe/Berlin:19500105T190000\r\nRRULE:FREQ=DAILY\r\n",
    );
    let events = read_feed(&daily, &settings(chrono_tz::UTC)).unwrap();
    assert_eq!(events.len(), 61, "every day of November and December");
    let local: Vec<String> = events
        .iter()
        .map(|e| {
            e.start_at
                .with_timezone(&chrono_tz::Europe::Berlin)
                .format("%H:%M")
                .to_string()
        })
        .collect();
    assert!(local.iter().all(|time| time == "18:00"), "{local:?}");
    assert_eq!(
        events[0].external_id,
        "hostile@example.org/20261101T170000Z"
    );
}

#[test]
fn impossible_times_and_lengths_refuse_the_event_without_panicking() {
    let forever = one_event("DTSTART:99991231T230000Z\r\nDURATION:PT2H\r\n");
    assert!(
        problem_of(read_feed(&forever, &settings(chrono_tz::UTC))).contains("outside the years"),
    );
    let overflow = one_event("DTSTART:20261201T000000Z\r\nDURATION:P99999999999W\r\n");
    assert!(problem_of(read_feed(&overflow, &settings(chrono_tz::UTC))).contains("DURATION"));
    let long = one_event("DTSTART:20261201T000000Z\r\nDURATION:P1000D\r\n");
    assert_eq!(
        problem_of(read_feed(&long, &settings(chrono_tz::UTC))),
        "it lasts longer than 366 days"
    );
    let past_first = one_event("DTSTART:18991231T230000Z\r\nDTEND:19000101T010000Z\r\n");
    assert!(problem_of(read_feed(&past_first, &settings(chrono_tz::UTC))).contains("DTSTART"));
}

#[test]
fn a_huge_description_on_a_repeating_event_is_stored_once_cut_not_copied_in_full() {
    let description = "A".repeat(4_500_000);
    let feed = one_event(&format!(
        "DTSTART:20261101T000000Z\r\nRRULE:FREQ=HOURLY\r\nDESCRIPTION:{description}\r\n"
    ));
    let events = read_feed(&feed, &settings(chrono_tz::UTC)).unwrap();
    assert_eq!(events.len(), super::MAX_OCCURRENCES_PER_SERIES);
    let kept = events[0].description_md.as_deref().unwrap();
    assert_eq!(
        kept.chars().count(),
        crate::rules::bounds::DESCRIPTION_MAX_CHARS
    );
    assert!(kept.ends_with('…'));
    let first = events[0].description_md.clone().unwrap();
    assert!(
        events.iter().all(|e| e
            .description_md
            .as_ref()
            .is_some_and(|text| std::sync::Arc::ptr_eq(text, &first))),
        "every occurrence shares one copy in memory"
    );
}

#[test]
fn a_repeated_uid_is_read_once_the_highest_sequence_or_else_the_last_winning() {
    let copy = |title: &str, sequence: u32| {
        format!(
            "BEGIN:VEVENT\r\nUID:twice@example.org\r\nSEQUENCE:{sequence}\r\nDTSTART:20261201T180000Z\r\nSUMMARY:{title}\r\nEND:VEVENT\r\n"
        )
    };
    let feed = |copies: &[String]| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}END:VCALENDAR\r\n",
            copies.concat()
        )
    };
    let events = read_feed(
        &feed(&[copy("First", 0), copy("Second", 0)]),
        &settings(chrono_tz::UTC),
    )
    .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].title, "Second", "of equals, the later copy");
    let events = read_feed(
        &feed(&[copy("Revised", 3), copy("Stale", 1)]),
        &settings(chrono_tz::UTC),
    )
    .unwrap();
    assert_eq!(events[0].title, "Revised", "the higher SEQUENCE");
}

#[test]
fn control_characters_and_injected_lines_never_reach_a_field() {
    let feed = one_event(
        "DTSTART:20261201T180000Z\r\nSUMMARY:Talk\\nBEGIN:VALARM\u{7}\r\nLOCATION:Room 1\\r\\nX\r\nURL:https://example.org/a b\r\n",
    );
    let events = read_feed(&feed, &settings(chrono_tz::UTC)).unwrap();
    assert_eq!(events[0].title, "Talk BEGIN:VALARM");
    assert_eq!(events[0].location_text.as_deref(), Some("Room 1\\r X"));
    assert_eq!(events[0].event_url, None, "a URL with a space is dropped");
}

#[test]
fn outlook_zone_names_are_read_as_their_iana_zones() {
    let feed = one_event(
        "DTSTART;TZID=W. Europe Standard Time:20261209T171500\r\nDTEND;TZID=W. Europe Standard Time:20261209T181500\r\n",
    );
    let events = read_feed(&feed, &settings(chrono_tz::Asia::Kolkata)).unwrap();
    assert_eq!(
        events[0].start_at,
        at("2026-12-09T16:15:00Z"),
        "17:15 in Berlin"
    );
    assert_eq!(events[0].timezone, "Europe/Berlin");
}

mod generated {
    use proptest::prelude::*;

    use super::*;

    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("BEGIN:VEVENT".to_owned()),
            Just("END:VEVENT".to_owned()),
            Just("BEGIN:VALARM".to_owned()),
            Just("END:VALARM".to_owned()),
            "UID:[a-c]{1,2}",
            "SEQUENCE:[0-9]{1,3}",
            "DTSTART(;TZID=(Europe/Berlin|W\\. Europe Standard Time|Nowhere))?:[0-9]{8}(T[0-9]{6}Z?)?",
            "DTEND:[0-9]{8}T[0-9]{6}Z",
            "DURATION:P[0-9]{1,12}[WD](T[0-9]{1,5}H)?",
            "RRULE:FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;COUNT=[0-9]{1,7})?(;INTERVAL=[0-9]{1,3})?",
            "RECURRENCE-ID:[0-9]{8}T[0-9]{6}Z",
            "EXDATE:[0-9]{8}T[0-9]{6}Z",
            "STATUS:(CANCELLED|CONFIRMED)",
            "SUMMARY:.{0,40}",
            "LOCATION:.{0,40}",
            "URL:.{0,40}",
            "DESCRIPTION:.{0,80}",
            " .{0,20}",
            ".{0,30}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { max_shrink_iters: 200, ..ProptestConfig::default() })]
        #[test]
        fn any_feed_is_read_or_refused_never_more_than_the_bounds(
            lines in proptest::collection::vec(line(), 0..40)
        ) {
            let text = format!("BEGIN:VCALENDAR\r\n{}\r\nEND:VCALENDAR\r\n", lines.join("\r\n"));
            if let Ok(events) = read_feed(&text, &settings(chrono_tz::UTC)) {
                prop_assert!(events.len() <= super::super::MAX_EVENTS_PER_FEED);
                let mut ids = std::collections::HashSet::new();
                for event in &events {
                    prop_assert!(event.end_at >= event.start_at);
                    prop_assert!(!event.title.chars().any(char::is_control));
                    prop_assert!(event.title.chars().count() <= crate::rules::bounds::TITLE_MAX_CHARS);
                    prop_assert!(ids.insert(event.external_id.clone()), "ids are unique");
                }
            }
        }
    }
}

#[test]
fn an_outlook_series_in_a_windows_zone_repeats_at_its_wall_clock_time_with_exceptions() {
    let feed = one_event(
        "DTSTART;TZID=W. Europe Standard Time:20261021T171500\r\nDTEND;TZID=W. Europe Standard Time:20261021T181500\r\nRRULE:FREQ=WEEKLY;BYDAY=WE\r\nEXDATE;TZID=W. Europe Standard Time:20261111T171500\r\n",
    );
    let events = read_feed(&feed, &settings(chrono_tz::UTC)).unwrap();
    let starts: Vec<String> = events
        .iter()
        .map(|e| e.start_at.format("%d %H:%M").to_string())
        .collect();
    // Berlin is UTC+1 all of November and December; 11 Nov is excluded.
    assert_eq!(starts[..3], ["04 16:15", "18 16:15", "25 16:15"]);
    assert!(events.iter().all(|e| e.timezone == "Europe/Berlin"));
}

#[test]
fn a_zone_only_the_feed_defines_is_read_from_its_vtimezone() {
    let feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:custom\r\nDTSTART;TZID=Customized Time Zone:20261209T171500\r\nDTEND;TZID=Customized Time Zone:20261209T181500\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:weekly\r\nDTSTART;TZID=Customized Time Zone:20261202T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let events = read_feed(feed, &settings(chrono_tz::Europe::Berlin)).unwrap();
    let custom = find(&events, "custom");
    assert_eq!(custom.start_at, at("2026-12-09T16:15:00Z"));
    assert_eq!(custom.end_at, at("2026-12-09T17:15:00Z"));
    assert_eq!(
        custom.timezone, "Europe/Berlin",
        "shown in the calendar's zone"
    );
    assert_eq!(
        find(&events, "weekly/20261209T080000Z").start_at,
        at("2026-12-09T08:00:00Z")
    );
}

#[test]
fn private_and_confidential_feed_events_are_read_as_private() {
    use crate::rules::visibility::Visibility;
    let feed = |class: &str| one_event(&format!("DTSTART:20261201T180000Z\r\nCLASS:{class}\r\n"));
    for (class, visibility) in [
        ("PRIVATE", Visibility::Private),
        ("CONFIDENTIAL", Visibility::Private),
        ("PUBLIC", Visibility::Public),
        ("X-SOMETHING", Visibility::Public),
    ] {
        let events = read_feed(&feed(class), &settings(chrono_tz::UTC)).unwrap();
        assert_eq!(events[0].visibility, visibility, "{class}");
    }
}

#[test]
fn an_all_day_series_in_a_calendar_named_by_its_windows_zone_expands() {
    let feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:W. Europe Standard Time\r\nBEGIN:VEVENT\r\nUID:cleanup\r\nDTSTART;VALUE=DATE:20261202\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let events = read_feed(feed, &settings(chrono_tz::UTC)).unwrap();
    let starts: Vec<DateTime<Utc>> = events.iter().map(|e| e.start_at).collect();
    assert_eq!(
        starts,
        [
            at("2026-12-01T23:00:00Z"),
            at("2026-12-08T23:00:00Z"),
            at("2026-12-15T23:00:00Z")
        ],
        "midnight in Berlin"
    );
    assert!(
        events
            .iter()
            .all(|e| e.all_day && e.timezone == "Europe/Berlin")
    );
}

#[test]
fn categories_become_tags_once_each_and_bounded() {
    let many: Vec<String> = (0..100).map(|n| format!("T{n}")).collect();
    let feed = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:cats@example.org\r\n\
         DTSTART:20261203T180000Z\r\nDTEND:20261203T200000Z\r\nSUMMARY:Meetup\r\n\
         CATEGORIES:Rust,Web Dev,Food\\, drinks\r\nCATEGORIES:rust,Meetup\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:many@example.org\r\nDTSTART:20261204T180000Z\r\n\
         DTEND:20261204T200000Z\r\nSUMMARY:Many\r\nCATEGORIES:{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        many.join(",")
    );
    let events = read_feed(&feed, &settings(chrono_tz::Europe::Berlin)).unwrap();
    let tags = &find(&events, "cats@example.org").tags;
    assert_eq!(tags, &["Rust", "Web Dev", "Food, drinks", "rust", "Meetup"]);
    let topics: Vec<String> =
        crate::import::topics::of_tags(&serde_json::Value::from(tags.clone()).to_string())
            .into_iter()
            .map(|topic| topic.slug)
            .collect();
    assert_eq!(
        topics,
        ["rust", "web-dev", "food-drinks", "meetup"],
        "rust and Rust meet"
    );
    assert_eq!(
        find(&events, "many@example.org").tags.len(),
        crate::rules::bounds::TAGS_MAX
    );
}
