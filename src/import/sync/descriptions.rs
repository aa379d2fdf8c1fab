//! The second pass of a lu.ma run: lu.ma's list carries no descriptions, so new and changed
//! events are stored with `description_pending`, and this pass fetches their descriptions, one
//! `events/get` each within the request budget, in small batches written as they come. A run
//! stopped half-way leaves the rest to the next run.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::{Importer, RunFailure, SyncCounts};
use crate::import::luma::client::{ApiKey, LumaClient};
use crate::store::descriptions;
use crate::store::entities::event;

/// Descriptions one run fetches at most: 1,500 requests take about 8 minutes of the 180-a-minute
/// budget, so a run stays well inside [`super::RUNNING_AT_MOST`]; the rest wait for the
/// next run.
pub const DESCRIPTIONS_PER_RUN: u64 = 1_500;
/// Descriptions written per transaction: pages show them as they come, without a write per event.
const DESCRIPTIONS_PER_WRITE: usize = 25;

impl Importer {
    /// The second pass: descriptions of the organization's events that wait for one, soonest
    /// first, at most [`DESCRIPTIONS_PER_RUN`], written a batch at a time with the run's count.
    pub(super) async fn fetch_descriptions(
        &self,
        organization_id: i64,
        run_id: i64,
        client: &LumaClient,
        key: &ApiKey,
        counts: &mut SyncCounts,
    ) -> Result<(), RunFailure> {
        let pending: Vec<(i64, String)> = event::Entity::find()
            .select_only()
            .columns([event::Column::Id, event::Column::ExternalId])
            .filter(event::Column::OrganizationId.eq(organization_id))
            .filter(event::Column::DescriptionPending.eq(true))
            .filter(event::Column::RemovedAt.is_null())
            .order_by_asc(event::Column::StartAt)
            .limit(DESCRIPTIONS_PER_RUN)
            .into_tuple()
            .all(&self.db)
            .await?;
        counts.descriptions_wanted = u32::try_from(pending.len()).unwrap_or(u32::MAX);
        for batch in pending.chunks(DESCRIPTIONS_PER_WRITE) {
            let ids = batch.iter().map(|(_, external)| external.clone()).collect();
            let mut descriptions = client.get_descriptions(key, ids).await?;
            let texts = descriptions.values().filter_map(|text| text.as_deref());
            let growth = descriptions::unstored_bytes(&self.db, organization_id, texts)
                .await
                .map_err(RunFailure::store)?;
            if growth > 0 {
                let kept = crate::store::usage::of_organization(&self.db, organization_id)
                    .await
                    .map_err(RunFailure::store)?;
                self.refuse_over_bytes(kept.bytes, growth)?;
            }
            let txn = crate::store::begin_write(&self.db).await?;
            let texts = descriptions.values().filter_map(|text| text.as_deref());
            let text_ids = descriptions::intern(&txn, organization_id, texts)
                .await
                .map_err(RunFailure::store)?;
            for (id, external_id) in batch {
                let mut row = event::ActiveModel {
                    id: Set(*id),
                    description_pending: Set(false),
                    ..Default::default()
                };
                // Missing: lu.ma no longer has it; the next list removes it.
                if let Some(description) = descriptions.remove(external_id) {
                    row.description_id = Set(description
                        .and_then(|text| text_ids.get(&descriptions::digest(&text)).copied()));
                }
                row.update(&txn).await?;
            }
            counts.descriptions_fetched += u32::try_from(batch.len()).unwrap_or(u32::MAX);
            counts.requests_made = client.requests_made();
            super::write::run_row(run_id, counts, None)
                .update(&txn)
                .await?;
            txn.commit().await?;
        }
        Ok(())
    }
}
