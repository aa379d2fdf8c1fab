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
use crate::mail::compose::EventItem;
use crate::site::PublicUrl;
use crate::store::entities::{event, membership, organization, user};
use crate::store::events::{https_only, place};
use crate::text::timefmt;

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
    pub import_check_mail: bool,
    /// The digest's other events near this city (its own `km`); `None`: everywhere.
    pub digest_near: Option<crate::places::near::NearQuery>,
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
            import_check_mail: user.import_check_mail,
            digest_near: user.digest_near.map(|city| crate::places::near::NearQuery {
                city,
                km: u32::try_from(user.digest_near_km).unwrap_or(crate::places::near::DEFAULT_KM),
                include_online: false,
            }),
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
    /// lu.ma's `evt-…` id (or a feed's own): copies of one lu.ma event share it.
    pub external_id: String,
    /// Listed by this organization's calendar, managed by another's.
    pub cross_listed: bool,
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
        event::Column::ExternalId,
        event::Column::CrossListed,
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

/// Folds copies of one lu.ma event (reaching us through several organizations' calendars) into
/// one entry, in the list's order, as the dashboard does: the copy of the calendar that manages
/// it leads, and the others' organizations follow ("Rust Berlin with Rust Lisbon"). Feed events
/// are never merged (their ids are the feeds' own).
pub fn merge_cross_listed(events: Vec<&MailEvent>) -> Vec<(&MailEvent, Vec<i64>)> {
    let mut merged: Vec<(&MailEvent, Vec<i64>)> = Vec::with_capacity(events.len());
    for event in events {
        let same = event.external_id.starts_with("evt-").then(|| {
            merged
                .iter()
                .position(|(lead, _)| lead.external_id == event.external_id)
        });
        match same.flatten() {
            Some(index) => {
                let (lead, others) = &mut merged[index];
                if lead.cross_listed && !event.cross_listed {
                    others.insert(0, lead.organization_id);
                    *lead = event;
                } else {
                    others.push(event.organization_id);
                }
            }
            None => merged.push((event, Vec::new())),
        }
    }
    merged
}

/// "Rust Berlin", or "Rust Berlin with Rust Lisbon" for an event several calendars list.
pub fn hosts(organization_id: i64, others: &[i64], names: &HashMap<i64, String>) -> String {
    let name = |id: &i64| names.get(id).map_or("", String::as_str).to_owned();
    let mut hosts = name(&organization_id);
    if !others.is_empty() {
        let others: Vec<String> = others.iter().map(name).collect();
        hosts.push_str(&format!(" with {}", others.join(", ")));
    }
    hosts
}

/// The event as a message lists it to a reader in `zone`. The caller decided the reader may
/// see it; only its public facts are here (no join link is ever stored, a guests-only address
/// is stored as its city).
pub fn item(event: &MailEvent, organization: &str, zone: Tz, site: &PublicUrl) -> EventItem {
    let own_zone = timefmt::zone(&event.timezone);
    let (when, own_time) = if event.all_day {
        // Dates are the same everywhere: shown as the calendar gives them.
        (
            timefmt::event_span(
                event.start_at,
                event.end_at,
                own_zone,
                true,
                crate::i18n::Locale::English,
            ),
            None,
        )
    } else {
        let reader_offset = event.start_at.with_timezone(&zone).offset().fix();
        let own_offset = event.start_at.with_timezone(&own_zone).offset().fix();
        (
            timefmt::event_span(
                event.start_at,
                event.end_at,
                zone,
                false,
                crate::i18n::Locale::English,
            ),
            (reader_offset != own_offset).then(|| {
                format!(
                    "{} where it happens",
                    timefmt::event_time(event.start_at, own_zone, crate::i18n::Locale::English)
                )
            }),
        )
    };
    let (mut place, _) = place(
        event.location_type,
        event.location_text.as_deref(),
        crate::i18n::Locale::English,
    );
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
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, organization_id: i64, external_id: &str, cross_listed: bool) -> MailEvent {
        let start = Utc::now();
        MailEvent {
            id,
            organization_id,
            external_id: external_id.into(),
            cross_listed,
            title: format!("Event {id}"),
            start_at: start,
            end_at: start,
            all_day: false,
            timezone: "UTC".into(),
            event_url: None,
            location_text: None,
            address_hidden: false,
            public_id: None,
            location_type: LocationType::Online,
            visibility: Visibility::Public,
            removed_at: None,
        }
    }

    #[test]
    fn copies_of_one_luma_event_fold_into_one_entry_led_by_its_own_calendar() {
        let listed_by_lisbon = event(1, 20, "evt-shared", true);
        let managed_by_berlin = event(2, 10, "evt-shared", false);
        let other = event(3, 10, "evt-other", false);
        let feed_a = event(4, 10, "feed-uid@example.org", false);
        let feed_b = event(5, 20, "feed-uid@example.org", false);
        let merged = merge_cross_listed(vec![
            &listed_by_lisbon,
            &other,
            &managed_by_berlin,
            &feed_a,
            &feed_b,
        ]);
        let shape: Vec<(i64, Vec<i64>)> = merged
            .iter()
            .map(|(lead, others)| (lead.id, others.clone()))
            .collect();
        assert_eq!(
            shape,
            [(2, vec![20]), (3, vec![]), (4, vec![]), (5, vec![])]
        );
        let names: HashMap<i64, String> =
            [(10, "Rust Berlin".into()), (20, "Rust Lisbon".into())].into();
        assert_eq!(hosts(10, &[20], &names), "Rust Berlin with Rust Lisbon");
        assert_eq!(hosts(10, &[], &names), "Rust Berlin");
    }
}
