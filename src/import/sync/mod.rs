//! Importing an organization's events from lu.ma or its iCal feed into the store.
//!
//! A run fetches the whole window first. Only a complete fetch writes, and then in one
//! transaction: new and changed events upserted, events that disappeared from the window marked
//! removed, the run recorded. A failed, partial or interrupted fetch changes no stored event; a
//! fetch that suddenly comes back empty for a calendar with events is treated as suspicious and
//! removes nothing. Descriptions are fetched (`events/get`) only for new or changed events.
//!
//! A run in stages: fetch (`luma`, `feed`), `plan`, `write`, then for lu.ma the `descriptions`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::Error;
use crate::import::ical::fetch::{FeedClientConfig, Validators};
use crate::import::luma::client::{LumaClient, LumaError};
use crate::secrets::SecretKey;
use crate::store::entities::organization::CalendarSource;
use crate::store::entities::{organization, sync_run};

/// Runs kept per organization; older ones are deleted after each run.
pub const RUNS_KEPT: u64 = 50;
/// How far back a sync looks: yesterday's events stay visible and reconciled.
const WINDOW_PAST: Duration = Duration::days(1);

/// The most an organization keeps, as [`crate::store::usage`] counts it: a run that would
/// take it further is refused (events removed upstream count until they are purged, 30 days
/// later).
pub const ORGANIZATION_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// The most new events an organization's runs add in a day: a feed that renames its events
/// on every fetch cannot grow the store faster than this.
pub const NEW_EVENTS_PER_DAY: u64 = 10_000;

/// What one organization may keep and add: [`ORGANIZATION_BYTES_MAX`] and
/// [`NEW_EVENTS_PER_DAY`] unless a test sets smaller ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub bytes: u64,
    pub new_events_per_day: u64,
}

impl Default for Quota {
    fn default() -> Self {
        Self {
            bytes: ORGANIZATION_BYTES_MAX,
            new_events_per_day: NEW_EVENTS_PER_DAY,
        }
    }
}

pub use convene_types::{EventSource, SyncFailure, SyncOutcome, SyncTrigger};

/// Why a run did not import: its kind (stored, so runs can be found by it) and the words an
/// admin reads in the panel and the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RunFailure {
    pub kind: SyncFailure,
    pub message: String,
}

impl RunFailure {
    pub fn new(kind: SyncFailure, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The store refused the run's write.
    fn store(err: Error) -> Self {
        Self::new(
            SyncFailure::Store,
            format!("saving the events failed: {err}"),
        )
    }

    /// How a run that ended this way is recorded: a disbelieved answer changed nothing but
    /// did not fail.
    pub fn outcome(&self) -> SyncOutcome {
        match self.kind {
            SyncFailure::Suspicious => SyncOutcome::Partial,
            SyncFailure::Interrupted => SyncOutcome::Interrupted,
            _ => SyncOutcome::Failed,
        }
    }
}

impl From<LumaError> for RunFailure {
    fn from(err: LumaError) -> Self {
        let kind = match &err {
            LumaError::KeyRejected | LumaError::Forbidden(_) => SyncFailure::KeyRejected,
            LumaError::RateLimited { .. } => SyncFailure::RateLimited,
            LumaError::Server { .. } | LumaError::Timeout { .. } | LumaError::Unreachable(_) => {
                SyncFailure::LumaUnavailable
            }
            LumaError::NotFound(_) | LumaError::Malformed(_) | LumaError::Unexpected { .. } => {
                SyncFailure::LumaAnswer
            }
        };
        Self::new(kind, err.to_string())
    }
}

impl From<sea_orm::DbErr> for RunFailure {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::store(err.into())
    }
}

impl From<crate::import::ical::fetch::FetchError> for RunFailure {
    fn from(err: crate::import::ical::fetch::FetchError) -> Self {
        Self::new(SyncFailure::FeedFetch, err.to_string())
    }
}

