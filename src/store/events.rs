//! Reading imported events: what pages show.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Error;
use crate::rules::visibility::Audience;
use crate::store::entities::event;
use convene_types::LocationType;

pub use event::Model as Event;

/// The longest event we look back for when asking what is still on (a weekend conference).
pub(crate) const LONGEST_EVENT: Duration = Duration::days(3);

/// An organization's live events that have not ended by `now` and `audience` may see,
/// soonest first, at most `limit`.
pub async fn upcoming_for_organization(
    db: &impl ConnectionTrait,
    organization_id: i64,
    audience: &Audience,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Event>, Error> {
    Ok(event::Entity::find()
        .filter(event::Column::OrganizationId.eq(organization_id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(audience.condition())
        // The start bound lets the (organization, start) index do the work.
        .filter(event::Column::StartAt.gte(now - LONGEST_EVENT))
        .filter(event::Column::EndAt.gte(now))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Where the event happens as pages show it (the place, "Online", or not yet known), in
/// `locale`, and whether it is online.
pub fn place(
    location_type: LocationType,
    location_text: Option<&str>,
    locale: crate::i18n::Locale,
) -> (String, bool) {
    let online = location_type == LocationType::Online;
    let label = match (location_text, online) {
        (Some(place), _) => place.to_owned(),
        (None, true) => crate::i18n::text(locale, "place-online"),
        (None, false) => crate::i18n::text(locale, "place-to-be-announced"),
    };
    (label, online)
}

/// The URL when it is `https`: the only kind pages link to or load images from.
pub fn https_only(url: Option<String>) -> Option<String> {
    url.filter(|url| url.starts_with("https://"))
}

/// Live (not removed) events stored for the organization, past ones included.
pub async fn count_live(db: &impl ConnectionTrait, organization_id: i64) -> Result<u64, Error> {
    Ok(event::Entity::find()
        .filter(event::Column::OrganizationId.eq(organization_id))
        .filter(event::Column::RemovedAt.is_null())
        .count(db)
        .await?)
}

/// How long an event removed upstream (or hidden by a disconnect) is kept: long enough for a
/// calendar that comes back (a reconnect, an event restored on lu.ma) to find it under the same
/// address; then its row and bytes go.
pub const REMOVED_KEPT_FOR: Duration = Duration::days(30);
/// Rows deleted per statement by [`purge_removed`]: no single write holds the store for long.
const PURGED_PER_STATEMENT: u64 = 500;

/// Deletes events removed more than [`REMOVED_KEPT_FOR`] ago (their topics go with them), a
/// few hundred per statement; returns how many.
pub async fn purge_removed(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, Error> {
    use sea_orm::QueryTrait;
    let cutoff = now - REMOVED_KEPT_FOR;
    let mut purged = 0;
    loop {
        let chunk = event::Entity::find()
            .select_only()
            .column(event::Column::Id)
            .filter(event::Column::RemovedAt.lt(cutoff))
            .limit(PURGED_PER_STATEMENT)
            .into_query();
        let deleted = event::Entity::delete_many()
            .filter(event::Column::Id.in_subquery(chunk))
            .exec(db)
            .await?
            .rows_affected;
        if deleted == 0 {
            return Ok(purged);
        }
        purged += deleted;
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};

    use super::*;
    use crate::store::organizations::{self, NewOrganization};
    use crate::testing::fresh_store;

    async fn add(
        db: &impl ConnectionTrait,
        org: i64,
        id: &str,
        start: DateTime<Utc>,
        hours: i64,
        removed: bool,
    ) {
        event::ActiveModel {
            organization_id: Set(org),
            source: Set(convene_types::EventSource::LumaApi),
            external_id: Set(id.into()),
            title: Set(id.into()),
            description_id: Set(None),
            start_at: Set(start),
            end_at: Set(start + Duration::hours(hours)),
            timezone: Set("UTC".into()),
            cover_url: Set(None),
            event_url: Set(None),
            location_text: Set(None),
            meeting_url: Set(None),
            location_type: Set(convene_types::LocationType::Unknown),
            visibility: Set(convene_types::Visibility::Public),
            tags: Set("[]".into()),
            content_hash: Set(id.into()),
            synced_at: Set(start),
            removed_at: Set(removed.then_some(start)),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn upcoming_means_not_ended_live_and_this_organization_only() {
        let store = fresh_store().await;
        let db = store.db();
        let mine = organizations::create(db, NewOrganization::parse("mine", "Mine", "").unwrap())
            .await
            .unwrap()
            .id;
        let other =
            organizations::create(db, NewOrganization::parse("other", "Other", "").unwrap())
                .await
                .unwrap()
                .id;
        let now = Utc::now();
        add(db, mine, "ended", now - Duration::hours(5), 2, false).await;
        add(db, mine, "ongoing", now - Duration::hours(1), 3, false).await;
        add(db, mine, "later", now + Duration::days(2), 2, false).await;
        add(db, mine, "soon", now + Duration::hours(2), 2, false).await;
        add(db, mine, "cancelled", now + Duration::hours(3), 2, true).await;
        add(db, other, "theirs", now + Duration::hours(1), 2, false).await;

        let titles: Vec<String> = upcoming_for_organization(db, mine, &Audience::public(), now, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(titles, ["ongoing", "soon", "later"]);
        assert_eq!(
            upcoming_for_organization(db, mine, &Audience::public(), now, 1)
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(count_live(db, mine).await.unwrap(), 4);
    }

    #[tokio::test]
    async fn removed_events_are_purged_after_thirty_days_and_live_ones_never() {
        let store = fresh_store().await;
        let db = store.db();
        let org = organizations::create(db, NewOrganization::parse("org", "Org", "").unwrap())
            .await
            .unwrap()
            .id;
        let now = Utc::now();
        // `add` marks a removed event removed at its start.
        add(db, org, "long gone", now - Duration::days(31), 2, true).await;
        add(db, org, "recently gone", now - Duration::days(29), 2, true).await;
        add(db, org, "old but live", now - Duration::days(90), 2, false).await;
        assert_eq!(purge_removed(db, now).await.unwrap(), 1);
        let left: Vec<String> = event::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(left.len(), 2);
        assert!(!left.contains(&"long gone".to_owned()));
        assert_eq!(purge_removed(db, now).await.unwrap(), 0);
    }
}
