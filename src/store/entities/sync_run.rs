//! The `sync_runs` table: one row per import attempt for an organization (the last 50 are kept).

use convene_types::{SyncFailure, SyncOutcome, SyncTrigger};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub trigger: SyncTrigger,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub outcome: SyncOutcome,
    pub pages_fetched: i32,
    pub events_created: i32,
    pub events_updated: i32,
    pub events_removed: i32,
    pub events_unchanged: i32,
    pub requests_made: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    /// Why a failed or partial run did not import, by kind (none for older runs).
    pub failure: Option<SyncFailure>,
    /// Private events the fetch held and Convene left out (lu.ma never lists them).
    pub events_skipped_private: i32,
    /// Descriptions this run set out to fetch after storing the list, and how many it has.
    pub descriptions_wanted: i32,
    pub descriptions_fetched: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
