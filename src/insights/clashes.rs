//! The clash radar: an organization's upcoming events that another organization's events
//! overlap: starting at most the organization's window apart (two hours unless its admins set
//! another) in the same place (the same city, or venues close together), or both online and
//! about a shared topic. A members-only event of another organization counts, but is named only
//! to someone who may see it.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use convene_types::views::{Clash, ClashRadar, ClashingEvent};
use convene_types::{InputField, LocationType, Visibility};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::Error;
use crate::places::{self, Coordinate};
use crate::rules::visibility::Audience;
use crate::store::entities::{event, event_topic, known_clash, organization};
use crate::store::events::place;
use crate::text::timefmt;

/// The window unless an organization's admins set another, and the bounds they may set.
pub const DEFAULT_WINDOW_MINUTES: i32 = 120;
pub const WINDOW_MIN_MINUTES: i32 = 15;
pub const WINDOW_MAX_MINUTES: i32 = 12 * 60;

/// How far ahead the radar looks, and how many of the organization's events it checks at most.
pub const HORIZON: Duration = Duration::days(180);
pub const OWN_EVENTS_MAX: u64 = 200;
/// Other organizations' events read at most for one radar (a bound on memory, whatever the
/// network's size; the soonest are read first).
pub const OTHERS_MAX: u64 = 5_000;
/// Clashes one page or message lists at most (the rest are counted).
pub const LISTED_MAX: usize = 100;

/// One event as the radar compares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: i64,
    pub organization_id: i64,
    pub external_id: String,
    pub title: String,
    pub start_at: DateTime<Utc>,
    pub timezone: String,
    pub visibility: Visibility,
    pub location_type: LocationType,
    pub location_text: Option<String>,
    pub city: Option<String>,
    pub coordinate: Option<Coordinate>,
    pub public_id: Option<String>,
    /// Topic slugs; read only for online events (the only ones topics decide for).
    pub topics: Vec<String>,
}

impl Candidate {
    fn of(row: event::Model) -> Self {
        Self {
            coordinate: Coordinate::from_stored(row.latitude_e6, row.longitude_e6),
            id: row.id,
            organization_id: row.organization_id,
            external_id: row.external_id,
            title: row.title,
            start_at: row.start_at,
            timezone: row.timezone,
            visibility: row.visibility,
            location_type: row.location_type,
            location_text: row.location_text,
            city: row.city,
            public_id: row.public_id,
            topics: Vec::new(),
        }
    }

    fn online(&self) -> bool {
        self.location_type == LocationType::Online
    }
}

/// Whether `other` clashes with `own`: another organization's event (not the same lu.ma event
/// listed twice), starting at most `window` apart, in the same place, or both online and
/// sharing a topic.
pub fn clashes(own: &Candidate, other: &Candidate, window: Duration) -> bool {
    if own.organization_id == other.organization_id
        || own.external_id == other.external_id
        || other.visibility == Visibility::Private
        || (other.start_at - own.start_at).abs() > window
    {
        return false;
    }
    match (own.online(), other.online()) {
        (true, true) => own.topics.iter().any(|topic| other.topics.contains(topic)),
        (false, false) => places::same_place(
            (own.city.as_deref(), own.coordinate),
            (other.city.as_deref(), other.coordinate),
        ),
        _ => false,
    }
}

/// "30 minutes later", "1 hour 15 minutes earlier", "at the same time": when `other` starts,
/// seen from `own`.
pub fn offset(own: DateTime<Utc>, other: DateTime<Utc>) -> String {
    let minutes = (other - own).num_minutes();
    if minutes == 0 {
        return "at the same time".to_owned();
    }
    let (hours, rest) = (minutes.abs() / 60, minutes.abs() % 60);
    let mut text = match hours {
        0 => String::new(),
        1 => "1 hour".to_owned(),
        n => format!("{n} hours"),
    };
    if rest > 0 {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&match rest {
            1 => "1 minute".to_owned(),
            n => format!("{n} minutes"),
        });
    }
    text.push_str(if minutes > 0 { " later" } else { " earlier" });
    text
}

