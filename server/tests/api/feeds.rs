//! Subscribable feeds through the real server, on the demo store (events imported at start).

use convene::import::ical::feed::{FeedSettings, read_feed};

use crate::helpers::{Seed, spawn_app_with};

#[tokio::test(flavor = "multi_thread")]
async fn an_organizations_feed_is_a_valid_calendar_with_caching_headers() {
    let app = spawn_app_with(Seed::Demo).await;
    let response = app.get("/orgs/rust-berlin/events.ics").await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=300")
    );
    let etag = header("etag").expect("an ETag");
    let body = response.text().await.unwrap();

    // Parsed back with the reader the import uses: the demo's Berlin events, nobody else's.
    let now = chrono::Utc::now();
    let events = read_feed(
        &body,
        &FeedSettings {
            display_timezone: chrono_tz::Europe::Berlin,
            from: now - chrono::Duration::days(31),
            until: now + chrono::Duration::days(366),
        },
    )
    .unwrap();
    assert!(!events.is_empty());
    assert!(
        events.iter().any(|e| e.title == "Hack & Learn"),
        "{events:#?}"
    );
    assert!(
        !body.contains("Rust NYC"),
        "only this organization's events"
    );

    let again = app
        .client
        .get(app.url("/orgs/rust-berlin/events.ics"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "an unchanged feed is not sent again");

    assert_eq!(app.get("/orgs/atlantis/events.ics").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_members_personal_feed_works_without_a_cookie_until_replaced() {
    use app::dashboard::{GetPersonalFeed, RegeneratePersonalFeed};
    use leptos::server_fn::ServerFn;

    let app = spawn_app_with(Seed::Demo).await;
    let member = app
        .call(
            app::auth::SignIn::PATH,
            &[
                ("email", convene::demo::DEMO_MEMBER_EMAIL),
                ("password", convene::demo::DEMO_PASSWORD),
            ],
            None,
        )
        .await;
    let cookie = crate::helpers::session_cookie(&member).unwrap();
    let path: String = app
        .call(GetPersonalFeed::PATH, &[], Some(&cookie))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        path.starts_with("/feeds/") && path.ends_with(".ics"),
        "{path}"
    );

    // A calendar app sends no cookie: the address alone opens the member's organizations.
    let feed = app.get(&path).await;
    assert_eq!(feed.status(), 200);
    assert_eq!(
        feed.headers().get("cache-control").unwrap(),
        "private, max-age=300"
    );
    let body = feed.text().await.unwrap();
    assert!(body.contains("Hack & Learn"), "Rust Berlin's events");
    assert!(
        !body.contains("Rust NYC"),
        "not an organization of the member"
    );

    let replaced: String = app
        .call(RegeneratePersonalFeed::PATH, &[], Some(&cookie))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(replaced, path);
    assert_eq!(
        app.get(&path).await.status(),
        404,
        "the old address is revoked"
    );
    assert_eq!(app.get(&replaced).await.status(), 200);
    let token = path.trim_start_matches("/feeds/").trim_end_matches(".ics");
    assert!(
        !crate::helpers::captured_logs().text().contains(token),
        "the token never reaches the log"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn each_dashboard_event_has_its_own_calendar_file_and_google_link() {
    use app::dashboard::{Dashboard, GetDashboard};
    use leptos::server_fn::ServerFn;

    let app = spawn_app_with(Seed::Demo).await;
    let filters = serde_json::json!({ "filters": {
        "orgs": [], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    }});
    let dashboard: Dashboard = app
        .call_json(GetDashboard::PATH, &filters, None)
        .await
        .json()
        .await
        .unwrap();
    let first = &dashboard.events[0];
    assert!(
        first
            .google_calendar_url
            .starts_with("https://calendar.google.com/calendar/render?action=TEMPLATE"),
        "{}",
        first.google_calendar_url
    );

    let path = first.calendar_file.clone().expect("a calendar file");
    assert!(
        path.starts_with("/events/") && path.len() == "/events/.ics".len() + 24,
        "a random public id, not a row id: {path}"
    );
    let file = app.get(&path).await;
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers().get("content-disposition").unwrap(),
        "attachment; filename=\"event.ics\""
    );
    let body = file.text().await.unwrap();
    let now = chrono::Utc::now();
    let events = read_feed(
        &body,
        &FeedSettings {
            display_timezone: chrono_tz::UTC,
            from: now - chrono::Duration::days(1),
            until: now + chrono::Duration::days(366),
        },
    )
    .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].title, first.title);

    assert_eq!(app.get("/events/999999.ics").await.status(), 404);
    assert_eq!(app.get("/events/not-a-number.ics").await.status(), 404);
}
