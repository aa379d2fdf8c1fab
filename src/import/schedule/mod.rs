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

/// What a daily run did; `ran` is false when the day is not done here: another replica holds the
/// lease (it is running the day's import now), or this process was stopped part-way (the lease
/// is released for the next holder). `organizations` are those this replica synced: the day's,
/// what was left of it by a replica that stopped, or what it finished before it was stopped.
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
    // Organizations connected through a lu.ma organization key come in one run over its list,
    // not one list each.
    let through_network = |org: &&organizations::Organization| {
        org.luma_network_id.is_some() && org.luma_api_key_sealed.is_none()
    };
    if left.iter().any(through_network) {
        match crate::import::network::run(importer, SyncTrigger::Daily, Utc::now().max(now)).await {
            Ok(Some(run)) => outcomes.extend(
                run.runs
                    .into_iter()
                    .map(|(slug, report)| (slug, report.map_err(|err| err.to_string()))),
            ),
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, "daily sync: the lu.ma organization key's run failed; its calendars wait for tomorrow or a page load");
            }
        }
    }
    let left: Vec<_> = left
        .into_iter()
        .filter(|org| !through_network(org))
        .collect();
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
mod tests;
