//! "While you're in Lisbon": on the dashboard of a member who is on a trip, the network's public
//! events near the trip's city until the trip ends (`crate::places::trips`).

use chrono::{DateTime, Utc};
use convene_types::views::TripEvents;
use sea_orm::ConnectionTrait;

use super::card;
use super::query::{self, DashboardQuery, merge_cross_listed};
use crate::Error;
use crate::places::near::{Near, NearQuery};
use crate::places::trips::{self, TRIP_KM, Trip};
use crate::rules::access::Actor;
use crate::rules::visibility::Audience;

/// Events the trip's list shows at most.
pub const TRIP_EVENTS_SHOWN: u64 = 10;

/// The section for `viewer`'s current trip, or `None` (signed out, or not travelling).
pub async fn while_away(
    db: &impl ConnectionTrait,
    viewer: Option<Actor>,
    now: DateTime<Utc>,
    locale: crate::i18n::Locale,
) -> Result<Option<TripEvents>, Error> {
    let Some(actor) = viewer else {
        return Ok(None);
    };
    let Some(trip) = trips::current(db, actor.user_id, now.date_naive()).await? else {
        return Ok(None);
    };
    let (area, events) = match public_events_near(db, &trip, now, TRIP_EVENTS_SHOWN).await? {
        Some((area, events)) => (Some(area), events),
        None => (None, Vec::new()),
    };
    Ok(Some(TripEvents {
        dates: trip.dates(locale),
        city_known: area.is_some(),
        city: trip.city,
        events: merge_cross_listed(events)
            .into_iter()
            .map(|merged| card(merged.event, Vec::new(), false, now, locale))
            .collect(),
    }))
}

/// The network's public events near `trip`'s city from `now` to the end of the trip (at most
/// `limit`), with the city as found; `None` when no public event names the city.
pub async fn public_events_near(
    db: &impl ConnectionTrait,
    trip: &Trip,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Option<(Near, Vec<query::DashboardEvent>)>, Error> {
    let Some((start, end)) = trip.span() else {
        return Ok(None);
    };
    let asked = NearQuery {
        city: trip.city.clone(),
        km: TRIP_KM,
        include_online: false,
    };
    let area = match Near::resolve(db, &asked, &Audience::public()).await {
        Ok(area) => area,
        // No public event names the city (yet): nothing near it.
        Err(Error::Invalid { .. }) => return Ok(None),
        Err(err) => return Err(err),
    };
    let from = Ord::max(start, now);
    if end <= from {
        return Ok(Some((area, Vec::new())));
    }
    let mut query = DashboardQuery::new(from, end)?;
    query.near = Some(asked);
    query.near_area = Some(area.clone());
    query.limit = limit;
    let page = query::upcoming(db, &query).await?;
    Ok(Some((area, page.events)))
}