/// Which of the organization's events to check.
#[derive(Debug, Clone, Copy)]
pub enum OwnEvents<'a> {
    /// Its next events (within [`HORIZON`], at most [`OWN_EVENTS_MAX`]).
    Upcoming,
    /// These (a new-event mail's), if upcoming.
    These(&'a [i64]),
}

/// A clash found: the organization's event, the other one, and whether its admins know.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub own: Candidate,
    pub other: Candidate,
    pub known: bool,
}

/// The organization's window, within the bounds whatever the store holds.
pub fn window_of(organization: &organization::Model) -> Duration {
    Duration::minutes(i64::from(
        organization
            .clash_window_minutes
            .clamp(WINDOW_MIN_MINUTES, WINDOW_MAX_MINUTES),
    ))
}

/// Every clash of the organization's `own` events, soonest first (then by the other's start).
pub async fn find(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    own: OwnEvents<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Found>, Error> {
    let window = window_of(organization);
    let mut query = event::Entity::find()
        .filter(event::Column::OrganizationId.eq(organization.id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Visibility.ne(Visibility::Private))
        .filter(event::Column::StartAt.gt(now))
        .filter(event::Column::StartAt.lt(now + HORIZON));
    if let OwnEvents::These(ids) = own {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        query = query.filter(event::Column::Id.is_in(ids.iter().copied()));
    }
    let mut owned: Vec<Candidate> = query
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(OWN_EVENTS_MAX)
        .all(db)
        .await?
        .into_iter()
        .map(Candidate::of)
        .collect();
    let (Some(first), Some(last)) = (owned.first(), owned.last()) else {
        return Ok(Vec::new());
    };
    let mut others: Vec<Candidate> = event::Entity::find()
        .filter(event::Column::OrganizationId.ne(organization.id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(event::Column::Visibility.ne(Visibility::Private))
        .filter(event::Column::StartAt.gte(first.start_at - window))
        .filter(event::Column::StartAt.lte(last.start_at + window))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(OTHERS_MAX)
        .all(db)
        .await?
        .into_iter()
        .map(Candidate::of)
        .collect();
    read_topics(db, &mut owned, &mut others).await?;
    let known: HashSet<(i64, i64)> = known_clash::Entity::find()
        .filter(known_clash::Column::OrganizationId.eq(organization.id))
        .select_only()
        .column(known_clash::Column::EventId)
        .column(known_clash::Column::OtherEventId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut found = Vec::new();
    for own in &owned {
        // `others` is sorted by start: only the slice within the window can clash.
        let from = others.partition_point(|other| other.start_at < own.start_at - window);
        for other in others[from..]
            .iter()
            .take_while(|other| other.start_at <= own.start_at + window)
        {
            if clashes(own, other, window) {
                found.push(Found {
                    own: own.clone(),
                    other: other.clone(),
                    known: known.contains(&(own.id, other.id)),
                });
            }
        }
    }
    Ok(found)
}

/// Fills in the topics of the online events (topics decide only for them).
async fn read_topics(
    db: &impl ConnectionTrait,
    owned: &mut [Candidate],
    others: &mut [Candidate],
) -> Result<(), Error> {
    let online: Vec<i64> = owned
        .iter()
        .chain(others.iter())
        .filter(|candidate| candidate.online())
        .map(|candidate| candidate.id)
        .collect();
    if online.is_empty() {
        return Ok(());
    }
    let mut topics: HashMap<i64, Vec<String>> = HashMap::new();
    // In chunks: a statement's parameters are bounded (SQLite's 32,766).
    for ids in online.chunks(1_000) {
        for (id, slug) in event_topic::Entity::find()
            .select_only()
            .column(event_topic::Column::EventId)
            .column(event_topic::Column::Slug)
            .filter(event_topic::Column::EventId.is_in(ids.iter().copied()))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
        {
            topics.entry(id).or_default().push(slug);
        }
    }
    for candidate in owned.iter_mut().chain(others.iter_mut()) {
        if let Some(slugs) = topics.remove(&candidate.id) {
            candidate.topics = slugs;
        }
    }
    Ok(())
}

/// Names and slugs of the organizations the clashes involve.
async fn organization_names(
    db: &impl ConnectionTrait,
    found: &[Found],
) -> Result<HashMap<i64, (String, String)>, Error> {
    let ids: HashSet<i64> = found
        .iter()
        .map(|found| found.other.organization_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Name)
        .column(organization::Column::Slug)
        .filter(organization::Column::Id.is_in(ids))
        .into_tuple::<(i64, String, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name, slug)| (id, (name, slug)))
        .collect())
}

/// The clashes of `found` as `audience` may read them: another organization's members-only
/// event is named only to those who see it.
pub async fn describe(
    db: &impl ConnectionTrait,
    found: &[Found],
    audience: &Audience,
) -> Result<Vec<Clash>, Error> {
    let names = organization_names(db, found).await?;
    Ok(found
        .iter()
        .map(|found| {
            let (own, other) = (&found.own, &found.other);
            let offset = offset(own.start_at, other.start_at);
            let named = audience.sees(other.organization_id, other.visibility);
            let clashing = match names.get(&other.organization_id) {
                Some((organization, slug)) if named => ClashingEvent::Named {
                    title: other.title.clone(),
                    organization: organization.clone(),
                    organization_slug: slug.clone(),
                    place: place(
                        other.location_type,
                        other.location_text.as_deref(),
                        crate::i18n::Locale::English,
                    )
                    .0,
                    page: other
                        .public_id
                        .as_ref()
                        .map(|public_id| format!("/events/{public_id}")),
                },
                _ => ClashingEvent::MembersOnly,
            };
            let summary = match &clashing {
                ClashingEvent::Named {
                    title,
                    organization,
                    place,
                    ..
                } => format!("Clashes with {title} ({organization}), {place}, {offset}"),
                ClashingEvent::MembersOnly => {
                    format!("Clashes with another organization's members-only event, {offset}")
                }
            };
            Clash {
                event_id: own.id,
                event_title: own.title.clone(),
                event_when: timefmt::event_time(
                    own.start_at,
                    timefmt::zone(&own.timezone),
                    crate::i18n::Locale::English,
                ),
                other_event_id: other.id,
                other: clashing,
                offset,
                known: found.known,
                summary,
            }
        })
        .collect())
}

/// The radar of the organization's upcoming events, for `audience` (its admins).
pub async fn radar(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<ClashRadar, Error> {
    let found = find(db, organization, OwnEvents::Upcoming, now).await?;
    let left_out = u32::try_from(found.len().saturating_sub(LISTED_MAX)).unwrap_or(u32::MAX);
    let clashes = describe(db, &found[..found.len().min(LISTED_MAX)], audience).await?;
    Ok(ClashRadar {
        window_minutes: u32::try_from(window_of(organization).num_minutes()).unwrap_or(0),
        clashes,
        left_out,
    })
}

/// Reads the window an admin typed (minutes).
pub fn parse_window(text: &str) -> Result<i32, Error> {
    let refused = || {
        Error::invalid(
            InputField::ClashWindow,
            format!(
                "give the window in minutes, from {WINDOW_MIN_MINUTES} to {WINDOW_MAX_MINUTES} (12 hours)"
            ),
        )
    };
    let text = text.trim();
    if text.len() > 6 {
        return Err(refused());
    }
    let minutes: i32 = text.parse().map_err(|_| refused())?;
    if (WINDOW_MIN_MINUTES..=WINDOW_MAX_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(refused())
    }
}

/// Saves the organization's window.
pub async fn set_window(
    db: &impl ConnectionTrait,
    organization_id: i64,
    minutes: i32,
) -> Result<(), Error> {
    organization::ActiveModel {
        id: Set(organization_id),
        clash_window_minutes: Set(minutes.clamp(WINDOW_MIN_MINUTES, WINDOW_MAX_MINUTES)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Marks (or unmarks) a clash of the organization's event with another's as known. Refused
/// unless `event_id` is the organization's own live event and `other_event_id` another
/// organization's that clashes with it now.
pub async fn set_known(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    event_id: i64,
    other_event_id: i64,
    known: bool,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let found = find(db, organization, OwnEvents::These(&[event_id]), now).await?;
    if !found.iter().any(|found| found.other.id == other_event_id) {
        return Err(Error::invalid(
            InputField::Clash,
            "these two events do not clash (any more): reload the page to see the clashes as they are",
        ));
    }
    if known {
        let inserted = known_clash::ActiveModel {
            organization_id: Set(organization.id),
            event_id: Set(event_id),
            other_event_id: Set(other_event_id),
            marked_by: Set(by),
            marked_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await;
        match inserted {
            Ok(_) => {}
            // Marked already (a double click, two admins): nothing to change.
            Err(err) if crate::error::is_unique_violation(&err) => {}
            Err(err) => return Err(err.into()),
        }
    } else {
        known_clash::Entity::delete_many()
            .filter(known_clash::Column::EventId.eq(event_id))
            .filter(known_clash::Column::OtherEventId.eq(other_event_id))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, organization_id: i64, start_at: DateTime<Utc>) -> Candidate {
        Candidate {
            id,
            organization_id,
            external_id: format!("evt-{id}"),
            title: format!("Event {id}"),
            start_at,
            timezone: "Europe/Berlin".into(),
            visibility: Visibility::Public,
            location_type: LocationType::InPerson,
            location_text: Some("Betahaus, Berlin".into()),
            city: Some("Berlin".into()),
            coordinate: None,
            public_id: None,
            topics: Vec::new(),
        }
    }

    #[test]
    fn events_clash_when_near_in_time_and_place() {
        let now = Utc::now();
        let window = Duration::hours(2);
        let own = candidate(1, 1, now);
        let near = candidate(2, 2, now + Duration::minutes(30));
        assert!(clashes(&own, &near, window));
        let mut lisbon = near.clone();
        lisbon.city = Some("Lisbon".into());
        assert!(!clashes(&own, &lisbon, window), "another city");
        let next_day = candidate(3, 2, now + Duration::days(1));
        assert!(!clashes(&own, &next_day, window), "another day");
        let edge = candidate(4, 2, now - window);
        assert!(clashes(&own, &edge, window), "the window's edge counts");
        let same_org = candidate(5, 1, now);
        assert!(!clashes(&own, &same_org, window), "its own events");
        let mut listed_twice = near.clone();
        listed_twice.external_id = own.external_id.clone();
        assert!(!clashes(&own, &listed_twice, window), "one lu.ma event");
        let mut unknown_place = near.clone();
        unknown_place.city = None;
        assert!(!clashes(&own, &unknown_place, window));
    }

    #[test]
    fn online_events_clash_only_on_a_shared_topic() {
        let now = Utc::now();
        let window = Duration::hours(2);
        let online = |id, org, topics: &[&str]| Candidate {
            location_type: LocationType::Online,
            city: None,
            location_text: None,
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            ..candidate(id, org, now)
        };
        assert!(clashes(
            &online(1, 1, &["rust", "wasm"]),
            &online(2, 2, &["wasm"]),
            window
        ));
        assert!(!clashes(
            &online(1, 1, &["rust"]),
            &online(2, 2, &["python"]),
            window
        ));
        assert!(!clashes(
            &online(1, 1, &["rust"]),
            &candidate(3, 2, now),
            window
        ));
    }

    #[test]
    fn offsets_read_as_people_say_them() {
        let now = Utc::now();
        assert_eq!(offset(now, now), "at the same time");
        assert_eq!(offset(now, now + Duration::minutes(30)), "30 minutes later");
        assert_eq!(
            offset(now, now - Duration::minutes(75)),
            "1 hour 15 minutes earlier"
        );
        assert_eq!(offset(now, now + Duration::hours(2)), "2 hours later");
    }

    #[test]
    fn windows_are_minutes_within_bounds() {
        assert_eq!(parse_window(" 90 ").ok(), Some(90));
        assert!(parse_window("5").is_err());
        assert!(parse_window("721").is_err());
        assert!(parse_window("two hours").is_err());
        assert!(parse_window("99999999999999").is_err());
    }
}
