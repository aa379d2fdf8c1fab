//! A run for what a lu.ma webhook pushed: one event, stored through the same plan and write
//! as a sync (private left out, ceilings checked, description kept, topics rebuilt), or one
//! event's cancellation. Absence means nothing here: only the daily reconcile removes events
//! that are no longer listed.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::plan::Listed;
use super::{FetchedFrom, Importer, RunFailure, SyncCounts, SyncOutcome, SyncReport};
use crate::Error;
use crate::import::luma::model::ImportedEvent;
use crate::store::entities::{event, organization, sync_run};
use convene_types::SyncTrigger;

/// What a webhook asks the store to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The event as lu.ma has it now, description included.
    Event(Box<ImportedEvent>),
    /// lu.ma cancelled the event with this id (`evt-…`).
    Canceled(String),
}

impl Importer {
    /// Stores what a webhook pushed, recorded as a run triggered by the webhook.
    pub async fn apply_pushed(
        &self,
        org: &organization::Model,
        pushed: Pushed,
        now: DateTime<Utc>,
    ) -> Result<SyncReport, Error> {
        let run = sync_run::ActiveModel {
            organization_id: Set(org.id),
            trigger: Set(SyncTrigger::Webhook),
            started_at: Set(now),
            outcome: Set(SyncOutcome::Running),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let mut counts = SyncCounts::default();
        let result = self
            .store_pushed(org, run.id, pushed, &mut counts, now)
            .await;
        let failure = result.err();
        if let Some(failure) = &failure {
            // The run only: the organization's import state is the imports' to say.
            super::write::unsuccessful_run(run.id, failure, &counts, now)
                .update(&self.db)
                .await?;
            tracing::warn!(org = %org.slug, kind = %failure.kind, message = %failure.message, "a lu.ma webhook was not applied");
        }
        let outcome = failure
            .as_ref()
            .map_or(SyncOutcome::Ok, RunFailure::outcome);
        crate::observed::sync_run(outcome.as_str(), "webhook");
        self.trim_runs(org.id).await?;
        Ok(SyncReport {
            run_id: run.id,
            outcome,
            counts,
            events_stored_in: None,
            message: failure.as_ref().map(|failure| failure.message.clone()),
            failure: failure.map(|failure| failure.kind),
        })
    }

    async fn store_pushed(
        &self,
        org: &organization::Model,
        run_id: i64,
        pushed: Pushed,
        counts: &mut SyncCounts,
        now: DateTime<Utc>,
    ) -> Result<(), RunFailure> {
        let (changes, vanished) = match pushed {
            Pushed::Event(event) => {
                self.plan(org.id, Listed::OnlyThese, vec![*event], true, counts, now)
                    .await?
            }
            Pushed::Canceled(external_id) => {
                let live: Vec<i64> = event::Entity::find()
                    .filter(event::Column::OrganizationId.eq(org.id))
                    .filter(event::Column::ExternalId.eq(external_id))
                    .filter(event::Column::RemovedAt.is_null())
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|row| row.id)
                    .collect();
                (Vec::new(), live)
            }
        };
        self.store(
            org,
            run_id,
            changes,
            &vanished,
            FetchedFrom::Webhook,
            counts,
            now,
        )
        .await
        .map_err(RunFailure::store)
    }
}
