//! Freshness benchmark (issue #32): how long a change made on lu.ma takes to show on the
//! organization's events page, through the real server and the bundled fake lu.ma on loopback.
//!
//! - **webhook**: the fake changes an event and posts the signed webhook, as lu.ma does; the
//!   clock runs from the change until a page load shows the new title.
//! - **polling** (the baseline, same run): the fake changes an event and sends nothing; the
//!   organization's events are over an hour old, so a page load starts a refresh in the
//!   background and a later load shows the change. This is the best case of polling: without a
//!   visitor, a change waits for the next hourly-stale page load or the daily import.
//!
//!     make bench-freshness
//!
//! Settings: `BENCH_ROUNDS` changes per path (default 40), `TEST_DATABASE_URL` for Postgres
//! (SQLite otherwise). Pages are loaded every 20 ms while waiting.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use convene::import::integration::{self, ChangedBy};
use convene::import::luma::client::{ClientConfig, LumaClient};
use convene::import::luma::fake::{FakeCalendar, FakeLuma, WebhookTarget, sample_event};
use convene::import::sync::{Importer, SyncTrigger};
use convene::import::webhooks::signature::SigningSecret;
use convene::secrets::{KeySource, SecretKey};
use convene::store::entities::{organization, sync_run};
use convene::store::organizations::{self, LumaConnection, NewOrganization};
use convene::testing::{fresh_database_url, scratch_dir};
use leptos::config::LeptosOptions;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use server::settings::{DatabaseUrl, Settings};
use server::startup::Application;

const KEY: &str = "sk-bench-freshness-0001";
const PAGE: &str = "/orgs/rust-berlin/events?view=list";
/// Page loads while waiting for a change: every 20 ms, for at most 30 s.
const POLL_EVERY: Duration = Duration::from_millis(20);
const WAIT_AT_MOST: Duration = Duration::from_secs(30);

fn settings(database_url: &str, luma: url::Url, key: &SecretKey) -> Settings {
    let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
    Settings {
        listen,
        database_url: DatabaseUrl::parse(database_url).unwrap(),
        data_dir: scratch_dir("bench-freshness"),
        secret_key: key.clone(),
        secret_key_source: KeySource::Setting,
        luma_api_base: luma,
        demo: false,
        demo_live_changes: false,
        secure_cookies: false,
        public_url: None,
        trusted_proxies: Default::default(),
        allow_private_feeds: false,
        map_tiles: Default::default(),
        daily_sync: None,
        luma_requests_per_minute: 180,
        refresh_ttl: chrono::Duration::hours(1),
        mail: Default::default(),
        leptos_options: LeptosOptions::builder()
            .output_name("convene")
            .site_root(scratch_dir("bench-freshness-site").display().to_string())
            .site_addr(listen)
            .build(),
        metrics_addr: None,
    }
}

