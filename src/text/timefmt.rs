//! Times as people read them: an event's time in its own timezone with the zone's abbreviation
//! ("Sat 24 Oct, 18:00 BST"), and "5 minutes ago" for status lines. IANA rules (chrono-tz), so
//! a date across a DST change gets that date's offset.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The zone for an event's IANA name; an unknown name falls back to UTC (and says so).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::warn!(timezone = name, "unknown timezone name; showing UTC");
        Tz::UTC
    })
}

/// "Sat 24 Oct, 18:00 BST".
pub fn event_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b, %H:%M %Z")
        .to_string()
}

/// When an event happens, as a card or a list shows it: "Sat 24 Oct, 18:00 BST – 20:00" in its
/// own zone, or for events given as dates "Wed 9 Dec, all day" and
/// "Wed 9 Dec – Fri 11 Dec, all day".
pub fn event_span(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz, all_day: bool) -> String {
    if !all_day {
        return format!("{} – {}", event_time(start, zone), clock(end, zone));
    }
    let (first, after_last) = all_day_dates(start, end, zone.name());
    let last = after_last.pred_opt().unwrap_or(first).max(first);
    if last == first {
        format!("{}, all day", first.format("%a %-d %b"))
    } else {
        format!(
            "{} – {}, all day",
            first.format("%a %-d %b"),
            last.format("%a %-d %b")
        )
    }
}

/// An all-day event's first date and the date after its last, in its own zone `zone_name`
/// (at least one day).
pub fn all_day_dates(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone_name: &str,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let zone = zone(zone_name);
    let first = start.with_timezone(&zone).date_naive();
    let after_last = end.with_timezone(&zone).date_naive();
    let after_last = if after_last > first {
        after_last
    } else {
        first.succ_opt().unwrap_or(first)
    };
    (first, after_last)
}

/// The two halves of an event's time, for consumers that lay them out themselves: ("Sat 24
/// Oct, 18:00 BST", "20:00"), or ("Wed 9 Dec", "all day") for an event given as dates.
pub fn start_and_end(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
    all_day: bool,
) -> (String, String) {
    if all_day {
        (date(start, zone), "all day".to_owned())
    } else {
        (event_time(start, zone), clock(end, zone))
    }
}

/// "Wed 9 Dec": an all-day event's date.
pub fn date(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %-d %b").to_string()
}

/// "18:00" (the end of an event, beside its start).
pub fn clock(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M").to_string()
}

/// "18:00 CET": a start in a month's cell.
pub fn clock_and_zone(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%H:%M %Z").to_string()
}

/// "Saturday 24 October 2026": the heading of a day in an event list.
pub fn day_heading(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%A %-d %B %Y").to_string()
}

/// "Monday": a day of the week's English name.
pub fn weekday_name(day: chrono::Weekday) -> &'static str {
    use chrono::Weekday;
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// "2026-10-24": the local date, for grouping by day.
pub fn local_date(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d").to_string()
}

/// "Tue 24 Nov 2026, 07:00 UTC": an absolute time for status lines.
pub fn absolute_utc(at: DateTime<Utc>) -> String {
    at.format("%a %-d %b %Y, %H:%M UTC").to_string()
}

/// "just now", "5 minutes ago", "in 3 hours", "2 days ago".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (at - now).num_seconds();
    let future = seconds > 0;
    let seconds = seconds.unsigned_abs();
    if seconds < 45 {
        return "just now".to_owned();
    }
    let (amount, unit) = match seconds {
        s if s < 90 * 60 => (s.div_ceil(60).max(1), "minute"),
        s if s < 36 * 3_600 => ((s + 1_800) / 3_600, "hour"),
        s => ((s + 43_200) / 86_400, "day"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    if future {
        format!("in {amount} {unit}{plural}")
    } else {
        format!("{amount} {unit}{plural} ago")
    }
}

/// A short hint beside an event's time: "happening now", "in 3 hours", "today", "tomorrow",
/// "in 5 days" (days counted in the event's own timezone).
pub fn hint(start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    if start <= now && now < end {
        return "happening now".to_owned();
    }
    if start > now && start - now < chrono::Duration::hours(12) {
        return relative(start, now);
    }
    let days = days_between(now, start, zone);
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        _ => relative(start, now),
    }
}

