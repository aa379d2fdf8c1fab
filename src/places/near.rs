//! `near=<city>`: events in or around a city the network's own events name ("Lisboa" finds the
//! events lu.ma placed in "Lisbon"), within `km=` of its centre (50 unless asked), and online
//! ones too when `online=1`. The city's centre is the mean of its events' venues; a city whose
//! events give no coordinates matches by name alone.

use std::collections::BTreeMap;
use std::sync::Arc;

use convene_types::{InputField, LocationType};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{CITY_MAX_CHARS, Coordinate, city_key};
use crate::Error;
use crate::cache::{CachedReads, Kept, Shelf};
use crate::rules::visibility::Audience;
use crate::store::entities::event;

pub const DEFAULT_KM: u32 = 50;
pub const KM_MAX: u32 = 500;
/// Distinct city names read to resolve one (the network's own; a bound on memory).
const CITIES_READ_MAX: u64 = 20_000;
/// Venues read to find a city's centre.
const VENUES_READ_MAX: u64 = 5_000;
/// Kilometres in a degree of latitude (and of longitude at the equator).
const KM_PER_DEGREE: f64 = 111.195;

/// Cities looked up lately, by question and audience (a refusal is not kept).
struct Resolved;
const RESOLVED_KEPT: usize = 1_000;
const RESOLVED_BYTES: usize = 4 * 1024 * 1024;

impl Kept for Resolved {
    type Held = Shelf<(NearQuery, Audience), Arc<Near>>;
    fn build() -> Self::Held {
        Shelf::weighed(
            RESOLVED_KEPT,
            RESOLVED_BYTES,
            |(query, _): &(NearQuery, Audience), near: &Arc<Near>| {
                256 + query.city.len()
                    + near.names.iter().map(|name| 24 + name.len()).sum::<usize>()
            },
        )
        .named("near")
    }
}

/// The cities the live events an audience may see name, with their events' count (at most
/// [`CITIES_READ_MAX`] names).
pub struct KnownCities {
    audience: Audience,
    cities: Vec<(String, i64)>,
}

impl KnownCities {
    pub async fn read(db: &impl ConnectionTrait, audience: &Audience) -> Result<Self, Error> {
        let cities = event::Entity::find()
            .select_only()
            .column(event::Column::City)
            .column_as(event::Column::Id.count(), "events")
            .filter(event::Column::RemovedAt.is_null())
            .filter(audience.condition())
            .filter(event::Column::City.is_not_null())
            .group_by(event::Column::City)
            .limit(CITIES_READ_MAX)
            .into_tuple::<(Option<String>, i64)>()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|(name, events)| Some((name?, events)))
            .collect();
        Ok(Self {
            audience: audience.clone(),
            cities,
        })
    }
}

/// The request's `near=`, `km=` and `online=`, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct NearParams<'a> {
    pub city: &'a str,
    pub km: &'a str,
    pub online: &'a str,
}

/// `near=` and its companions, checked (the city not yet looked up).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NearQuery {
    pub city: String,
    pub km: u32,
    pub include_online: bool,
}

impl NearQuery {
    /// `None` when `near=` is empty; a refusal names the parameter and what it may be.
    pub fn parse(params: &NearParams<'_>) -> Result<Option<Self>, Error> {
        let city = params.city.trim();
        if city.is_empty() {
            return Ok(None);
        }
        if city.chars().count() > CITY_MAX_CHARS {
            return Err(Error::invalid(
                InputField::Near,
                format!("a city's name is at most {CITY_MAX_CHARS} characters"),
            ));
        }
        Ok(Some(Self {
            city: city.to_owned(),
            km: parse_km(params.km)?,
            include_online: parse_online(params.online)?,
        }))
    }
}

/// A city found among the network's events, with the radius asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Near {
    /// The name most of its events give it.
    pub city: String,
    /// Every spelling of it the events use.
    pub names: Vec<String>,
    pub center: Option<Coordinate>,
    pub km: u32,
    pub include_online: bool,
}

/// The radius as typed: empty is [`DEFAULT_KM`].
pub fn parse_km(text: &str) -> Result<u32, Error> {
    match text.trim() {
        "" => Ok(DEFAULT_KM),
        text => text
            .parse::<u32>()
            .ok()
            .filter(|km| (1..=KM_MAX).contains(km))
            .ok_or_else(|| {
                Error::invalid(
                    InputField::Km,
                    format!("must be a whole number of kilometres from 1 to {KM_MAX}"),
                )
            }),
    }
}

/// `online=`: `1`, `on` or `true` include online events; empty or `0` do not.
pub fn parse_online(text: &str) -> Result<bool, Error> {
    match text.trim() {
        "" | "0" | "off" | "false" => Ok(false),
        "1" | "on" | "true" => Ok(true),
        _ => Err(Error::invalid(
            InputField::Online,
            "must be 1 (include online events) or 0",
        )),
    }
}

impl Near {
    /// Looks `query`'s city up among the events `audience` may see (a members-only event's city
    /// or venue must not show through a refusal or a centre). A city none of them names is
    /// refused, naming some that exist.
    pub async fn resolve(
        db: &impl ConnectionTrait,
        query: &NearQuery,
        audience: &Audience,
    ) -> Result<Self, Error> {
        let cities = KnownCities::read(db, audience).await?;
        Self::resolve_among(db, query, &cities).await
    }

