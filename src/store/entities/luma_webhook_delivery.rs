//! The `luma_webhook_deliveries` table: each signed lu.ma webhook received, once per
//! `webhook-id` and organization, kept until it is applied and a while after (for replays).

use convene_types::WebhookKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "luma_webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    /// The sender's `webhook-id`: the same across its retries.
    pub webhook_id: String,
    /// The signed `webhook-timestamp`.
    pub sent_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    pub kind: WebhookKind,
    /// The lu.ma event it is about (`evt-…`), when it names one.
    pub event_id: Option<String>,
    /// The body's `data`, as received (bounded by the route's body limit).
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// Taken by a process to apply; a claim older than a few minutes is taken again.
    pub claimed_at: Option<DateTimeUtc>,
    pub applied_at: Option<DateTimeUtc>,
    pub outcome: Option<WebhookOutcome>,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
}

pub use convene_types::WebhookOutcome;

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