/// "Today", "Tomorrow" or "Sat 28 Nov": an agenda's day heading, in the event's own timezone.
pub fn day_label(start: DateTime<Utc>, now: DateTime<Utc>, zone: Tz) -> String {
    match days_between(now, start, zone) {
        0 => "Today".to_owned(),
        1 => "Tomorrow".to_owned(),
        _ => start.with_timezone(&zone).format("%a %-d %b").to_string(),
    }
}

/// Calendar days from `now` to `at`, both seen in `zone`.
fn days_between(now: DateTime<Utc>, at: DateTime<Utc>, zone: Tz) -> i64 {
    (at.with_timezone(&zone).date_naive() - now.with_timezone(&zone).date_naive()).num_days()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn event_times_carry_the_zone_abbreviation_of_their_own_date() {
        let london = zone("Europe/London");
        // The Saturday before and the Monday after the 25 October 2026 change, both 18:00 local.
        let saturday = Utc.with_ymd_and_hms(2026, 10, 24, 17, 0, 0).unwrap();
        let monday = Utc.with_ymd_and_hms(2026, 10, 26, 18, 0, 0).unwrap();
        assert_eq!(event_time(saturday, london), "Sat 24 Oct, 18:00 BST");
        assert_eq!(event_time(monday, london), "Mon 26 Oct, 18:00 GMT");
        // New York changes a week later (1 November): still EDT, four hours behind UTC.
        assert_eq!(clock(monday, zone("America/New_York")), "14:00");
        assert_eq!(day_heading(saturday, london), "Saturday 24 October 2026");
        // Late evening in New York is already the next day in UTC; the local date counts.
        let late = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        assert_eq!(local_date(late, zone("America/New_York")), "2026-11-27");
    }

    #[test]
    fn unknown_zones_show_as_utc() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        assert_eq!(event_time(at, zone("Mars/Olympus")), "Tue 1 Dec, 18:00 UTC");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let cases = [
            (Duration::seconds(-20), "just now"),
            (Duration::minutes(-1), "1 minute ago"),
            (Duration::minutes(-5), "5 minutes ago"),
            (Duration::hours(-2), "2 hours ago"),
            (Duration::hours(19), "in 19 hours"),
            (Duration::days(-3), "3 days ago"),
        ];
        for (offset, expected) in cases {
            assert_eq!(relative(now + offset, now), expected, "{offset}");
        }
        assert_eq!(absolute_utc(now), "Tue 24 Nov 2026, 12:00 UTC");
    }

    #[test]
    fn hints_and_day_labels_count_days_in_the_event_zone() {
        let berlin = zone("Europe/Berlin");
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(); // 13:00 in Berlin
        let at = |h: i64| now + Duration::hours(h);
        assert_eq!(hint(at(-1), at(1), now, berlin), "happening now");
        assert_eq!(hint(at(3), at(5), now, berlin), "in 3 hours");
        assert_eq!(hint(at(30), at(32), now, berlin), "tomorrow");
        assert_eq!(hint(at(24 * 5), at(24 * 5 + 2), now, berlin), "in 5 days");
        assert_eq!(day_label(at(3), now, berlin), "Today");
        // 23:30 UTC is already tomorrow in Berlin.
        assert_eq!(
            day_label(at(11) + Duration::minutes(30), now, berlin),
            "Tomorrow"
        );
        assert_eq!(day_label(at(24 * 4), now, berlin), "Sat 28 Nov");
    }

    #[test]
    fn all_day_events_show_dates_not_midnights() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let midnight = |d| {
            berlin
                .with_ymd_and_hms(2026, 12, d, 0, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        assert_eq!(
            event_span(midnight(9), midnight(10), berlin, true),
            "Wed 9 Dec, all day"
        );
        assert_eq!(
            event_span(midnight(9), midnight(12), berlin, true),
            "Wed 9 Dec – Fri 11 Dec, all day"
        );
        assert_eq!(
            event_span(midnight(9), midnight(9), berlin, true),
            "Wed 9 Dec, all day",
            "no length still shows its day"
        );
        assert_eq!(
            event_span(
                midnight(9),
                midnight(9) + chrono::Duration::hours(2),
                berlin,
                false
            ),
            "Wed 9 Dec, 00:00 CET – 02:00"
        );
    }
}
