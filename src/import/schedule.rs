//! The daily import: once a day at a configured UTC time, every organization connected to lu.ma
//! in turn, with a pause between them so calendars are not hit at once. Of several replicas on
//! one database, only the one holding the lease runs it; one organization's failure never stops
//! the others. The holder renews its short lease while it runs, so when it dies mid-way another
//! replica goes on with the organizations left within [`DAILY_TAKEOVER_WITHIN`]. The loop that
//! runs it every day is in `background`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use tokio_util::sync::CancellationToken;
use tokio_util::task::AbortOnDropHandle;

use crate::Error;
use crate::import::sync::{Importer, SyncOutcome, SyncReport, SyncTrigger};
use crate::store::entities::sync_run;
use crate::store::{leases, organizations};

pub const DAILY_LEASE: &str = "daily_sync";
/// How long the daily lease lasts unless renewed. The holder renews it every
/// [`DAILY_LEASE_RENEW_EVERY`] while it runs (however long one organization's sync takes), and
/// gives it up when the day's import is done.
pub const DAILY_LEASE_TTL: Duration = Duration::seconds(20);
const DAILY_LEASE_RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// How often a replica that found the lease held looks again, until the day's import is done.
pub const DAILY_TAKEOVER_POLL: std::time::Duration = std::time::Duration::from_secs(5);
/// The longest a replica waits between failed starts of the day's import (the store is down).
pub const DAILY_RETRY_AT_MOST: std::time::Duration = std::time::Duration::from_secs(300);

/// How long to wait before looking again after `failures` failed starts in a row: the takeover
/// poll while none failed, then twice as long after each failure up to [`DAILY_RETRY_AT_MOST`],
/// so an outage is logged a few times an hour instead of every few seconds.
pub fn daily_retry_after(failures: u32) -> std::time::Duration {
    DAILY_TAKEOVER_POLL
        .saturating_mul(1 << failures.min(16))
        .min(DAILY_RETRY_AT_MOST)
}

/// At most this long after a holder's last renewal (it died), another replica has taken over
/// the day's import: the lease's life and one look.
pub const DAILY_TAKEOVER_WITHIN: std::time::Duration = std::time::Duration::from_secs(25);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailySchedule {
    /// UTC time of day.
    pub at: NaiveTime,
    pub delay_between_organizations: std::time::Duration,
}

impl Default for DailySchedule {
    fn default() -> Self {
        Self {
            at: NaiveTime::from_hms_opt(7, 0, 0).unwrap_or(NaiveTime::MIN),
            delay_between_organizations: std::time::Duration::from_secs(1),
        }
    }
}

/// The first run time strictly after `now`.
pub fn next_run_after(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    let today = now.date_naive().and_time(at).and_utc();
    if today > now {
        today
    } else {
        today + Duration::days(1)
    }
}

/// The day's scheduled time `now` belongs to: the last one at or before `now`.
pub fn day_started_at(now: DateTime<Utc>, at: NaiveTime) -> DateTime<Utc> {
    next_run_after(now, at) - Duration::days(1)
}

/// What a daily run did; `ran` is false when another replica holds the lease (it is running the
/// day's import now). `organizations` are those this replica synced: the day's, or what was left
/// of it by a replica that stopped.
#[derive(Debug)]
pub struct DailyOutcome {
    pub ran: bool,
    pub organizations: Vec<(String, Result<SyncReport, String>)>,
}

