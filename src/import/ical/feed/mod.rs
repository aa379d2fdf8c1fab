//! Reading an iCalendar feed (RFC 5545) into the events a sync stores. A linear pre-scan
//! (`prescan`) refuses what would make parsing unbounded; the `icalendar` crate parses
//! (unfolding, unescaping, parameters); this module decides what each event means for
//! Convene (its id, times and zone, place, link and status) and expands `RRULE`s inside the
//! import window only, within a work budget. Every bound is a constant below or in
//! [`crate::rules::bounds`], listed in docs/limits.md.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarEvent, Component, DatePerhapsTime, Event, EventStatus};

use crate::import::ical::prescan::{PrescanError, prescan};
use crate::import::ical::zones::{FeedZones, known_zone};
use crate::import::luma::model::ImportedEvent;
use crate::rules::bounds::{self};

use details::Details;
use recurrence::{Expansion, occurrences};
use times::{Zones, length_of, resolve};

/// lu.ma's feeds name each event `evt-…@events.lu.ma`; the API calls it `evt-…`.
const LUMA_UID_SUFFIX: &str = "@events.lu.ma";
/// Occurrences of one recurring event kept per sync (a daily meeting for a year fits); later
/// ones are left for a later sync.
pub const MAX_OCCURRENCES_PER_SERIES: usize = 500;
/// Events (occurrences included) one feed may bring into the import window.
pub const MAX_EVENTS_PER_FEED: usize = 5_000;
/// Recurrence steps walked for one series before its first occurrence in the window.
pub const MAX_RECURRENCE_STEPS: usize = 100_000;
/// Wall-clock time one feed may take to read; past it the read stops and the run fails.
pub const READ_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// How to read one organization's feed.
#[derive(Debug, Clone, Copy)]
pub struct FeedSettings {
    /// The zone events show in when the feed gives only UTC times (lu.ma's feeds do), and
    /// the zone of floating and all-day times when the feed names none.
    pub display_timezone: Tz,
    /// Events that end after `from` are read; recurring ones are expanded to the occurrences
    /// that end after `from` and start before `until`.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// Why a feed was refused, in words an organization admin can act on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeedError {
    #[error("the feed is not an iCalendar file ({0})")]
    NotICalendar(String),
    #[error("{0}")]
    Refused(PrescanError),
    #[error("the feed's event {uid:?} cannot be read: {problem}")]
    Event { uid: String, problem: String },
    #[error(
        "the feed has more than {MAX_EVENTS_PER_FEED} events from yesterday on; at most {MAX_EVENTS_PER_FEED} are read"
    )]
    TooManyEvents,
    #[error(
        "reading the feed took longer than {} seconds and was stopped",
        READ_TIME_LIMIT.as_secs()
    )]
    TooSlow,
    /// A bug of ours, not the feed's fault; details go to the log.
    #[error("internal error while reading the feed")]
    Internal,
}

impl From<PrescanError> for FeedError {
    fn from(refused: PrescanError) -> Self {
        match refused {
            PrescanError::NotICalendar => {
                FeedError::NotICalendar("it does not start with BEGIN:VCALENDAR".into())
            }
            other => FeedError::Refused(other),
        }
    }
}

/// [`read_feed`] on a blocking thread, so parsing and expansion never hold up the async
/// workers that answer requests; a panic in it becomes [`FeedError::Internal`].
pub async fn read_feed_off_thread(
    text: String,
    settings: FeedSettings,
) -> Result<Vec<ImportedEvent>, FeedError> {
    let reading = tokio::task::spawn_blocking(move || read_feed(&text, &settings));
    // The reader checks its own deadline; this one covers a stage that cannot (parsing).
    match tokio::time::timeout(READ_TIME_LIMIT + std::time::Duration::from_secs(5), reading).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => {
            tracing::error!(error = %join, "reading a feed panicked");
            Err(FeedError::Internal)
        }
        Err(_) => Err(FeedError::TooSlow),
    }
}

