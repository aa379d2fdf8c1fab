//! lu.ma's JSON, read tolerantly: the 2026 flat list entries and the legacy nested ones, `id` or
//! `api_id`, missing optional fields, unknown fields ignored, timestamps with or without
//! milliseconds. Everything is normalised into [`ImportedEvent`]; an entry that cannot be read is
//! an error for the whole page (skipping it would make the event look removed upstream).

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::places::{self, Coordinate};
use crate::rules::bounds;
use crate::rules::visibility::Visibility;

/// Why a lu.ma response could not be used. The message names the entry and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed lu.ma response: {0}")]
pub struct MalformedResponse(pub String);

fn malformed(message: impl Into<String>) -> MalformedResponse {
    MalformedResponse(message.into())
}

pub use convene_types::LocationType;

/// One event as Convene stores it, whatever shape lu.ma sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedEvent {
    /// `evt-…`, stable across both API shapes and the iCal feed.
    pub external_id: String,
    pub calendar_id: Option<String>,
    pub title: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    /// Given as dates (a feed's `DTSTART;VALUE=DATE`): midnight to midnight in `timezone`.
    pub all_day: bool,
    /// A valid IANA name; `UTC` when lu.ma sent none or one we do not know.
    pub timezone: String,
    /// The name lu.ma sent when it was not a known IANA zone (kept for the warning).
    pub unknown_timezone: Option<String>,
    pub cover_url: Option<String>,
    /// The public event page, where people register.
    pub event_url: Option<String>,
    /// The place as anyone may see it: for a guests-only address, only its city and region.
    pub location_text: Option<String>,
    /// lu.ma shows the street address to registered guests only ("Address shared with
    /// registered guests on lu.ma"); Convene never stores it.
    pub address_hidden: bool,
    /// The city the event is in (a guests-only address gives this much).
    pub city: Option<String>,
    /// Where the venue is; never for a guests-only address.
    pub coordinate: Option<Coordinate>,
    pub location_type: LocationType,
    pub visibility: Visibility,
    /// Listed by this calendar, managed by another (lu.ma's `platform: external`).
    pub cross_listed: bool,
    pub tags: Vec<String>,
    /// Markdown, present only in `events/get` answers (lists omit it since July 2026).
    /// Shared by the occurrences of a series (one copy however many events carry it).
    pub description_md: Option<std::sync::Arc<str>>,
}

impl ImportedEvent {
    /// A fingerprint of the fields lists carry: equal hashes mean nothing a list shows changed,
    /// so the description need not be fetched again.
    pub fn content_hash(&self) -> String {
        let fields = serde_json::json!([
            self.external_id,
            self.calendar_id,
            self.title,
            self.start_at.timestamp_millis(),
            self.end_at.timestamp_millis(),
            self.timezone,
            self.cover_url,
            self.event_url,
            self.location_text,
            // Where the join link was: events without one keep their old hashes.
            Option::<String>::None,
            self.location_type.as_str(),
            self.visibility.as_str(),
            self.tags,
        ]);
        let mut fields = fields.to_string();
        // Only when set, so the hashes of events stored before the flag existed stay the same.
        if self.all_day {
            fields.push_str("all-day");
        }
        if self.address_hidden {
            fields.push_str("address-hidden");
        }
        if self.cross_listed {
            fields.push_str("cross-listed");
        }
        if let Some(city) = &self.city {
            fields.push_str("city:");
            fields.push_str(city);
        }
        if let Some(point) = self.coordinate {
            fields.push_str(&format!("at:{},{}", point.latitude_e6, point.longitude_e6));
        }
        hex::encode(Sha256::digest(fields.as_bytes()))
    }
}

/// One page of `calendars/events/list` (or the legacy `calendar/list-events`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPage {
    pub events: Vec<ImportedEvent>,
    pub has_more: bool,
    /// Only meaningful while `has_more` is true: lu.ma sends a cursor on the last page too.
    pub next_cursor: Option<String>,
}

/// The calendar a key belongs to (`calendars/get`, or the legacy `calendar/get`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarInfo {
    pub id: String,
    pub name: String,
    pub slug: Option<String>,
    pub url: Option<String>,
    pub timezone: Option<String>,
    /// What lu.ma says the calendar is about (organization lists carry it).
    pub description: Option<String>,
}

