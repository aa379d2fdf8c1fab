//! Import benchmark: syncs ORGS organizations × EVENTS events each from the bundled fake lu.ma
//! and compares the rate with a raw SeaORM `insert_many` of the same rows, in the same process,
//! on SQLite and (when `TEST_DATABASE_URL` is set) on Postgres.
//!
//!     make bench                                    # 100 × 500, both stores when Postgres answers
//!     BENCH_ORGS=10 BENCH_EVENTS=100 make bench     # a quick look
//!
//! Phases, each on a fresh store of the same backend:
//! - raw: `insert_many` of the rows a sync would store, one transaction per organization;
//! - first sync, events stored: the list pages fetched, reconciled and stored (what pages show);
//! - first sync, complete: then one `events/get` per event for its description;
//! - re-sync: nothing changed upstream, so list pages only and no writes but `synced_at`;
//! - a new 500-event calendar under the real budget (180 requests a minute): seconds until its
//!   events are stored and shown (its descriptions follow over the next minutes).
//!
//! It checks what docs/performance.md promises: requests = pages + new/changed events. The request budget
//! is lifted (the fake has none); against lu.ma, 180 requests a minute per calendar bound a first
//! import instead.
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use chrono::Utc;
use convene::import::luma::client::{ApiKey, ClientConfig, LumaClient};
use convene::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use convene::import::luma::model::parse_event_detail;
use convene::import::sync::{Importer, SyncOutcome, SyncTrigger, event_row};
use convene::secrets::SecretKey;
use convene::store::entities::event;
use convene::store::organizations::{self, LumaConnection, NewOrganization};
use convene::testing::{TestStore, fresh_postgres_schema, fresh_sqlite_url, store_at};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};

/// The sync's own chunk size, so the baseline inserts exactly as the sync does.
const INSERT_CHUNK: usize = 200;
/// The new calendar timed under the real request budget.
const NEW_CALENDAR_EVENTS: u32 = 500;

struct Phase {
    name: &'static str,
    /// `None`: the events are not separately counted (a part of another phase).
    events: u64,
    elapsed: Duration,
    requests: Option<u64>,
    pages: Option<u64>,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64()
    }
}

fn env_number(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: {v:?} is not a number"))
        })
        .unwrap_or(default)
}

fn calendars(orgs: u32, events: u32) -> Vec<(String, FakeCalendar)> {
    (0..orgs)
        .map(|i| {
            let id = format!("cal-bench{i:03}");
            let calendar = FakeCalendar {
                id: id.clone(),
                name: format!("Bench {i}"),
                slug: format!("bench-{i}"),
                timezone: "Europe/Berlin".into(),
                events: (0..events)
                    .map(|n| sample_event(Utc::now(), n, &id))
                    .collect(),
                legacy_shape: false,
            };
            (format!("bench-key-{i:03}"), calendar)
        })
        .collect()
}

async fn create_orgs(store: &TestStore, orgs: u32, key: &SecretKey) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..orgs {
        let org = organizations::create(
            store.db(),
            NewOrganization::parse(&format!("bench-{i}"), &format!("Bench {i}"), "").unwrap(),
        )
        .await
        .unwrap();
        let api_key = ApiKey::new(format!("bench-key-{i:03}"));
        organizations::connect_luma(
            store.db(),
            org.id,
            LumaConnection {
                calendar_url: None,
                calendar_id: Some(format!("cal-bench{i:03}")),
                calendar_name: None,
                sealed_api_key: Some(
                    key.seal(
                        api_key.expose(),
                        convene::secrets::Purpose::LumaApiKey {
                            organization_id: org.id,
                        },
                    )
                    .unwrap(),
                ),
                api_key_last_four: Some(api_key.last_four()),
            },
        )
        .await
        .unwrap();
        ids.push(org.id);
    }
    ids
}

