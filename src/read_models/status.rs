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

/// Organizations the page lists at most (about 300 bytes each: the page stays within the content
/// pages' budget at 150, and bounded beyond).
pub const ROWS_MAX: usize = 500;

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
    let mut rows: Vec<OrganizationFreshness> = organizations
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
                last_import: last
                    .map(|at| timefmt::relative(at, now, crate::i18n::Locale::English)),
                last_import_at: last
                    .map(|at| timefmt::absolute_utc(at, crate::i18n::Locale::English)),
                last_webhook: last_webhooks
                    .get(&org.id)
                    .map(|at| timefmt::relative(*at, now, crate::i18n::Locale::English)),
                stale: is_stale(source, last, now),
                last_attempt_failed: source != ImportSource::NotConnected
                    && matches!(
                        org.last_sync_outcome,
                        Some(SyncOutcome::Failed | SyncOutcome::Interrupted)
                    ),
            }
        })
        .collect();
    let stale = u32::try_from(rows.iter().filter(|row| row.stale).count()).unwrap_or(u32::MAX);
    // Stable: by name within each group, as the store listed them.
    rows.sort_by_key(|row| !row.stale);
    let left_out = u32::try_from(rows.len().saturating_sub(ROWS_MAX)).unwrap_or(u32::MAX);
    rows.truncate(ROWS_MAX);
    Ok(StatusPage {
        stale,
        left_out,
        organizations: rows,
        stale_after: format!("{} hours", STALE_AFTER.num_hours()),
        generated_at: timefmt::absolute_utc(now, crate::i18n::Locale::English),
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

    #[tokio::test]
    async fn the_page_is_bounded_and_lists_the_stale_first() {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};

        use crate::store::organizations::{self, NewOrganization};

        let store = crate::testing::fresh_store().await;
        let db = store.db();
        for n in 0..=ROWS_MAX {
            organizations::create(
                db,
                NewOrganization::parse(&format!("org-{n:04}"), &format!("Org {n:04}"), "").unwrap(),
            )
            .await
            .unwrap();
        }
        // The last by name imports from a feed and never did: stale.
        let last = organizations::find_by_slug(db, &format!("org-{ROWS_MAX:04}"))
            .await
            .unwrap()
            .unwrap();
        let mut row: organization::ActiveModel = last.into();
        row.ical_url_sealed = Set(Some("sealed".into()));
        row.update(db).await.unwrap();

        let page = page(db, Utc::now()).await.unwrap();
        assert_eq!(page.organizations.len(), ROWS_MAX);
        assert_eq!(page.left_out, 1);
        assert_eq!(page.stale, 1);
        assert_eq!(page.organizations[0].name, format!("Org {ROWS_MAX:04}"));
        assert!(page.organizations[0].stale);
        assert_eq!(page.organizations[1].name, "Org 0000");
    }
}
