use std::time::Duration as StdDuration;

use chrono::TimeZone;
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

use super::*;
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::import::sync::{SyncFailure, SyncOutcome, SyncTrigger};
use crate::secrets::SecretKey;
use crate::store::entities::sync_run;
use crate::store::organizations::NewOrganization;
use crate::testing::{TestStore, fresh_store};

fn calendar(id: &str, events: u32) -> FakeCalendar {
    FakeCalendar {
        id: id.into(),
        name: id.into(),
        slug: id.into(),
        timezone: "UTC".into(),
        events: (0..events)
            .map(|n| sample_event(Utc::now(), n, id))
            .collect(),
        legacy_shape: false,
    }
}

/// An organization connected to lu.ma with `key`; returns its id.
async fn connected(db: &DatabaseConnection, secret: &SecretKey, slug: &str, key: &str) -> i64 {
    let org = organizations::create(db, NewOrganization::parse(slug, slug, "").unwrap())
        .await
        .unwrap();
    organizations::connect_luma(db, org.id, crate::testing::luma_key(secret, org.id, key))
        .await
        .unwrap();
    org.id
}

/// Organizations org-a, org-b and org-c connected to a fake lu.ma (two events each); their
/// ids and an importer.
async fn three_connected() -> (TestStore, FakeLuma, Vec<i64>, Importer) {
    let store = fresh_store().await;
    let keys = [("org-a", "key-a"), ("org-b", "key-b"), ("org-c", "key-c")];
    let fake = FakeLuma::start(
        0,
        keys.iter()
            .map(|(slug, key)| ((*key).to_owned(), calendar(slug, 2)))
            .collect(),
    )
    .await
    .unwrap();
    let secret = SecretKey::generate();
    let mut ids = Vec::new();
    for (slug, key) in keys {
        ids.push(connected(store.db(), &secret, slug, key).await);
    }
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(ClientConfig::new(fake.base_url())).unwrap(),
        secret,
    );
    (store, fake, ids, importer)
}