/// Runs what is left of the day's import (the day that began at the scheduled time at or before
/// `now`): every connected organization without a finished daily run since then.
pub async fn run_daily(
    importer: &Importer,
    db: &DatabaseConnection,
    owner: &str,
    schedule: DailySchedule,
    now: DateTime<Utc>,
    stop: &CancellationToken,
) -> Result<DailyOutcome, Error> {
    if !leases::try_take(db, DAILY_LEASE, owner, DAILY_LEASE_TTL, now).await? {
        tracing::debug!(owner, "daily sync: another replica holds the lease");
        return Ok(DailyOutcome {
            ran: false,
            organizations: Vec::new(),
        });
    }
    let heartbeat = Heartbeat::start(db.clone(), owner.to_owned());
    let day = day_started_at(now, schedule.at);
    let done = synced_since(db, day).await?;
    let connected: Vec<_> = organizations::list_all(db)
        .await?
        .into_iter()
        .filter(|org| org.imports_events())
        .collect();
    let left: Vec<_> = connected
        .iter()
        .filter(|org| !done.contains(&org.id))
        .collect();
    if !done.is_empty() && !left.is_empty() {
        tracing::info!(
            owner,
            done = done.len(),
            left = left.len(),
            "daily sync: going on with a day another replica began"
        );
    }
    let mut outcomes = Vec::with_capacity(left.len());
    for (index, org) in left.into_iter().enumerate() {
        let stopping = index > 0
            && tokio::select! {
                () = stop.cancelled() => true,
                () = tokio::time::sleep(schedule.delay_between_organizations) => false,
            };
        if stopping || stop.is_cancelled() {
            // The process is stopping: the organizations left go to the lease's next holder.
            tracing::info!(
                owner,
                synced = outcomes.len(),
                "daily sync: stopping; the rest of the day is left to the next holder"
            );
            drop(heartbeat);
            leases::release(db, DAILY_LEASE, owner, Utc::now()).await?;
            return Ok(DailyOutcome {
                ran: false,
                organizations: outcomes,
            });
        }
        if heartbeat.lost() {
            // This process stalled past the lease's life and another replica took over.
            tracing::warn!(
                owner,
                "daily sync: the lease was taken over; leaving the rest to its holder"
            );
            return Ok(DailyOutcome {
                ran: true,
                organizations: outcomes,
            });
        }
        let outcome = importer
            .run_org_sync(org.id, SyncTrigger::Daily, Utc::now().max(now))
            .await
            .map_err(|err| err.to_string());
        if let Err(err) = &outcome {
            tracing::error!(org = %org.slug, error = %err, "daily sync could not run for this organization");
        }
        outcomes.push((org.slug.clone(), outcome));
    }
    drop(heartbeat);
    // The day is done: its runs say so, and a replica looking later finds nothing left.
    leases::release(db, DAILY_LEASE, owner, Utc::now()).await?;
    Ok(DailyOutcome {
        ran: true,
        organizations: outcomes,
    })
}

/// Organizations with a finished daily run started at or after `day` (a run left running by a
/// process that died is not finished: its organization is synced again).
async fn synced_since(
    db: &DatabaseConnection,
    day: DateTime<Utc>,
) -> Result<std::collections::HashSet<i64>, Error> {
    let ids: Vec<i64> = sync_run::Entity::find()
        .select_only()
        .column(sync_run::Column::OrganizationId)
        .distinct()
        .filter(sync_run::Column::Trigger.eq(SyncTrigger::Daily))
        .filter(sync_run::Column::StartedAt.gte(day))
        .filter(sync_run::Column::Outcome.ne(SyncOutcome::Running))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids.into_iter().collect())
}

/// Renews the daily lease in the background while its holder runs; notes when a renewal fails
/// (another replica holds it now). Stops when dropped.
struct Heartbeat {
    lost: Arc<AtomicBool>,
    _task: AbortOnDropHandle<()>,
}

impl Heartbeat {
    fn start(db: DatabaseConnection, owner: String) -> Self {
        let lost = Arc::new(AtomicBool::new(false));
        let noted = lost.clone();
        let task = tokio::spawn(async move {
            loop {
                tokio::time::sleep(DAILY_LEASE_RENEW_EVERY).await;
                match leases::try_take(&db, DAILY_LEASE, &owner, DAILY_LEASE_TTL, Utc::now()).await
                {
                    Ok(true) => {}
                    Ok(false) => {
                        noted.store(true, Ordering::SeqCst);
                        return;
                    }
                    // The store may answer again before the lease runs out.
                    Err(err) => {
                        tracing::warn!(error = %err, "daily sync: renewing the lease failed")
                    }
                }
            }
        });
        Self {
            lost,
            _task: AbortOnDropHandle::new(task),
        }
    }

    fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono::TimeZone;
    use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

    use super::*;
    use crate::import::luma::client::{ClientConfig, LumaClient};
    use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
    use crate::import::sync::{SyncFailure, SyncOutcome, SyncTrigger};
    use crate::secrets::SecretKey;
    use crate::store::entities::sync_run;
    use crate::store::organizations::{LumaConnection, NewOrganization};
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
        organizations::connect_luma(
            db,
            org.id,
            LumaConnection {
                calendar_url: None,
                calendar_id: None,
                calendar_name: None,
                sealed_api_key: Some(
                    secret
                        .seal(
                            key,
                            crate::secrets::Purpose::LumaApiKey {
                                organization_id: org.id,
                            },
                        )
                        .unwrap(),
                ),
                api_key_last_four: None,
            },
        )
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

        // The lease is free at once, and another replica runs the two left.
        let rest = run_daily(
            &importer,
            store.db(),
            "next",
            schedule,
            Utc::now(),
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        assert!(rest.ran, "the stopped replica released the lease");
        assert_eq!(rest.organizations.len(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_replica_goes_on_with_the_day_a_dead_holder_left_and_a_finished_day_is_not_run_again()
    {
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
}
