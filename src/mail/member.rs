//! What member mail shares: who may receive it (confirmed addresses only), the events it lists
//! (read once per job, only the columns a message shows), and an event as a message shows it,
//! in the reader's timezone with the event's own time beside it when that differs.

use std::collections::HashMap;

use chrono::{DateTime, Offset, Utc};
use chrono_tz::Tz;
use convene_types::{LocationType, Visibility};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::Error;
use crate::mail::PublicUrl;
use crate::mail::compose::EventItem;
use crate::store::entities::{event, membership, organization, user};
use crate::store::events::{https_only, place};
use crate::timefmt;

/// A member who may receive member mail: the address is confirmed.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub zone: Tz,
    pub digest_enabled: bool,
    /// ISO weekday, 1 is Monday.
    pub digest_weekday: i16,
    pub import_alert_mail: bool,
}

impl Reader {
    fn of(user: user::Model) -> Self {
        let zone = user
            .timezone
            .as_deref()
            .and_then(|name| name.parse().ok())
            .unwrap_or(Tz::UTC);
        Self {
            user_id: user.id,
            name: user.display_name,
            email: user.email,
            zone,
            digest_enabled: user.digest_enabled,
            digest_weekday: user.digest_weekday,
            import_alert_mail: user.import_alert_mail,
        }
    }
}

/// Every account with a confirmed address, by id.
pub async fn readers(db: &impl ConnectionTrait) -> Result<HashMap<i64, Reader>, Error> {
    Ok(user::Entity::find()
        .filter(user::Column::EmailConfirmedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, Reader::of(user)))
        .collect())
}

/// One reader, when their address is confirmed.
pub async fn reader(db: &impl ConnectionTrait, user_id: i64) -> Result<Option<Reader>, Error> {
    Ok(user::Entity::find_by_id(user_id)
        .filter(user::Column::EmailConfirmedAt.is_not_null())
        .one(db)
        .await?
        .map(Reader::of))
}

/// Every membership, as (user, organization) pairs with the "new events" state.
pub async fn memberships(db: &impl ConnectionTrait) -> Result<Vec<membership::Model>, Error> {
    Ok(membership::Entity::find().all(db).await?)
}

/// Organization names by id.
pub async fn organization_names(db: &impl ConnectionTrait) -> Result<HashMap<i64, String>, Error> {
    Ok(organization::Entity::find()
        .select_only()
        .columns([organization::Column::Id, organization::Column::Name])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// An event with what a message shows of it (never its description).
#[derive(Debug, Clone, FromQueryResult)]
pub struct MailEvent {
    pub id: i64,
    pub organization_id: i64,
    pub title: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub all_day: bool,
    pub timezone: String,
    pub event_url: Option<String>,
    pub location_text: Option<String>,
    pub address_hidden: bool,
    pub public_id: Option<String>,
    pub location_type: LocationType,
    pub visibility: Visibility,
    pub removed_at: Option<DateTime<Utc>>,
}

fn mail_events() -> sea_orm::Select<event::Entity> {
    event::Entity::find().select_only().columns([
        event::Column::Id,
        event::Column::OrganizationId,
        event::Column::Title,
        event::Column::StartAt,
        event::Column::EndAt,
        event::Column::AllDay,
        event::Column::Timezone,
        event::Column::EventUrl,
        event::Column::LocationText,
        event::Column::AddressHidden,
        event::Column::PublicId,
        event::Column::LocationType,
        event::Column::Visibility,
        event::Column::RemovedAt,
    ])
}

/// Live events starting in `[from, until)`, soonest first (private ones are never stored).
pub async fn starting_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<MailEvent>, Error> {
    Ok(mail_events()
        .filter(event::Column::StartAt.gte(from))
        .filter(event::Column::StartAt.lt(until))
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Visibility.ne(Visibility::Private))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .into_model::<MailEvent>()
        .all(db)
        .await?)
}

/// Each organization's newest event id (ids only grow).
pub async fn newest_event_ids(db: &impl ConnectionTrait) -> Result<HashMap<i64, i64>, Error> {
    Ok(event::Entity::find()
        .select_only()
        .column(event::Column::OrganizationId)
        .column_as(event::Column::Id.max(), "newest")
        .group_by(event::Column::OrganizationId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The organization's events stored after `after_id`, whatever their state, oldest first.
pub async fn stored_after(
    db: &impl ConnectionTrait,
    organization_id: i64,
    after_id: i64,
) -> Result<Vec<MailEvent>, Error> {
    Ok(mail_events()
        .filter(event::Column::OrganizationId.eq(organization_id))
        .filter(event::Column::Id.gt(after_id))
        .order_by_asc(event::Column::Id)
        .into_model::<MailEvent>()
        .all(db)
        .await?)
}

/// The event as a message lists it to a reader in `zone`. The caller decided the reader may
/// see it; only its public facts are here (no join link is ever stored, a guests-only address
/// is stored as its city).
pub fn item(event: &MailEvent, organization: &str, zone: Tz, site: &PublicUrl) -> EventItem {
    let own_zone = timefmt::zone(&event.timezone);
    let (when, own_time) = if event.all_day {
        // Dates are the same everywhere: shown as the calendar gives them.
        (
            timefmt::event_span(event.start_at, event.end_at, own_zone, true),
            None,
        )
    } else {
        let reader_offset = event.start_at.with_timezone(&zone).offset().fix();
        let own_offset = event.start_at.with_timezone(&own_zone).offset().fix();
        (
            timefmt::event_span(event.start_at, event.end_at, zone, false),
            (reader_offset != own_offset).then(|| {
                format!(
                    "{} where it happens",
                    timefmt::event_time(event.start_at, own_zone)
                )
            }),
        )
    };
    let (mut place, _) = place(event.location_type, event.location_text.as_deref());
    if event.address_hidden {
        place.push_str(" · Address shared with registered guests on lu.ma");
    }
    EventItem {
        title: event.title.clone(),
        organization: organization.to_owned(),
        label: (event.visibility == Visibility::MembersOnly).then(|| "Members only".to_owned()),
        when,
        own_time,
        place,
        register_url: https_only(event.event_url.clone()),
        calendar_url: event
            .public_id
            .as_ref()
            .map(|id| site.link(&format!("/events/{id}.ics"))),
    }
}
