//! The lu.ma settings panel and the events page, through the real server and a fake lu.ma.

use std::time::Duration;

use app::integration::{
    GetLumaSettings, GetSyncStatus, IntegrationSettings, SaveLumaSettings, StartLumaSync,
    SyncStart, SyncStatusView,
};
use convene::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use convene::rules::access::Role;
use convene_types::{SyncOutcome, SyncTrigger};
use leptos::server_fn::ServerFn;

use crate::helpers::{
    Seed, TestApp, audit_line, captured_logs, occurrences, person_in, spawn_app_adjusted,
};

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
    let berlin = convene::text::timefmt::zone("Europe/Berlin");
    let label =
        convene::text::timefmt::event_time(event_start(1), berlin, convene::i18n::Locale::English);
    assert!(
        list.contains(&label),
        "{label} missing: local time with its zone"
    );
    // 120 upcoming events: three pages of at most 50, in order, each linking to its neighbours.
    assert_eq!(
        occurrences(&list, "data-event=\""),
        50,
        "one page of the list"
    );
    assert!(list.contains("Page 1 of 3") && !list.contains("rel=\"prev\""));
    assert!(list.contains("href=\"/orgs/rust-berlin/events?view=list&amp;page=2\" rel=\"next\""));
    let (status, last) = status_of(&app, "/orgs/rust-berlin/events?view=list&page=3", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(occurrences(&last, "data-event=\""), 20);
    assert!(
        last.contains("Meetup 100<")
            && last.contains("Meetup 119<")
            && !last.contains("Meetup 99<")
    );
    assert!(last.contains("Page 3 of 3") && !last.contains("rel=\"next\""));
    assert!(last.contains("href=\"/orgs/rust-berlin/events?view=list&amp;page=2\" rel=\"prev\""));
    let (status, past_the_end) =
        status_of(&app, "/orgs/rust-berlin/events?view=list&page=4", &admin).await;
    assert_eq!(status, 404);
    assert!(past_the_end.contains("Page 4 of these events (there are 3) not found."));
    for page in ["0", "abc", "-1", "99999999999", "5"] {
        let (status, refused) = status_of(
            &app,
            &format!("/orgs/rust-berlin/events?view=list&page={page}"),
            &admin,
        )
        .await;
        assert_eq!(status, 422, "page={page}");
        assert!(
            refused.contains("page: must be a whole number from 1 to 4"),
            "page={page}: the refusal says what a page may be"
        );
    }

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

/// A feed's address often carries a private token (Google's "secret address in iCal format"):
/// it is sealed at rest, shown by its host only, never put in a page address after a failed
/// post, kept when the form leaves it empty, and removed by Disconnect.
#[tokio::test]
async fn a_feed_address_is_sealed_shown_by_host_and_never_echoed() {
    use app::integration::{DisconnectLuma, SaveIcalFeed};
    use convene::store::entities::organization;
    use sea_orm::EntityTrait;

    const TOKEN: &str = "private-token-4f9a2b";
    let app = spawn_app_adjusted(Seed::Organizations, |settings| {
        settings.allow_private_feeds = true;
    })
    .await;
    let feeds: crate::helpers::Feeds = Default::default();
    let start = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y%m%dT180000Z");
    feeds.lock().unwrap().insert(
        TOKEN.into(),
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:sealed-1\r\nDTSTART:{start}\r\nDURATION:PT2H\r\nSUMMARY:Sealed meetup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        .into_bytes(),
    );
    let base = crate::helpers::feed_server(feeds).await;
    let address = format!("{base}/{TOKEN}");
    let admin = person(&app, "feed-admin@example.org", Some(Role::Admin)).await;
    let saved = app
        .call(
            SaveIcalFeed::PATH,
            &[
                ("slug", "rust-berlin"),
                ("ical_url", &address),
                ("timezone", "Europe/Berlin"),
            ],
            Some(&admin),
        )
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());

    let db = convene::store::connect(&app.database_url).await.unwrap();
    let stored = || async {
        convene::store::organizations::find_by_slug(&db, "rust-berlin")
            .await
            .unwrap()
            .unwrap()
    };
    let org = stored().await;
    let sealed = org.ical_url_sealed.clone().expect("sealed");
    assert!(!sealed.contains(TOKEN) && org.ical_url_unsealed.is_none());
    let shown = format!("{base}/…");
    assert_eq!(org.ical_url_shown.as_deref(), Some(shown.as_str()));
    let (_, page) = status_of(&app, "/orgs/rust-berlin/settings", &admin).await;
    assert!(page.contains(&shown), "{page}");
    assert!(!page.contains(TOKEN), "the address is never shown again");

    // A failed plain-form post comes back without the address in the page's address.
    let missing = format!("{base}/another-{TOKEN}");
    let failed = app
        .client
        .post(app.url(SaveIcalFeed::PATH))
        .header("accept", "text/html")
        .header("referer", app.url("/orgs/rust-berlin/settings"))
        .header(reqwest::header::COOKIE, &admin)
        .form(&[
            ("slug", "rust-berlin"),
            ("ical_url", missing.as_str()),
            ("timezone", "UTC"),
        ])
        .send()
        .await
        .unwrap();
    assert!(failed.status().is_redirection(), "{}", failed.status());
    let location = failed.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains(TOKEN), "{location}");
    assert_eq!(
        stored().await.ical_url_sealed,
        Some(sealed),
        "nothing changed"
    );

    // Left empty, the saved address stays and only the timezone changes.
    let kept = app
        .call(
            SaveIcalFeed::PATH,
            &[
                ("slug", "rust-berlin"),
                ("ical_url", ""),
                ("timezone", "Europe/Lisbon"),
            ],
            Some(&admin),
        )
        .await;
    assert!(kept.status().is_success(), "{}", kept.status());
    let org = stored().await;
    assert_eq!(org.display_timezone.as_deref(), Some("Europe/Lisbon"));
    assert_eq!(org.ical_url_shown.as_deref(), Some(shown.as_str()));

    // Disconnect removes the feed too: its next sync would bring the events back.
    let disconnected = app
        .call(
            DisconnectLuma::PATH,
            &[
                ("slug", "rust-berlin"),
                ("events", "keep"),
                ("confirmed", "yes"),
            ],
            Some(&admin),
        )
        .await;
    assert!(
        disconnected.status().is_success(),
        "{}",
        disconnected.status()
    );
    let org = organization::Entity::find_by_id(org.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (org.ical_url_sealed, org.ical_url_shown),
        (None, None),
        "the feed is gone"
    );
}
