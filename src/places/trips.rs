//! Trips: a member's stays in another city (city, first and last day), added on `/account`.
//! While one lasts the dashboard opens with "While you're in Lisbon" (the network's public events
//! near there); the digest and the member's personal feed include those events too. Trips are
//! private: only their owner reads them, and nothing shows them to anyone else (the events
//! shown are public ones, the same for anyone who asks for that city).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use convene_types::InputField;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::CITY_MAX_CHARS;
use super::near::{Near, NearQuery};
use crate::Error;
use crate::rules::visibility::Audience;
use crate::store::entities::{event, trip};
use crate::store::events::Event;

/// Trips one member keeps (ended ones are forgotten when a new one is added).
pub const TRIPS_MAX: u64 = 20;
/// The longest trip, in days.
pub const TRIP_DAYS_MAX: i64 = 92;
/// How far ahead a trip may begin.
pub const YEARS_AHEAD: i64 = 2;
/// The radius around a trip's city its events come from.
pub const TRIP_KM: u32 = 50;

/// A trip as the account form sends it.
#[derive(Debug, Clone, Copy, Default)]
pub struct TripForm<'a> {
    pub city: &'a str,
    pub from: &'a str,
    pub to: &'a str,
}

/// A trip, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trip {
    pub id: i64,
    pub city: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Trip {
    /// Whether `day` falls within the trip.
    pub fn includes(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }

    /// From the start of its first day to the end of its last (UTC days: a trip's days are
    /// the traveller's, and UTC's are within a day of them).
    pub fn span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let start = self.starts_on.and_hms_opt(0, 0, 0)?.and_utc();
        let end = self.ends_on.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc();
        Some((start, end))
    }

    /// "7 Dec – 12 Dec 2026".
    /// "7 Dec 2026 – 13 Dec 2026" in `locale`.
    pub fn dates(&self, locale: crate::i18n::Locale) -> String {
        crate::text::timefmt::date_range(self.starts_on, self.ends_on, locale)
    }
}

impl From<trip::Model> for Trip {
    fn from(row: trip::Model) -> Self {
        Self {
            id: row.id,
            city: row.city,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
        }
    }
}

/// The trip the form describes, or a refusal naming the field: a city of one line, days as
/// `YYYY-MM-DD`, the last not before the first nor before today, at most [`TRIP_DAYS_MAX`]
/// days, beginning within [`YEARS_AHEAD`] years.
pub fn parse(
    form: &TripForm<'_>,
    today: NaiveDate,
) -> Result<(String, NaiveDate, NaiveDate), Error> {
    let city = form.city.trim();
    if city.is_empty() {
        return Err(Error::invalid(
            InputField::City,
            "name the city you travel to",
        ));
    }
    if city.chars().count() > CITY_MAX_CHARS || city.chars().any(char::is_control) {
        return Err(Error::invalid(
            InputField::City,
            format!("a city's name is one line of at most {CITY_MAX_CHARS} characters"),
        ));
    }
    let day = |field: InputField, text: &str| {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| Error::invalid(field, "must be a date written YYYY-MM-DD"))
    };
    let starts_on = day(InputField::From, form.from)?;
    let ends_on = day(InputField::To, form.to)?;
    if ends_on < starts_on {
        return Err(Error::invalid(
            InputField::To,
            "must not be before the first day",
        ));
    }
    if ends_on < today {
        return Err(Error::invalid(InputField::To, "this trip is over already"));
    }
    if (ends_on - starts_on).num_days() >= TRIP_DAYS_MAX {
        return Err(Error::invalid(
            InputField::To,
            format!("a trip lasts at most {TRIP_DAYS_MAX} days"),
        ));
    }
    let latest_start = today
        .checked_add_signed(Duration::days(365 * YEARS_AHEAD))
        .unwrap_or(today);
    if starts_on > latest_start {
        return Err(Error::invalid(
            InputField::From,
            format!("a trip may begin at most {YEARS_AHEAD} years from today"),
        ));
    }
    Ok((city.to_owned(), starts_on, ends_on))
}

/// Adds the trip the form describes to `user_id`'s (forgetting their trips that are over);
/// refused, with nothing stored, when it does not parse or they keep [`TRIPS_MAX`] already.
pub async fn add(
    db: &impl ConnectionTrait,
    user_id: i64,
    form: &TripForm<'_>,
    now: DateTime<Utc>,
) -> Result<Trip, Error> {
    let today = now.date_naive();
    let (city, starts_on, ends_on) = parse(form, today)?;
    let kept = trip::Entity::find()
        .filter(trip::Column::UserId.eq(user_id))
        .filter(trip::Column::EndsOn.gte(today))
        .count(db)
        .await?;
    if kept >= TRIPS_MAX {
        return Err(Error::invalid(
            InputField::Trip,
            format!("you keep {TRIPS_MAX} trips already: remove one first"),
        ));
    }
    trip::Entity::delete_many()
        .filter(trip::Column::UserId.eq(user_id))
        .filter(trip::Column::EndsOn.lt(today))
        .exec(db)
        .await?;
    let row = trip::ActiveModel {
        user_id: Set(user_id),
        city: Set(city),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.into())
}

