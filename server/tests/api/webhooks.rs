//! lu.ma's webhooks through the real server: the fake lu.ma signs and posts them as lu.ma
//! does, and the events page shows the change on the next request.

use chrono::Utc;
use convene::import::luma::fake::{FakeCalendar, FakeLuma, WebhookTarget, sample_event};
use convene::import::webhooks::BODY_MAX_BYTES;
use convene::import::webhooks::signature::SigningSecret;
use convene::store::entities::luma_webhook_delivery;
use convene_types::SyncTrigger;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::helpers::{Seed, TestApp, connect_to_fake_luma, spawn_app_with};

const KEY: &str = "sk-webhooks-test-51c0";
const PAGE: &str = "/orgs/rust-berlin/events";

struct World {
    app: TestApp,
    fake: FakeLuma,
    secret: String,
    db: convene::store::DatabaseConnection,
}

/// Rust Berlin imported from the fake lu.ma (so its page is fresh and loads sync nothing),
/// with a webhook secret saved as `convene org luma --webhook-secret-env` saves it, and the
/// fake posting its changes to the server.
async fn world() -> World {
    let app = spawn_app_with(Seed::Organizations).await;
    let now = Utc::now();
    let fake = FakeLuma::start(
        0,
        vec![(
            KEY.into(),
            FakeCalendar {
                id: "cal-hooks".into(),
                name: "Rust Berlin".into(),
                slug: "rust-berlin".into(),
                timezone: "Europe/Berlin".into(),
                events: (0..3).map(|n| sample_event(now, n, "cal-hooks")).collect(),
                legacy_shape: false,
            },
        )],
    )
    .await
    .unwrap();
    let db = convene::store::connect(&app.database_url).await.unwrap();
    let org = convene::store::organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let importer = connect_to_fake_luma(&db, org.id, &fake, KEY, app.secret_key.clone()).await;
    let first = importer
        .run_org_sync(org.id, SyncTrigger::Cli, Utc::now())
        .await
        .unwrap();
    assert_eq!(first.counts.created, 3);
    let secret = SigningSecret::generate();
    let org = convene::store::organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    convene::import::integration::save_webhook_secret(
        &importer,
        &org,
        &secret,
        convene::import::integration::ChangedBy::CommandLine,
    )
    .await
    .unwrap();
    fake.send_webhooks(
        KEY,
        WebhookTarget {
            url: app.url("/webhooks/luma/rust-berlin").parse().unwrap(),
            secret: secret.clone(),
        },
    );
    World {
        app,
        fake,
        secret,
        db,
    }
}

fn event(n: u32, title: &str) -> Value {
    let mut event = sample_event(Utc::now(), n, "cal-hooks");
    event["name"] = json!(title);
    event["visibility"] = json!("public");
    event
}

/// A delivery signed with `secret` at `sent_at`, posted as-is.
struct Delivery {
    id: String,
    timestamp: i64,
    signature: String,
    body: Vec<u8>,
}

impl Delivery {
    fn new(secret: &str, id: &str, sent_at: chrono::DateTime<Utc>, data: &Value) -> Self {
        let body = json!({"type": "event.updated", "data": data})
            .to_string()
            .into_bytes();
        let signing = SigningSecret::parse(secret).unwrap();
        Self {
            id: id.into(),
            timestamp: sent_at.timestamp(),
            signature: signing.sign(id, sent_at.timestamp(), &body),
            body,
        }
    }

