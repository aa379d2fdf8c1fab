//! The client against the bundled fake lu.ma, over real HTTP on loopback.

use std::time::Duration;

use chrono::{TimeZone, Utc};

use super::client::{ApiKey, ClientConfig, LumaClient, LumaError, Window};
use super::fake::{FakeCalendar, FakeLuma, Fault, sample_event};

const KEY: &str = "secret-key-berlin-1234";
const LEGACY_KEY: &str = "secret-key-legacy-5678";

fn calendar(events: u32, legacy_shape: bool) -> FakeCalendar {
    FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..events)
            .map(|n| sample_event(now(), n, "cal-berlin"))
            .collect(),
        legacy_shape,
    }
}

async fn fake(events: u32) -> FakeLuma {
    FakeLuma::start(
        0,
        vec![
            (KEY.into(), calendar(events, false)),
            (LEGACY_KEY.into(), calendar(events, true)),
        ],
    )
    .await
    .unwrap()
}

fn client(fake: &FakeLuma) -> LumaClient {
    let mut config = ClientConfig::new(fake.base_url());
    config.base_backoff = Duration::from_millis(10);
    config.request_timeout = Duration::from_millis(500);
    config.max_attempts = 3;
    LumaClient::new(config).unwrap()
}

/// The clock these tests compare against: the windows below are fixed dates, so the events are too.
fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

fn window() -> Window {
    Window {
        after: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        before: None,
    }
}

#[tokio::test]
async fn fetch_window_follows_pages_under_the_server_cap_in_both_shapes() {
    let fake = fake(120).await;
    let client = client(&fake);
    let (events, pages) = client
        .fetch_window(&ApiKey::new(KEY), window())
        .await
        .unwrap();
    assert_eq!(events.len(), 120);
    assert_eq!(
        pages, 3,
        "the fake caps pages at 50 although we ask for 100"
    );
    assert_eq!(
        fake.requests(KEY),
        3,
        "one request per page, the last page's cursor ignored"
    );
    assert!(events.windows(2).all(|w| w[0].start_at <= w[1].start_at));
    assert_eq!(events[0].description_md, None);

    let (legacy, _) = client
        .fetch_window(&ApiKey::new(LEGACY_KEY), window())
        .await
        .unwrap();
    let ids = |e: &[super::model::ImportedEvent]| {
        e.iter().map(|e| e.external_id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&legacy), ids(&events));
    assert_eq!(
        legacy[5].content_hash(),
        events[5].content_hash(),
        "same event, same fingerprint"
    );
}

#[tokio::test]
async fn the_window_limits_what_comes_back() {
    let fake = fake(10).await;
    let client = client(&fake);
    let window = Window {
        after: Utc.with_ymd_and_hms(2026, 12, 4, 0, 0, 0).unwrap(),
        before: Some(Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0).unwrap()),
    };
    let (events, _) = client
        .fetch_window(&ApiKey::new(KEY), window)
        .await
        .unwrap();
    let ids: Vec<_> = events.iter().map(|e| e.external_id.as_str()).collect();
    assert_eq!(ids, ["evt-0003", "evt-0004", "evt-0005"]);
}

#[tokio::test]
async fn calendar_and_event_details_come_from_the_key_alone() {
    let fake = fake(2).await;
    let client = client(&fake);
    for key in [KEY, LEGACY_KEY] {
        let calendar = client.get_calendar(&ApiKey::new(key)).await.unwrap();
        assert_eq!(calendar.id, "cal-berlin");
        assert_eq!(calendar.name, "Rust Berlin");
        let detail = client
            .get_event(&ApiKey::new(key), "evt-0001")
            .await
            .unwrap();
        assert_eq!(
            detail.description_md.as_deref(),
            Some("Details of meetup 1")
        );
    }
    let err = client
        .get_event(&ApiKey::new(KEY), "evt-nope")
        .await
        .unwrap_err();
    assert!(matches!(err, LumaError::NotFound(_)), "{err:?}");
}

#[tokio::test]
async fn descriptions_skip_events_gone_since_the_list_and_fail_on_anything_else() {
    let fake = fake(10).await;
    let client = client(&fake);
    let key = ApiKey::new(KEY);
    let ids: Vec<String> = ["evt-0001", "evt-gone", "evt-0007", "evt-0009"]
        .map(String::from)
        .to_vec();
    let descriptions = client.get_descriptions(&key, ids.clone()).await.unwrap();
    assert_eq!(descriptions.len(), 3, "{descriptions:?}");
    assert_eq!(
        descriptions["evt-0007"].as_deref(),
        Some("Details of meetup 7")
    );
    assert!(!descriptions.contains_key("evt-gone"));
    assert_eq!(fake.event_gets(KEY), 4, "one request per event");

    // Every attempt of every request fails (3 attempts × 4 events): the whole call fails.
    for _ in 0..12 {
        fake.push_fault(KEY, Fault::ServerError);
    }
    let err = client.get_descriptions(&key, ids).await.unwrap_err();
    assert!(matches!(err, LumaError::Server { .. }), "{err:?}");
}

#[tokio::test]
async fn a_rejected_key_is_reported_plainly_and_not_retried() {
    let fake = fake(1).await;
    let client = client(&fake);
    let err = client
        .get_calendar(&ApiKey::new("wrong-key"))
        .await
        .unwrap_err();
    assert_eq!(err, LumaError::KeyRejected);
    assert_eq!(
        err.to_string(),
        "key rejected: the calendar needs Luma Plus, or the key was revoked"
    );
    assert_eq!(fake.requests("wrong-key"), 1);
}

