//! Stale-while-revalidate and single-flight, against the fake lu.ma.

use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::luma::client::{ClientConfig, LumaClient};
use crate::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::secrets::SecretKey;
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::testing::fresh_store;

const KEY: &str = "sk-refresh-0001";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_page_loads_start_exactly_one_sync() {
    let store = fresh_store().await;
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("berlin", "Berlin", "").unwrap(),
    )
    .await
    .unwrap();
    let calendar = FakeCalendar {
        id: "cal-b".into(),
        name: "Berlin".into(),
        slug: "berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..20).map(|n| sample_event(n, "cal-b")).collect(),
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
            calendar_url: None,
            calendar_id: Some("cal-b".into()),
            calendar_name: None,
            sealed_api_key: Some(secret.seal(KEY).unwrap()),
            api_key_last_four: None,
        },
    )
    .await
    .unwrap();
    let mut config = ClientConfig::new(fake.base_url());
    config.request_timeout = StdDuration::from_secs(5);
    let importer = Importer::new(store.db().clone(), LumaClient::new(config).unwrap(), secret);
    let refresher = Refresher::new(importer, store.db().clone(), Duration::hours(1));
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();

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
