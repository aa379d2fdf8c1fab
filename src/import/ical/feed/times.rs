//! An event's times: each `TZID` resolved to a zone (IANA, Windows or the feed's own), local
//! times and dates to instants, and how long the event lasts.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{CalendarDateTime, Component, DatePerhapsTime, Event, Property};

use crate::import::ical::zones::{FeedZones, known_zone};
use crate::import::luma::model::parse_iso_duration;
use crate::rules::bounds::{self, TimeBoundError};

/// The zones times of one feed may be given in.
pub(super) struct Zones {
    /// The calendar's zone: for UTC, floating and all-day times, and unexplained names.
    pub(super) calendar: Tz,
    /// The `VTIMEZONE` blocks of zones only the feed knows.
    pub(super) feed: FeedZones,
}

/// The recurrence expander knows IANA names only: an event whose `DTSTART`, `RDATE` or
/// `EXDATE` name a Windows zone gets the IANA name instead, and one naming a zone only the feed
/// defines gets UTC times. `None` when nothing needs rewriting.
pub(super) fn with_iana_zones(event: &Event, zones: &Zones) -> Option<Event> {
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
pub(super) fn iana_property(key: &str, property: &Property, zones: &Zones) -> Property {
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
pub(super) fn resolve(value: &DatePerhapsTime, zones: &Zones) -> Option<(DateTime<Utc>, Tz)> {
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
pub(super) fn local(zone: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            let later = naive.checked_add_signed(Duration::hours(1))?;
            zone.from_local_datetime(&later).earliest()
        })
        .map(|at| at.with_timezone(&Utc))
}

pub(super) fn midnight(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    local(zone, date.and_hms_opt(0, 0, 0)?)
}

/// How long the event lasts: `DTEND`, else `DURATION`, else a day for an all-day event and
/// no time at all for a timed one (RFC 5545, 3.6.1). Checked: never negative or overlong.
pub(super) fn length_of(
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
