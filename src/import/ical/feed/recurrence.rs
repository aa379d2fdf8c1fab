//! Repeating events: a series' occurrences inside the import window, within a work budget.

use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use icalendar::{CalendarEvent, EventLike, Frequency, RRuleSet};

use super::times::{Zones, with_iana_zones};
use super::{FeedSettings, MAX_OCCURRENCES_PER_SERIES, MAX_RECURRENCE_STEPS};

/// Why a series could not be expanded.
pub(super) enum Expansion {
    Refused(String),
    TooSlow,
}

/// The starts of a recurring event's occurrences that overlap the window, at most
/// [`MAX_OCCURRENCES_PER_SERIES`]. A series that began long ago is not walked from its first
/// occurrence: its start moves forward by whole periods first (what the rule repeats on
/// stays the same), so the walk is short whatever `DTSTART` says.
pub(super) fn occurrences(
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
pub(super) fn skip_ahead(set: RRuleSet, target: DateTime<Utc>) -> RRuleSet {
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
