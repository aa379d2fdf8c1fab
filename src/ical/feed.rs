//! Reading an iCalendar feed (RFC 5545) into the events a sync stores. The `icalendar` crate
//! parses (unfolding, unescaping, parameters) and expands `RRULE`s; this module decides what
//! each event means for Convene: its id, times and zone, place, link and status.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, Component, DatePerhapsTime, Event, EventLike, EventStatus,
};

use crate::luma::model::{ImportedEvent, LocationType, parse_iso_duration};

/// lu.ma's feeds name each event `evt-…@events.lu.ma`; the API calls it `evt-…`.
const LUMA_UID_SUFFIX: &str = "@events.lu.ma";
/// lu.ma puts the event page in the description, on a line starting with this.
const LUMA_LINK_PREFIX: &str = "Get up-to-date information at:";
/// Occurrences of one recurring event kept per sync (a daily meeting for a year fits).
const MAX_OCCURRENCES: u16 = 500;

/// How to read one organization's feed.
#[derive(Debug, Clone, Copy)]
pub struct FeedSettings {
    /// The zone events show in when the feed gives only UTC times (lu.ma's feeds do), and
    /// the zone of floating and all-day times when the feed names none.
    pub display_timezone: Tz,
    /// Recurring events are expanded to the occurrences that end after `from` and start
    /// before `until`.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeedError {
    #[error("the feed is not an iCalendar file ({0})")]
    NotICalendar(String),
    #[error("the feed's event {uid:?} cannot be read: {problem}")]
    Event { uid: String, problem: String },
}

/// Every event of the feed as Convene stores it, recurring ones expanded; cancelled events
/// and occurrences are left out, so the sync marks any stored copy removed.
pub fn read_feed(text: &str, settings: &FeedSettings) -> Result<Vec<ImportedEvent>, FeedError> {
    if !text.trim_start().starts_with("BEGIN:VCALENDAR") {
        return Err(FeedError::NotICalendar(
            "it does not start with BEGIN:VCALENDAR".into(),
        ));
    }
    let mut calendar = Calendar::from_str(text).map_err(|err| {
        FeedError::NotICalendar(err.lines().next().unwrap_or_default().to_owned())
    })?;
    // The calendar's own zone (Google sets X-WR-TIMEZONE) beats the organization's setting.
    let zone = calendar
        .get_timezone()
        .and_then(|name| name.parse::<Tz>().ok())
        .unwrap_or(settings.display_timezone);
    if calendar.get_timezone().is_none() {
        // All-day recurring events are anchored in the calendar's zone when expanded.
        calendar.timezone(zone.name());
    }
    let settings = FeedSettings {
        display_timezone: zone,
        ..*settings
    };

    // Changed or cancelled single occurrences of recurring events (`RECURRENCE-ID`).
    let mut overrides: HashMap<(String, DateTime<Utc>), &Event> = HashMap::new();
    let mut masters = Vec::new();
    for event in calendar.calendar_events() {
        let uid = uid_of(&event)?;
        match event.get_recurrence_id() {
            Some(original) => {
                let start = instant(&original, zone).ok_or_else(|| FeedError::Event {
                    uid: uid.clone(),
                    problem: "its RECURRENCE-ID is not a time".into(),
                })?;
                overrides.insert((uid, start), event.event());
            }
            None => masters.push((uid, event)),
        }
    }

    let mut events = Vec::new();
    for (uid, with_zone) in masters {
        let event = with_zone.event();
        let bad = |problem: String| FeedError::Event {
            uid: uid.clone(),
            problem,
        };
        let start = event
            .get_start()
            .ok_or_else(|| bad("it has no DTSTART".into()))?;
        let (start_at, event_zone) =
            resolve(&start, zone).ok_or_else(|| bad("its DTSTART is not a time".into()))?;
        let length = length_of(event, &start, start_at, zone).map_err(bad)?;
        if event.get_status() == Some(EventStatus::Cancelled) {
            continue;
        }
        if event.property_value("RRULE").is_none() {
            events.push(imported(
                event, &uid, start_at, length, event_zone, &settings,
            ));
            continue;
        }
        let set = with_zone
            .get_recurrence()
            .map_err(|err| bad(format!("its RRULE cannot be expanded: {err}")))?;
        let from = (settings.from - length).with_timezone(&icalendar::Tz::UTC);
        let until = settings.until.with_timezone(&icalendar::Tz::UTC);
        let occurrences = set.after(from).before(until).all(MAX_OCCURRENCES);
        for occurrence in occurrences.dates {
            let original = occurrence.with_timezone(&Utc);
            let id = format!("{uid}/{}", original.format("%Y%m%dT%H%M%SZ"));
            match overrides.get(&(uid.clone(), original)) {
                Some(changed) if changed.get_status() == Some(EventStatus::Cancelled) => {}
                Some(changed) => {
                    let start = changed.get_start().unwrap_or(start.clone());
                    let (moved_to, changed_zone) = resolve(&start, zone)
                        .ok_or_else(|| bad("a changed occurrence has no start time".into()))?;
                    let length = length_of(changed, &start, moved_to, zone).map_err(bad)?;
                    events.push(imported(
                        changed,
                        &id,
                        moved_to,
                        length,
                        changed_zone,
                        &settings,
                    ));
                }
                None => events.push(imported(
                    event, &id, original, length, event_zone, &settings,
                )),
            }
        }
    }
    Ok(events)
}

