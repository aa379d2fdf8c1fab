//! Writing a run's plan: the changed events a chunk at a time, then the vanished ones, the
//! topics, the run's record and the organization, and the rows a run leaves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::plan::Change;
use super::{EventSource, FetchedFrom, Importer, RUNS_KEPT, RunFailure, SyncCounts, SyncOutcome};
use crate::Error;
use crate::import::luma::model::ImportedEvent;
use crate::store::descriptions;
use crate::store::entities::{event, organization, sync_run};

/// Events written per transaction: other writers (a sign-in, another sync) wait at most one
/// chunk's time for the store.
pub(super) const CHANGES_PER_WRITE: usize = 500;

impl Importer {
    /// Writes a run's changes a chunk at a time ([`CHANGES_PER_WRITE`] events per
    /// transaction), then in one last transaction: the unchanged events' sync time, the
    /// vanished marked removed, the topics, the run and the organization. A run stopped
    /// between chunks leaves what it wrote, each event whole, and the next run the rest.
    #[expect(clippy::too_many_arguments, reason = "one run's worth of results")]
    pub(super) async fn store(
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
            let removed = event::Entity::update_many()
                .col_expr(
                    event::Column::RemovedAt,
                    sea_orm::sea_query::Expr::value(Some(now)),
                )
                .filter(event::Column::Id.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?
                .rows_affected;
            counts.removed = counts
                .removed
                .saturating_add(u32::try_from(removed).unwrap_or(u32::MAX));
        }
        if counts.created + counts.updated + counts.removed > 0 {
            crate::import::topics::rebuild(&txn, org.id).await?;
        }
        run_row(run_id, counts, (!descriptions_later).then_some(now))
            .update(&txn)
            .await?;
        match from {
            // One event is no reconcile: the calendar's freshness stays what the last run made it.
            FetchedFrom::Webhook => {}
            from => {
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
            }
        }
        txn.commit().await?;
        counts.events_stored_at = Some(std::time::Instant::now());
        Ok(())
    }

    pub(super) async fn record_unsuccessful(
        &self,
        org: &organization::Model,
        run_id: i64,
        failure: &RunFailure,
        counts: &SyncCounts,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let txn = crate::store::begin_write(&self.db).await?;
        unsuccessful_run(run_id, failure, counts, now)
            .update(&txn)
            .await?;
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

    pub(super) async fn trim_runs(&self, organization_id: i64) -> Result<(), Error> {
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

/// A run's row closed as `failure` says, with its counts.
pub(super) fn unsuccessful_run(
    run_id: i64,
    failure: &RunFailure,
    counts: &SyncCounts,
    now: DateTime<Utc>,
) -> sync_run::ActiveModel {
    let mut run = sync_run::ActiveModel {
        id: Set(run_id),
        outcome: Set(failure.outcome()),
        finished_at: Set(Some(Utc::now().max(now))),
        error_message: Set(Some(failure.message.clone())),
        failure: Set(Some(failure.kind)),
        ..Default::default()
    };
    fill_counts(&mut run, counts);
    run
}

/// A run's row with its counts; with `finished`, closed as a success (at that run's `now`, or
/// later).
pub(super) fn run_row(
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
        city: Set(event.city.clone()),
        latitude_e6: Set(event.coordinate.map(|point| point.latitude_e6)),
        longitude_e6: Set(event.coordinate.map(|point| point.longitude_e6)),
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
