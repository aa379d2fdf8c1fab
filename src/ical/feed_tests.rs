//! Feeds as lu.ma and Google Calendar publish them, and broken ones.

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{FeedError, FeedSettings, read_feed};
use crate::luma::model::{ImportedEvent, LocationType};

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
    assert_eq!(
        hack.description_md.as_deref(),
        Some("Bring a laptop and a project.\nHosted by Rust Berlin"),
        "a folded line rejoined, the link line taken out"
    );

    let online = find(&events, "evt-Online9");
    assert_eq!(online.location_type, LocationType::Online);
    assert_eq!(
        online.meeting_url.as_deref(),
        Some("https://meet.example.org/embedded")
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

    let call = find(&events, "call@google.com");
    assert_eq!(call.start_at, at("2026-12-01T14:00:00Z"));
    assert_eq!(call.end_at, at("2026-12-01T15:30:00Z"));
    assert_eq!(call.timezone, "America/New_York");
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
