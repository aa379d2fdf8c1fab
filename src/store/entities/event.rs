//! The `events` table: events imported from lu.ma (later also iCal), one row per
//! (organization, external id). `removed_at` is set when the event disappears upstream.

use convene_types::{EventSource, LocationType, Visibility};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub source: EventSource,
    pub external_id: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    /// Its description (Markdown), kept once per organization however many events share it
    /// (`store::descriptions`).
    pub description_id: Option<i64>,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    /// Given as dates, not times: `start_at` is midnight in `timezone`, `end_at` the midnight
    /// after the last day.
    pub all_day: bool,
    pub timezone: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub cover_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub event_url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub location_text: Option<String>,
    /// Always empty: join links are for registered guests, so Convene never keeps them.
    #[sea_orm(column_type = "Text", nullable)]
    pub meeting_url: Option<String>,
    /// `location_text` holds only the city: lu.ma shows the address to registered guests only.
    pub address_hidden: bool,
    /// The city the event is in, as its source names it (lu.ma's address, a feed's place); a
    /// guests-only address gives this much.
    pub city: Option<String>,
    /// Where the venue is, in millionths of a degree; never for a guests-only address.
    pub latitude_e6: Option<i32>,
    pub longitude_e6: Option<i32>,
    /// Listed by the organization's calendar, managed by another (lu.ma `platform: external`).
    pub cross_listed: bool,
    /// Stored from lu.ma's list, its description not fetched yet (the run's second pass, or the
    /// next run's, fetches it).
    pub description_pending: bool,
    /// The random id of the addresses we publish (`/events/<public_id>.ics`).
    pub public_id: Option<String>,
    pub location_type: LocationType,
    /// Public or members-only: private events are never stored.
    pub visibility: Visibility,
    /// A JSON array of tag names.
    #[sea_orm(column_type = "Text")]
    pub tags: String,
    pub content_hash: String,
    pub synced_at: DateTimeUtc,
    pub removed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