/// Every event of the feed as Convene stores it, recurring ones expanded; cancelled events
/// and occurrences are left out, so the sync marks any stored copy removed. An event given
/// twice (the same `UID`, or the same `RECURRENCE-ID`) is read once: the copy with the
/// highest `SEQUENCE`, and of equals the later one in the file.
pub fn read_feed(text: &str, settings: &FeedSettings) -> Result<Vec<ImportedEvent>, FeedError> {
    let deadline = Instant::now() + READ_TIME_LIMIT;
    let text = prescan(text)?;
    let mut calendar = Calendar::from_str(&text).map_err(|err| {
        FeedError::NotICalendar(bounds::one_line(
            err.lines().next().unwrap_or_default(),
            200,
        ))
    })?;
    // The calendar's own zone (Google sets X-WR-TIMEZONE) beats the organization's setting.
    let zone = calendar
        .get_timezone()
        .and_then(known_zone)
        .unwrap_or(settings.display_timezone);
    let zones = Zones {
        calendar: zone,
        feed: FeedZones::of(&calendar),
    };
    // All-day recurring events are anchored in the calendar's zone when expanded, and the
    // expander knows IANA names only: the zone goes back under its IANA name (a Windows
    // X-WR-TIMEZONE is replaced, a missing one added).
    if calendar.get_timezone() != Some(zone.name()) {
        calendar
            .properties
            .retain(|property| property.key() != "X-WR-TIMEZONE");
        calendar.timezone(zone.name());
    }
    let settings = FeedSettings {
        display_timezone: zone,
        ..*settings
    };

    let mut overrides: HashMap<(String, DateTime<Utc>), Latest<&Event>> = HashMap::new();
    let mut masters: HashMap<String, Latest<CalendarEvent<'_>>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (position, event) in calendar.calendar_events().enumerate() {
        let uid = uid_of(&event)?;
        let sequence = sequence_of(&event);
        match event.get_recurrence_id() {
            Some(original) => {
                let start = resolve(&original, &zones)
                    .map(|(at, _)| at)
                    .ok_or_else(|| FeedError::Event {
                        uid: uid.clone(),
                        problem: "its RECURRENCE-ID is not a time".into(),
                    })?;
                Latest::keep(
                    &mut overrides,
                    (uid, start),
                    sequence,
                    position,
                    event.event(),
                );
            }
            None => {
                if !masters.contains_key(&uid) {
                    order.push(uid.clone());
                }
                Latest::keep(&mut masters, uid, sequence, position, event);
            }
        }
    }

    let mut events = Vec::new();
    for uid in order {
        if Instant::now() > deadline {
            return Err(FeedError::TooSlow);
        }
        let Some(master) = masters.remove(&uid) else {
            continue;
        };
        let with_zone = master.value;
        let event = with_zone.event();
        let bad = |problem: String| FeedError::Event {
            uid: uid.clone(),
            problem,
        };
        let start = event
            .get_start()
            .ok_or_else(|| bad("it has no DTSTART".into()))?;
        let (start_at, event_zone) =
            resolve(&start, &zones).ok_or_else(|| bad("its DTSTART is not a time".into()))?;
        let start_at =
            bounds::instant(start_at).map_err(|err| bad(format!("its DTSTART {err}")))?;
        let length = length_of(event, &start, start_at, &zones).map_err(bad)?;
        if event.get_status() == Some(EventStatus::Cancelled) {
            continue;
        }
        let mut details = Details::of(event);
        details.all_day = matches!(start, DatePerhapsTime::Date(_));
        if event.property_value("RRULE").is_none() {
            let end_at = bounds::end_after(start_at, length).map_err(|err| bad(err.to_string()))?;
            // Like the API's window: everything from yesterday on, however far ahead.
            if end_at >= settings.from {
                events.push(details.imported(&uid, start_at, end_at, event_zone, &settings));
            }
        } else {
            let occurrences = occurrences(&with_zone, &zones, length, &settings, deadline)
                .map_err(|problem| match problem {
                    Expansion::TooSlow => FeedError::TooSlow,
                    Expansion::Refused(problem) => bad(problem),
                })?;
            for original in occurrences {
                let id = bounds::event_id(&format!("{uid}/{}", original.format("%Y%m%dT%H%M%SZ")));
                match overrides.get(&(uid.clone(), original)).map(|o| o.value) {
                    Some(changed) if changed.get_status() == Some(EventStatus::Cancelled) => {}
                    Some(changed) => {
                        let start = changed.get_start().unwrap_or(start.clone());
                        let (moved_to, changed_zone) = resolve(&start, &zones)
                            .ok_or_else(|| bad("a changed occurrence has no start time".into()))?;
                        let length = length_of(changed, &start, moved_to, &zones).map_err(bad)?;
                        let (moved_to, end_at) = bounds::end_after(moved_to, length)
                            .and_then(|end| bounds::span(moved_to, end))
                            .map_err(|err| bad(format!("a changed occurrence: {err}")))?;
                        let mut changed_details = Details::of(changed);
                        changed_details.all_day = matches!(start, DatePerhapsTime::Date(_));
                        events.push(changed_details.imported(
                            &id,
                            moved_to,
                            end_at,
                            changed_zone,
                            &settings,
                        ));
                    }
                    None => {
                        let end_at = bounds::end_after(original, length)
                            .map_err(|err| bad(format!("an occurrence: {err}")))?;
                        events.push(details.imported(&id, original, end_at, event_zone, &settings));
                    }
                }
            }
        }
        if events.len() > MAX_EVENTS_PER_FEED {
            return Err(FeedError::TooManyEvents);
        }
    }
    Ok(events)
}

/// Of several copies of one event, the one to read: the highest `SEQUENCE`, then the last.
struct Latest<T> {
    sequence: u32,
    position: usize,
    value: T,
}

impl<T> Latest<T> {
    fn keep<K: Eq + std::hash::Hash>(
        map: &mut HashMap<K, Latest<T>>,
        key: K,
        sequence: u32,
        position: usize,
        value: T,
    ) {
        let candidate = Latest {
            sequence,
            position,
            value,
        };
        match map.get(&key) {
            Some(kept) if (kept.sequence, kept.position) > (sequence, position) => {}
            _ => {
                map.insert(key, candidate);
            }
        }
    }
}

fn sequence_of(event: &Event) -> u32 {
    event
        .property_value("SEQUENCE")
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0)
}

/// The stable id: the `UID`, with lu.ma's suffix dropped so it equals the API's `evt-…`.
fn uid_of(event: &Event) -> Result<String, FeedError> {
    let uid = event
        .get_uid()
        .map(str::trim)
        .filter(|uid| !uid.is_empty())
        .ok_or_else(|| FeedError::Event {
            uid: bounds::one_line(event.get_summary().unwrap_or("(untitled)"), 100),
            problem: "it has no UID".into(),
        })?;
    Ok(bounds::event_id(
        uid.strip_suffix(LUMA_UID_SUFFIX).unwrap_or(uid),
    ))
}

/// What an event says besides its times.
mod details;
/// Repeating events inside the window.
mod recurrence;
/// Times and zones.
mod times;

#[cfg(test)]
mod tests;
