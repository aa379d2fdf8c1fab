//! The `organizations` table.

use convene_types::{JoinPolicy, SyncOutcome};
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
    pub last_sync_outcome: Option<SyncOutcome>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_sync_message: Option<String>,
    /// The lu.ma API to use for this organization when not the `LUMA_API_BASE` setting; only
    /// the demo and operators set it (never the settings panel: it would let an admin aim the
    /// server's requests anywhere).
    pub luma_api_base: Option<String>,
    /// Created by demo mode: labelled in the UI, served by the bundled fake lu.ma.
    pub is_demo: bool,
    /// A feed address from before addresses were sealed: sealed into `ical_url_sealed` at
    /// start-up (`store::secrets_at_rest`), then empty.
    #[sea_orm(column_name = "ical_url")]
    pub ical_url_unsealed: Option<String>,
    /// The iCal feed imported when there is no API key (any calendar's, not only lu.ma's),
    /// sealed with the secret key: its address often carries a private token.
    #[sea_orm(column_type = "Text", nullable)]
    pub ical_url_sealed: Option<String>,
    /// What pages show of the feed's address: its host and "…".
    pub ical_url_shown: Option<String>,
    /// The feed's last `ETag` and `Last-Modified`, sent back so an unchanged feed costs a 304.
    pub ical_etag: Option<String>,
    pub ical_last_modified: Option<String>,
    /// IANA zone the organization's events show in when its feed gives only UTC times.
    pub display_timezone: Option<String>,
    /// Its admins were told the import keeps failing; they are told once when it recovers.
    pub import_alerting: bool,
    /// How people become members: on request (admins approve), or by invitation only.
    pub join_policy: JoinPolicy,
    /// Confirmed addresses at this domain become members without asking (`uni.example`).
    pub member_domain: Option<String>,
    /// The signing secret of lu.ma's webhooks for this organization (`whsec_…`), sealed like
    /// the key; deliveries to `/webhooks/luma/{slug}` are checked with it.
    #[sea_orm(column_type = "Text", nullable)]
    pub luma_webhook_secret_sealed: Option<String>,
    /// Connected through a lu.ma organization key (`luma_networks`): its calendar's events come
    /// with the whole network's, and that key answers for it when it has none of its own.
    pub luma_network_id: Option<i64>,
    /// Two events clash when they start at most this many minutes apart (the clash radar).
    pub clash_window_minutes: i32,
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
    /// Where the organization's events come from: the one answer every page asks.
    pub fn calendar_source(&self) -> CalendarSource {
        let api = self.luma_api_key_sealed.is_some() || self.luma_network_id.is_some();
        let feed = self.ical_url_sealed.is_some();
        match (api, feed) {
            (true, true) => CalendarSource::LumaApiAndFeed,
            (true, false) => CalendarSource::LumaApi,
            (false, true) => CalendarSource::IcalFeed,
            (false, false)
                if self.luma_calendar_url.is_some() || self.luma_calendar_id.is_some() =>
            {
                CalendarSource::LumaPageOnly
            }
            (false, false) => CalendarSource::None,
        }
    }

    /// It has a calendar to import from: a lu.ma API key, or an iCal feed.
    pub fn imports_events(&self) -> bool {
        self.calendar_source().imports_events()
    }

    /// [`Model::imports_events`] as SQL over `organizations`, for queries that join them: the
    /// same rule, so a page and its query never disagree.
    pub fn imports_events_expr() -> sea_orm::sea_query::SimpleExpr {
        use sea_orm::sea_query::{Expr, ExprTrait};
        Expr::col((Entity, Column::LumaApiKeySealed))
            .is_not_null()
            .or(Expr::col((Entity, Column::LumaNetworkId)).is_not_null())
            .or(Expr::col((Entity, Column::IcalUrlSealed)).is_not_null())
    }

    /// lu.ma's calendar embed can be shown: the calendar's `cal-…` id is known.
    pub fn has_embed(&self) -> bool {
        self.luma_calendar_id
            .as_deref()
            .is_some_and(crate::import::luma::calendar_ref::is_calendar_id)
    }
}

/// Where an organization's events come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSource {
    /// Nothing connected.
    None,
    /// A lu.ma page (and maybe its id) but nothing to import with: the embed only.
    LumaPageOnly,
    /// lu.ma's API, with a key.
    LumaApi,
    /// A public iCal feed (lu.ma's, Google's, any).
    IcalFeed,
    /// Both; the API is used while the key is set.
    LumaApiAndFeed,
}

impl CalendarSource {
    /// Events are imported into the store (the page-load refresh and the daily import apply).
    pub fn imports_events(self) -> bool {
        matches!(
            self,
            CalendarSource::LumaApi | CalendarSource::IcalFeed | CalendarSource::LumaApiAndFeed
        )
    }

    /// The organization shows events somewhere (imported, or lu.ma's embed): its directory
    /// entry links its events page and the dashboard does not call it unconnected.
    pub fn shows_events(self) -> bool {
        self != CalendarSource::None
    }
}
