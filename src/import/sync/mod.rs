//! Importing an organization's events from lu.ma into the store.
//!
//! A run fetches the whole window first. Only a complete fetch writes, and then in one
//! transaction: new and changed events upserted, events that disappeared from the window marked
//! removed, the run recorded. A failed, partial or interrupted fetch changes no stored event; a
//! fetch that suddenly comes back empty for a calendar with events is treated as suspicious and
//! removes nothing. Descriptions are fetched (`events/get`) only for new or changed events.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::Error;
use crate::import::ical::fetch::{FeedClientConfig, Validators};
use crate::import::luma::client::{LumaClient, LumaError};
use crate::import::luma::model::ImportedEvent;
use crate::secrets::SecretKey;
use crate::store::entities::organization::CalendarSource;
use crate::store::entities::{event, organization, sync_run};
use crate::store::{descriptions, usage};
use crate::rules::visibility::Visibility;

/// Runs kept per organization; older ones are deleted after each run.
pub const RUNS_KEPT: u64 = 50;
/// How far back a sync looks: yesterday's events stay visible and reconciled.
const WINDOW_PAST: Duration = Duration::days(1);

/// Which events a complete fetch lists, so those stored in the same window and missing from it
/// are known to be gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listed {
    /// Those starting at or after this (lu.ma's API filters on the start): an event still
    /// going on that started earlier is checked on its own (`sync::luma`).
    StartingAfter(DateTime<Utc>),
    /// Those ending after this (a feed holds everything; we read what is not over), which
    /// includes events still going on.
    EndingAfter(DateTime<Utc>),
}

impl Listed {
    fn after(self) -> DateTime<Utc> {
        match self {
            Listed::StartingAfter(after) | Listed::EndingAfter(after) => after,
        }
    }

    fn holds(self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        match self {
            Listed::StartingAfter(after) => start >= after,
            Listed::EndingAfter(after) => start >= after || end > after,
        }
    }
}
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
/// Events written per transaction: other writers (a sign-in, another sync) wait at most one
/// chunk's time for the store.
const CHANGES_PER_WRITE: usize = 500;

/// An empty answer for a calendar holding at least this many live events is not believed.
const SUSPICIOUS_EMPTY_MIN: u64 = 3;
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
}

impl FetchedFrom {
    fn source(&self) -> EventSource {
        match self {
            FetchedFrom::Api => EventSource::LumaApi,
            FetchedFrom::Feed(_) => EventSource::Ical,
        }
    }
}

/// What a complete fetch means for the stored events.
enum Reconciled {
    /// The changes, and the live events inside the window that the fetch no longer has.
    Plan {
        changes: Vec<Change>,
        vanished: Vec<i64>,
        /// Private events the fetch held, left out.
        skipped_private: u32,
        /// What storing the changes adds to the organization's store.
        growth: Growth,
    },
    /// The answer is not believed (see [`SUSPICIOUS_EMPTY_MIN`]); nothing may change.
    Suspicious(RunFailure),
}

/// What a run would add to an organization's store, checked against its ceilings before
/// anything is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Growth {
    /// New rows.
    events: u64,
    /// Counted bytes ([`crate::store::usage`]): new rows, changed rows' growth, new texts.
    bytes: u64,
}

