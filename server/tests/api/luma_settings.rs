//! The lu.ma settings panel and the events page, through the real server and a fake lu.ma.

use std::time::Duration;

use app::integration::{
    GetLumaSettings, GetSyncStatus, IntegrationSettings, SaveLumaSettings, StartLumaSync,
    SyncStart, SyncStatusView,
};
use convene::access::Role;
use convene::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use convene_types::{SyncOutcome, SyncTrigger};
use leptos::server_fn::ServerFn;

use crate::helpers::{Seed, TestApp, audit_line, captured_logs, person_in, spawn_app_adjusted};

const PASSWORD: &str = "correct horse battery";
const KEY: &str = "sk-settings-test-7f3a";
/// The audit line of a saved key, field by field: the command line's `org luma` writes the same
/// (`operator_cli.rs`).
pub const SETTINGS_SAVED_FIELDS: [&str; 5] =
    ["by", "org", "calendar_id", "key_replaced", "key_ends_in"];

/// Signs up `email` with `role` in rust-berlin; returns their session cookie.
async fn person(app: &TestApp, email: &str, role: Option<Role>) -> String {
    person_in(app, "rust-berlin", email, role).await
}

async fn status_of(app: &TestApp, path: &str, cookie: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Event `n` starts `n + 1` days from now at 18:00 UTC: upcoming whenever the suite runs.
fn upcoming_event(n: u32) -> serde_json::Value {
    sample_event(chrono::Utc::now(), n, "cal-berlinTest")
}

fn event_start(n: u32) -> chrono::DateTime<chrono::Utc> {
    upcoming_event(n)["start_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn fake_calendar() -> FakeLuma {
    let calendar = FakeCalendar {
        id: "cal-berlinTest".into(),
        name: "Rust Berlin on lu.ma".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..120).map(upcoming_event).collect(),
        legacy_shape: false,
    };
    FakeLuma::start(0, vec![(KEY.into(), calendar)])
        .await
        .unwrap()
}

#[tokio::test]
async fn the_settings_page_is_for_org_admins_only() {
    let app = spawn_app_adjusted(Seed::Organizations, |_| {}).await;
    let admin = person(&app, "admin@example.org", Some(Role::Admin)).await;
    let member = person(&app, "member@example.org", Some(Role::Member)).await;

    let (status, html) = status_of(&app, "/orgs/rust-berlin/settings", &admin).await;
    assert_eq!(status, 200);
    assert!(html.contains("lu.ma settings") && html.contains("name=\"api_key\""));
    let (status, html) = status_of(&app, "/orgs/rust-berlin/settings", &member).await;
    assert_eq!(status, 403);
    assert!(!html.contains("name=\"api_key\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_saves_a_key_syncs_and_the_events_page_shows_the_events() {
    let fake = fake_calendar().await;
    let base = fake.base_url();
    let app = spawn_app_adjusted(Seed::Organizations, |settings| {
        settings.luma_api_base = base;
    })
    .await;
    let admin = person(&app, "admin@example.org", Some(Role::Admin)).await;

    let response = app
        .call(
            SaveLumaSettings::PATH,
            &[
                ("slug", "rust-berlin"),
                ("calendar_url", ""),
                ("api_key", KEY),
            ],
            Some(&admin),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());

    let response = app
        .call(
            StartLumaSync::PATH,
            &[("slug", "rust-berlin")],
            Some(&admin),
        )
        .await;
    let started: SyncStart = response.json().await.unwrap();
    assert_eq!(started, SyncStart::Started);

    // The panel polls the cheap status until the run is done.
    let mut status: Option<SyncStatusView> = None;
    for _ in 0..100 {
        let response = app
            .call(
                GetSyncStatus::PATH,
                &[("slug", "rust-berlin")],
                Some(&admin),
            )
            .await;
        let current: SyncStatusView = response.json().await.unwrap();
        if !current.running && !current.runs.is_empty() {
            status = Some(current);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = status.expect("the sync finished");
    let (fields, by) = audit_line(
        &captured_logs().text(),
        "lu.ma settings saved",
        "rust-berlin",
        "cal-berlinTest",
    );
    assert_eq!(fields, SETTINGS_SAVED_FIELDS);
    assert!(by.starts_with("user:"), "{by}");
    let response = app
        .call(
            GetLumaSettings::PATH,
            &[("slug", "rust-berlin")],
            Some(&admin),
        )
        .await;
    let body = response.text().await.unwrap();
    assert!(!body.contains(KEY), "the key never goes back to a browser");
    let settings: IntegrationSettings = serde_json::from_str(&body).unwrap();
    assert!(
        settings.connection.contains("cal-berlinTest"),
        "{}",
        settings.connection
    );
    assert_eq!(settings.key_last_four.as_deref(), Some("7f3a"));
    assert_eq!(status.events_stored, 120);
    assert_eq!(settings.status.events_stored, 120);
    let run = &status.runs[0];
    assert_eq!(
        (run.outcome, run.trigger, run.failure),
        (SyncOutcome::Ok, SyncTrigger::Manual, None)
    );
    assert_eq!((run.created, run.pages), (120, 3));

    let (status, embed) = status_of(&app, "/orgs/rust-berlin/events", &admin).await;
    assert_eq!(status, 200);
    assert!(
        embed.contains("https://lu.ma/embed/calendar/cal-berlinTest/events?lt=light"),
        "the embed is built from the calendar id"
    );
    let (status, list) = status_of(&app, "/orgs/rust-berlin/events?view=list", &admin).await;
    assert_eq!(status, 200);
    assert!(list.contains("Meetup 1<"), "imported events are listed");
    assert!(list.contains("data-luma-event-id=\"evt-0001\""));
    // In Berlin's own time and zone abbreviation (CET or CEST, whichever that date has).
    let berlin = convene::timefmt::zone("Europe/Berlin");
    let label = convene::timefmt::event_time(event_start(1), berlin);
    assert!(
        list.contains(&label),
        "{label} missing: local time with its zone"
    );

    let (_, directory) = status_of(&app, "/orgs", &admin).await;
    assert!(
        directory.contains("href=\"/orgs/rust-berlin/events\""),
        "the directory points at connected calendars"
    );

    assert!(
        !captured_logs().text().contains(KEY),
        "the key never reaches the log"
    );
}

#[tokio::test]
async fn an_unconfigured_organization_gets_a_friendly_events_page() {
    let app = spawn_app_adjusted(Seed::Organizations, |_| {}).await;
    let admin = person(&app, "admin@example.org", Some(Role::Admin)).await;
    let visitor = app
        .sign_up("visitor@example.org", "Visitor", PASSWORD)
        .await;

    let (status, html) = status_of(&app, "/orgs/rust-berlin/events", &visitor).await;
    assert_eq!(status, 200);
    assert!(html.contains("has not connected a lu.ma calendar yet"));
    assert!(
        !html.contains("/orgs/rust-berlin/settings"),
        "only admins get the settings link"
    );
    let (_, html) = status_of(&app, "/orgs/rust-berlin/events", &admin).await;
    assert!(html.contains("href=\"/orgs/rust-berlin/settings\""));
}