/// One page of an organization key's `organizations/calendars/list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPage {
    pub calendars: Vec<CalendarInfo>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WirePage {
    #[serde(default)]
    entries: Vec<Value>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    next_cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct WireEvent {
    id: Option<String>,
    api_id: Option<String>,
    calendar_id: Option<String>,
    calendar_api_id: Option<String>,
    name: Option<String>,
    start_at: Option<String>,
    end_at: Option<String>,
    duration_interval: Option<String>,
    timezone: Option<String>,
    geo_address_json: Option<WireAddress>,
    /// `{latitude, longitude}`, numbers (or numbers as text); any other shape is no place
    /// (never a reason to refuse the page).
    coordinate: Option<Value>,
    /// The legacy shape's coordinate, as text.
    geo_latitude: Option<Value>,
    geo_longitude: Option<Value>,
    meeting_url: Option<String>,
    zoom_meeting_url: Option<String>,
    location_type: Option<String>,
    cover_url: Option<String>,
    url: Option<String>,
    visibility: Option<String>,
    location_visibility: Option<String>,
    /// `luma`, or `external` for an entry another calendar manages and this one lists.
    platform: Option<String>,
    /// Absent, `null` or a list: all mean what they say.
    #[serde(default)]
    tags: Option<Vec<WireTag>>,
    description_md: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct WireAddress {
    address: Option<String>,
    city: Option<String>,
    region: Option<String>,
    country: Option<String>,
    city_state: Option<String>,
    full_address: Option<String>,
}

/// A coordinate given as two JSON numbers or two numbers as text; anything else is none.
fn coordinate(latitude: Option<&Value>, longitude: Option<&Value>) -> Option<Coordinate> {
    let degrees = |value: Option<&Value>| match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) if text.len() <= 32 => text.trim().parse().ok(),
        _ => None,
    };
    Coordinate::from_degrees(degrees(latitude)?, degrees(longitude)?)
}

#[derive(Debug, Deserialize)]
struct WireTag {
    name: Option<String>,
}

