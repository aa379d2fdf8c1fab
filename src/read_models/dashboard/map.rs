//! The dashboard as a map (`layout=map`): the in-person events the filters keep, those with a
//! venue as pins (never a guests-only venue: the import keeps no coordinates for one, and the
//! map would drop them if it had), those with a city alone listed beside, and the tile layer
//! the operator chose.

use chrono::{DateTime, Utc};
use convene_types::Attendance;
use convene_types::views::{DashboardFilters, EventMap, MapEvent};
use sea_orm::ConnectionTrait;

use super::query::merge_cross_listed;
use super::{load, parsed_query};
use crate::Error;
use crate::places::Coordinate;
use crate::places::tiles::MapTiles;
use crate::rules::access::Actor;
use crate::rules::visibility::Visibility;
use crate::store::events;
use crate::text::timefmt;

/// Events one map reads at most (the page says when more matched).
pub const EVENTS_MAX: u64 = 500;

/// The map of the in-person events `viewer` may see through `filters` (their page aside).
pub async fn map(
    db: &impl ConnectionTrait,
    viewer: Option<Actor>,
    filters: &DashboardFilters,
    tiles: &MapTiles,
    now: DateTime<Utc>,
    locale: crate::i18n::Locale,
) -> Result<EventMap, Error> {
    let mut filters = filters.clone();
    filters.after.clear();
    let (mut query, chosen_range) = parsed_query(&filters, now)?;
    query.attendance = Attendance::InPerson;
    query.limit = EVENTS_MAX;
    let data = load(db, None, viewer, &query).await?;
    let mut pins = Vec::new();
    let mut unpinned = Vec::new();
    for merged in merge_cross_listed(data.page.events) {
        let event = merged.event;
        let zone = timefmt::zone(&event.timezone);
        let venue = if event.address_hidden {
            None
        } else {
            Coordinate::from_stored(event.latitude_e6, event.longitude_e6)
        };
        let shown = MapEvent {
            when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day, locale),
            url: match &event.public_id {
                Some(public_id) => Some(format!("/events/{public_id}")),
                None => events::https_only(event.event_url),
            },
            title: event.title,
            org_name: event.org_name,
            city: event.city,
            members_only: event.visibility == Visibility::MembersOnly,
            latitude: venue.map(|venue| format!("{:.6}", venue.latitude())),
            longitude: venue.map(|venue| format!("{:.6}", venue.longitude())),
        };
        match venue {
            Some(_) => pins.push(shown),
            None if shown.city.is_some() => unpinned.push(shown),
            None => {}
        }
    }
    Ok(EventMap {
        range_label: super::range_label(&chosen_range, data.near.as_ref(), locale),
        pins,
        unpinned,
        truncated: data.page.next.is_some(),
        tiles: tiles.template.clone(),
        attribution: tiles.attribution.clone(),
        credit_url: tiles.credit_url.clone(),
    })
}
