//! Reading an iCalendar feed (RFC 5545) into the events a sync stores. A linear pre-scan
//! (`prescan`) refuses what would make parsing unbounded; the `icalendar` crate parses
//! (unfolding, unescaping, parameters); this module decides what each event means for
//! Convene (its id, times and zone, place, link and status) and expands `RRULE`s inside the
//! import window only, within a work budget. Every bound is a constant below or in
//! [`crate::rules::bounds`], listed in docs/limits.md.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{
    Calendar, CalendarDateTime, CalendarEvent, Component, DatePerhapsTime, Event, EventLike,
    EventStatus, Frequency, Property, RRuleSet,
};

use crate::import::ical::prescan::{PrescanError, prescan};
use crate::import::ical::zones::{FeedZones, known_zone};
use crate::import::luma::model::{ImportedEvent, LocationType, parse_iso_duration};
use crate::rules::bounds::{self, TimeBoundError};
use crate::rules::visibility::Visibility;

/// lu.ma's feeds name each event `evt-…@events.lu.ma`; the API calls it `evt-…`.
const LUMA_UID_SUFFIX: &str = "@events.lu.ma";
/// lu.ma puts the event page in the description, on a line starting with this.
const LUMA_LINK_PREFIX: &str = "Get up-to-date information at:";
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

/// Why a series could not be expanded.
enum Expansion {
    Refused(String),
    TooSlow,
}

/// The starts of a recurring event's occurrences that overlap the window, at most
/// [`MAX_OCCURRENCES_PER_SERIES`]. A series that began long ago is not walked from its first
/// occurrence: its start moves forward by whole periods first (what the rule repeats on
/// stays the same), so the walk is short whatever `DTSTART` says.
fn occurrences(
    with_zone: &CalendarEvent<'_>,
    zones: &Zones,
    length: Duration,
    settings: &FeedSettings,
    deadline: Instant,
) -> Result<Vec<DateTime<Utc>>, Expansion> {
    let set = match with_iana_zones(with_zone.event(), zones) {
        Some(rewritten) => rewritten.get_recurrence(),
        None => with_zone.get_recurrence(),
    }
    .map_err(|err| Expansion::Refused(format!("its RRULE cannot be expanded: {err}")))?;
    for rule in set.get_rrule() {
        if let Some(every) = match rule.get_freq() {
            Frequency::Secondly => Some("second"),
            Frequency::Minutely => Some("minute"),
            _ => None,
        } {
            return Err(Expansion::Refused(format!(
                "it repeats every {every}; events that repeat at most hourly are read"
            )));
        }
    }
    // Occurrences starting at or after this instant still overlap the window.
    let earliest_start = settings
        .from
        .checked_sub_signed(length)
        .unwrap_or(settings.from);
    let set = skip_ahead(set, earliest_start).limit();
    let mut starts = Vec::new();
    for (step, occurrence) in (&set).into_iter().enumerate() {
        if step >= MAX_RECURRENCE_STEPS {
            return Err(Expansion::Refused(format!(
                "it repeats more than {MAX_RECURRENCE_STEPS} times before the import window"
            )));
        }
        if step % 1024 == 1023 && Instant::now() > deadline {
            return Err(Expansion::TooSlow);
        }
        let start = occurrence.with_timezone(&Utc);
        if start >= settings.until {
            break;
        }
        if start < earliest_start {
            continue;
        }
        starts.push(start);
        if starts.len() == MAX_OCCURRENCES_PER_SERIES {
            break;
        }
    }
    Ok(starts)
}