#[test]
fn the_next_run_is_today_if_still_ahead_else_tomorrow() {
    let seven = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
    let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap();
    assert_eq!(next_run_after(at(6, 59), seven), at(7, 0));
    assert_eq!(
        next_run_after(at(7, 0), seven),
        at(7, 0) + Duration::days(1)
    );
    assert_eq!(
        next_run_after(at(23, 0), seven),
        at(7, 0) + Duration::days(1)
    );
    // The day a moment belongs to began at the last scheduled time at or before it.
    assert_eq!(
        day_started_at(at(6, 59), seven),
        at(7, 0) - Duration::days(1)
    );
    assert_eq!(day_started_at(at(7, 0), seven), at(7, 0));
    assert_eq!(day_started_at(at(23, 0), seven), at(7, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_run_the_day_once_and_a_broken_org_does_not_stop_the_others() {
    let store = fresh_store().await;
    let fake = FakeLuma::start(
        0,
        vec![
            ("key-a".into(), calendar("cal-a", 3)),
            ("key-c".into(), calendar("cal-c", 3)),
        ],
    )
    .await
    .unwrap();
    let secret = SecretKey::generate();
    // b's key is unknown to lu.ma: its sync fails, a's and c's still run.
    for (slug, key) in [
        ("org-a", "key-a"),
        ("org-b", "key-unknown"),
        ("org-c", "key-c"),
    ] {
        connected(store.db(), &secret, slug, key).await;
    }
    let mut config = ClientConfig::new(fake.base_url());
    config.request_timeout = StdDuration::from_secs(5);
    let importer = Importer::new(store.db().clone(), LumaClient::new(config).unwrap(), secret);
    let schedule = DailySchedule {
        at: NaiveTime::MIN,
        delay_between_organizations: StdDuration::from_millis(10),
    };
    let now = Utc::now();

    let running = CancellationToken::new();
    let (one, two) = tokio::join!(
        run_daily(&importer, store.db(), "replica-1", schedule, now, &running),
        run_daily(&importer, store.db(), "replica-2", schedule, now, &running),
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(
        u8::from(one.ran) + u8::from(two.ran),
        1,
        "exactly one replica runs the day"
    );
    let ran = if one.ran { one } else { two };
    let outcomes: Vec<_> = ran
        .organizations
        .iter()
        .map(|(slug, report)| (slug.as_str(), report.as_ref().map(|r| r.outcome).unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("org-a", SyncOutcome::Ok),
            ("org-b", SyncOutcome::Failed),
            ("org-c", SyncOutcome::Ok)
        ]
    );
    assert_eq!(sync_run::Entity::find().count(store.db()).await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_finishes_the_organization_in_progress_and_leaves_the_rest_to_another_replica() {
    let (store, _fake, _ids, importer) = three_connected().await;
    let now = Utc::now();
    let schedule = DailySchedule {
        at: (now - Duration::minutes(10)).time(),
        // Long enough that the stop arrives during the first pause.
        delay_between_organizations: StdDuration::from_secs(30),
    };
    let stop = CancellationToken::new();
    let stopping = stop.clone();
    let day = tokio::spawn({
        let (importer, db) = (importer.clone(), store.db().clone());
        async move { run_daily(&importer, &db, "stopping", schedule, now, &stopping).await }
    });
    // Once the first organization's run is recorded as finished, the process stops.
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(20);
    loop {
        let finished = sync_run::Entity::find()
            .filter(sync_run::Column::Outcome.ne(SyncOutcome::Running))
            .count(store.db())
            .await
            .unwrap();
        if finished > 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first organization never finished"
        );
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    stop.cancel();
    let stopped = tokio::time::timeout(StdDuration::from_secs(5), day)
        .await
        .expect("a stop does not wait for the pause between organizations")
        .unwrap()
        .unwrap();
    assert_eq!(
        stopped.organizations.len(),
        1,
        "only the organization in progress finished"
    );

    // The lease is free at once, and another replica runs the two left (without the long
    // pause, which only had to outlast the stop).
    let rest = run_daily(
        &importer,
        store.db(),
        "next",
        DailySchedule {
            delay_between_organizations: StdDuration::from_millis(1),
            ..schedule
        },
        Utc::now(),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(rest.ran, "the stopped replica released the lease");
    assert_eq!(rest.organizations.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_goes_on_with_the_day_a_dead_holder_left_and_a_finished_day_is_not_run_again() {
    use sea_orm::ActiveModelTrait;
    use sea_orm::ActiveValue::Set;

    let (store, _fake, ids, importer) = three_connected().await;
    let now = Utc::now();
    let schedule = DailySchedule {
        at: (now - Duration::minutes(10)).time(),
        delay_between_organizations: StdDuration::from_millis(1),
    };
    // A replica began the day ten minutes ago: it finished org-a, died during org-b (its run
    // is left running) and its lease is running out.
    let began = now - Duration::minutes(10);
    for (org, outcome) in [(ids[0], SyncOutcome::Ok), (ids[1], SyncOutcome::Running)] {
        sync_run::ActiveModel {
            organization_id: Set(org),
            trigger: Set(SyncTrigger::Daily),
            started_at: Set(began),
            outcome: Set(outcome),
            ..Default::default()
        }
        .insert(store.db())
        .await
        .unwrap();
    }
    // Yesterday's runs of org-c do not count for today.
    sync_run::ActiveModel {
        organization_id: Set(ids[2]),
        trigger: Set(SyncTrigger::Daily),
        started_at: Set(began - Duration::days(1)),
        outcome: Set(SyncOutcome::Ok),
        ..Default::default()
    }
    .insert(store.db())
    .await
    .unwrap();
    assert!(
        leases::try_take(store.db(), DAILY_LEASE, "dead", DAILY_LEASE_TTL, now)
            .await
            .unwrap()
    );

    let waiting = run_daily(
        &importer,
        store.db(),
        "replica-2",
        schedule,
        now,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(!waiting.ran, "the lease is still held");

    let later = now + DAILY_LEASE_TTL;
    let outcome = run_daily(
        &importer,
        store.db(),
        "replica-2",
        schedule,
        later,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(outcome.ran, "an expired lease is taken over");
    let synced: Vec<_> = outcome
        .organizations
        .iter()
        .map(|(slug, report)| (slug.as_str(), report.as_ref().unwrap().outcome))
        .collect();
    assert_eq!(
        synced,
        [("org-b", SyncOutcome::Ok), ("org-c", SyncOutcome::Ok)],
        "what the dead holder left, and nothing it finished"
    );

    // The lease was given up; the day is done, so any replica looking again finds nothing.
    let again = run_daily(
        &importer,
        store.db(),
        "replica-3",
        schedule,
        later,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(again.ran && again.organizations.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_one_organizations_sync_fails_only_that_run_and_the_next_day_runs() {
    let (store, _fake, ids, importer) = three_connected().await;
    let importer = importer.with_injected_panic(ids[1]);
    let schedule = DailySchedule {
        at: NaiveTime::MIN,
        delay_between_organizations: StdDuration::from_millis(1),
    };
    let today = Utc::now();
    for day in [today, today + Duration::days(1)] {
        let outcome = run_daily(
            &importer,
            store.db(),
            "replica",
            schedule,
            day,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(outcome.ran);
        let reports: Vec<_> = outcome
            .organizations
            .iter()
            .map(|(slug, report)| {
                let report = report.as_ref().unwrap();
                (slug.as_str(), report.outcome, report.message.clone())
            })
            .collect();
        assert_eq!(
            reports,
            [
                ("org-a", SyncOutcome::Ok, None),
                (
                    "org-b",
                    SyncOutcome::Failed,
                    Some(crate::import::sync::INTERNAL_FAILURE.to_owned())
                ),
                ("org-c", SyncOutcome::Ok, None),
            ]
        );
    }
    let runs = sync_run::Entity::find().all(store.db()).await.unwrap();
    assert!(
        runs.iter()
            .all(|run| run.outcome != crate::import::sync::SyncOutcome::Running),
        "no run is left running"
    );
}

#[test]
fn failed_starts_wait_longer_each_time_up_to_a_limit() {
    assert_eq!(daily_retry_after(0), DAILY_TAKEOVER_POLL);
    assert_eq!(daily_retry_after(1), DAILY_TAKEOVER_POLL * 2);
    assert_eq!(daily_retry_after(3), DAILY_TAKEOVER_POLL * 8);
    assert_eq!(daily_retry_after(6), DAILY_RETRY_AT_MOST);
    assert_eq!(daily_retry_after(u32::MAX), DAILY_RETRY_AT_MOST);
}

#[tokio::test]
async fn runs_left_running_by_a_stopped_process_are_closed_as_interrupted() {
    use sea_orm::ActiveModelTrait;
    use sea_orm::ActiveValue::Set;

    let store = fresh_store().await;
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("org-a", "A", "").unwrap(),
    )
    .await
    .unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap();
    for (minutes_ago, outcome) in [
        (60, SyncOutcome::Running),
        (1, SyncOutcome::Running),
        (60, SyncOutcome::Ok),
    ] {
        sync_run::ActiveModel {
            organization_id: Set(org.id),
            trigger: Set(SyncTrigger::Daily),
            started_at: Set(now - Duration::minutes(minutes_ago)),
            outcome: Set(outcome),
            ..Default::default()
        }
        .insert(store.db())
        .await
        .unwrap();
    }
    assert_eq!(
        crate::import::sync::close_interrupted_runs(store.db(), now)
            .await
            .unwrap(),
        1
    );
    let runs: Vec<(SyncOutcome, Option<SyncFailure>)> = sync_run::Entity::find()
        .order_by_asc(sync_run::Column::Id)
        .all(store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|run| (run.outcome, run.failure))
        .collect();
    assert_eq!(
        runs,
        [
            (SyncOutcome::Interrupted, Some(SyncFailure::Interrupted)),
            (SyncOutcome::Running, None),
            (SyncOutcome::Ok, None)
        ],
        "a run still young may be going on another replica"
    );
}