    /// [`Near::resolve`] against cities read once (a digest pass resolves many questions for
    /// one audience).
    pub async fn resolve_among(
        db: &impl ConnectionTrait,
        query: &NearQuery,
        known: &KnownCities,
    ) -> Result<Self, Error> {
        let (cities, audience) = (&known.cities, &known.audience);
        let asked = query.city.as_str();
        let (km, include_online) = (query.km, query.include_online);
        let key = city_key(asked);
        let mut names: Vec<(String, i64)> = cities
            .iter()
            .filter(|(name, _)| !key.is_empty() && city_key(name) == key)
            .cloned()
            .collect();
        if names.is_empty() {
            let mut by_key: BTreeMap<String, String> = BTreeMap::new();
            for (name, _) in cities {
                by_key.entry(city_key(name)).or_insert_with(|| name.clone());
            }
            let examples: Vec<String> = by_key.into_values().take(10).collect();
            return Err(Error::invalid(
                InputField::Near,
                if examples.is_empty() {
                    "no event names a city yet".to_owned()
                } else {
                    format!(
                        "no event is in a city called {:?}; events are in {}",
                        crate::rules::bounds::one_line(asked, 40),
                        examples.join(", ")
                    )
                },
            ));
        }
        names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let names: Vec<String> = names.into_iter().map(|(name, _)| name).collect();
        // The centre: the mean of its venues (a sample of them, a bound on memory).
        let venues: Vec<(Option<i32>, Option<i32>)> = event::Entity::find()
            .select_only()
            .column(event::Column::LatitudeE6)
            .column(event::Column::LongitudeE6)
            .filter(event::Column::City.is_in(names.clone()))
            .filter(event::Column::RemovedAt.is_null())
            .filter(audience.condition())
            .filter(event::Column::LatitudeE6.is_not_null())
            .filter(event::Column::LongitudeE6.is_not_null())
            .limit(VENUES_READ_MAX)
            .into_tuple()
            .all(db)
            .await?;
        let points: Vec<Coordinate> = venues
            .into_iter()
            .filter_map(|(latitude, longitude)| Coordinate::from_stored(latitude, longitude))
            .collect();
        let center = (!points.is_empty()).then(|| {
            #[expect(
                clippy::cast_precision_loss,
                reason = "at most VENUES_READ_MAX points, far below 2^52"
            )]
            let n = points.len() as f64;
            let (latitude, longitude) = points.iter().fold((0.0, 0.0), |(lat, lon), point| {
                (lat + point.latitude(), lon + point.longitude())
            });
            Coordinate::from_degrees(latitude / n, longitude / n)
        });
        Ok(Self {
            city: names[0].clone(),
            names,
            center: center.flatten(),
            km,
            include_online,
        })
    }

    /// [`Near::resolve`] once per change of the catalog for each question and audience: a
    /// dashboard or feed asking for a city does not scan the cities on every request.
    pub async fn resolve_cached(
        db: &impl ConnectionTrait,
        reads: CachedReads<'_>,
        query: &NearQuery,
        audience: &Audience,
    ) -> Result<Self, Error> {
        reads
            .caches
            .kept::<Resolved>()
            .get_or_read(
                (query.clone(), audience.clone()),
                reads.catalog_tag(),
                || async { Ok(Arc::new(Self::resolve(db, query, audience).await?)) },
            )
            .await
            .map(Arc::unwrap_or_clone)
    }

    /// The events this filter keeps, for a query: named in the city, or with a venue within the
    /// radius of its centre (an equirectangular distance, exact enough within 500 km), or online
    /// when asked.
    pub fn condition(&self) -> Condition {
        let mut near = Condition::any().add(event::Column::City.is_in(self.names.clone()));
        if let Some(center) = self.center {
            let scale = center.latitude().to_radians().cos();
            let radius_e6 = f64::from(self.km) / KM_PER_DEGREE * 1e6;
            // In floating point: the squares of integer differences overflow Postgres's
            // `integer`.
            let d_lat = Expr::col(event::Column::LatitudeE6)
                .sub(center.latitude_e6)
                .mul(1.0_f64);
            let d_lon = Expr::col(event::Column::LongitudeE6)
                .sub(center.longitude_e6)
                .mul(scale);
            near = near.add(
                Condition::all()
                    .add(event::Column::LatitudeE6.is_not_null())
                    .add(event::Column::LongitudeE6.is_not_null())
                    .add(
                        d_lat
                            .clone()
                            .mul(d_lat)
                            .add(d_lon.clone().mul(d_lon))
                            .lte(radius_e6 * radius_e6),
                    ),
            );
        }
        if self.include_online {
            near = near.add(event::Column::LocationType.eq(LocationType::Online));
        }
        near
    }

    /// "near Lisbon (50 km)", "near Lisbon (50 km) or online", in `locale`.
    pub fn label(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::Arg;
        crate::i18n::text_with(
            locale,
            if self.include_online {
                "near-label-or-online"
            } else {
                "near-label"
            },
            &[("city", Arg::from(&self.city)), ("km", Arg::from(self.km))],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radius_and_online_are_bounded_and_named() {
        assert_eq!(parse_km("").ok(), Some(DEFAULT_KM));
        assert_eq!(parse_km(" 20 ").ok(), Some(20));
        for bad in ["0", "501", "-3", "ten", "99999999999"] {
            let err = parse_km(bad).unwrap_err().to_string();
            assert!(err.starts_with("km: "), "{bad}: {err}");
        }
        assert_eq!(parse_online("1").ok(), Some(true));
        assert_eq!(parse_online("").ok(), Some(false));
        assert!(parse_online("sometimes").is_err());
    }
}