enum Change {
    New(ImportedEvent),
    Changed(i64, ImportedEvent),
    /// Back after being removed, with the same list fields.
    Reappeared(i64),
    Unchanged(i64),
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
                let result = importer.fetch_org(&org, run_id, now, &mut counts).await;
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
    ) -> Result<(), RunFailure> {
        #[cfg(any(test, feature = "test-support"))]
        if self.panic_for_organization == Some(org.id) {
            panic!("injected panic for organization {}", org.slug);
        }
        if org.calendar_source() == CalendarSource::IcalFeed {
            return self.fetch_feed_and_store(org, run_id, now, counts).await;
        }
        let client = self
            .client_for(org)
            .map_err(|why| RunFailure::new(SyncFailure::Configuration, why))?;
        let result = self
            .fetch_and_store(org, run_id, &client, now, counts)
            .await;
        counts.requests_made = client.requests_made();
        result
    }

    /// Compares a complete fetch with what is stored. Events are matched by id alone, so an
    /// organization moving between its feed and the API keeps one copy of each. Feeds carry
    /// their descriptions, so for them a changed description is a change too.
    async fn reconcile(
        &self,
        organization_id: i64,
        window: Listed,
        fetched: Vec<ImportedEvent>,
        with_descriptions: bool,
    ) -> Result<Reconciled, Error> {
        let after = window.after();
        let in_window = |row: &event::Model| window.holds(row.start_at, row.end_at);
        let fetched = last_copy_of_each(fetched);
        let fetched_any = !fetched.is_empty();
        let (private, fetched): (Vec<_>, Vec<_>) = fetched
            .into_iter()
            .partition(|event| event.visibility == Visibility::Private);
        let skipped_private = u32::try_from(private.len()).unwrap_or(u32::MAX);
        let stored = self
            .stored_for_window(organization_id, window, &fetched)
            .await?;
        let live_in_window = stored
            .values()
            .filter(|e| e.removed_at.is_none() && e.start_at >= after)
            .count() as u64;
        // Only an answer with no events at all is suspicious; one whose events all turned
        // private is believed (they leave the pages).
        if !fetched_any && live_in_window >= SUSPICIOUS_EMPTY_MIN {
            return Ok(Reconciled::Suspicious(RunFailure::new(
                SyncFailure::Suspicious,
                format!(
                    "the calendar returned no events although {live_in_window} were stored; nothing was removed, the next run will check again"
                ),
            )));
        }
        let fetched_ids: HashSet<String> = fetched.iter().map(|e| e.external_id.clone()).collect();
        let vanished: Vec<i64> = stored
            .values()
            .filter(|row| {
                row.removed_at.is_none()
                    && in_window(row)
                    && !fetched_ids.contains(&row.external_id)
            })
            .map(|row| row.id)
            .collect();
        let stored_digests = if with_descriptions {
            descriptions::digests(
                &self.db,
                stored.values().filter_map(|row| row.description_id),
            )
            .await?
        } else {
            HashMap::new()
        };
        let digest_of = |row: &event::Model| {
            row.description_id
                .and_then(|id| stored_digests.get(&id))
                .map(String::as_str)
        };
        let mut digests = descriptions::Digests::default();
        let mut growth = Growth::default();
        let mut texts: Vec<&str> = Vec::new();
        let mut changes = Vec::with_capacity(fetched.len());
        for event in fetched {
            let digest = event.description_md.as_deref().map(|text| digests.of(text));
            let change = match stored.get(&event.external_id) {
                None => {
                    growth.events += 1;
                    growth.bytes += usage::of_imported(&event);
                    Change::New(event)
                }
                Some(row)
                    if row.content_hash != event.content_hash()
                        || (with_descriptions && digest_of(row) != digest.as_deref()) =>
                {
                    growth.bytes +=
                        usage::of_imported(&event).saturating_sub(usage::of_stored(row));
                    Change::Changed(row.id, event)
                }
                Some(row) if row.removed_at.is_some() => Change::Reappeared(row.id),
                Some(row) => Change::Unchanged(row.id),
            };
            changes.push(change);
        }
        for change in &changes {
            if let Change::New(event) | Change::Changed(_, event) = change {
                texts.extend(event.description_md.as_deref());
            }
        }
        growth.bytes += descriptions::unstored_bytes(&self.db, organization_id, texts).await?;
        Ok(Reconciled::Plan {
            changes,
            vanished,
            skipped_private,
            growth,
        })
    }

    /// Stored events that are in the window or were fetched (an event can move into the past).
    async fn stored_for_window(
        &self,
        organization_id: i64,
        window: Listed,
        fetched: &[ImportedEvent],
    ) -> Result<HashMap<String, event::Model>, Error> {
        let ids: Vec<&str> = fetched.iter().map(|e| e.external_id.as_str()).collect();
        let mut condition = Condition::any().add(event::Column::StartAt.gte(window.after()));
        if let Listed::EndingAfter(after) = window {
            condition = condition.add(event::Column::EndAt.gt(after));
        }
        if !ids.is_empty() {
            condition = condition.add(event::Column::ExternalId.is_in(ids));
        }
        let rows = event::Entity::find()
            .filter(event::Column::OrganizationId.eq(organization_id))
            .filter(condition)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| (row.external_id.clone(), row))
            .collect())
    }

    /// Refuses a run that would take the organization past what it may keep or add in a day
    /// ([`Quota`]); nothing is written either way.
    async fn check_quota(
        &self,
        organization_id: i64,
        growth: Growth,
        now: DateTime<Utc>,
    ) -> Result<(), RunFailure> {
        if growth.bytes > 0 {
            let kept = usage::of_organization(&self.db, organization_id)
                .await
                .map_err(RunFailure::store)?;
            self.refuse_over_bytes(kept.bytes, growth.bytes)?;
        }
        if growth.events > 0 {
            let added_today: Option<i64> = sync_run::Entity::find()
                .select_only()
                .column_as(sync_run::Column::EventsCreated.sum(), "added")
                .filter(sync_run::Column::OrganizationId.eq(organization_id))
                .filter(sync_run::Column::StartedAt.gt(now - Duration::days(1)))
                .into_tuple()
                .one(&self.db)
                .await?
                .flatten();
            let added_today = u64::try_from(added_today.unwrap_or(0)).unwrap_or(0);
            let most = self.quota.new_events_per_day;
            if added_today + growth.events > most {
                return Err(RunFailure::new(
                    SyncFailure::OverQuota,
                    format!(
                        "the calendar brings {} new events, and {added_today} were added in the last 24 hours; an organization adds at most {most} a day, so nothing was changed. A calendar that gives its events new ids on every download looks like this; the next run after the day has passed will try again",
                        growth.events
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Refuses growth that would take an organization keeping `kept` bytes past its quota.
    pub(crate) fn refuse_over_bytes(&self, kept: u64, growth: u64) -> Result<(), RunFailure> {
        let most = self.quota.bytes;
        if kept.saturating_add(growth) <= most {
            return Ok(());
        }
        Err(RunFailure::new(
            SyncFailure::OverQuota,
            format!(
                "storing this calendar would take the organization's events to {}; an organization keeps at most {}, so nothing was changed. Shorten long descriptions or repeat fewer events; events removed from the calendar are deleted 30 days later",
                size(kept.saturating_add(growth)),
                size(most)
            ),
        ))
    }

    /// Writes a run's changes a chunk at a time ([`CHANGES_PER_WRITE`] events per
    /// transaction), then in one last transaction: the unchanged events' sync time, the
    /// vanished marked removed, the topics, the run and the organization. A run stopped
    /// between chunks leaves what it wrote, each event whole, and the next run the rest.
    #[expect(clippy::too_many_arguments, reason = "one run's worth of results")]
    async fn store(
        &self,
        org: &organization::Model,
        run_id: i64,
        changes: Vec<Change>,
        vanished: &[i64],
        from: FetchedFrom,
        counts: &mut SyncCounts,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let source = from.source();
        // lu.ma's list carries no descriptions: they follow in a second pass, and the run stays
        // open until then. A feed carries its own, and its run ends here.
        let descriptions_later = matches!(from, FetchedFrom::Api);
        let mut seen_ids = Vec::new();
        let mut writes = Vec::new();
        for change in changes {
            match change {
                Change::Unchanged(id) => {
                    counts.unchanged += 1;
                    seen_ids.push(id);
                }
                write => writes.push(write),
            }
        }
        for chunk in writes.chunks(CHANGES_PER_WRITE) {
            let txn = crate::store::begin_write(&self.db).await?;
            let texts = chunk.iter().filter_map(|change| match change {
                Change::New(event) | Change::Changed(_, event) => event.description_md.as_deref(),
                _ => None,
            });
            let text_ids = if descriptions_later {
                HashMap::new()
            } else {
                descriptions::intern(&txn, org.id, texts).await?
            };
            let mut digests = descriptions::Digests::default();
            let mut description_of = |event: &ImportedEvent| {
                event
                    .description_md
                    .as_deref()
                    .and_then(|text| text_ids.get(&digests.of(text)).copied())
            };
            let mut new_rows = Vec::new();
            for change in chunk {
                match change {
                    Change::New(event) => {
                        counts.created += 1;
                        let mut row = event_row(org.id, event, source, now);
                        row.description_pending = Set(descriptions_later);
                        row.description_id = Set(description_of(event));
                        new_rows.push(row);
                    }
                    Change::Changed(id, event) => {
                        counts.updated += 1;
                        let mut row = event_row(org.id, event, source, now);
                        if descriptions_later {
                            // The stored description stays until the second pass brings the
                            // new one.
                            row.description_id = sea_orm::ActiveValue::NotSet;
                            row.description_pending = Set(true);
                        } else {
                            row.description_id = Set(description_of(event));
                        }
                        row.id = Set(*id);
                        // The published address never changes.
                        row.public_id = sea_orm::ActiveValue::NotSet;
                        row.removed_at = Set(None);
                        row.update(&txn).await?;
                    }
                    Change::Reappeared(id) => {
                        counts.updated += 1;
                        event::ActiveModel {
                            id: Set(*id),
                            removed_at: Set(None),
                            synced_at: Set(now),
                            ..Default::default()
                        }
                        .update(&txn)
                        .await?;
                    }
                    Change::Unchanged(_) => {}
                }
            }
            for rows in new_rows.chunks(200) {
                event::Entity::insert_many(rows.to_vec()).exec(&txn).await?;
            }
            run_row(run_id, counts, None).update(&txn).await?;
            txn.commit().await?;
        }
        let txn = crate::store::begin_write(&self.db).await?;
        for chunk in seen_ids.chunks(500) {
            event::Entity::update_many()
                .col_expr(
                    event::Column::SyncedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(event::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }
        for chunk in vanished.chunks(500) {
            counts.removed += event::Entity::update_many()
                .col_expr(
                    event::Column::RemovedAt,
                    sea_orm::sea_query::Expr::value(Some(now)),
                )
                .filter(event::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?
                .rows_affected as u32;
        }
        if counts.created + counts.updated + counts.removed > 0 {
            crate::import::topics::rebuild(&txn, org.id).await?;
        }
        run_row(run_id, counts, (!descriptions_later).then_some(now))
            .update(&txn)
            .await?;
        let mut synced = organization::ActiveModel {
            id: Set(org.id),
            events_last_synced_at: Set(Some(now)),
            last_sync_outcome: Set(Some(SyncOutcome::Ok)),
            last_sync_message: Set(None),
            ..Default::default()
        };
        if let FetchedFrom::Feed(validators) = from {
            synced.ical_etag = Set(validators.etag);
            synced.ical_last_modified = Set(validators.last_modified);
        }
        synced.update(&txn).await?;
        txn.commit().await?;
        counts.events_stored_at = Some(std::time::Instant::now());
        Ok(())
    }

    async fn record_unsuccessful(
        &self,
        org: &organization::Model,
        run_id: i64,
        failure: &RunFailure,
        counts: &SyncCounts,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let txn = crate::store::begin_write(&self.db).await?;
        let mut run = sync_run::ActiveModel {
            id: Set(run_id),
            outcome: Set(failure.outcome()),
            finished_at: Set(Some(Utc::now().max(now))),
            error_message: Set(Some(failure.message.clone())),
            failure: Set(Some(failure.kind)),
            ..Default::default()
        };
        fill_counts(&mut run, counts);
        run.update(&txn).await?;
        organization::ActiveModel {
            id: Set(org.id),
            last_sync_outcome: Set(Some(failure.outcome())),
            last_sync_message: Set(Some(failure.message.clone())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    async fn trim_runs(&self, organization_id: i64) -> Result<(), Error> {
        // The oldest run to keep; everything older goes (one delete, whatever the backlog).
        let oldest_kept: Option<i64> = sync_run::Entity::find()
            .select_only()
            .column(sync_run::Column::Id)
            .filter(sync_run::Column::OrganizationId.eq(organization_id))
            .order_by_desc(sync_run::Column::Id)
            .offset(RUNS_KEPT - 1)
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await?;
        if let Some(oldest_kept) = oldest_kept {
            sync_run::Entity::delete_many()
                .filter(sync_run::Column::OrganizationId.eq(organization_id))
                .filter(sync_run::Column::Id.lt(oldest_kept))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }
}

/// One event per id, so a repeated id can never fail the store's unique index: the copy
/// fetched last wins (for lu.ma, the later page), in the order of first appearance.
fn last_copy_of_each(fetched: Vec<ImportedEvent>) -> Vec<ImportedEvent> {
    let mut position: HashMap<String, usize> = HashMap::with_capacity(fetched.len());
    let mut kept: Vec<ImportedEvent> = Vec::with_capacity(fetched.len());
    for event in fetched {
        match position.get(&event.external_id) {
            Some(&index) => kept[index] = event,
            None => {
                position.insert(event.external_id.clone(), kept.len());
                kept.push(event);
            }
        }
    }
    kept
}

/// A panic's message, when it carried one.
pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Closes runs that a stopped process left `running` (older than
/// [`crate::import::refresh::RUNNING_AT_MOST`]) as interrupted; returns how many.
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
        .filter(sync_run::Column::StartedAt.lt(now - crate::import::refresh::RUNNING_AT_MOST))
        .exec(db)
        .await?;
    Ok(closed.rows_affected)
}

/// A run's row with its counts; with `finished`, closed as a success (at that run's `now`, or
/// later).
fn run_row(
    run_id: i64,
    counts: &SyncCounts,
    finished: Option<DateTime<Utc>>,
) -> sync_run::ActiveModel {
    let mut run = sync_run::ActiveModel {
        id: Set(run_id),
        ..Default::default()
    };
    if let Some(now) = finished {
        run.outcome = Set(SyncOutcome::Ok);
        run.finished_at = Set(Some(Utc::now().max(now)));
    }
    fill_counts(&mut run, counts);
    run
}

fn fill_counts(run: &mut sync_run::ActiveModel, counts: &SyncCounts) {
    let small = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    run.pages_fetched = Set(small(counts.pages_fetched));
    run.events_created = Set(small(counts.created));
    run.events_updated = Set(small(counts.updated));
    run.events_removed = Set(small(counts.removed));
    run.events_unchanged = Set(small(counts.unchanged));
    run.requests_made = Set(i32::try_from(counts.requests_made).unwrap_or(i32::MAX));
    run.events_skipped_private = Set(small(counts.skipped_private));
    run.descriptions_wanted = Set(small(counts.descriptions_wanted));
    run.descriptions_fetched = Set(small(counts.descriptions_fetched));
}

/// Bytes as people read them: "16.0 MB", "3.9 KB".
fn size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let bytes = bytes as f64;
    if bytes >= KB * KB {
        format!("{:.1} MB", bytes / (KB * KB))
    } else {
        format!("{:.1} KB", bytes / KB)
    }
}

/// A new event's public id: 96 random bits, so published addresses cannot be counted through.
pub fn new_public_id() -> String {
    crate::secrets::random_token()[..24].to_owned()
}

/// The row a sync stores for `event` (public for the import benchmark's raw-insert baseline).
pub fn event_row(
    organization_id: i64,
    event: &ImportedEvent,
    source: EventSource,
    now: DateTime<Utc>,
) -> event::ActiveModel {
    event::ActiveModel {
        organization_id: Set(organization_id),
        source: Set(source),
        external_id: Set(event.external_id.clone()),
        title: Set(event.title.clone()),
        // Pointed to its text by the run, which stores texts once per organization.
        description_id: Set(None),
        start_at: Set(event.start_at),
        end_at: Set(event.end_at),
        all_day: Set(event.all_day),
        timezone: Set(event.timezone.clone()),
        cover_url: Set(event.cover_url.clone()),
        event_url: Set(event.event_url.clone()),
        location_text: Set(event.location_text.clone()),
        meeting_url: Set(None),
        address_hidden: Set(event.address_hidden),
        cross_listed: Set(event.cross_listed),
        description_pending: Set(false),
        public_id: Set(Some(new_public_id())),
        location_type: Set(event.location_type),
        visibility: Set(event.visibility),
        tags: Set(serde_json::Value::from(event.tags.clone()).to_string()),
        content_hash: Set(event.content_hash()),
        synced_at: Set(now),
        removed_at: Set(None),
        ..Default::default()
    }
}

/// The iCal path of a run.
mod feed;
/// The lu.ma API path of a run.
mod luma;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod ical_tests;