/// Parses one list page, in either shape.
pub fn parse_event_page(body: &str) -> Result<EventPage, MalformedResponse> {
    let page: WirePage = serde_json::from_str(body).map_err(|err| malformed(err.to_string()))?;
    let events = page
        .entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            parse_entry(entry).map_err(|err| malformed(format!("entry {index}: {}", err.0)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EventPage {
        events,
        has_more: page.has_more,
        next_cursor: page.next_cursor.filter(|cursor| !cursor.is_empty()),
    })
}

/// Parses an `events/get` answer: the event itself, or `{"event": …}`.
pub fn parse_event_detail(body: &str) -> Result<ImportedEvent, MalformedResponse> {
    let value: Value = serde_json::from_str(body).map_err(|err| malformed(err.to_string()))?;
    parse_entry(value)
}

/// Parses `calendars/get`: the calendar itself, or `{"calendar": …}`.
pub fn parse_calendar(body: &str) -> Result<CalendarInfo, MalformedResponse> {
    let value: Value = serde_json::from_str(body).map_err(|err| malformed(err.to_string()))?;
    calendar_from(value)
}

/// Parses a page of `organizations/calendars/list`; a calendar that cannot be read fails the
/// page (leaving it out would make its events look removed).
pub fn parse_calendar_page(body: &str) -> Result<CalendarPage, MalformedResponse> {
    let page: WirePage = serde_json::from_str(body).map_err(|err| malformed(err.to_string()))?;
    let calendars = page
        .entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            calendar_from(entry).map_err(|err| malformed(format!("calendar {index}: {}", err.0)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CalendarPage {
        calendars,
        has_more: page.has_more,
        next_cursor: page.next_cursor.filter(|cursor| !cursor.is_empty()),
    })
}

fn calendar_from(mut value: Value) -> Result<CalendarInfo, MalformedResponse> {
    #[derive(Deserialize)]
    struct WireCalendar {
        id: Option<String>,
        api_id: Option<String>,
        name: Option<String>,
        slug: Option<String>,
        url: Option<String>,
        timezone: Option<String>,
        description: Option<String>,
        location: Option<WireCalendarLocation>,
    }
    #[derive(Deserialize)]
    struct WireCalendarLocation {
        timezone: Option<String>,
    }
    if let Some(inner) = value.get_mut("calendar").filter(|v| v.is_object()) {
        value = inner.take();
    }
    let wire: WireCalendar =
        serde_json::from_value(value).map_err(|err| malformed(format!("calendar: {err}")))?;
    let id = wire
        .id
        .or(wire.api_id)
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .map(|id| bounds::event_id(&id))
        .ok_or_else(|| malformed("calendar: no id"))?;
    let name = bounds::one_line(wire.name.as_deref().unwrap_or_default(), 120);
    Ok(CalendarInfo {
        name: if name.is_empty() { id.clone() } else { name },
        id,
        slug: wire.slug.map(|slug| bounds::one_line(&slug, 64)),
        url: wire.url.as_deref().and_then(bounds::link),
        timezone: wire.timezone.or(wire.location.and_then(|l| l.timezone)),
        description: wire
            .description
            .map(|text| bounds::description(&text))
            .map(|text| text.chars().take(2_000).collect()),
    })
}

fn parse_entry(mut entry: Value) -> Result<ImportedEvent, MalformedResponse> {
    // Legacy shape: {api_id, event: {...}, tags: [...]}; tags live beside the event.
    let mut outer_tags = None;
    if let Some(event) = entry.get_mut("event").filter(|event| event.is_object()) {
        let event = event.take();
        outer_tags = entry.get_mut("tags").map(Value::take);
        entry = event;
    }
    let mut wire: WireEvent =
        serde_json::from_value(entry).map_err(|err| malformed(err.to_string()))?;
    if let Some(tags) = outer_tags
        && wire.tags.as_ref().is_none_or(Vec::is_empty)
    {
        wire.tags =
            serde_json::from_value(tags).map_err(|err| malformed(format!("tags: {err}")))?;
    }
    normalise(wire)
}

fn normalise(wire: WireEvent) -> Result<ImportedEvent, MalformedResponse> {
    let external_id = wire
        .id
        .or(wire.api_id)
        .filter(|id| !id.trim().is_empty())
        .map(|id| bounds::event_id(&id))
        .ok_or_else(|| malformed("no id (neither `id` nor `api_id`)"))?;
    let start_at = parse_time(wire.start_at.as_deref(), "start_at")?;
    let end_at = match wire.end_at.as_deref() {
        Some(text) => parse_time(Some(text), "end_at")?.max(start_at),
        None => {
            let length = wire
                .duration_interval
                .as_deref()
                .and_then(parse_iso_duration)
                .unwrap_or_else(|| Duration::hours(1));
            bounds::end_after(start_at, length)
                .map_err(|err| malformed(format!("duration_interval: {err}")))?
        }
    };
    let (start_at, end_at) =
        bounds::span(start_at, end_at).map_err(|err| malformed(format!("end_at: {err}")))?;
    let (timezone, unknown_timezone) = match wire.timezone.as_deref().map(str::trim) {
        Some(name) if name.parse::<chrono_tz::Tz>().is_ok() => (name.to_owned(), None),
        Some(name) if !name.is_empty() => {
            let name = bounds::one_line(name, 64);
            tracing::warn!(event = %external_id, timezone = %name, "unknown timezone from lu.ma; showing the event in UTC");
            ("UTC".to_owned(), Some(name))
        }
        _ => ("UTC".to_owned(), None),
    };
    let link = |text: Option<String>| text.as_deref().and_then(bounds::link);
    // Join links are for registered guests: they only tell us the event is online.
    let has_join_link = link(wire.meeting_url)
        .or(link(wire.zoom_meeting_url))
        .is_some();
    let address_hidden = wire
        .location_visibility
        .as_deref()
        .is_some_and(|visibility| visibility.trim() != "public");
    let location_text = wire.geo_address_json.as_ref().and_then(|address| {
        if address_hidden {
            public_part(address)
        } else {
            location_text(address)
        }
    });
    let city = wire.geo_address_json.as_ref().and_then(|address| {
        address
            .city
            .as_deref()
            .and_then(places::city_name)
            .or_else(|| {
                let city_state = address.city_state.as_deref()?;
                places::city_name(city_state.split(',').next()?)
            })
    });
    // A guests-only venue's coordinates would show where it is: only its city is public.
    let coordinate = if address_hidden {
        None
    } else {
        match &wire.coordinate {
            Some(point) => coordinate(point.get("latitude"), point.get("longitude")),
            None => coordinate(wire.geo_latitude.as_ref(), wire.geo_longitude.as_ref()),
        }
    };
    let location_type = match wire.location_type.as_deref() {
        Some("offline") => LocationType::InPerson,
        Some("zoom" | "meet" | "discord" | "twitch" | "twitter" | "youtube") => {
            LocationType::Online
        }
        // Legacy entries carry no type: infer it from what they do carry.
        _ if has_join_link => LocationType::Online,
        _ if location_text.is_some() => LocationType::InPerson,
        _ => LocationType::Unknown,
    };
    let title = bounds::one_line(
        wire.name.as_deref().unwrap_or_default(),
        bounds::TITLE_MAX_CHARS,
    );
    Ok(ImportedEvent {
        title: if title.is_empty() {
            "Untitled event".to_owned()
        } else {
            title
        },
        calendar_id: non_empty(wire.calendar_id)
            .or(non_empty(wire.calendar_api_id))
            .map(|id| bounds::event_id(&id)),
        start_at,
        end_at,
        all_day: false,
        timezone,
        unknown_timezone,
        cover_url: link(wire.cover_url),
        event_url: link(wire.url),
        address_hidden: address_hidden && location_type != LocationType::Online,
        city: city.filter(|_| location_type != LocationType::Online),
        coordinate: coordinate.filter(|_| location_type != LocationType::Online),
        location_text,
        location_type,
        visibility: crate::rules::visibility::from_luma(wire.visibility.as_deref()),
        cross_listed: wire.platform.as_deref().map(str::trim) == Some("external"),
        tags: bounds::tags(
            wire.tags
                .unwrap_or_default()
                .into_iter()
                .filter_map(|tag| tag.name),
        ),
        description_md: wire
            .description_md
            .map(|text| bounds::description(&text))
            .filter(|text| !text.is_empty())
            .map(Into::into),
        external_id,
    })
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// The part of a guests-only address lu.ma shows everyone: the city and region.
fn public_part(address: &WireAddress) -> Option<String> {
    let part = |text: &Option<String>| {
        text.as_deref()
            .map(|text| bounds::one_line(text, bounds::LOCATION_MAX_CHARS))
            .filter(|s| !s.is_empty())
    };
    let text = part(&address.city_state).or_else(|| {
        let parts: Vec<String> = [&address.city, &address.region, &address.country]
            .into_iter()
            .filter_map(part)
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    })?;
    Some(bounds::one_line(&text, bounds::LOCATION_MAX_CHARS))
}

/// "Venue, City" when both are known, else whatever part lu.ma gave; one line, bounded.
fn location_text(address: &WireAddress) -> Option<String> {
    let part = |text: &Option<String>| {
        text.as_deref()
            .map(|text| bounds::one_line(text, bounds::LOCATION_MAX_CHARS))
            .filter(|s| !s.is_empty())
    };
    let venue = part(&address.address);
    let city = part(&address.city);
    let text = match (venue, city) {
        (Some(venue), Some(city)) if !venue.contains(&city) => format!("{venue}, {city}"),
        (Some(venue), _) => venue,
        (None, city) => part(&address.full_address).or(city)?,
    };
    Some(bounds::one_line(&text, bounds::LOCATION_MAX_CHARS))
}

/// RFC 3339, with or without fractional seconds, any offset (stored as UTC), inside the
/// years Convene accepts.
fn parse_time(text: Option<&str>, field: &str) -> Result<DateTime<Utc>, MalformedResponse> {
    let text = text.ok_or_else(|| malformed(format!("no {field}")))?;
    let shown = || bounds::one_line(text, 40);
    let at = DateTime::parse_from_rfc3339(text.trim())
        .map(|time| time.with_timezone(&Utc))
        .map_err(|err| malformed(format!("{field} {:?}: {err}", shown())))?;
    bounds::instant(at).map_err(|err| malformed(format!("{field} {:?}: {err}", shown())))
}

/// ISO 8601 durations as lu.ma writes them: `PT2H`, `PT90M`, `P1D`, `P0Y0M0DT2H0M0S`.
/// Years and months are refused (their length depends on the date), and so is anything that
/// overflows: the arithmetic is checked, never panicking.
pub fn parse_iso_duration(text: &str) -> Option<Duration> {
    let rest = text.trim().strip_prefix('P')?;
    let (date_part, time_part) = rest.split_once('T').unwrap_or((rest, ""));
    let mut total = Duration::zero();
    for (part, in_time) in [(date_part, false), (time_part, true)] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().ok()?;
            number.clear();
            let length = match (c, in_time) {
                ('Y' | 'M', false) if n == 0 => Duration::zero(),
                ('W', false) => Duration::try_weeks(n)?,
                ('D', false) => Duration::try_days(n)?,
                ('H', true) => Duration::try_hours(n)?,
                ('M', true) => Duration::try_minutes(n)?,
                ('S', true) => Duration::try_seconds(n)?,
                _ => return None,
            };
            total = total.checked_add(&length)?;
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests;
