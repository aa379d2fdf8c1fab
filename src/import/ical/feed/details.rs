//! What an event says besides its times: title, description, link, place, visibility and
//! categories, each bounded once per series.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Component, Event, EventLike};

use super::FeedSettings;
use crate::import::luma::model::{ImportedEvent, LocationType};
use crate::places::{self, Coordinate};
use crate::rules::bounds::{self};
use crate::rules::visibility::Visibility;

/// lu.ma puts the event page in the description, on a line starting with this.
pub(super) const LUMA_LINK_PREFIX: &str = "Get up-to-date information at:";

/// What an event says besides its times, read and bounded once per series (its occurrences
/// share one copy of each field, however long the original was).
pub(super) struct Details {
    pub(super) title: String,
    pub(super) description: Option<std::sync::Arc<str>>,
    pub(super) event_url: Option<String>,
    pub(super) location_type: LocationType,
    pub(super) location_text: Option<String>,
    pub(super) city: Option<String>,
    /// `GEO`: where the venue is.
    pub(super) coordinate: Option<Coordinate>,
    pub(super) visibility: Visibility,
    pub(super) all_day: bool,
    /// `CATEGORIES`, as topics (bounded like lu.ma's tags).
    pub(super) tags: Vec<String>,
}

impl Details {
    pub(super) fn of(event: &Event) -> Self {
        let description = event.get_description().unwrap_or_default();
        let (description, luma_link) = split_luma_link(description);
        let event_url = event
            .get_url()
            .and_then(bounds::link)
            .filter(|url| is_web_address(url))
            .or(luma_link);
        let location = event
            .get_location()
            .map(str::trim)
            .filter(|place| !place.is_empty());
        // A link as the place is a join link: it only tells us the event is online.
        let (location_type, location_text) = match location {
            Some(url) if is_web_address(url) => (LocationType::Online, None),
            Some(place) => (
                LocationType::InPerson,
                Some(bounds::one_line(place, bounds::LOCATION_MAX_CHARS)),
            ),
            None => (LocationType::Unknown, None),
        };
        let city = location
            .filter(|_| location_type == LocationType::InPerson)
            .and_then(places::city_of_text);
        // `GEO:52.52;13.40`, latitude first.
        let coordinate = event
            .property_value("GEO")
            .and_then(|geo| geo.split_once(';'))
            .and_then(|(latitude, longitude)| Coordinate::parse(latitude, longitude))
            .filter(|_| location_type != LocationType::Online);
        let title = bounds::one_line(
            event.get_summary().unwrap_or_default(),
            bounds::TITLE_MAX_CHARS,
        );
        Self {
            title: if title.is_empty() {
                "(untitled event)".to_owned()
            } else {
                title
            },
            description: (!description.is_empty()).then(|| description.into()),
            event_url,
            location_type,
            location_text,
            city,
            coordinate,
            visibility: crate::rules::visibility::from_ical_class(event.property_value("CLASS")),
            all_day: false,
            tags: categories(event),
        }
    }

    pub(super) fn imported(
        &self,
        id: &str,
        start_at: DateTime<Utc>,
        end_at: DateTime<Utc>,
        zone: Tz,
        settings: &FeedSettings,
    ) -> ImportedEvent {
        // UTC times say nothing about where the event is: show it in the calendar's zone.
        let timezone = if zone == Tz::UTC {
            settings.display_timezone
        } else {
            zone
        };
        ImportedEvent {
            external_id: id.to_owned(),
            calendar_id: None,
            title: self.title.clone(),
            start_at,
            end_at,
            all_day: self.all_day,
            timezone: timezone.name().to_owned(),
            unknown_timezone: None,
            cover_url: None,
            event_url: self.event_url.clone(),
            location_text: self.location_text.clone(),
            address_hidden: false,
            city: self.city.clone(),
            coordinate: self.coordinate,
            location_type: self.location_type,
            visibility: self.visibility,
            cross_listed: false,
            tags: self.tags.clone(),
            description_md: self.description.clone(),
        }
    }
}

/// `CATEGORIES`: one property or several, each a comma-separated list (`\,` is a comma
/// inside a name). At most [`bounds::TAGS_MAX`] names are read, however many are given.
pub(super) fn categories(event: &Event) -> Vec<String> {
    let values = event
        .properties()
        .get("CATEGORIES")
        .into_iter()
        .chain(
            event
                .multi_properties()
                .get("CATEGORIES")
                .into_iter()
                .flatten(),
        )
        .map(|property| property.value());
    let mut names = Vec::new();
    'values: for value in values {
        let mut name = String::new();
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(escaped) = chars.next() {
                        name.push(escaped);
                    }
                }
                ',' => names.push(std::mem::take(&mut name)),
                _ => name.push(c),
            }
            if names.len() > bounds::TAGS_MAX * 2 {
                break 'values;
            }
        }
        names.push(name);
    }
    bounds::tags(names)
}

pub(super) fn is_web_address(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// lu.ma's descriptions start with "Get up-to-date information at: <event url>": the link
/// becomes the event's page, and the line leaves the description. The description is
/// bounded before anything else reads it.
pub(super) fn split_luma_link(description: &str) -> (String, Option<String>) {
    let description = bounds::description(description);
    let mut link = None;
    let kept: Vec<&str> = description
        .lines()
        .filter(|line| {
            let Some(rest) = line.trim().strip_prefix(LUMA_LINK_PREFIX) else {
                return true;
            };
            let url = rest.trim();
            if link.is_none() && is_web_address(url) {
                link = bounds::link(url);
            }
            false
        })
        .collect();
    (kept.join("\n").trim().to_owned(), link)
}