/// The same series with its start moved forward by whole periods to just before `target`,
/// when that is exact: one rule, no `COUNT` (it counts from the first occurrence), and a
/// period of fixed length in local time (hours, days, weeks). Monthly and yearly series
/// take few steps anyway.
fn skip_ahead(set: RRuleSet, target: DateTime<Utc>) -> RRuleSet {
    let [rule] = set.get_rrule().as_slice() else {
        return set;
    };
    if rule.get_count().is_some() || !set.get_exrule().is_empty() {
        return set;
    }
    let interval = i64::from(rule.get_interval().max(1));
    let period = match rule.get_freq() {
        Frequency::Hourly => Duration::hours(interval),
        Frequency::Daily => Duration::days(interval),
        Frequency::Weekly => Duration::weeks(interval),
        _ => return set,
    };
    let start = *set.get_dt_start();
    let behind = target.signed_duration_since(start.with_timezone(&Utc));
    // Two periods of margin: a daylight-saving shift never lands past the target.
    let periods = behind.num_seconds() / period.num_seconds().max(1) - 2;
    if periods <= 0 {
        return set;
    }
    let Some(moved) = i32::try_from(periods)
        .ok()
        .and_then(|periods| period.checked_mul(periods))
        .and_then(|by| start.naive_local().checked_add_signed(by))
        .and_then(|naive| start.timezone().from_local_datetime(&naive).earliest())
    else {
        return set;
    };
    let mut shifted = RRuleSet::new(moved).rrule(rule.clone());
    for date in set.get_rdate() {
        shifted = shifted.rdate(*date);
    }
    for date in set.get_exdate() {
        shifted = shifted.exdate(*date);
    }
    shifted
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

/// The zones times of one feed may be given in.
struct Zones {
    /// The calendar's zone: for UTC, floating and all-day times, and unexplained names.
    calendar: Tz,
    /// The `VTIMEZONE` blocks of zones only the feed knows.
    feed: FeedZones,
}

/// The recurrence expander knows IANA names only: an event whose `DTSTART`, `RDATE` or
/// `EXDATE` name a Windows zone gets the IANA name instead, and one naming a zone only the feed
/// defines gets UTC times. `None` when nothing needs rewriting.
fn with_iana_zones(event: &Event, zones: &Zones) -> Option<Event> {
    let needs = |property: &Property| {
        property
            .params()
            .get("TZID")
            .is_some_and(|tzid| tzid.value().parse::<Tz>().is_err())
    };
    let start = event.properties().get("DTSTART")?;
    let lists = ["RDATE", "EXDATE"];
    let listed = |key| event.multi_properties().get(key).into_iter().flatten();
    if !needs(start) && !lists.iter().any(|key| listed(*key).any(needs)) {
        return None;
    }
    let mut rewritten = event.clone();
    rewritten.append_property(iana_property("DTSTART", start, zones));
    for key in lists {
        let properties: Vec<Property> = listed(key)
            .map(|property| iana_property(key, property, zones))
            .collect();
        rewritten.remove_multi_property(key);
        for property in properties {
            rewritten.append_multi_property(property);
        }
    }
    Some(rewritten)
}

/// One date-time property (or comma-separated list) with its zone made IANA or UTC.
fn iana_property(key: &str, property: &Property, zones: &Zones) -> Property {
    let Some(tzid) = property
        .params()
        .get("TZID")
        .map(|tzid| tzid.value().to_owned())
    else {
        return property.clone();
    };
    if let Some(zone) = known_zone(&tzid) {
        return Property::new(key, property.value())
            .add_parameter("TZID", zone.name())
            .done();
    }
    let utc: Vec<String> = property
        .value()
        .split(',')
        .filter_map(|value| {
            let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y%m%dT%H%M%S").ok()?;
            let at = zones
                .feed
                .instant(&tzid, naive)
                .or_else(|| local(zones.calendar, naive))?;
            Some(at.format("%Y%m%dT%H%M%SZ").to_string())
        })
        .collect();
    Property::new(key, utc.join(",")).done()
}

/// A start (or end) as an instant and the zone it was given in: UTC times and floating or
/// all-day times take the calendar's zone; a `TZID` is an IANA or Windows name, else the
/// feed's own `VTIMEZONE` rules give the instant (shown in the calendar's zone), else it is
/// read in the calendar's zone.
fn resolve(value: &DatePerhapsTime, zones: &Zones) -> Option<(DateTime<Utc>, Tz)> {
    let zone = zones.calendar;
    match value {
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(at)) => Some((*at, zone)),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) => {
            if let Some(named) = known_zone(tzid) {
                return Some((local(named, *date_time)?, named));
            }
            match zones.feed.instant(tzid, *date_time) {
                Some(at) => Some((at, zone)),
                None => Some((local(zone, *date_time)?, zone)),
            }
        }
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(naive)) => {
            Some((local(zone, *naive)?, zone))
        }
        DatePerhapsTime::Date(date) => Some((midnight(zone, *date)?, zone)),
    }
}

/// A wall-clock time in `zone`; in a daylight-saving gap, the instant an hour later.
fn local(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            let later = naive.checked_add_signed(Duration::hours(1))?;
            zone.from_local_datetime(&later).earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

fn midnight(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    local(zone, date.and_hms_opt(0, 0, 0)?)
}

/// How long the event lasts: `DTEND`, else `DURATION`, else a day for an all-day event and
/// no time at all for a timed one (RFC 5545, 3.6.1). Checked: never negative or overlong.
fn length_of(
    event: &Event,
    start: &DatePerhapsTime,
    start_at: DateTime<Utc>,
    zones: &Zones,
) -> Result<Duration, String> {
    let length = if let Some(end) = event.get_end() {
        let (end_at, _) = resolve(&end, zones).ok_or("its DTEND is not a time")?;
        let end_at = bounds::instant(end_at).map_err(|err| format!("its DTEND {err}"))?;
        end_at.signed_duration_since(start_at)
    } else if let Some(duration) = event.property_value("DURATION") {
        parse_iso_duration(duration).ok_or_else(|| {
            format!(
                "its DURATION {:?} is not a length of time",
                bounds::one_line(duration, 40)
            )
        })?
    } else {
        match start {
            DatePerhapsTime::Date(_) => Duration::days(1),
            DatePerhapsTime::DateTime(_) => Duration::zero(),
        }
    };
    if length < Duration::zero() {
        return Err(TimeBoundError::EndsBeforeStart.to_string());
    }
    if length > bounds::EVENT_MAX_LENGTH {
        return Err(TimeBoundError::TooLong.to_string());
    }
    Ok(length)
}

/// What an event says besides its times, read and bounded once per series (its occurrences
/// share one copy of each field, however long the original was).
struct Details {
    title: String,
    description: Option<std::sync::Arc<str>>,
    event_url: Option<String>,
    location_type: LocationType,
    location_text: Option<String>,
    visibility: Visibility,
    all_day: bool,
    /// `CATEGORIES`, as topics (bounded like lu.ma's tags).
    tags: Vec<String>,
}

impl Details {
    fn of(event: &Event) -> Self {
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
            visibility: crate::rules::visibility::from_ical_class(event.property_value("CLASS")),
            all_day: false,
            tags: categories(event),
        }
    }

    fn imported(
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
fn categories(event: &Event) -> Vec<String> {
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

fn is_web_address(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// lu.ma's descriptions start with "Get up-to-date information at: <event url>": the link
/// becomes the event's page, and the line leaves the description. The description is
/// bounded before anything else reads it.
fn split_luma_link(description: &str) -> (String, Option<String>) {
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

#[cfg(test)]
mod tests;
