//! A run for an organization with a lu.ma API key: a window of list pages, then descriptions for
//! new and changed events only, then the shared reconciliation and store.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    Change, FetchedFrom, Importer, Reconciled, RunFailure, SyncCounts, SyncFailure, WINDOW_PAST,
};
use crate::luma::client::{ApiKey, LumaClient, Window};
use crate::store::entities::{organization, sync_run};

impl Importer {
    /// Stored, or nothing changed and the failure says why (a disbelieved answer included).
    pub(super) async fn fetch_and_store(
        &self,
        org: &organization::Model,
        run_id: i64,
        client: &LumaClient,
        now: DateTime<Utc>,
        counts: &mut SyncCounts,
    ) -> Result<(), RunFailure> {
        let key = self
            .stored_key(org)
            .map_err(|why| RunFailure::new(SyncFailure::Configuration, why))?;
        let window = Window {
            after: now - WINDOW_PAST,
            before: None,
        };
        // Progress for "Sync now": the settings panel polls the run while it is running.
        let (fetched, pages) = client
            .fetch_window_reporting(&key, window, |pages| self.record_progress(run_id, pages))
            .await?;
        counts.pages_fetched = pages;

        let (mut changes, vanished) = match self
            .reconcile(org.id, window.after, fetched, false)
            .await
            .map_err(RunFailure::store)?
        {
            Reconciled::Plan {
                changes,
                vanished,
                skipped_private,
            } => {
                counts.skipped_private = skipped_private;
                (changes, vanished)
            }
            Reconciled::Suspicious(why) => return Err(why),
        };

        // Descriptions for new and changed events only, all fetched before anything is written.
        let wanted: Vec<String> = changes
            .iter()
            .filter_map(|change| match change {
                Change::New(event) | Change::Changed(_, event) => Some(event.external_id.clone()),
                Change::Reappeared(_) | Change::Unchanged(_) => None,
            })
            .collect();
        let mut descriptions = client.get_descriptions(&key, wanted).await?;
        for change in &mut changes {
            if let Change::New(event) | Change::Changed(_, event) = change
                && let Some(description) = descriptions.remove(&event.external_id)
            {
                event.description_md = description;
            }
        }

        counts.requests_made = client.requests_made();
        self.store(
            org,
            run_id,
            changes,
            &vanished,
            FetchedFrom::Api,
            counts,
            now,
        )
        .await
        .map_err(RunFailure::store)
    }

    /// Best effort: a failed progress write is logged and the sync goes on (its result is what
    /// counts, and it is recorded at the end either way).
    async fn record_progress(&self, run_id: i64, pages: u32) {
        let written = sync_run::Entity::update_many()
            .col_expr(
                sync_run::Column::PagesFetched,
                sea_orm::sea_query::Expr::value(i32::try_from(pages).unwrap_or(i32::MAX)),
            )
            .filter(sync_run::Column::Id.eq(run_id))
            .exec(&self.db)
            .await;
        if let Err(err) = written {
            tracing::warn!(run_id, error = %err, "recording sync progress failed");
        }
    }

    /// The shared client, or one aimed at the organization's own API base (the demo's fake).
    pub fn client_for(&self, org: &organization::Model) -> Result<LumaClient, String> {
        match org.luma_api_base.as_deref() {
            None => Ok(self.client.with_own_count()),
            Some(base) => url::Url::parse(base)
                .map(|base| self.client.with_base_url(base))
                .map_err(|err| {
                    format!("the organization's lu.ma API base {base:?} is not a URL: {err}")
                }),
        }
    }

    /// The organization's stored key, opened.
    pub fn stored_key(&self, org: &organization::Model) -> Result<ApiKey, String> {
        let sealed = org
            .luma_api_key_sealed
            .as_deref()
            .ok_or("no lu.ma API key is configured for this organization")?;
        let key = self
            .secret_key
            .open(
                sealed,
                crate::secrets::Purpose::LumaApiKey {
                    organization_id: org.id,
                },
            )
            .map_err(|err| format!("the stored lu.ma API key cannot be read: {err}"))?;
        Ok(ApiKey::new(key))
    }
}
