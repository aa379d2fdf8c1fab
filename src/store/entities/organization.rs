//! The `organizations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub created_at: DateTimeUtc,
    /// The lu.ma calendar as the admin gave it (for the embed and "Open on lu.ma").
    pub luma_calendar_url: Option<String>,
    /// `cal-…`, discovered from the API key or given directly.
    pub luma_calendar_id: Option<String>,
    pub luma_calendar_name: Option<String>,
    /// The API key sealed with the secret key (AES-256-GCM); never sent to a browser.
    #[sea_orm(column_type = "Text", nullable)]
    pub luma_api_key_sealed: Option<String>,
    pub luma_api_key_last_four: Option<String>,
    /// The last successful sync.
    pub events_last_synced_at: Option<DateTimeUtc>,
    pub last_sync_outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_sync_message: Option<String>,
    /// The lu.ma API to use for this organization when not the `LUMA_API_BASE` setting; only
    /// the demo and operators set it (never the settings panel: it would let an admin aim the
    /// server's requests anywhere).
    pub luma_api_base: Option<String>,
    /// Created by demo mode: labelled in the UI, served by the bundled fake lu.ma.
    pub is_demo: bool,
    /// The public iCal feed imported when there is no API key (any calendar's, not only lu.ma's).
    pub ical_url: Option<String>,
    /// The feed's last `ETag` and `Last-Modified`, sent back so an unchanged feed costs a 304.
    pub ical_etag: Option<String>,
    pub ical_last_modified: Option<String>,
    /// IANA zone the organization's events show in when its feed gives only UTC times.
    pub display_timezone: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// It has a calendar to import from: a lu.ma API key, or an iCal feed.
    pub fn imports_events(&self) -> bool {
        self.luma_api_key_sealed.is_some() || self.ical_url.is_some()
    }
}
