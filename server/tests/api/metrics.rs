//! `/metrics` (issue #28): on its own address only, in Prometheus' text format, with requests by
//! route and status, sync runs, the store's state and cache lookups after a sync and page views.

use convene::import::luma::fake::{FakeCalendar, FakeLuma};
use convene::import::sync::{SyncOutcome, SyncTrigger};
use convene::store::{self, organizations};

use crate::helpers::{Seed, connect_to_fake_luma, spawn_app_adjusted};

const KEY: &str = "key-metrics";

/// The value of the first sample of `name` whose labels include every one of `labels`.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('{') || rest.starts_with(' '))
        })
        .find(|line| labels.iter().all(|label| line.contains(label)))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_answer_on_their_own_address_after_a_sync_and_page_views() {
    let start = chrono::Utc::now() + chrono::Duration::days(2);
    let fake = FakeLuma::start(
        0,
        vec![(
            KEY.into(),
            FakeCalendar {
                id: "cal-metrics".into(),
                name: "Rust Berlin".into(),
                slug: "rust-berlin".into(),
                timezone: "Europe/Berlin".into(),
                events: vec![serde_json::json!({
                    "id": "evt-metrics", "name": "Measured meetup", "timezone": "Europe/Berlin",
                    "start_at": start.to_rfc3339(),
                    "end_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
                })],
                legacy_shape: false,
            },
        )],
    )
    .await
    .unwrap();
    let app = spawn_app_adjusted(Seed::Organizations, |settings| {
        settings.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let metrics = app.metrics_address.expect("metrics on their own address");
    assert_ne!(metrics.port(), app.address.port());

    let db = store::connect(&app.database_url).await.unwrap();
    let berlin = organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let importer = connect_to_fake_luma(&db, berlin.id, &fake, KEY, app.secret_key.clone()).await;
    let report = importer
        .run_org_sync(berlin.id, SyncTrigger::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    // Two messages wait in the outbox (no SMTP server is configured here, so they stay).
    for key in ["metrics-1", "metrics-2"] {
        let mail = convene::mail::outbox::OutgoingMail {
            idempotency_key: key.into(),
            kind: convene_types::MailKind::AccountExists,
            recipient: "someone@example.org".into(),
            user_id: None,
            content: convene::mail::compose::Composed {
                subject: "Counted".into(),
                text: "Plain words.".into(),
                html: "<p>Plain words.</p>".into(),
            },
            unsubscribe_url: None,
        };
        assert!(
            convene::mail::outbox::enqueue(&db, mail, chrono::Utc::now())
                .await
                .unwrap()
        );
    }
    for path in [
        "/orgs/rust-berlin",
        "/orgs/rust-berlin/events.ics",
        "/orgs/rust-berlin/events.ics",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "never on the public address"
    );

    let answer = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = answer.text().await.unwrap();
    let found = |name: &str, labels: &[&str]| {
        sample(&text, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?} in:\n{text}"))
    };
    assert!(
        found(
            "convene_http_requests_total",
            &["route=\"/orgs/{slug}\"", "status=\"200\""]
        ) >= 1.0
    );
    assert!(
        found(
            "convene_http_request_duration_seconds_count",
            &["route=\"/orgs/{slug}/events.ics\""]
        ) >= 2.0
    );
    assert!(
        found(
            "convene_sync_runs_total",
            &["outcome=\"ok\"", "source=\"luma_api\""]
        ) >= 1.0
    );
    // Read from this server's store when scraped: exact.
    assert_eq!(found("convene_events_stored", &[]), 1.0);
    assert_eq!(found("convene_mail_outbox", &["status=\"queued\""]), 2.0);
    assert_eq!(found("convene_mail_outbox", &["status=\"failed\""]), 0.0);
    assert!(
        found(
            "convene_cache_lookups_total",
            &["cache=\"feeds\"", "result=\"hit\""]
        ) >= 1.0
    );
    assert!(
        !text.contains("/orgs/rust-berlin"),
        "routes are labelled by pattern, never by address"
    );
}