/// Loads the page until it shows `title`; the time from `since`.
async fn until_shown(client: &reqwest::Client, url: &str, title: &str, since: Instant) -> Duration {
    loop {
        let page = client.get(url).send().await.unwrap().text().await.unwrap();
        if page.contains(title) {
            return since.elapsed();
        }
        assert!(since.elapsed() < WAIT_AT_MOST, "{title} never showed");
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// The `percent` percentile of `times` (nearest rank).
fn quantile(times: &[Duration], percent: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

fn print_path(name: &str, times: &[Duration]) -> Duration {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p95 = quantile(times, 95);
    println!(
        "{name:>8}: {} changes, p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        times.len(),
        ms(quantile(times, 50)),
        ms(p95),
        ms(quantile(times, 100)),
    );
    p95
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: u32 = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(40);
    let now = Utc::now();
    let fake = FakeLuma::start(
        0,
        vec![(
            KEY.into(),
            FakeCalendar {
                id: "cal-bench".into(),
                name: "Rust Berlin".into(),
                slug: "rust-berlin".into(),
                timezone: "Europe/Berlin".into(),
                events: (0..20).map(|n| sample_event(now, n, "cal-bench")).collect(),
                legacy_shape: false,
            },
        )],
    )
    .await
    .unwrap();
    let database_url = fresh_database_url().await;
    let key = SecretKey::generate();
    let app = Application::build(&settings(&database_url, fake.base_url(), &key))
        .await
        .unwrap();
    let address = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let db = convene::store::connect(&database_url).await.unwrap();
    let org = organizations::create(
        &db,
        NewOrganization::parse("rust-berlin", "Rust Berlin", "").unwrap(),
    )
    .await
    .unwrap();
    organizations::connect_luma(
        &db,
        org.id,
        LumaConnection {
            calendar_id: Some("cal-bench".into()),
            ..convene::testing::luma_key(&key, org.id, KEY)
        },
    )
    .await
    .unwrap();
    let importer = Importer::new(
        db.clone(),
        LumaClient::new(ClientConfig::new(fake.base_url())).unwrap(),
        key.clone(),
    );
    importer
        .run_org_sync(org.id, SyncTrigger::Cli, Utc::now())
        .await
        .unwrap();
    let secret = SigningSecret::generate();
    let org = organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    integration::save_webhook_secret(&importer, &org, &secret, ChangedBy::CommandLine)
        .await
        .unwrap();
    fake.send_webhooks(
        KEY,
        WebhookTarget {
            url: format!("http://{address}/webhooks/luma/rust-berlin")
                .parse()
                .unwrap(),
            secret,
        },
    );
    let client = reqwest::Client::new();
    let url = format!("http://{address}{PAGE}");
    let store = if database_url.starts_with("postgres") {
        "Postgres"
    } else {
        "SQLite"
    };
    println!(
        "freshness: a change on lu.ma until the events page shows it ({store}, {rounds} changes per path)"
    );

    let mut webhook = Vec::new();
    for round in 0..rounds {
        let title = format!("Pushed change {round}");
        let mut event = sample_event(now, round % 20, "cal-bench");
        event["name"] = title.clone().into();
        event["visibility"] = "public".into();
        let started = Instant::now();
        let status = fake.change_event(KEY, event).await.unwrap();
        assert!(status == 200 || status == 202, "the webhook got {status}");
        webhook.push(until_shown(&client, &url, &title, started).await);
    }

    // Polling: a refresh is tried at most every five minutes per organization, so each change
    // goes to an organization of its own, imported before and then left over an hour old.
    let mut polled = Vec::new();
    for round in 0..rounds {
        let calendar_key = format!("sk-bench-poll-{round}");
        let calendar_id = format!("cal-poll-{round}");
        fake.add_calendar(
            &calendar_key,
            FakeCalendar {
                id: calendar_id.clone(),
                name: format!("Poll {round}"),
                slug: format!("poll-{round}"),
                timezone: "Europe/Berlin".into(),
                events: (0..20)
                    .map(|n| sample_event(now, n, &calendar_id))
                    .collect(),
                legacy_shape: false,
            },
        );
        let org = organizations::create(
            &db,
            NewOrganization::parse(&format!("poll-{round}"), &format!("Poll {round}"), "").unwrap(),
        )
        .await
        .unwrap();
        organizations::connect_luma(
            &db,
            org.id,
            LumaConnection {
                calendar_id: Some(calendar_id.clone()),
                ..convene::testing::luma_key(&key, org.id, &calendar_key)
            },
        )
        .await
        .unwrap();
        importer
            .run_org_sync(org.id, SyncTrigger::Cli, Utc::now())
            .await
            .unwrap();
        polled.push((org.id, calendar_key, calendar_id));
    }
    let long_ago = Utc::now() - chrono::Duration::hours(2);
    for (org_id, _, _) in &polled {
        organization::ActiveModel {
            id: Set(*org_id),
            events_last_synced_at: Set(Some(long_ago)),
            ..Default::default()
        }
        .update(&db)
        .await
        .unwrap();
    }
    sync_run::Entity::update_many()
        .col_expr(sync_run::Column::StartedAt, Expr::value(long_ago))
        .exec(&db)
        .await
        .unwrap();
    let mut polling = Vec::new();
    for (round, (_, calendar_key, calendar_id)) in polled.iter().enumerate() {
        let title = format!("Polled change {round}");
        let mut event = sample_event(now, 3, calendar_id);
        event["name"] = title.clone().into();
        let started = Instant::now();
        fake.upsert_event(calendar_key, event);
        let url = format!("http://{address}/orgs/poll-{round}/events?view=list");
        polling.push(until_shown(&client, &url, &title, started).await);
    }

    let webhook_p95 = print_path("webhook", &webhook);
    let polling_p95 = print_path("polling", &polling);
    println!(
        "webhook p95 / polling p95 = {:.2} (target: webhook p95 at most 2 s: {})",
        webhook_p95.as_secs_f64() / polling_p95.as_secs_f64().max(f64::EPSILON),
        if webhook_p95 <= Duration::from_secs(2) {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "polling's figure is its best case: a visitor loading a page once the events are an hour old; without one, a change waits for the daily import"
    );
}
