//! Places, from the events themselves: the city an event is in and where its venue is. No
//! outside geocoder: a city is known by the names the network's events give it, matched with
//! [`city_key`] (case, accents and a few common exonyms folded), and two venues are near when
//! their coordinates are.

use unicode_normalization::UnicodeNormalization;

use crate::rules::bounds;

pub mod near;
#[cfg(test)]
mod tests;
pub mod tiles;
pub mod trips;

/// A city name is at most this long (the `events.city` column).
pub const CITY_MAX_CHARS: usize = 100;

/// Two venues this close are in the same place, whatever their cities are called.
pub const SAME_PLACE_KM: f64 = 25.0;

/// A point on Earth, in millionths of a degree (exact, comparable, and stored as integers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coordinate {
    pub latitude_e6: i32,
    pub longitude_e6: i32,
}

impl Coordinate {
    /// A coordinate from degrees, or `None` for what is not one: out of range, not a number,
    /// or exactly 0, 0 (what sources send for "no place").
    pub fn from_degrees(latitude: f64, longitude: f64) -> Option<Self> {
        if !latitude.is_finite()
            || !longitude.is_finite()
            || !(-90.0..=90.0).contains(&latitude)
            || !(-180.0..=180.0).contains(&longitude)
            || (latitude == 0.0 && longitude == 0.0)
        {
            return None;
        }
        // In range, so the products fit an i32 (at most 180,000,000).
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to be within ±180° above"
        )]
        let to_e6 = |degrees: f64| (degrees * 1_000_000.0).round() as i32;
        Some(Self {
            latitude_e6: to_e6(latitude),
            longitude_e6: to_e6(longitude),
        })
    }

    /// From stored columns: both or none.
    pub fn from_stored(latitude_e6: Option<i32>, longitude_e6: Option<i32>) -> Option<Self> {
        Some(Self {
            latitude_e6: latitude_e6?,
            longitude_e6: longitude_e6?,
        })
    }

    /// Parses two numbers written as text (lu.ma's legacy `geo_latitude`, a feed's `GEO`).
    pub fn parse(latitude: &str, longitude: &str) -> Option<Self> {
        // Numbers are short; anything longer is not one.
        if latitude.len() > 32 || longitude.len() > 32 {
            return None;
        }
        Self::from_degrees(
            latitude.trim().parse().ok()?,
            longitude.trim().parse().ok()?,
        )
    }

    pub fn latitude(self) -> f64 {
        f64::from(self.latitude_e6) / 1_000_000.0
    }

    pub fn longitude(self) -> f64 {
        f64::from(self.longitude_e6) / 1_000_000.0
    }

    /// The great-circle distance in kilometres (haversine).
    pub fn distance_km(self, other: Self) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (lat1, lat2) = (self.latitude().to_radians(), other.latitude().to_radians());
        let d_lat = lat2 - lat1;
        let d_lon = (other.longitude() - self.longitude()).to_radians();
        let a = (d_lat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (d_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// A city name as shown: one line, bounded, `None` when empty.
pub fn city_name(text: &str) -> Option<String> {
    let name = bounds::one_line(text, CITY_MAX_CHARS);
    let name = name.trim().trim_matches(',').trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Other names of a city, by their key, and the key they mean (the English name's).
const ALIASES: &[(&str, &str)] = &[
    ("lisboa", "lisbon"),
    ("munchen", "munich"),
    ("koln", "cologne"),
    ("wien", "vienna"),
    ("praha", "prague"),
    ("roma", "rome"),
    ("milano", "milan"),
    ("napoli", "naples"),
    ("firenze", "florence"),
    ("torino", "turin"),
    ("bruxelles", "brussels"),
    ("brussel", "brussels"),
    ("den haag", "the hague"),
    ("s gravenhage", "the hague"),
    ("warszawa", "warsaw"),
    ("krakow", "cracow"),
    ("kobenhavn", "copenhagen"),
    ("goteborg", "gothenburg"),
    ("zurich", "zurich"),
    ("geneve", "geneva"),
    ("genf", "geneva"),
    ("athina", "athens"),
    ("moskva", "moscow"),
    ("kyiv", "kyiv"),
    ("kiev", "kyiv"),
    ("sevilla", "seville"),
    ("nurnberg", "nuremberg"),
    ("new york city", "new york"),
    ("nyc", "new york"),
    ("sf", "san francisco"),
];

/// The key two names of one city share: lower case, accents dropped, punctuation as spaces,
/// and a known other name replaced by the English one ("Lisboa" and "Lisbon" meet, as do
/// "München" and "Munich"). Empty for a name with no letters.
pub fn city_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars().take(CITY_MAX_CHARS).nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if space && !key.is_empty() {
                key.push(' ');
            }
            space = false;
            key.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    match ALIASES.iter().find(|(alias, _)| *alias == key) {
        Some((_, english)) => (*english).to_owned(),
        None => key,
    }
}

/// Country names a free-text place ends with, by key: not a city.
const COUNTRIES: &[&str] = &[
    "germany",
    "deutschland",
    "portugal",
    "france",
    "spain",
    "espana",
    "italy",
    "italia",
    "netherlands",
    "the netherlands",
    "nederland",
    "belgium",
    "austria",
    "osterreich",
    "switzerland",
    "schweiz",
    "suisse",
    "poland",
    "polska",
    "czechia",
    "czech republic",
    "denmark",
    "sweden",
    "norway",
    "finland",
    "ireland",
    "united kingdom",
    "uk",
    "england",
    "scotland",
    "usa",
    "us",
    "united states",
    "united states of america",
    "canada",
    "greece",
    "ukraine",
];

/// The city of a place written as free text (a feed's `LOCATION`): its last comma-separated
/// part that is not a country or a postal code, with a postal code before the name dropped
/// ("Betahaus, Prinzessinnenstraße 19, 10969 Berlin, Germany" is in Berlin). `None` when the
/// text has a single part (a venue's name alone says no city) or only numbers.
pub fn city_of_text(place: &str) -> Option<String> {
    let parts: Vec<&str> = place
        .split(',')
        .take(16)
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    parts
        .iter()
        .skip(1)
        .rev()
        .take(2)
        .find_map(|part| {
            let words: Vec<&str> = part
                .split_whitespace()
                .skip_while(|word| word.chars().any(|c| c.is_ascii_digit()))
                .collect();
            // "Secret Street 12" is a street, not a city.
            if words
                .iter()
                .any(|word| word.chars().any(|c| c.is_ascii_digit()))
            {
                return None;
            }
            let name = words.join(" ");
            let key = city_key(&name);
            (!key.is_empty()
                && !COUNTRIES.contains(&key.as_str())
                && name.chars().any(char::is_alphabetic))
            .then_some(name)
        })
        .and_then(|name| city_name(&name))
}

/// Whether two events are in the same place: the same city by [`city_key`], or venues at most
/// [`SAME_PLACE_KM`] apart.
pub fn same_place(
    a: (Option<&str>, Option<Coordinate>),
    b: (Option<&str>, Option<Coordinate>),
) -> bool {
    if let (Some(a), Some(b)) = (a.1, b.1)
        && a.distance_km(b) <= SAME_PLACE_KM
    {
        return true;
    }
    match (a.0.map(city_key), b.0.map(city_key)) {
        (Some(a), Some(b)) => !a.is_empty() && a == b,
        _ => false,
    }
}
