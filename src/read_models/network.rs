//! `/admin/luma`, for site admins: the network's lu.ma organization key (never the key), its
//! last run, its webhook address and the organizations connected through it.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::Error;
use crate::rules::access::{Actor, require_site_admin};
use crate::site::PublicUrl;
use crate::store::entities::{luma_network, organization};
use crate::store::organizations::NETWORK_WEBHOOK_SLUG;
use crate::text::timefmt;
use convene_types::views::{NetworkCalendar, NetworkSettings};

pub async fn settings(
    db: &DatabaseConnection,
    site: &PublicUrl,
    actor: Option<Actor>,
    now: DateTime<Utc>,
) -> Result<NetworkSettings, Error> {
    require_site_admin(actor)?;
    let network = luma_network::Entity::find()
        .order_by_asc(luma_network::Column::Id)
        .one(db)
        .await?;
    let calendars = match &network {
        Some(network) => organization::Entity::find()
            .filter(organization::Column::LumaNetworkId.eq(network.id))
            .order_by_asc(organization::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|org| {
                let source = super::status::source_of(&org);
                NetworkCalendar {
                    own_key: org.luma_api_key_sealed.is_some(),
                    last_import: org
                        .events_last_synced_at
                        .map(|at| timefmt::relative(at, now, crate::i18n::Locale::English)),
                    stale: super::status::is_stale(source, org.events_last_synced_at, now),
                    calendar_id: org.luma_calendar_id.unwrap_or_default(),
                    slug: org.slug,
                    name: org.name,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(NetworkSettings {
        key_last_four: network.as_ref().map(|n| n.api_key_last_four.clone()),
        last_run: network
            .as_ref()
            .and_then(|n| n.last_run_at)
            .map(|at| timefmt::relative(at, now, crate::i18n::Locale::English)),
        last_run_at: network
            .as_ref()
            .and_then(|n| n.last_run_at)
            .map(|at| timefmt::absolute_utc(at, crate::i18n::Locale::English)),
        last_outcome: network.as_ref().and_then(|n| n.last_outcome),
        last_message: network.as_ref().and_then(|n| n.last_message.clone()),
        webhook_url: site.link(&format!("/webhooks/luma/{NETWORK_WEBHOOK_SLUG}")),
        webhook_secret_saved: network
            .as_ref()
            .is_some_and(|n| n.webhook_secret_sealed.is_some()),
        calendars,
    })
}