impl From<crate::import::ical::feed::FeedError> for RunFailure {
    fn from(err: crate::import::ical::feed::FeedError) -> Self {
        let kind = match err {
            crate::import::ical::feed::FeedError::Internal => SyncFailure::Internal,
            _ => SyncFailure::FeedUnreadable,
        };
        Self::new(kind, err.to_string())
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncCounts {
    pub pages_fetched: u32,
    pub created: u32,
    pub updated: u32,
    pub removed: u32,
    pub unchanged: u32,
    pub requests_made: u64,
    /// Private events left out: lu.ma lists them to nobody, so neither does Convene.
    pub skipped_private: u32,
    /// Descriptions fetched after the list was stored: wanted, and fetched so far.
    pub descriptions_wanted: u32,
    pub descriptions_fetched: u32,
    /// When the events were stored (and pages showed them), for the run's timing.
    pub events_stored_at: Option<std::time::Instant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub run_id: i64,
    pub outcome: SyncOutcome,
    pub counts: SyncCounts,
    /// From the run's start until its events were stored: what a new calendar waits to show.
    pub events_stored_in: Option<std::time::Duration>,
    /// Why the run failed or changed nothing, in words an admin understands.
    pub message: Option<String>,
    pub failure: Option<SyncFailure>,
}

/// Everything a sync needs; cheap to clone.
#[derive(Clone)]
pub struct Importer {
    db: DatabaseConnection,
    client: LumaClient,
    feeds: FeedClientConfig,
    secret_key: SecretKey,
    quota: Quota,
    /// Tests only: the organization whose sync panics, to prove a panic stays in its run.
    #[cfg(any(test, feature = "test-support"))]
    panic_for_organization: Option<i64>,
}

/// What a run says when its task panicked (the panic itself goes to the log).
pub const INTERNAL_FAILURE: &str = "internal error while importing; the details are in the server log and the next run will try again";
/// What a run left running by a stopped process says once it is closed.
pub const INTERRUPTED_MESSAGE: &str = "the server stopped while this run was going; what it had stored stays, and the next run imports the rest";

/// Where a run's events came from: it names their `source`, and a feed's answer carries the
/// validators the next conditional GET sends back.
enum FetchedFrom {
    Api,
    Feed(Validators),
    /// A lu.ma webhook: one event with its description, not a reconcile of the calendar.
    Webhook,
}

impl FetchedFrom {
    fn source(&self) -> EventSource {
        match self {
            FetchedFrom::Api | FetchedFrom::Webhook => EventSource::LumaApi,
            FetchedFrom::Feed(_) => EventSource::Ical,
        }
    }
}

impl Importer {
    /// An importer whose feed fetches refuse private addresses; see [`Importer::with_feeds`].
    pub fn new(db: DatabaseConnection, client: LumaClient, secret_key: SecretKey) -> Self {
        Self {
            db,
            client,
            feeds: FeedClientConfig::default(),
            secret_key,
            quota: Quota::default(),
            #[cfg(any(test, feature = "test-support"))]
            panic_for_organization: None,
        }
    }

    /// Tests only: this organization's syncs panic inside their task.
    #[cfg(any(test, feature = "test-support"))]
    pub fn with_injected_panic(mut self, organization_id: i64) -> Self {
        self.panic_for_organization = Some(organization_id);
        self
    }

    /// The same importer with other ceilings (tests use small ones).
    pub fn with_quota(mut self, quota: Quota) -> Self {
        self.quota = quota;
        self
    }

    /// How this importer fetches feeds (the settings panel checks a feed the same way).
    pub fn feeds(&self) -> FeedClientConfig {
        self.feeds
    }

    /// The same importer fetching feeds as `feeds` says (`CONVENE_ALLOW_PRIVATE_FEEDS`).
    pub fn with_feeds(mut self, feeds: FeedClientConfig) -> Self {
        self.feeds = feeds;
        self
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The shared lu.ma client (connections and budgets).
    pub fn client(&self) -> &LumaClient {
        &self.client
    }

    pub fn secret_key(&self) -> &SecretKey {
        &self.secret_key
    }

    /// Imports one organization's lu.ma events now; the run is recorded whatever happens.
    pub async fn run_org_sync(
        &self,
        organization_id: i64,
        trigger: SyncTrigger,
        now: DateTime<Utc>,
    ) -> Result<SyncReport, Error> {
        self.run_org_sync_from(organization_id, trigger, now, None)
            .await
    }

    /// [`Self::run_org_sync`] with its lu.ma list already fetched (`listed`: the events and
    /// the pages they took), as a run over a lu.ma organization key fetches every calendar's at
    /// once; the same plan, write and descriptions follow.
    pub async fn run_org_sync_from(
        &self,
        organization_id: i64,
        trigger: SyncTrigger,
        now: DateTime<Utc>,
        listed: Option<Fetched>,
    ) -> Result<SyncReport, Error> {
        let org = organization::Entity::find_by_id(organization_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound("Organization".into()))?;
        let run = sync_run::ActiveModel {
            organization_id: Set(organization_id),
            trigger: Set(trigger),
            started_at: Set(now),
            outcome: Set(SyncOutcome::Running),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let started = std::time::Instant::now();

        // Each run in its own task: a panic (a bug, or input we failed to bound) becomes this
        // run's failure, and the caller (the daily loop, a page load) carries on.
        let task = {
            let importer = self.clone();
            let org = org.clone();
            let run_id = run.id;
            tokio::spawn(async move {
                let mut counts = SyncCounts::default();
                let result = importer
                    .fetch_org(&org, run_id, now, &mut counts, listed)
                    .await;
                (result, counts)
            })
        };
        let (result, counts) = match task.await {
            Ok(done) => done,
            Err(join) => {
                let why = if join.is_panic() {
                    panic_message(join.into_panic())
                } else {
                    "the task was cancelled".to_owned()
                };
                tracing::error!(org = %org.slug, panic = %why, "a sync's task died; its run is closed as failed");
                (
                    Err(RunFailure::new(SyncFailure::Internal, INTERNAL_FAILURE)),
                    SyncCounts::default(),
                )
            }
        };
        let failure = result.err();
        let outcome = failure
            .as_ref()
            .map_or(SyncOutcome::Ok, RunFailure::outcome);
        if let Some(failure) = &failure {
            // The success path recorded everything inside its transaction.
            self.record_unsuccessful(&org, run.id, failure, &counts, now)
                .await?;
            tracing::warn!(org = %org.slug, %outcome, kind = %failure.kind, message = %failure.message, "lu.ma sync did not complete");
        } else {
            tracing::info!(org = %org.slug, created = counts.created, updated = counts.updated, removed = counts.removed, unchanged = counts.unchanged, requests = counts.requests_made, descriptions = counts.descriptions_fetched, "lu.ma sync done");
        }
        let source = if org.calendar_source() == CalendarSource::IcalFeed {
            EventSource::Ical
        } else {
            EventSource::LumaApi
        };
        crate::observed::sync_run(outcome.as_str(), source.as_str());
        let events_stored_in = counts.events_stored_at.map(|at| at - started);
        self.trim_runs(organization_id).await?;
        Ok(SyncReport {
            run_id: run.id,
            outcome,
            counts,
            events_stored_in,
            message: failure.as_ref().map(|failure| failure.message.clone()),
            failure: failure.map(|failure| failure.kind),
        })
    }

    /// Fetches and stores one organization's events: through the API while it has a key,
    /// else from its feed.
    async fn fetch_org(
        &self,
        org: &organization::Model,
        run_id: i64,
        now: DateTime<Utc>,
        counts: &mut SyncCounts,
        listed: Option<Fetched>,
    ) -> Result<(), RunFailure> {
        #[cfg(any(test, feature = "test-support"))]
        if self.panic_for_organization == Some(org.id) {
            panic!("injected panic for organization {}", org.slug);
        }
        if org.calendar_source() == CalendarSource::IcalFeed {
            return self.fetch_feed_and_store(org, run_id, now, counts).await;
        }
        let access = self
            .luma_access(org)
            .await
            .map_err(|why| RunFailure::new(SyncFailure::Configuration, why))?;
        let result = self
            .fetch_and_store(org, run_id, &access, now, counts, listed)
            .await;
        counts.requests_made = access.client.requests_made();
        result
    }
}

/// A lu.ma list already fetched: its events and how many pages they took.
pub type Fetched = (Vec<crate::import::luma::model::ImportedEvent>, u32);

/// A panic's message, when it carried one.
pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// A run still marked running after this long was interrupted (its process stopped).
pub const RUNNING_AT_MOST: Duration = Duration::minutes(15);

/// Whether `run` is still going, as far as the store can tell.
pub fn is_running(run: &sync_run::Model, now: DateTime<Utc>) -> bool {
    run.outcome == SyncOutcome::Running && now - run.started_at < RUNNING_AT_MOST
}

/// Closes runs that a stopped process left `running` (older than
/// [`RUNNING_AT_MOST`]) as interrupted; returns how many.
pub async fn close_interrupted_runs(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let closed = sync_run::Entity::update_many()
        .col_expr(
            sync_run::Column::Outcome,
            sea_orm::sea_query::Expr::value(SyncOutcome::Interrupted.as_str()),
        )
        .col_expr(
            sync_run::Column::Failure,
            sea_orm::sea_query::Expr::value(SyncFailure::Interrupted.as_str()),
        )
        .col_expr(
            sync_run::Column::FinishedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .col_expr(
            sync_run::Column::ErrorMessage,
            sea_orm::sea_query::Expr::value(Some(INTERRUPTED_MESSAGE)),
        )
        .filter(sync_run::Column::Outcome.eq(SyncOutcome::Running))
        .filter(sync_run::Column::StartedAt.lt(now - RUNNING_AT_MOST))
        .exec(db)
        .await?;
    Ok(closed.rows_affected)
}

/// A lu.ma run's second pass: the descriptions of new and changed events.
mod descriptions;
/// The iCal path of a run.
mod feed;
/// The lu.ma API path of a run.
mod luma;
/// What a complete fetch changes, checked against the ceilings.
mod plan;
/// One event a webhook brought, or its cancellation, stored as a run.
mod pushed;
pub use pushed::Pushed;
/// Storing a plan and recording the run.
mod write;
pub use luma::{LumaAccess, NETWORK_BUDGET_PER_MINUTE};
pub use write::{event_row, new_public_id};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod ical_tests;