/// The stable id: the `UID`, with lu.ma's suffix dropped so it equals the API's `evt-…`.
fn uid_of(event: &Event) -> Result<String, FeedError> {
    let uid = event
        .get_uid()
        .map(str::trim)
        .filter(|uid| !uid.is_empty())
        .ok_or_else(|| FeedError::Event {
            uid: event.get_summary().unwrap_or("(untitled)").to_owned(),
            problem: "it has no UID".into(),
        })?;
    Ok(uid.strip_suffix(LUMA_UID_SUFFIX).unwrap_or(uid).to_owned())
}

/// A start (or end) as an instant and the zone it was given in: UTC times and floating or
/// all-day times take `zone`; a `TZID` that is not an IANA name falls back to it too.
fn resolve(value: &DatePerhapsTime, zone: Tz) -> Option<(DateTime<Utc>, Tz)> {
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => Some((*at, zone)),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            let named = tzid.parse::<Tz>().unwrap_or(zone);
            Some((local(named, *date_time)?, named))
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => {
            Some((local(zone, *naive)?, zone))
        }
        DatePerhapsTime::Date(date) => Some((midnight(zone, *date)?, zone)),
    }
}

fn instant(value: &DatePerhapsTime, zone: Tz) -> Option<DateTime<Utc>> {
    resolve(value, zone).map(|(at, _)| at)
}

/// A wall-clock time in `zone`; in a daylight-saving gap, the instant an hour later.
fn local(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

fn midnight(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    local(zone, date.and_hms_opt(0, 0, 0)?)
}

/// How long the event lasts: `DTEND`, else `DURATION`, else a day for an all-day event and
/// no time at all for a timed one (RFC 5545, 3.6.1).
fn length_of(
    event: &Event,
    start: &DatePerhapsTime,
    start_at: DateTime<Utc>,
    zone: Tz,
) -> Result<Duration, String> {
    if let Some(end) = event.get_end() {
        let end_at = instant(&end, zone).ok_or("its DTEND is not a time")?;
        if end_at < start_at {
            return Err("it ends before it starts".into());
        }
        return Ok(end_at - start_at);
    }
    if let Some(duration) = event.property_value("DURATION") {
        return parse_iso_duration(duration)
            .filter(|length| *length >= Duration::zero())
            .ok_or_else(|| format!("its DURATION {duration:?} is not a length of time"));
    }
    Ok(match start {
        DatePerhapsTime::Date(_) => Duration::days(1),
        DatePerhapsTime::DateTime(_) => Duration::zero(),
    })
}

fn imported(
    event: &Event,
    id: &str,
    start_at: DateTime<Utc>,
    length: Duration,
    zone: Tz,
    settings: &FeedSettings,
) -> ImportedEvent {
    // UTC times say nothing about where the event is: show it in the calendar's zone.
    let timezone = if zone == Tz::UTC {
        settings.display_timezone
    } else {
        zone
    };
    let description = event.get_description().map(str::trim).unwrap_or_default();
    let (description, luma_link) = split_luma_link(description);
    let event_url = event
        .get_url()
        .map(str::trim)
        .filter(|url| is_web_address(url))
        .map(str::to_owned)
        .or(luma_link);
    let location = event
        .get_location()
        .map(str::trim)
        .filter(|place| !place.is_empty());
    let (location_type, location_text, meeting_url) = match location {
        Some(url) if is_web_address(url) => (LocationType::Online, None, Some(url.to_owned())),
        Some(place) => (LocationType::InPerson, Some(place.to_owned()), None),
        None => (LocationType::Unknown, None, None),
    };
    ImportedEvent {
        external_id: id.to_owned(),
        calendar_id: None,
        title: event
            .get_summary()
            .map(str::trim)
            .filter(|title| !title.is_empty())
            .unwrap_or("(untitled event)")
            .to_owned(),
        start_at,
        end_at: start_at + length,
        timezone: timezone.name().to_owned(),
        unknown_timezone: None,
        cover_url: None,
        event_url,
        location_text,
        meeting_url,
        location_type,
        visibility: "public".to_owned(),
        tags: Vec::new(),
        description_md: (!description.is_empty()).then_some(description),
    }
}

fn is_web_address(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// lu.ma's descriptions start with "Get up-to-date information at: <event url>": the link
/// becomes the event's page, and the line leaves the description.
fn split_luma_link(description: &str) -> (String, Option<String>) {
    let mut link = None;
    let kept: Vec<&str> = description
        .lines()
        .filter(|line| {
            let Some(rest) = line.trim().strip_prefix(LUMA_LINK_PREFIX) else {
                return true;
            };
            let url = rest.trim();
            if link.is_none() && is_web_address(url) {
                link = Some(url.to_owned());
            }
            false
        })
        .collect();
    (kept.join("\n").trim().to_owned(), link)
}

#[cfg(test)]
#[path = "feed_tests.rs"]
mod tests;
