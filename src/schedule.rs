//! The daily import: once a day at a configured UTC time, every organization connected to lu.ma
//! in turn, with a pause between them so calendars are not hit at once. Of several replicas on
//! one database, only the one holding the lease runs it; one organization's failure never stops
//! the others. Background loops run under [`supervise`], which restarts one that ends.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use sea_orm::DatabaseConnection;

use crate::Error;
use crate::store::{leases, organizations};
use crate::sync::{Importer, SyncReport, SyncTrigger};

pub const DAILY_LEASE: &str = "daily_sync";
/// Held (not released) after the run, so a replica whose clock is a little late does not run the
/// day again; it expires well before the next day's run, or lets another replica take over when
/// the holder died.
const LEASE_TTL: Duration = Duration::hours(12);

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

/// What a daily run did; `ran` is false when another replica holds the lease.
#[derive(Debug)]
pub struct DailyOutcome {
    pub ran: bool,
    pub organizations: Vec<(String, Result<SyncReport, String>)>,
}

pub async fn run_daily(
    importer: &Importer,
    db: &DatabaseConnection,
    owner: &str,
    schedule: DailySchedule,
    now: DateTime<Utc>,
) -> Result<DailyOutcome, Error> {
    if !leases::try_take(db, DAILY_LEASE, owner, LEASE_TTL, now).await? {
        tracing::info!(owner, "daily sync: another replica holds the lease");
        return Ok(DailyOutcome {
            ran: false,
            organizations: Vec::new(),
        });
    }
    let connected: Vec<_> = organizations::list_all(db)
        .await?
        .into_iter()
        .filter(|org| org.imports_events())
        .collect();
    let mut outcomes = Vec::with_capacity(connected.len());
    for (index, org) in connected.iter().enumerate() {
        if index > 0 {
            tokio::time::sleep(schedule.delay_between_organizations).await;
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
    Ok(DailyOutcome {
        ran: true,
        organizations: outcomes,
    })
}

/// How long [`supervise`] waits before starting a task that ended again.
pub const RESTART_PAUSE: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs a background loop for the life of the server: whenever its task ends (a panic, or a
/// return it should never make), logs why and starts a new one after `pause`. Dropping or
/// aborting the supervisor stops the task it is running too.
pub async fn supervise<Loop, Running>(
    name: &'static str,
    pause: std::time::Duration,
    mut start: Loop,
) where
    Loop: FnMut() -> Running,
    Running: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        let mut task = AbortOnDrop(tokio::spawn(start()));
        let ended = (&mut task.0).await;
        match ended {
            Ok(()) => tracing::error!(task = name, "background task ended; starting it again"),
            Err(err) if err.is_panic() => tracing::error!(
                task = name,
                panic = %crate::sync::panic_message(err.into_panic()),
                "background task panicked; starting it again"
            ),
            Err(_) => {
                tracing::info!(task = name, "background task cancelled");
                return;
            }
        }
        tokio::time::sleep(pause).await;
    }
}

/// A task that is aborted when its owner goes away.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono::TimeZone;
    use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

    use super::*;
    use crate::luma::client::{ClientConfig, LumaClient};
    use crate::luma::fake::{FakeCalendar, FakeLuma, sample_event};
    use crate::secrets::SecretKey;
    use crate::store::entities::sync_run;
    use crate::store::organizations::{LumaConnection, NewOrganization};
    use crate::sync::{SyncFailure, SyncOutcome, SyncTrigger};
    use crate::testing::fresh_store;

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
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap();

        let (one, two) = tokio::join!(
            run_daily(&importer, store.db(), "replica-1", schedule, now),
            run_daily(&importer, store.db(), "replica-2", schedule, now),
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
    async fn a_panic_in_one_organizations_sync_fails_only_that_run_and_the_next_day_runs() {
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
        )
        .with_injected_panic(ids[1]);
        let schedule = DailySchedule {
            at: NaiveTime::MIN,
            delay_between_organizations: StdDuration::from_millis(1),
        };
        let today = Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0).unwrap();
        for day in [today, today + Duration::days(1)] {
            let outcome = run_daily(&importer, store.db(), "replica", schedule, day)
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
                        Some(crate::sync::INTERNAL_FAILURE.to_owned())
                    ),
                    ("org-c", SyncOutcome::Ok, None),
                ]
            );
        }
        let runs = sync_run::Entity::find().all(store.db()).await.unwrap();
        assert!(
            runs.iter()
                .all(|run| run.outcome != crate::sync::SyncOutcome::Running),
            "no run is left running"
        );
    }

    #[tokio::test]
    async fn a_supervised_loop_that_panics_or_returns_is_started_again() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let starts = Arc::new(AtomicUsize::new(0));
        let counted = starts.clone();
        let supervisor = tokio::spawn(supervise(
            "test loop",
            StdDuration::from_millis(5),
            move || {
                let starts = counted.clone();
                async move {
                    if starts.fetch_add(1, Ordering::SeqCst).is_multiple_of(2) {
                        panic!("a bug in the loop");
                    }
                }
            },
        ));
        let deadline = tokio::time::Instant::now() + StdDuration::from_secs(10);
        while starts.load(Ordering::SeqCst) < 4 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the loop was not restarted"
            );
            tokio::time::sleep(StdDuration::from_millis(5)).await;
        }
        supervisor.abort();
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
            crate::sync::close_interrupted_runs(store.db(), now)
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
