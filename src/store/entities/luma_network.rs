//! The `luma_networks` table: a lu.ma organization key, which reaches every calendar of that
//! lu.ma organization (one run imports them all).

use convene_types::SyncOutcome;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "luma_networks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Sealed with the secret key (`Purpose::LumaNetworkKey`); never sent to a browser.
    #[sea_orm(column_type = "Text")]
    pub api_key_sealed: String,
    pub api_key_last_four: String,
    /// Another lu.ma API than `LUMA_API_BASE` (the demo's fake, tests).
    pub luma_api_base: Option<String>,
    pub created_at: DateTimeUtc,
    pub last_run_at: Option<DateTimeUtc>,
    pub last_outcome: Option<SyncOutcome>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_message: Option<String>,
    /// The signing secret of the lu.ma organization's webhooks, sealed.
    #[sea_orm(column_type = "Text", nullable)]
    pub webhook_secret_sealed: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