    async fn post(&self, app: &TestApp) -> (u16, String) {
        let response = app
            .client
            .post(app.url("/webhooks/luma/rust-berlin"))
            .header("content-type", "application/json")
            .header("webhook-id", &self.id)
            .header("webhook-timestamp", self.timestamp.to_string())
            .header("webhook-signature", &self.signature)
            .body(self.body.clone())
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// The status of a POST written over a plain connection while its answer is read: a body
    /// over the bound is refused by the length announced, and the server may answer and close
    /// before the body is all written (an HTTP client that finishes writing first then reports
    /// a broken pipe instead of the answer).
    async fn post_while_writing(&self, app: &TestApp) -> u16 {
        use std::io::{ErrorKind, Read, Write};
        let url = reqwest::Url::parse(&app.url("/webhooks/luma/rust-berlin")).unwrap();
        let address = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nwebhook-id: {}\r\nwebhook-timestamp: {}\r\nwebhook-signature: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            url.path(),
            self.id,
            self.timestamp,
            self.signature,
            self.body.len()
        );
        let body = self.body.clone();
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            stream
                .set_read_timeout(Some(std::time::Duration::from_secs(10)))
                .unwrap();
            let mut writer = stream.try_clone().unwrap();
            let writing = std::thread::spawn(move || {
                writer
                    .write_all(head.as_bytes())
                    .and_then(|()| writer.write_all(&body))
            });
            let mut answer = Vec::new();
            match stream.read_to_end(&mut answer) {
                // A reset after the answer is the server closing on the unread body.
                Ok(_) => {}
                Err(err) if err.kind() == ErrorKind::ConnectionReset && !answer.is_empty() => {}
                Err(err) => panic!("reading the answer failed: {err}"),
            }
            match writing.join().unwrap() {
                Ok(()) => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset
                    ) => {}
                Err(err) => panic!("writing the request failed: {err}"),
            }
            String::from_utf8_lossy(&answer)
                .split_whitespace()
                .nth(1)
                .and_then(|code| code.parse().ok())
                .unwrap_or(0)
        })
        .await
        .unwrap()
    }
}

impl World {
    async fn page(&self) -> String {
        let (status, html) = self.app.get_html(PAGE).await;
        assert_eq!(status, 200);
        html
    }