/// The baseline: the same rows (parsed from the same JSON), inserted without any lu.ma work.
async fn raw_insert(
    store: &TestStore,
    org_ids: &[i64],
    calendars: &[(String, FakeCalendar)],
) -> Phase {
    let now = Utc::now();
    let rows: Vec<Vec<event::ActiveModel>> = org_ids
        .iter()
        .zip(calendars)
        .map(|(org_id, (_, calendar))| {
            calendar
                .events
                .iter()
                .map(|json| {
                    let detail = serde_json::json!({ "event": json }).to_string();
                    event_row(
                        *org_id,
                        &parse_event_detail(&detail).unwrap(),
                        convene::import::sync::EventSource::LumaApi,
                        now,
                    )
                })
                .collect()
        })
        .collect();
    let events = rows.iter().map(Vec::len).sum::<usize>() as u64;
    let started = Instant::now();
    for org_rows in rows {
        let txn = store.db().begin().await.unwrap();
        for chunk in org_rows.chunks(INSERT_CHUNK) {
            event::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    Phase {
        name: "raw insert_many",
        events,
        elapsed: started.elapsed(),
        requests: None,
        pages: None,
    }
}

/// The phase, and for a first sync the time until each organization's events were stored
/// (summed, as the syncs run one after another).
async fn sync_all(
    importer: &Importer,
    org_ids: &[i64],
    name: &'static str,
    first: bool,
) -> (Phase, Duration) {
    let (mut events, mut requests, mut pages) = (0u64, 0u64, 0u64);
    let mut until_stored = Duration::ZERO;
    let started = Instant::now();
    for org_id in org_ids {
        let report = importer
            .run_org_sync(*org_id, SyncTrigger::Cli, Utc::now())
            .await
            .unwrap();
        assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
        let counts = &report.counts;
        let changed = u64::from(counts.created + counts.updated);
        assert_eq!(
            counts.requests_made,
            u64::from(counts.pages_fetched) + changed,
            "requests = pages + new/changed events"
        );
        until_stored += report.events_stored_in.unwrap();
        assert_eq!(changed > 0, first, "{counts:?}");
        events += changed + u64::from(counts.unchanged);
        requests += counts.requests_made;
        pages += u64::from(counts.pages_fetched);
    }
    let phase = Phase {
        name,
        events,
        elapsed: started.elapsed(),
        requests: Some(requests),
        pages: Some(pages),
    };
    (phase, until_stored)
}

/// A new calendar of `events` events under lu.ma's real budget: the time until all of them
/// are stored (polled from the store), without waiting for the descriptions that follow.
async fn new_calendar_under_budget(url: String, events: u32) -> Duration {
    let calendars = calendars(1, events);
    let fake = FakeLuma::start(0, calendars).await.unwrap();
    let key = SecretKey::generate();
    let store = store_at(url).await;
    let org_id = create_orgs(&store, 1, &key).await[0];
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(ClientConfig::new(fake.base_url())).unwrap(),
        key,
    );
    assert_eq!(ClientConfig::new(fake.base_url()).budget_per_minute, 180);
    let started = Instant::now();
    let sync = tokio::spawn(async move {
        importer
            .run_org_sync(org_id, SyncTrigger::Manual, Utc::now())
            .await
    });
    loop {
        let stored = event::Entity::find()
            .filter(event::Column::OrganizationId.eq(org_id))
            .count(store.db())
            .await
            .unwrap();
        if stored >= u64::from(events) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {stored} of {events} events stored after two minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let visible = started.elapsed();
    // The descriptions would take minutes more at 180 requests a minute.
    sync.abort();
    drop(fake);
    visible
}

async fn bench(backend: &str, url: impl AsyncFn() -> String, orgs: u32, events: u32) {
    let calendars = calendars(orgs, events);
    let fake = FakeLuma::start(0, calendars.clone()).await.unwrap();
    let key = SecretKey::generate();

    let baseline_store = store_at(url().await).await;
    let baseline_orgs = create_orgs(&baseline_store, orgs, &key).await;
    let raw = raw_insert(&baseline_store, &baseline_orgs, &calendars).await;

    let sync_store = store_at(url().await).await;
    let sync_orgs = create_orgs(&sync_store, orgs, &key).await;
    let mut config = ClientConfig::new(fake.base_url());
    config.budget_per_minute = u32::MAX;
    let importer = Importer::new(
        sync_store.db().clone(),
        LumaClient::new(config).unwrap(),
        key,
    );
    let (first, until_stored) = sync_all(&importer, &sync_orgs, "first sync, complete", true).await;
    let stored = Phase {
        name: "first sync, stored",
        events: first.events,
        elapsed: until_stored,
        requests: first.pages,
        pages: first.pages,
    };
    let (again, _) = sync_all(&importer, &sync_orgs, "re-sync (unchanged)", false).await;
    let visible = new_calendar_under_budget(url().await, NEW_CALENDAR_EVENTS).await;

    println!("\n{backend}: {orgs} organizations × {events} events");
    println!(
        "  {:<22} {:>8} {:>9} {:>11} {:>9} {:>7} {:>10}",
        "phase", "events", "seconds", "events/s", "requests", "pages", "vs raw"
    );
    for phase in [&raw, &stored, &first, &again] {
        let dash = || "-".to_owned();
        println!(
            "  {:<22} {:>8} {:>9.2} {:>11.0} {:>9} {:>7} {:>9.0}%",
            phase.name,
            phase.events,
            phase.elapsed.as_secs_f64(),
            phase.rate(),
            phase.requests.map_or_else(dash, |r| r.to_string()),
            phase.pages.map_or_else(dash, |p| p.to_string()),
            100.0 * phase.rate() / raw.rate(),
        );
    }
    println!(
        "  a new {NEW_CALENDAR_EVENTS}-event calendar at 180 requests a minute: events shown after {:.2} s (descriptions follow)",
        visible.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let orgs = env_number("BENCH_ORGS", 100);
    let events = env_number("BENCH_EVENTS", 500);
    bench("SQLite", async || fresh_sqlite_url(), orgs, events).await;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            bench(
                "Postgres",
                async || fresh_postgres_schema(&base).await,
                orgs,
                events,
            )
            .await;
        }
        _ => println!("\nPostgres: skipped (set TEST_DATABASE_URL to include it)"),
    }
}
