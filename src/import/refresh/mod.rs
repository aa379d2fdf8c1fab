//! Page-load refresh (stale-while-revalidate): a page showing an organization's events asks
//! [`Refresher::ensure_fresh`], which answers at once and, when the data is older than the TTL,
//! starts one background sync. Concurrent callers for the same organization share that one sync.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tokio::task::JoinHandle;

use crate::Error;
use crate::import::sync::{Importer, SyncReport, SyncTrigger, is_running};
use crate::store::entities::{organization, sync_run};

/// After an attempt (even a failed one), page loads wait this long before trying again, so a
/// broken calendar is not hammered by every visitor.
const RETRY_PAUSE: Duration = Duration::minutes(5);

pub enum Freshness {
    /// Synced within the TTL; nothing to do.
    Fresh,
    /// Not connected to lu.ma: nothing to refresh.
    NotConnected,
    /// A sync for this organization is already running (started by another caller).
    AlreadyRefreshing,
    /// The last attempt was moments ago; the next page load after the pause will try again.
    RecentlyAttempted,
    /// This call started the background sync.
    RefreshStarted(JoinHandle<Result<SyncReport, Error>>),
}

/// What the page-load refresh needs to know about an organization: pages that already read a
/// few of its columns pass those instead of loading the whole row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncState {
    pub organization_id: i64,
    /// It has a calendar to import from.
    pub connected: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
}

impl From<&organization::Model> for SyncState {
    fn from(org: &organization::Model) -> Self {
        Self {
            organization_id: org.id,
            connected: org.imports_events(),
            last_synced_at: org.events_last_synced_at,
        }
    }
}

#[derive(Clone)]
pub struct Refresher {
    importer: Importer,
    db: DatabaseConnection,
    ttl: Duration,
    in_flight: Arc<Mutex<HashSet<i64>>>,
}

/// Takes an organization off the in-flight list when its sync ends, however it ends.
struct InFlight {
    set: Arc<Mutex<HashSet<i64>>>,
    organization_id: i64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.organization_id);
    }
}

impl Refresher {
    pub fn new(importer: Importer, db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            importer,
            db,
            ttl,
            in_flight: Arc::default(),
        }
    }

    /// The importer behind the refreshes (for the settings panel's lu.ma checks).
    pub fn importer(&self) -> &Importer {
        &self.importer
    }

    /// Returns at once; starts at most one background sync per organization at a time.
    pub async fn ensure_fresh(
        &self,
        org: impl Into<SyncState>,
        now: DateTime<Utc>,
    ) -> Result<Freshness, Error> {
        let org: SyncState = org.into();
        if !org.connected {
            return Ok(Freshness::NotConnected);
        }
        if org
            .last_synced_at
            .is_some_and(|synced| now - synced < self.ttl)
        {
            return Ok(Freshness::Fresh);
        }
        // Claim the organization before any await, so concurrent callers see the claim.
        let Some(guard) = self.claim(org.organization_id) else {
            return Ok(Freshness::AlreadyRefreshing);
        };
        let last_attempt = last_run(&self.db, org.organization_id)
            .await?
            .map(|run| run.started_at);
        if last_attempt.is_some_and(|started| now - started < RETRY_PAUSE) {
            return Ok(Freshness::RecentlyAttempted);
        }
        Ok(Freshness::RefreshStarted(self.spawn(
            guard,
            org.organization_id,
            SyncTrigger::PageLoad,
            now,
        )))
    }

    /// "Sync now": starts a sync whatever the data's age, unless one is already running for the
    /// organization, in this process or (judging by its unfinished run) on another replica.
    pub async fn sync_now(
        &self,
        organization_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ManualSync, Error> {
        let Some(guard) = self.claim(organization_id) else {
            return Ok(ManualSync::AlreadyRunning);
        };
        if let Some(run) = last_run(&self.db, organization_id).await?
            && is_running(&run, now)
        {
            return Ok(ManualSync::AlreadyRunning);
        }
        Ok(ManualSync::Started(self.spawn(
            guard,
            organization_id,
            SyncTrigger::Manual,
            now,
        )))
    }

    fn claim(&self, organization_id: i64) -> Option<InFlight> {
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        in_flight.insert(organization_id).then(|| InFlight {
            set: self.in_flight.clone(),
            organization_id,
        })
    }

    fn spawn(
        &self,
        guard: InFlight,
        organization_id: i64,
        trigger: SyncTrigger,
        now: DateTime<Utc>,
    ) -> JoinHandle<Result<SyncReport, Error>> {
        let importer = self.importer.clone();
        tokio::spawn(async move {
            let _guard = guard;
            importer.run_org_sync(organization_id, trigger, now).await
        })
    }
}

pub enum ManualSync {
    Started(JoinHandle<Result<SyncReport, Error>>),
    AlreadyRunning,
}

/// The organization's last import attempt (a webhook's run brings one event: it is no attempt
/// at the calendar, and never holds a refresh back).
async fn last_run(
    db: &DatabaseConnection,
    organization_id: i64,
) -> Result<Option<sync_run::Model>, Error> {
    Ok(sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(organization_id))
        .filter(sync_run::Column::Trigger.ne(SyncTrigger::Webhook))
        .order_by_desc(sync_run::Column::Id)
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests;
