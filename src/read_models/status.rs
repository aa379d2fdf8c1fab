//! `/status`, for anyone: each organization's source and how fresh its events are. It names no
//! event and no failure message (those can name a feed's host; they stay on the settings panel).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::Error;
use crate::store::entities::luma_webhook_delivery::{self, WebhookOutcome};
use crate::store::entities::organization::{self, CalendarSource};
use crate::store::organizations;
use crate::text::timefmt;
use convene_types::views::{OrganizationFreshness, StatusPage};
use convene_types::{ImportSource, SyncOutcome};

/// An organization that imports is stale when its last complete import is older than this: a
/// day between daily imports, and two hours to spare.
pub const STALE_AFTER: Duration = Duration::hours(26);

/// Where `org`'s events come from.
pub fn source_of(org: &organization::Model) -> ImportSource {
    match org.calendar_source() {
        CalendarSource::LumaApi | CalendarSource::LumaApiAndFeed
            if org.luma_api_key_sealed.is_none() =>
        {
            ImportSource::OrganizationKey
        }
        CalendarSource::LumaApi | CalendarSource::LumaApiAndFeed => ImportSource::CalendarKey,
        CalendarSource::IcalFeed => ImportSource::Feed,
        CalendarSource::LumaPageOnly | CalendarSource::None => ImportSource::NotConnected,
    }
}

/// Whether an organization importing from `source` and last imported at `last` is stale.
pub fn is_stale(source: ImportSource, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    source != ImportSource::NotConnected && last.is_none_or(|at| now - at > STALE_AFTER)
}

pub async fn page(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<StatusPage, Error> {
    let organizations = organizations::list_all(db).await?;
    let last_webhooks: HashMap<i64, DateTime<Utc>> = luma_webhook_delivery::Entity::find()
        .select_only()
        .column(luma_webhook_delivery::Column::OrganizationId)
        .column_as(luma_webhook_delivery::Column::AppliedAt.max(), "applied")
        .filter(luma_webhook_delivery::Column::Outcome.eq(WebhookOutcome::Applied))
        .group_by(luma_webhook_delivery::Column::OrganizationId)
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect();
    let rows: Vec<OrganizationFreshness> = organizations
        .iter()
        .map(|org| {
            let source = source_of(org);
            let last = org.events_last_synced_at;
            OrganizationFreshness {
                slug: org.slug.clone(),
                name: org.name.clone(),
                source,
                webhooks: source != ImportSource::NotConnected
                    && org.luma_webhook_secret_sealed.is_some(),
                last_import: last.map(|at| timefmt::relative(at, now)),
                last_import_at: last.map(timefmt::absolute_utc),
                last_webhook: last_webhooks
                    .get(&org.id)
                    .map(|at| timefmt::relative(*at, now)),
                stale: is_stale(source, last, now),
                last_attempt_failed: source != ImportSource::NotConnected
                    && matches!(
                        org.last_sync_outcome,
                        Some(SyncOutcome::Failed | SyncOutcome::Interrupted)
                    ),
            }
        })
        .collect();
    Ok(StatusPage {
        stale: u32::try_from(rows.iter().filter(|row| row.stale).count()).unwrap_or(u32::MAX),
        organizations: rows,
        stale_after: format!("{} hours", STALE_AFTER.num_hours()),
        generated_at: timefmt::absolute_utc(now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_importing_organizations_go_stale_and_only_after_the_line() {
        let now = Utc::now();
        let fresh = Some(now - Duration::hours(25));
        let old = Some(now - STALE_AFTER - Duration::minutes(1));
        assert!(!is_stale(ImportSource::CalendarKey, fresh, now));
        assert!(is_stale(ImportSource::CalendarKey, old, now));
        assert!(is_stale(ImportSource::Feed, None, now), "never imported");
        assert!(!is_stale(ImportSource::NotConnected, None, now));
        assert!(is_stale(ImportSource::OrganizationKey, old, now));
    }
}
