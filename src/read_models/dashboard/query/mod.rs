//! The member dashboard's reads: upcoming live events across organizations, filtered and paged
//! by keyset on (start, id), with their organizations, in one statement; and the rest of a
//! render (the viewer's organizations, the chosen ones, the change marker) in one each.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Select,
};

use crate::Error;
use crate::import::refresh::SyncState;
use crate::rules::visibility::Visibility;
use crate::store::entities::{event, organization, sync_run};
use convene_types::LocationType;

mod params;

pub use params::*;

/// One event of the page with its organization: the columns a card shows and the page-load
/// refresh needs, and nothing else (a dashboard render decodes only these).
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
pub struct DashboardEvent {
    pub id: i64,
    pub external_id: String,
    pub title: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub all_day: bool,
    pub timezone: String,
    pub cover_url: Option<String>,
    pub event_url: Option<String>,
    pub location_text: Option<String>,
    pub address_hidden: bool,
    pub cross_listed: bool,
    pub location_type: LocationType,
    /// Its city and venue (never a guests-only venue: the import keeps none).
    pub city: Option<String>,
    pub latitude_e6: Option<i32>,
    pub longitude_e6: Option<i32>,
    /// Public or members-only: the audience condition let only what the viewer may see in.
    pub visibility: Visibility,
    /// The published address of its calendar file.
    pub public_id: Option<String>,
    pub organization_id: i64,
    pub org_slug: String,
    pub org_name: String,
    /// The organization imports its events (a lu.ma key or an iCal feed), so the page-load
    /// refresh applies: `organization::Model::imports_events`, computed by the query.
    pub org_connected: bool,
    pub org_synced_at: Option<DateTime<Utc>>,
}

impl DashboardEvent {
    /// What the page-load refresh needs to know about the event's organization.
    pub fn freshness(&self) -> SyncState {
        SyncState {
            organization_id: self.organization_id,
            connected: self.org_connected,
            last_synced_at: self.org_synced_at,
        }
    }
}

/// One card's worth: an event, and the other organizations whose calendars list the same lu.ma
/// event (lu.ma's cross-listing): one card, "Hosted by A with B".
#[derive(Debug, Clone, PartialEq)]
pub struct MergedEvent {
    pub event: DashboardEvent,
    /// (organization id, name) of the other organizations listing it.
    pub also_listed_by: Vec<(i64, String)>,
}

/// Folds copies of one lu.ma event (the same `evt-…` id reaching us through several
/// organizations' calendars) into one card, in the page's order. The copy from the calendar
/// that manages it (not cross-listed) leads; feed events are never merged (their ids are the
/// feeds' own).
pub fn merge_cross_listed(events: Vec<DashboardEvent>) -> Vec<MergedEvent> {
    let mut merged: Vec<MergedEvent> = Vec::with_capacity(events.len());
    for event in events {
        let same = event.external_id.starts_with("evt-").then(|| {
            merged
                .iter()
                .position(|card| card.event.external_id == event.external_id)
        });
        match same.flatten() {
            Some(index) => {
                let card = &mut merged[index];
                if card.event.cross_listed && !event.cross_listed {
                    let listed = std::mem::replace(&mut card.event, event);
                    card.also_listed_by
                        .insert(0, (listed.organization_id, listed.org_name));
                } else {
                    card.also_listed_by
                        .push((event.organization_id, event.org_name));
                }
            }
            None => merged.push(MergedEvent {
                event,
                also_listed_by: Vec::new(),
            }),
        }
    }
    merged
}

#[derive(Debug, Clone, PartialEq)]
pub struct DashboardPage {
    pub events: Vec<DashboardEvent>,
    /// Set when more events match after the last one.
    pub next: Option<Cursor>,
}

/// `%`, `_` and `\` in user text match themselves, not any character.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One statement: live events in the window (an index range on start time), their
/// organizations joined, filters applied, one page in (start, id) order.
pub async fn upcoming(
    db: &impl ConnectionTrait,
    query: &DashboardQuery,
) -> Result<DashboardPage, Error> {
    let events = statement(query)
        .into_model::<DashboardEvent>()
        .all(db)
        .await?;
    Ok(page_of(events, query.limit))
}

