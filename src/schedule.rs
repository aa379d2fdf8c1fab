//! The daily import: once a day at a configured UTC time, every organization connected to lu.ma
//! in turn, with a pause between them so calendars are not hit at once. Of several replicas on
//! one database, only the one holding the lease runs it; one organization's failure never stops
//! the others.

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

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono::TimeZone;
    use sea_orm::{EntityTrait, PaginatorTrait};

    use super::*;
    use crate::luma::client::{ClientConfig, LumaClient};
    use crate::luma::fake::{FakeCalendar, FakeLuma, sample_event};
    use crate::secrets::SecretKey;
    use crate::store::entities::sync_run;
    use crate::store::organizations::{LumaConnection, NewOrganization};
    use crate::sync::SyncOutcome;
    use crate::testing::fresh_store;

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
        let calendar = |id: &str| FakeCalendar {
            id: id.into(),
            name: id.into(),
            slug: id.into(),
            timezone: "UTC".into(),
            events: (0..3).map(|n| sample_event(n, id)).collect(),
            legacy_shape: false,
        };
        let fake = FakeLuma::start(
            0,
            vec![
                ("key-a".into(), calendar("cal-a")),
                ("key-c".into(), calendar("cal-c")),
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
            let org =
                organizations::create(store.db(), NewOrganization::parse(slug, slug, "").unwrap())
                    .await
                    .unwrap();
            organizations::connect_luma(
                store.db(),
                org.id,
                LumaConnection {
                    calendar_url: None,
                    calendar_id: None,
                    calendar_name: None,
                    sealed_api_key: Some(secret.seal(key).unwrap()),
                    api_key_last_four: None,
                },
            )
            .await
            .unwrap();
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
}
