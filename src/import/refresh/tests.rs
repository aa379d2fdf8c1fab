//! Stale-while-revalidate and single-flight, against the fake lu.ma.

use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::import::sync::SyncOutcome;
use crate::secrets::SecretKey;
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::testing::fresh_store;

const KEY: &str = "sk-refresh-0001";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_page_loads_start_exactly_one_sync() {
    let store = fresh_store().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let (org, _fake, refresher) = connected(&store, 20, now).await;

    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let refresher = refresher.clone();
        let org = org.clone();
        calls.spawn(async move { refresher.ensure_fresh(&org, now).await });
    }
    let mut started = Vec::new();
    let mut shared = 0;
    while let Some(answer) = calls.join_next().await {
        match answer.unwrap().unwrap() {
            Freshness::RefreshStarted(handle) => started.push(handle),
            Freshness::AlreadyRefreshing | Freshness::RecentlyAttempted => shared += 1,
            Freshness::Fresh | Freshness::NotConnected => panic!("stale and connected"),
        }
    }
    assert_eq!(started.len(), 1, "exactly one caller starts the sync");
    assert_eq!(shared, 99);
    let report = started.pop().unwrap().await.unwrap().unwrap();
    assert_eq!(report.counts.created, 20);
    assert_eq!(sync_run::Entity::find().count(store.db()).await.unwrap(), 1);

    // Fresh now: nothing starts within the TTL.
    let org = organization::Entity::find_by_id(org.id)
        .one(store.db())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        refresher
            .ensure_fresh(&org, now + Duration::minutes(30))
            .await
            .unwrap(),
        Freshness::Fresh
    ));
    // Stale again after the TTL: one more sync.
    let later = now + Duration::hours(2);
    assert!(matches!(
        refresher.ensure_fresh(&org, later).await.unwrap(),
        Freshness::RefreshStarted(_)
    ));
}

#[tokio::test]
async fn organizations_without_lu_ma_have_nothing_to_refresh() {
    let store = fresh_store().await;
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("plain", "Plain", "").unwrap(),
    )
    .await
    .unwrap();
    let client =
        LumaClient::new(ClientConfig::new("http://127.0.0.1:9/".parse().unwrap())).unwrap();
    let refresher = Refresher::new(
        Importer::new(store.db().clone(), client, SecretKey::generate()),
        store.db().clone(),
        Duration::hours(1),
    );
    assert!(matches!(
        refresher.ensure_fresh(&org, Utc::now()).await.unwrap(),
        Freshness::NotConnected
    ));
}

/// An organization connected to its own fake calendar of `events` events, dated from `now`.
async fn connected(
    store: &crate::testing::TestStore,
    events: u32,
    now: chrono::DateTime<Utc>,
) -> (organization::Model, FakeLuma, Refresher) {
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("lisbon", "Lisbon", "").unwrap(),
    )
    .await
    .unwrap();
    let calendar = FakeCalendar {
        id: "cal-l".into(),
        name: "Lisbon".into(),
        slug: "lisbon".into(),
        timezone: "Europe/Lisbon".into(),
        events: (0..events).map(|n| sample_event(now, n, "cal-l")).collect(),
        legacy_shape: false,
    };
    let fake = FakeLuma::start(0, vec![(KEY.into(), calendar)])
        .await
        .unwrap();
    let secret = SecretKey::generate();
    let org = organizations::connect_luma(
        store.db(),
        org.id,
        LumaConnection {
            calendar_id: Some("cal-l".into()),
            ..crate::testing::luma_key(&secret, org.id, KEY)
        },
    )
    .await
    .unwrap();
    let mut config = ClientConfig::new(fake.base_url());
    config.request_timeout = StdDuration::from_secs(5);
    let importer = Importer::new(store.db().clone(), LumaClient::new(config).unwrap(), secret);
    let refresher = Refresher::new(importer, store.db().clone(), Duration::hours(1));
    (org, fake, refresher)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_now_runs_once_at_a_time_here_and_across_replicas_and_reports_progress() {
    let store = fresh_store().await;
    let now = Utc::now();
    let (org, fake, refresher) = connected(&store, 120, now).await;
    fake.set_page_cap(50);
    // The second page stalls, so the first sync is still running while the others ask.
    fake.push_fault(
        KEY,
        crate::import::luma::fake::Fault::Stall(StdDuration::ZERO),
    );
    fake.push_fault(
        KEY,
        crate::import::luma::fake::Fault::Stall(StdDuration::from_millis(1500)),
    );

    let ManualSync::Started(first) = refresher.sync_now(org.id, now).await.unwrap() else {
        panic!("nothing was running");
    };
    assert!(matches!(
        refresher.sync_now(org.id, now).await.unwrap(),
        ManualSync::AlreadyRunning
    ));
    // Another replica (its own in-process claims) sees the unfinished run in the store.
    let other_replica = Refresher::new(
        refresher.importer.clone(),
        store.db().clone(),
        Duration::hours(1),
    );
    // Progress is visible while it runs: the first page is recorded while the second stalls.
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
    let running = loop {
        let run = last_run(store.db(), org.id).await.unwrap();
        if let Some(run) = run.filter(|run| run.pages_fetched == 1) {
            break run;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first page was never recorded"
        );
        tokio::time::sleep(StdDuration::from_millis(10)).await;
    };
    assert_eq!(running.outcome, SyncOutcome::Running);
    assert!(matches!(
        other_replica.sync_now(org.id, now).await.unwrap(),
        ManualSync::AlreadyRunning
    ));

    let report = first.await.unwrap().unwrap();
    assert_eq!(report.counts.created, 120);
    assert_eq!(report.counts.pages_fetched, 3);
    let finished = last_run(store.db(), org.id).await.unwrap().unwrap();
    assert!(!is_running(&finished, Utc::now()));
    assert_eq!(finished.trigger, SyncTrigger::Manual);

    // Done: the next click starts a new one, even though the data is fresh.
    assert!(matches!(
        refresher.sync_now(org.id, Utc::now()).await.unwrap(),
        ManualSync::Started(_)
    ));
}

#[test]
fn a_run_left_running_for_too_long_counts_as_interrupted() {
    let now = Utc::now();
    let run = |started_minutes_ago: i64, outcome: SyncOutcome| sync_run::Model {
        id: 1,
        organization_id: 1,
        trigger: SyncTrigger::Manual,
        started_at: now - Duration::minutes(started_minutes_ago),
        finished_at: None,
        outcome,
        events_skipped_private: 0,
        descriptions_wanted: 0,
        descriptions_fetched: 0,
        pages_fetched: 0,
        events_created: 0,
        events_updated: 0,
        events_removed: 0,
        events_unchanged: 0,
        requests_made: 0,
        error_message: None,
        failure: None,
    };
    assert!(is_running(&run(1, SyncOutcome::Running), now));
    assert!(!is_running(&run(16, SyncOutcome::Running), now));
    assert!(!is_running(&run(1, SyncOutcome::Ok), now));
}