/// A page from up to `limit + 1` rows in page order (one more than a page tells that more follow).
pub(super) fn page_of(mut events: Vec<DashboardEvent>, limit: u64) -> DashboardPage {
    let more = events.len() as u64 > limit;
    events.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = more.then(|| events.last()).flatten().map(|last| Cursor {
        start_at: last.start_at,
        id: last.id,
    });
    DashboardPage { events, next }
}

/// Ongoing events started at most this many days ago; the start bound keeps the index usable.
pub(super) const LONGEST_EVENT: i64 = 3;

/// The select behind [`upcoming`] (one more row than a page, to tell whether more follow).
pub(super) fn statement(query: &DashboardQuery) -> Select<event::Entity> {
    use event::Column as E;
    use organization::Column as O;
    let longest_event = chrono::Duration::days(LONGEST_EVENT);
    let mut select = event::Entity::find()
        .select_only()
        .columns([
            E::Id,
            E::ExternalId,
            E::Title,
            E::StartAt,
            E::EndAt,
            E::AllDay,
            E::Timezone,
            E::CoverUrl,
            E::EventUrl,
            E::LocationText,
            E::AddressHidden,
            E::CrossListed,
            E::LocationType,
            E::City,
            E::LatitudeE6,
            E::LongitudeE6,
            E::Visibility,
            E::PublicId,
            E::OrganizationId,
        ])
        .column_as(O::Slug, "org_slug")
        .column_as(O::Name, "org_name")
        .column_as(organization::Model::imports_events_expr(), "org_connected")
        .column_as(O::EventsLastSyncedAt, "org_synced_at")
        .join(JoinType::InnerJoin, event::Relation::Organization.def())
        .filter(event::Column::RemovedAt.is_null())
        .filter(query.audience.condition())
        .filter(event::Column::StartAt.gte(query.from - longest_event))
        .filter(event::Column::StartAt.lt(query.until))
        .filter(event::Column::EndAt.gt(query.from));
    if !query.organization_ids.is_empty() {
        select = select.filter(event::Column::OrganizationId.is_in(query.organization_ids.clone()));
    } else if !query.organizations.is_empty() {
        select = select.filter(organization::Column::Slug.is_in(query.organizations.clone()));
    }
    if let Some(text) = &query.text {
        let pattern = like_pattern(text);
        let lower =
            |column: event::Column| Expr::expr(Func::lower(Expr::col((event::Entity, column))));
        select = select.filter(
            Condition::any()
                .add(lower(event::Column::Title).like(LikeExpr::new(&pattern).escape('\\')))
                .add(lower(event::Column::LocationText).like(LikeExpr::new(&pattern).escape('\\'))),
        );
    }
    if let Some(topic) = &query.topic {
        select = select.filter(crate::import::topics::has_topic(topic));
    }
    match (&query.near, &query.near_area) {
        (_, Some(area)) => select = select.filter(area.condition()),
        // Asked but not looked up: nothing, rather than everywhere.
        (Some(_), None) => select = select.filter(Expr::value(false)),
        (None, None) => {}
    }
    match query.attendance {
        Attendance::Online => {
            select = select.filter(event::Column::LocationType.eq(LocationType::Online));
        }
        Attendance::InPerson => {
            select = select.filter(event::Column::LocationType.ne(LocationType::Online));
        }
        Attendance::Any => {}
    }
    if let Some(after) = query.after {
        select = select.filter(
            Condition::any()
                .add(event::Column::StartAt.gt(after.start_at))
                .add(
                    Condition::all()
                        .add(event::Column::StartAt.eq(after.start_at))
                        .add(event::Column::Id.gt(after.id)),
                ),
        );
    }
    select
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(query.limit + 1)
}

/// Changes when a sync changes what the dashboard could show: the newest run that created,
/// updated or removed events. The page polls it and reloads its data when it moves.
pub async fn change_marker(db: &impl ConnectionTrait) -> Result<i64, Error> {
    let newest: Option<i64> = sync_run::Entity::find()
        .select_only()
        .column_as(sync_run::Column::Id.max(), "newest")
        .filter(
            Condition::any()
                .add(sync_run::Column::EventsCreated.gt(0))
                .add(sync_run::Column::EventsUpdated.gt(0))
                .add(sync_run::Column::EventsRemoved.gt(0)),
        )
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(newest.unwrap_or(0))
}

#[cfg(test)]
mod tests;
