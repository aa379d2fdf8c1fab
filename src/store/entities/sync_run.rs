//! The `sync_runs` table: one row per import attempt for an organization (the last 50 are kept).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// `daily`, `page_load`, `manual`, `cli` or `demo`.
    pub trigger: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// `running`, `ok`, `partial`, `failed` or `interrupted`.
    pub outcome: String,
    pub pages_fetched: i32,
    pub events_created: i32,
    pub events_updated: i32,
    pub events_removed: i32,
    pub events_unchanged: i32,
    pub requests_made: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub error_message: Option<String>,
    /// Private events the fetch held and Convene left out (lu.ma never lists them).
    pub events_skipped_private: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