    async fn deliveries_kept(&self) -> u64 {
        luma_webhook_delivery::Entity::find()
            .count(&self.db)
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_change_shows_on_the_next_request_and_a_cancellation_removes() {
    let world = world().await;
    let requests_before = world.fake.requests(KEY);
    assert!(!world.page().await.contains("Hooked meetup"));

    let status = world
        .fake
        .change_event(KEY, event(9, "Hooked meetup"))
        .await
        .unwrap();
    assert_eq!(status, 200, "applied before the answer");
    let page = world.page().await;
    assert!(page.contains("Hooked meetup"), "{page}");

    let status = world
        .fake
        .change_event(KEY, event(1, "Renamed by lu.ma"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    let page = world.page().await;
    assert!(page.contains("Renamed by lu.ma") && !page.contains("Meetup 1<"));

    assert_eq!(world.fake.cancel_event(KEY, "evt-0009").await.unwrap(), 200);
    let page = world.page().await;
    assert!(!page.contains("Hooked meetup"));
    assert!(page.contains("Renamed by lu.ma"), "absence removes nothing");
    assert_eq!(
        world.fake.requests(KEY),
        requests_before,
        "whole bodies need no request to lu.ma, and the fresh page started no sync"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_stale_replayed_and_oversized_webhooks_change_nothing() {
    let world = world().await;
    let applied = Delivery::new(
        &world.secret,
        "msg_first",
        Utc::now(),
        &event(1, "First title"),
    );
    assert_eq!(applied.post(&world.app).await.0, 200);
    let later = Delivery::new(
        &world.secret,
        "msg_second",
        Utc::now(),
        &event(1, "Second title"),
    );
    assert_eq!(later.post(&world.app).await.0, 200);
    assert!(world.page().await.contains("Second title"));
    let kept = world.deliveries_kept().await;

    let forger = SigningSecret::generate();
    let forged = Delivery::new(&forger, "msg_forged", Utc::now(), &event(1, "Forged title"));
    let stale = Delivery::new(
        &world.secret,
        "msg_stale",
        Utc::now() - chrono::Duration::minutes(6),
        &event(1, "Stale title"),
    );
    let mut oversized = Delivery::new(&world.secret, "msg_big", Utc::now(), &event(1, "Big title"));
    oversized.body = vec![b' '; BODY_MAX_BYTES + 1];
    let signing = SigningSecret::parse(&world.secret).unwrap();
    oversized.signature = signing.sign("msg_big", oversized.timestamp, &oversized.body);

    let (status, why) = forged.post(&world.app).await;
    assert_eq!(status, 401);
    assert!(why.contains("no signature matches"), "{why}");
    let (status, why) = stale.post(&world.app).await;
    assert_eq!(status, 401);
    assert!(why.contains("seconds away from our clock"), "{why}");
    assert_eq!(oversized.post_while_writing(&world.app).await, 413);
    // The same delivery again: acknowledged, so lu.ma stops retrying, and not applied.
    let (status, why) = applied.post(&world.app).await;
    assert_eq!((status, why.as_str()), (200, "already received"));

    let page = world.page().await;
    assert!(page.contains("Second title"));
    for title in ["First title", "Forged title", "Stale title", "Big title"] {
        assert!(!page.contains(title), "{title} shows");
    }
    assert_eq!(world.deliveries_kept().await, kept);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organization_without_a_secret_refuses_deliveries() {
    let world = world().await;
    let delivery = Delivery::new(&world.secret, "msg_x", Utc::now(), &event(1, "Nobody"));
    let response = world
        .app
        .client
        .post(world.app.url("/webhooks/luma/rust-lisbon"))
        .header("webhook-id", &delivery.id)
        .header("webhook-timestamp", delivery.timestamp.to_string())
        .header("webhook-signature", &delivery.signature)
        .body(delivery.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("takes no lu.ma webhooks")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_status_page_shows_each_source_and_flags_the_stale() {
    use convene::store::entities::organization;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    let world = world().await;
    world
        .fake
        .change_event(KEY, event(9, "Hooked meetup"))
        .await
        .unwrap();
    let (status, page) = world.app.get_html("/status").await;
    assert_eq!(status, 200);
    // Without the hydration markers between texts.
    let page = page.replace("<!>", "");
    let row = |page: &str, name: &str| -> String {
        let start = page
            .find(&format!(">{name}</a>"))
            .unwrap_or_else(|| panic!("{page}"));
        let end = start + page[start..].find("</tr>").unwrap();
        page[start..end].to_owned()
    };
    let berlin = row(&page, "Rust Berlin");
    assert!(berlin.contains("lu.ma calendar key + webhooks"), "{berlin}");
    assert!(
        berlin.contains("just now") && berlin.contains(">fresh<"),
        "{berlin}"
    );
    let lisbon = row(&page, "Rust Lisbon");
    assert!(
        lisbon.contains("not connected") && lisbon.contains("not imported"),
        "{lisbon}"
    );
    assert!(page.contains("Every connected organization's events are fresh"));
    assert!(!page.contains("Hooked meetup"), "the page names no event");

    let org = convene::store::organizations::find_by_slug(&world.db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    organization::ActiveModel {
        id: Set(org.id),
        events_last_synced_at: Set(Some(Utc::now() - chrono::Duration::hours(30))),
        ..Default::default()
    }
    .update(&world.db)
    .await
    .unwrap();
    let (_, page) = world.app.get_html("/status").await;
    let page = page.replace("<!>", "");
    let berlin = row(&page, "Rust Berlin");
    assert!(
        berlin.contains("30 hours ago") && berlin.contains(">stale<"),
        "{berlin}"
    );
    assert!(page.contains("1 organization"), "{page}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_saves_the_secret_on_the_panel_and_it_is_never_shown_again() {
    use app::integration::{RemoveWebhookSecret, SaveWebhookSecret};
    use leptos::server_fn::ServerFn;

    let app = spawn_app_with(Seed::Organizations).await;
    let admin = crate::helpers::admin_of(&app, "rust-berlin", "admin@example.org").await;
    let page = app
        .page_as("/orgs/rust-berlin/settings", Some(&admin))
        .await;
    assert!(
        page.contains(&app.url("/webhooks/luma/rust-berlin")),
        "the address to give lu.ma"
    );
    assert!(!page.contains("Signing secret saved"));

    let refused = app
        .call(
            SaveWebhookSecret::PATH,
            &[
                ("slug", "rust-berlin"),
                ("webhook_secret", "whsec_bm9wZQ=="),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("decodes to 4 bytes"));

    let secret = SigningSecret::generate();
    let saved = app
        .call(
            SaveWebhookSecret::PATH,
            &[("slug", "rust-berlin"), ("webhook_secret", &secret)],
            Some(&admin),
        )
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let page = app
        .page_as("/orgs/rust-berlin/settings", Some(&admin))
        .await;
    assert!(page.contains("Signing secret saved"));
    assert!(
        page.contains("lu.ma&#x27;s webhooks bring changes")
            || page.contains("lu.ma's webhooks bring changes")
    );
    assert!(!page.contains(&secret) && !page.contains(&secret["whsec_".len()..]));

    let removed = app
        .call(
            RemoveWebhookSecret::PATH,
            &[("slug", "rust-berlin")],
            Some(&admin),
        )
        .await;
    assert!(removed.status().is_success());
    let page = app
        .page_as("/orgs/rust-berlin/settings", Some(&admin))
        .await;
    assert!(!page.contains("Signing secret saved"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_admin_connects_the_lu_ma_organization_on_its_page() {
    use app::auth::SignIn;
    use app::network::{SaveNetworkKey, SyncNetwork};
    use convene::accounts::{DisplayName, Email, Password};
    use convene::store::users;
    use leptos::server_fn::ServerFn;

    const ORG_KEY: &str = "sk-admin-page-organization";
    let now = Utc::now();
    let fake = FakeLuma::start(
        0,
        vec![
            (
                "sk-cal-a".into(),
                FakeCalendar {
                    id: "cal-porto".into(),
                    name: "Rust Porto".into(),
                    slug: "rust-porto".into(),
                    timezone: "Europe/Lisbon".into(),
                    events: (0..2).map(|n| sample_event(now, n, "cal-porto")).collect(),
                    legacy_shape: false,
                },
            ),
            (
                "sk-cal-b".into(),
                FakeCalendar {
                    id: "cal-nyc".into(),
                    name: "Rust NYC".into(),
                    slug: "rust-nyc".into(),
                    timezone: "America/New_York".into(),
                    events: (5..6).map(|n| sample_event(now, n, "cal-nyc")).collect(),
                    legacy_shape: false,
                },
            ),
        ],
    )
    .await
    .unwrap();
    fake.add_organization(ORG_KEY, &["sk-cal-a", "sk-cal-b"]);
    let base = fake.base_url();
    let app = crate::helpers::spawn_app_adjusted(Seed::Organizations, |settings| {
        settings.luma_api_base = base;
    })
    .await;
    let db = convene::store::connect(&app.database_url).await.unwrap();
    users::create(
        &db,
        users::NewUser {
            email: Email::parse("root@example.org").unwrap(),
            display_name: DisplayName::parse("Root").unwrap(),
            password: Password::parse_new("correct horse battery".into()).unwrap(),
            is_site_admin: true,
        },
    )
    .await
    .unwrap();
    let signed_in = app
        .call(
            SignIn::PATH,
            &[
                ("email", "root@example.org"),
                ("password", "correct horse battery"),
            ],
            None,
        )
        .await;
    let root = crate::helpers::session_cookie(&signed_in).unwrap();
    let member = crate::helpers::person_in(&app, "rust-nyc", "m@example.org", None).await;
    assert_eq!(app.get_as("/admin/luma", Some(&member)).await.status(), 403);

    let saved = app
        .call(SaveNetworkKey::PATH, &[("api_key", ORG_KEY)], Some(&root))
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let page = app
        .page_as("/admin/luma", Some(&root))
        .await
        .replace("<!>", "");
    assert!(page.contains("ends in …tion"), "the last four only");
    assert!(!page.contains(ORG_KEY));
    assert!(page.contains("cal-porto") && page.contains("cal-nyc"));
    assert!(page.contains(&app.url("/webhooks/luma/network")));

    let started = app.call(SyncNetwork::PATH, &[], Some(&root)).await;
    assert!(started.status().is_success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let (_, porto) = app.get_html("/orgs/rust-porto/events?view=list").await;
        let (_, nyc) = app.get_html("/orgs/rust-nyc/events?view=list").await;
        if porto.contains("Meetup 1") && nyc.contains("Meetup 5") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the run never showed");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(fake.requests("sk-cal-a") + fake.requests("sk-cal-b"), 0);
}