/// Removes `user_id`'s trip `trip_id`; someone else's, or none, is not found.
pub async fn remove(db: &impl ConnectionTrait, user_id: i64, trip_id: i64) -> Result<(), Error> {
    let removed = trip::Entity::delete_many()
        .filter(trip::Column::Id.eq(trip_id))
        .filter(trip::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if removed.rows_affected == 0 {
        return Err(Error::NotFound("trip".to_owned()));
    }
    Ok(())
}

/// `user_id`'s trips that are not over on `today`, soonest first.
pub async fn ahead(
    db: &impl ConnectionTrait,
    user_id: i64,
    today: NaiveDate,
) -> Result<Vec<Trip>, Error> {
    Ok(trip::Entity::find()
        .filter(trip::Column::UserId.eq(user_id))
        .filter(trip::Column::EndsOn.gte(today))
        .order_by_asc(trip::Column::StartsOn)
        .order_by_asc(trip::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Trip::from)
        .collect())
}

/// Events one trip adds to a personal feed at most.
pub const TRIP_FEED_EVENTS: u64 = 100;

/// The network's public events near the cities of `user_id`'s trips that are not over, each
/// during its trip (at most [`TRIP_FEED_EVENTS`] a trip), for their personal feed. A city no
/// public event names adds nothing.
pub async fn public_events_during(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Error> {
    let mut found: Vec<Event> = Vec::new();
    for trip in ahead(db, user_id, now.date_naive()).await? {
        let Some((start, end)) = trip.span() else {
            continue;
        };
        let asked = NearQuery {
            city: trip.city.clone(),
            km: TRIP_KM,
            include_online: false,
        };
        let area = match Near::resolve(db, &asked, &Audience::public()).await {
            Ok(area) => area,
            Err(Error::Invalid { .. }) => continue,
            Err(err) => return Err(err),
        };
        let events = event::Entity::find()
            .filter(event::Column::RemovedAt.is_null())
            .filter(Audience::public().condition())
            .filter(area.condition())
            .filter(event::Column::StartAt.gte(start))
            .filter(event::Column::StartAt.lt(end))
            .order_by_asc(event::Column::StartAt)
            .order_by_asc(event::Column::Id)
            .limit(TRIP_FEED_EVENTS)
            .all(db)
            .await?;
        for event in events {
            if !found.iter().any(|known| known.id == event.id) {
                found.push(event);
            }
        }
    }
    Ok(found)
}

/// Every member's trips between `first` and `last` (days both included), by member: what a
/// pass of digests shows.
pub async fn during(
    db: &impl ConnectionTrait,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(i64, Trip)>, Error> {
    Ok(trip::Entity::find()
        .filter(trip::Column::EndsOn.gte(first))
        .filter(trip::Column::StartsOn.lte(last))
        .order_by_asc(trip::Column::StartsOn)
        .order_by_asc(trip::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.user_id, Trip::from(row)))
        .collect())
}

/// The trip `user_id` is on `today`, if any (the one begun last, when two overlap).
pub async fn current(
    db: &impl ConnectionTrait,
    user_id: i64,
    today: NaiveDate,
) -> Result<Option<Trip>, Error> {
    Ok(ahead(db, user_id, today)
        .await?
        .into_iter()
        .filter(|trip| trip.includes(today))
        .max_by_key(|trip| (trip.starts_on, trip.id)))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_trip_has_a_city_and_days_that_make_sense() {
        let today = Utc::now().date_naive();
        let day = |offset: i64| {
            (today + Duration::days(offset))
                .format("%Y-%m-%d")
                .to_string()
        };
        let form = |city: &'static str, from: String, to: String| (city, from, to);
        let ok = form("Lisbon", day(0), day(5));
        let parsed = parse(
            &TripForm {
                city: ok.0,
                from: &ok.1,
                to: &ok.2,
            },
            today,
        )
        .unwrap();
        assert_eq!(parsed.0, "Lisbon");
        assert_eq!((parsed.2 - parsed.1).num_days(), 5);
        let field = |city: &str, from: String, to: String| match parse(
            &TripForm {
                city,
                from: &from,
                to: &to,
            },
            today,
        ) {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(field(" ", day(0), day(1)), InputField::City);
        assert_eq!(field(&"x".repeat(101), day(0), day(1)), InputField::City);
        assert_eq!(field("Lisbon", "soon".into(), day(1)), InputField::From);
        assert_eq!(field("Lisbon", day(3), day(1)), InputField::To);
        assert_eq!(field("Lisbon", day(-5), day(-1)), InputField::To);
        assert_eq!(field("Lisbon", day(0), day(TRIP_DAYS_MAX)), InputField::To);
        assert_eq!(field("Lisbon", day(800), day(801)), InputField::From);
        // Begun already and still going: fine.
        assert!(
            parse(
                &TripForm {
                    city: "Lisbon",
                    from: &day(-3),
                    to: &day(2)
                },
                today
            )
            .is_ok()
        );
    }

    proptest! {
        #[test]
        fn generated_forms_never_panic(city in "\\PC{0,120}", from in "\\PC{0,12}", to in "[0-9-]{0,12}") {
            let today = Utc::now().date_naive();
            if let Ok((city, first, last)) = parse(&TripForm { city: &city, from: &from, to: &to }, today) {
                prop_assert!(first <= last && last >= today);
                prop_assert!(!city.is_empty() && city.chars().count() <= CITY_MAX_CHARS);
            }
        }
    }
}