#[tokio::test]
async fn rate_limit_then_success_honours_retry_after() {
    let fake = fake(1).await;
    fake.push_fault(
        KEY,
        Fault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let client = client(&fake);
    let calendar = client.get_calendar(&ApiKey::new(KEY)).await.unwrap();
    assert_eq!(calendar.id, "cal-berlin");
    assert_eq!(fake.requests(KEY), 2);
    assert_eq!(client.requests_made(), 2);
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    let fake = fake(1).await;
    for _ in 0..5 {
        fake.push_fault(KEY, Fault::ServerError);
    }
    let client = client(&fake);
    let err = client.get_calendar(&ApiKey::new(KEY)).await.unwrap_err();
    assert_eq!(
        err,
        LumaError::Server {
            status: 500,
            attempts: 3
        }
    );
    assert_eq!(fake.requests(KEY), 3, "max_attempts, then the error stands");
}

#[tokio::test]
async fn a_stalled_answer_times_out() {
    let fake = fake(1).await;
    for _ in 0..3 {
        fake.push_fault(KEY, Fault::Stall(Duration::from_secs(3)));
    }
    let client = client(&fake);
    let err = client.get_calendar(&ApiKey::new(KEY)).await.unwrap_err();
    assert!(
        matches!(err, LumaError::Timeout { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_fails_without_retrying() {
    let fake = fake(3).await;
    fake.push_fault(KEY, Fault::MalformedJson);
    let client = client(&fake);
    let err = client
        .fetch_window(&ApiKey::new(KEY), window())
        .await
        .unwrap_err();
    assert!(matches!(err, LumaError::Malformed(_)), "{err:?}");
    assert_eq!(fake.requests(KEY), 1);
}

#[tokio::test]
async fn the_key_never_shows_in_debug_output_or_errors() {
    let fake = fake(1).await;
    fake.push_fault("wrong-key-abcdef", Fault::ServerError);
    let client = client(&fake);
    let key = ApiKey::new("wrong-key-abcdef");
    assert_eq!(format!("{key:?}"), "ApiKey(…cdef)");
    assert_eq!(key.last_four(), "cdef");
    let err = client.get_calendar(&key).await.unwrap_err();
    assert!(!format!("{err:?} {err}").contains("wrong-key"));
    assert!(!format!("{client:?}").contains("wrong-key"));
}

/// A server that records the lu.ma key header of every request it gets, and redirects them all
/// to `to` (when given); returns its address and what it saw.
async fn redirecting(
    to: Option<String>,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<Option<String>>>>,
) {
    use axum::http::{HeaderMap, StatusCode, Uri, header};
    use axum::response::IntoResponse;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let (record, to) = (record.clone(), to.clone());
        async move {
            let key = headers
                .get("x-luma-api-key")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            record.lock().unwrap().push(key);
            match to {
                Some(to) => (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, format!("{to}{uri}"))],
                )
                    .into_response(),
                None => (StatusCode::OK, "{}").into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (address, seen)
}

#[tokio::test]
async fn a_redirect_to_another_site_never_carries_the_key() {
    let (elsewhere, seen_elsewhere) = redirecting(None).await;
    // 127.0.0.1 and localhost are two origins, as lu.ma and an attacker's host would be.
    let (luma, seen_by_luma) =
        redirecting(Some(format!("http://localhost:{}", elsewhere.port()))).await;
    let mut config = ClientConfig::new(format!("http://{luma}/").parse().unwrap());
    config.max_attempts = 1;
    let client = LumaClient::new(config).unwrap();
    let err = client
        .get_calendar(&ApiKey::new("secret-key-redirected"))
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("secret-key"), "{err}");
    assert_eq!(
        seen_by_luma.lock().unwrap().as_slice(),
        [Some("secret-key-redirected".to_owned())]
    );
    assert!(
        seen_elsewhere.lock().unwrap().is_empty(),
        "the other site was never asked"
    );
}

#[tokio::test]
async fn an_api_that_knows_only_the_legacy_routes_is_asked_by_them_in_both_shapes() {
    let fake = fake(3).await;
    fake.serve_only_legacy_routes();
    for key in [KEY, LEGACY_KEY] {
        let client = client(&fake);
        let key = ApiKey::new(key);
        let calendar = client.get_calendar(&key).await.unwrap();
        assert_eq!(calendar.id, "cal-berlin");
        let (events, _) = client.fetch_window(&key, window()).await.unwrap();
        assert_eq!(events.len(), 3);
        // Events are then asked by their legacy route too (`event/get?api_id=`).
        let event = client.get_event(&key, "evt-0001").await.unwrap();
        assert_eq!(event.description_md.as_deref(), Some("Details of meetup 1"));
        // The current name first, once per client; then only the legacy ones.
        assert_eq!(client.requests_made(), 1 + 3);
    }
    assert_eq!(fake.requests(KEY), 3, "what reached the legacy routes");
}

#[tokio::test]
async fn the_current_routes_are_used_first_and_a_missing_event_is_not_a_missing_route() {
    let fake = fake(3).await;
    let client = client(&fake);
    let key = ApiKey::new(KEY);
    client.fetch_window(&key, window()).await.unwrap();
    assert!(matches!(
        client.get_event(&key, "evt-9999").await,
        Err(LumaError::NotFound(_))
    ));
    assert_eq!(
        fake.requests(KEY),
        2,
        "no legacy retry for a cancelled event"
    );
}
