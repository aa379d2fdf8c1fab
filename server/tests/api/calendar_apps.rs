//! Feeds as calendar apps write them, read right everywhere: an all-day event and an event in
//! an Outlook/Exchange zone (`W. Europe Standard Time`) appear on the events list, the
//! dashboard and the feed we export at the right day and instant.

use app::dashboard::{Dashboard, GetDashboard};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use convene::import::ical::fetch::FeedClientConfig;
use convene::import::luma::client::{ClientConfig, LumaClient};
use convene::import::sync::{Importer, SyncOutcome, SyncTrigger};
use leptos::server_fn::ServerFn;

use crate::helpers::{Feeds, connect_to_feed, feed_server, spawn_app};

/// What Outlook publishes: Windows zone names with their VTIMEZONE, and all-day events as dates.
fn outlook_feed(talk_day: NaiveDate, holiday: NaiveDate) -> String {
    let date = |day: NaiveDate| day.format("%Y%m%d").to_string();
    format!(
        "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E008-talk\r
DTSTART;TZID=W. Europe Standard Time:{talk}T171500\r
DTEND;TZID=W. Europe Standard Time:{talk}T183000\r
SUMMARY:Outlook talk\r
LOCATION:Room 4\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:040000008200E00074C5B7101A82E008-holiday\r
DTSTART;VALUE=DATE:{holiday}\r
DTEND;VALUE=DATE:{after}\r
SUMMARY:Hack day\r
END:VEVENT\r
END:VCALENDAR\r
",
        talk = date(talk_day),
        holiday = date(holiday),
        after = date(holiday.succ_opt().unwrap()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn all_day_and_outlook_zone_events_show_at_the_right_day_and_instant() {
    let app = spawn_app().await;
    let today = Utc::now().with_timezone(&Berlin).date_naive();
    let talk_day = today + Duration::days(4);
    let holiday = today + Duration::days(5);
    let feeds: Feeds = Default::default();
    feeds.lock().unwrap().insert(
        "outlook".into(),
        outlook_feed(talk_day, holiday).into_bytes(),
    );
    let base = feed_server(feeds).await;

    let db = convene::store::connect(&app.database_url).await.unwrap();
    let org = convene::store::organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let key = convene::secrets::SecretKey::generate();
    // The organization's zone differs on purpose: the feed's own zones must win.
    connect_to_feed(
        &db,
        org.id,
        &format!("{base}/outlook"),
        "America/New_York",
        &key,
    )
    .await;
    let importer = Importer::new(
        db.clone(),
        LumaClient::new(ClientConfig::new("http://127.0.0.1:9/".parse().unwrap())).unwrap(),
        key,
    )
    .with_feeds(FeedClientConfig {
        allow_private: true,
        ..FeedClientConfig::default()
    });
    let report = importer
        .run_org_sync(org.id, SyncTrigger::Cli, Utc::now())
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);

    let talk_start = Berlin
        .with_ymd_and_hms(talk_day.year(), talk_day.month(), talk_day.day(), 17, 15, 0)
        .unwrap();
    let abbreviation = talk_start.format("%Z").to_string();
    let talk_when = format!(
        "{}, 17:15 {abbreviation} – 18:30",
        talk_day.format("%a %-d %b")
    );
    let holiday_when = format!("{}, all day", holiday.format("%a %-d %b"));

    // The events list.
    let (status, list) = app.get_html("/orgs/rust-berlin/events?view=list").await;
    assert_eq!(status, 200);
    assert!(list.contains(&talk_when), "{talk_when} in:\n{list}");
    assert!(list.contains(&holiday_when), "{holiday_when} in:\n{list}");
    assert!(!list.contains("00:00"), "no midnight for the all-day event");

    // The dashboard's data.
    let filters = serde_json::json!({ "filters": {
        "orgs": ["rust-berlin"], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    }});
    let dashboard: Dashboard = app
        .call_json(GetDashboard::PATH, &filters, None)
        .await
        .json()
        .await
        .unwrap();
    let card = |title: &str| {
        dashboard
            .events
            .iter()
            .find(|event| event.title == title)
            .unwrap_or_else(|| panic!("{title} on the dashboard: {:#?}", dashboard.events))
    };
    let talk = card("Outlook talk");
    assert_eq!(talk.when, talk_when);
    assert_eq!(talk.timezone, "Europe/Berlin");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&talk.start_utc).unwrap(),
        talk_start
    );
    let hack_day = card("Hack day");
    assert!(hack_day.all_day);
    assert_eq!(hack_day.when, holiday_when);
    assert!(
        hack_day.google_calendar_url.contains(&format!(
            "dates={}%2F{}",
            holiday.format("%Y%m%d"),
            holiday.succ_opt().unwrap().format("%Y%m%d")
        )),
        "{}",
        hack_day.google_calendar_url
    );

    // The feed we export.
    let exported = app
        .get("/orgs/rust-berlin/events.ics")
        .await
        .text()
        .await
        .unwrap();
    let utc_start = talk_start.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ");
    assert!(
        exported.contains(&format!("DTSTART:{utc_start}\r\n")),
        "{exported}"
    );
    assert!(
        exported.contains(&format!(
            "DTSTART;VALUE=DATE:{}\r\n",
            holiday.format("%Y%m%d")
        )),
        "{exported}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_feed_only_organization_counts_as_connected_everywhere() {
    let app = spawn_app().await;
    let today = Utc::now().with_timezone(&Berlin).date_naive();
    let feeds: Feeds = Default::default();
    feeds.lock().unwrap().insert(
        "outlook".into(),
        outlook_feed(today + Duration::days(4), today + Duration::days(5)).into_bytes(),
    );
    let base = feed_server(feeds).await;
    let db = convene::store::connect(&app.database_url).await.unwrap();
    let org = convene::store::organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let key = convene::secrets::SecretKey::generate();
    connect_to_feed(
        &db,
        org.id,
        &format!("{base}/outlook"),
        "Europe/Berlin",
        &key,
    )
    .await;

    // The directory links its events; the dashboard does not call it unconnected.
    let (_, directory) = app.get_html("/orgs").await;
    assert!(
        directory.contains(r#"href="/orgs/rust-berlin/events""#),
        "{directory}"
    );
    let filters = serde_json::json!({ "filters": {
        "orgs": ["rust-berlin"], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    }});
    let dashboard: Dashboard = app
        .call_json(GetDashboard::PATH, &filters, None)
        .await
        .json()
        .await
        .unwrap();
    let berlin = dashboard
        .organizations
        .iter()
        .find(|org| org.slug == "rust-berlin")
        .unwrap();
    assert!(berlin.shows_events);
    // Its events page opens on the list: there is no lu.ma embed to show.
    let (status, page) = app.get_html("/orgs/rust-berlin/events").await;
    assert_eq!(status, 200);
    assert!(!page.contains("lu.ma/embed"), "{page}");
    assert!(!page.contains("needs the calendar's id"), "{page}");
    assert!(
        !page.contains("has not connected a lu.ma calendar"),
        "{page}"
    );
}
