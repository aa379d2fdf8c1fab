//! Times as people read them, in the reader's language: an event's time in its own timezone
//! with the zone's abbreviation ("Sat 24 Oct, 18:00 BST", "Sa, 24. Okt, 18:00 BST",
//! "السبت 24 أكتوبر، 6:00 م BST"), and "5 minutes ago" for status lines. IANA rules
//! (chrono-tz), so a date across a DST change gets that date's offset; day and month names come
//! from chrono's locale data, the words around them from the translations (`crate::i18n`).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::i18n::{self, Arg, Locale};

/// The zone for an event's IANA name; an unknown name falls back to UTC (and says so).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or_else(|_| {
        tracing::warn!(timezone = name, "unknown timezone name; showing UTC");
        Tz::UTC
    })
}

/// How one language writes dates and times (chrono's `strftime` with glibc's day and month
/// names): order, punctuation, and a 24- or 12-hour clock.
struct Patterns {
    names: chrono::Locale,
    /// "Sat 24 Oct": a day in a list.
    date: &'static str,
    /// "Saturday 24 October 2026": a day heading.
    long_date: &'static str,
    /// "Tue 24 Nov 2026".
    date_with_year: &'static str,
    /// "1 Dec 2026": a day of a range.
    day_month_year: &'static str,
    /// "Mon": a month grid's column.
    short_weekday: &'static str,
    /// "18:00".
    clock: &'static str,
}

fn patterns(locale: Locale) -> Patterns {
    match locale {
        Locale::English => Patterns {
            names: chrono::Locale::en_GB,
            date: "%a %-d %b",
            long_date: "%A %-d %B %Y",
            date_with_year: "%a %-d %b %Y",
            day_month_year: "%-d %b %Y",
            short_weekday: "%a",
            clock: "%H:%M",
        },
        Locale::German => Patterns {
            names: chrono::Locale::de_DE,
            date: "%a, %-d. %b",
            long_date: "%A, %-d. %B %Y",
            date_with_year: "%a, %-d. %b %Y",
            day_month_year: "%-d. %b %Y",
            short_weekday: "%a",
            clock: "%H:%M",
        },
        Locale::French => Patterns {
            names: chrono::Locale::fr_FR,
            date: "%a %-d %b",
            long_date: "%A %-d %B %Y",
            date_with_year: "%a %-d %b %Y",
            day_month_year: "%-d %b %Y",
            short_weekday: "%a",
            clock: "%H:%M",
        },
        Locale::Spanish => Patterns {
            names: chrono::Locale::es_ES,
            date: "%a, %-d %b",
            long_date: "%A, %-d de %B de %Y",
            date_with_year: "%a, %-d %b %Y",
            day_month_year: "%-d %b %Y",
            short_weekday: "%a",
            clock: "%H:%M",
        },
        Locale::Portuguese => Patterns {
            names: chrono::Locale::pt_PT,
            date: "%a, %-d %b",
            long_date: "%A, %-d de %B de %Y",
            date_with_year: "%a, %-d %b %Y",
            day_month_year: "%-d %b %Y",
            short_weekday: "%a",
            clock: "%H:%M",
        },
        // Full names (glibc's Arabic abbreviations are single letters) and twelve hours with
        // "ص"/"م".
        Locale::Arabic => Patterns {
            names: chrono::Locale::ar_EG,
            date: "%A %-d %B",
            long_date: "%A %-d %B %Y",
            date_with_year: "%A %-d %B %Y",
            day_month_year: "%-d %B %Y",
            short_weekday: "%A",
            clock: "%-I:%M %p",
        },
    }
}

/// `at` written with one of `locale`'s patterns.
fn written(
    at: DateTime<Tz>,
    locale: Locale,
    pattern: impl Fn(&Patterns) -> &'static str,
) -> String {
    let patterns = patterns(locale);
    at.format_localized(pattern(&patterns), patterns.names)
        .to_string()
}

/// `date` written with one of `locale`'s patterns.
fn written_date(
    date: NaiveDate,
    locale: Locale,
    pattern: impl Fn(&Patterns) -> &'static str,
) -> String {
    let patterns = patterns(locale);
    date.format_localized(pattern(&patterns), patterns.names)
        .to_string()
}

/// "Sat 24 Oct, 18:00 BST" (German "Sa, 24. Okt, 18:00 BST").
pub fn event_time(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let local = at.with_timezone(&zone);
    i18n::text_with(
        locale,
        "time-date-clock-zone",
        &[
            ("date", Arg::from(&written(local, locale, |p| p.date))),
            ("clock", Arg::from(&written(local, locale, |p| p.clock))),
            ("zone", Arg::from(&local.format("%Z").to_string())),
        ],
    )
}

/// When an event happens, as a card or a list shows it: "Sat 24 Oct, 18:00 BST – 20:00" in its
/// own zone, or for events given as dates "Wed 9 Dec, all day" and
/// "Wed 9 Dec – Fri 11 Dec, all day".
pub fn event_span(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
    all_day: bool,
    locale: Locale,
) -> String {
    if !all_day {
        return i18n::text_with(
            locale,
            "time-span",
            &[
                ("start", Arg::from(&event_time(start, zone, locale))),
                ("end", Arg::from(&clock(end, zone, locale))),
            ],
        );
    }
    let (first, after_last) = all_day_dates(start, end, zone.name());
    let last = after_last.pred_opt().unwrap_or(first).max(first);
    if last == first {
        i18n::text_with(
            locale,
            "time-all-day-on",
            &[("date", Arg::from(&written_date(first, locale, |p| p.date)))],
        )
    } else {
        i18n::text_with(
            locale,
            "time-all-day-from-to",
            &[
                ("first", Arg::from(&written_date(first, locale, |p| p.date))),
                ("last", Arg::from(&written_date(last, locale, |p| p.date))),
            ],
        )
    }
}

/// An all-day event's first date and the date after its last, in its own zone `zone_name`
/// (at least one day).
pub fn all_day_dates(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone_name: &str,
) -> (NaiveDate, NaiveDate) {
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
    locale: Locale,
) -> (String, String) {
    if all_day {
        (
            date(start, zone, locale),
            i18n::text(locale, "time-all-day"),
        )
    } else {
        (event_time(start, zone, locale), clock(end, zone, locale))
    }
}

/// "Wed 9 Dec": an all-day event's date.
pub fn date(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    written(at.with_timezone(&zone), locale, |p| p.date)
}

/// "18:00" (the end of an event, beside its start); "6:00 م" in Arabic.
pub fn clock(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    written(at.with_timezone(&zone), locale, |p| p.clock)
}

/// "18:00 CET": a start in a month's cell.
pub fn clock_and_zone(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    let local = at.with_timezone(&zone);
    format!(
        "{} {}",
        written(local, locale, |p| p.clock),
        local.format("%Z")
    )
}

/// "Saturday 24 October 2026": the heading of a day in an event list.
pub fn day_heading(at: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    written(at.with_timezone(&zone), locale, |p| p.long_date)
}

/// "Saturday 24 October 2026": a date's heading.
pub fn long_date(date: NaiveDate, locale: Locale) -> String {
    written_date(date, locale, |p| p.long_date)
}

/// "1 Dec 2026": a day with its year, without its weekday (a range of days).
pub fn full_date(date: NaiveDate, locale: Locale) -> String {
    written_date(date, locale, |p| p.day_month_year)
}

/// "1 Dec 2026 – 8 Dec 2026": a range of days, both included.
pub fn date_range(first: NaiveDate, last: NaiveDate, locale: Locale) -> String {
    i18n::text_with(
        locale,
        "range-from-to",
        &[
            ("first", Arg::from(&full_date(first, locale))),
            ("last", Arg::from(&full_date(last, locale))),
        ],
    )
}

/// "Monday": a day of the week's name.
pub fn weekday_name(day: chrono::Weekday, locale: Locale) -> String {
    written_date(a_date_on(day), locale, |_| "%A")
}

/// "Mon": a day of the week's short name (a month grid's column).
pub fn weekday_short_name(day: chrono::Weekday, locale: Locale) -> String {
    written_date(a_date_on(day), locale, |p| p.short_weekday)
}

/// Any date that falls on `day` (2024-01-01 was a Monday), to name the day by.
fn a_date_on(day: chrono::Weekday) -> NaiveDate {
    let monday = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    monday + chrono::Days::new(u64::from(day.num_days_from_monday()))
}

/// "December 2026": a month's heading.
pub fn month_heading(first_day: NaiveDate, locale: Locale) -> String {
    written_date(first_day, locale, |_| "%B %Y")
}

/// "2026-10-24": the local date, for grouping by day.
pub fn local_date(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d").to_string()
}

/// "Tue 24 Nov 2026, 07:00 UTC": an absolute time for status lines.
pub fn absolute_utc(at: DateTime<Utc>, locale: Locale) -> String {
    let utc = at.with_timezone(&Tz::UTC);
    i18n::text_with(
        locale,
        "time-date-clock-zone",
        &[
            (
                "date",
                Arg::from(&written(utc, locale, |p| p.date_with_year)),
            ),
            ("clock", Arg::from(&written(utc, locale, |p| p.clock))),
            ("zone", Arg::Text("UTC")),
        ],
    )
}

/// "just now", "5 minutes ago", "in 3 hours", "2 days ago".
pub fn relative(at: DateTime<Utc>, now: DateTime<Utc>, locale: Locale) -> String {
    let seconds = (at - now).num_seconds();
    let future = seconds > 0;
    let seconds = seconds.unsigned_abs();
    if seconds < 45 {
        return i18n::text(locale, "time-just-now");
    }
    let (amount, id) = match (seconds, future) {
        (s, true) if s < 90 * 60 => (s.div_ceil(60).max(1), "time-in-minutes"),
        (s, false) if s < 90 * 60 => (s.div_ceil(60).max(1), "time-minutes-ago"),
        (s, true) if s < 36 * 3_600 => ((s + 1_800) / 3_600, "time-in-hours"),
        (s, false) if s < 36 * 3_600 => ((s + 1_800) / 3_600, "time-hours-ago"),
        (s, true) => ((s + 43_200) / 86_400, "time-in-days"),
        (s, false) => ((s + 43_200) / 86_400, "time-days-ago"),
    };
    i18n::text_with(locale, id, &[("count", Arg::from(amount))])
}

/// A short hint beside an event's time: "happening now", "in 3 hours", "today", "tomorrow",
/// "in 5 days" (days counted in the event's own timezone).
pub fn hint(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    zone: Tz,
    locale: Locale,
) -> String {
    if start <= now && now < end {
        return i18n::text(locale, "time-happening-now");
    }
    if start > now && start - now < chrono::Duration::hours(12) {
        return relative(start, now, locale);
    }
    match days_between(now, start, zone) {
        0 => i18n::text(locale, "time-today"),
        1 => i18n::text(locale, "time-tomorrow"),
        _ => relative(start, now, locale),
    }
}

/// "Today", "Tomorrow" or "Sat 28 Nov": an agenda's day heading, in the event's own timezone.
pub fn day_label(start: DateTime<Utc>, now: DateTime<Utc>, zone: Tz, locale: Locale) -> String {
    match days_between(now, start, zone) {
        0 => i18n::text(locale, "time-day-today"),
        1 => i18n::text(locale, "time-day-tomorrow"),
        _ => date(start, zone, locale),
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
        assert_eq!(
            event_time(saturday, london, Locale::English),
            "Sat 24 Oct, 18:00 BST"
        );
        assert_eq!(
            event_time(monday, london, Locale::English),
            "Mon 26 Oct, 18:00 GMT"
        );
        // New York changes a week later (1 November): still EDT, four hours behind UTC.
        assert_eq!(
            clock(monday, zone("America/New_York"), Locale::English),
            "14:00"
        );
        assert_eq!(
            day_heading(saturday, london, Locale::English),
            "Saturday 24 October 2026"
        );
        // Late evening in New York is already the next day in UTC; the local date counts.
        let late = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        assert_eq!(local_date(late, zone("America/New_York")), "2026-11-27");
    }

    #[test]
    fn unknown_zones_show_as_utc() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        assert_eq!(
            event_time(at, zone("Mars/Olympus"), Locale::English),
            "Tue 1 Dec, 18:00 UTC"
        );
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
            assert_eq!(
                relative(now + offset, now, Locale::English),
                expected,
                "{offset}"
            );
        }
        assert_eq!(
            absolute_utc(now, Locale::English),
            "Tue 24 Nov 2026, 12:00 UTC"
        );
    }

    #[test]
    fn hints_and_day_labels_count_days_in_the_event_zone() {
        let berlin = zone("Europe/Berlin");
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(); // 13:00 in Berlin
        let at = |h: i64| now + Duration::hours(h);
        assert_eq!(
            hint(at(-1), at(1), now, berlin, Locale::English),
            "happening now"
        );
        assert_eq!(
            hint(at(3), at(5), now, berlin, Locale::English),
            "in 3 hours"
        );
        assert_eq!(
            hint(at(30), at(32), now, berlin, Locale::English),
            "tomorrow"
        );
        assert_eq!(
            hint(at(24 * 5), at(24 * 5 + 2), now, berlin, Locale::English),
            "in 5 days"
        );
        assert_eq!(day_label(at(3), now, berlin, Locale::English), "Today");
        // 23:30 UTC is already tomorrow in Berlin.
        assert_eq!(
            day_label(at(11) + Duration::minutes(30), now, berlin, Locale::English),
            "Tomorrow"
        );
        assert_eq!(
            day_label(at(24 * 4), now, berlin, Locale::English),
            "Sat 28 Nov"
        );
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
            event_span(midnight(9), midnight(10), berlin, true, Locale::English),
            "Wed 9 Dec, all day"
        );
        assert_eq!(
            event_span(midnight(9), midnight(12), berlin, true, Locale::English),
            "Wed 9 Dec – Fri 11 Dec, all day"
        );
        assert_eq!(
            event_span(midnight(9), midnight(9), berlin, true, Locale::English),
            "Wed 9 Dec, all day",
            "no length still shows its day"
        );
        assert_eq!(
            event_span(
                midnight(9),
                midnight(9) + chrono::Duration::hours(2),
                berlin,
                false,
                Locale::English
            ),
            "Wed 9 Dec, 00:00 CET – 02:00"
        );
    }

    #[test]
    fn german_and_arabic_readers_get_their_names_order_and_clock() {
        let london = zone("Europe/London");
        let saturday = Utc.with_ymd_and_hms(2026, 10, 24, 17, 0, 0).unwrap();
        let end = saturday + Duration::hours(2);
        assert_eq!(
            event_span(saturday, end, london, false, Locale::German),
            "Sa, 24. Okt, 18:00 BST – 20:00"
        );
        assert_eq!(
            day_heading(saturday, london, Locale::German),
            "Samstag, 24. Oktober 2026"
        );
        assert_eq!(
            event_span(saturday, end, london, false, Locale::Arabic),
            "\u{2068}\u{2068}السبت 24 أكتوبر\u{2069}، \u{2068}6:00 م\u{2069} \u{2068}BST\u{2069}\u{2069} – \u{2068}8:00 م\u{2069}"
        );
        assert_eq!(clock(saturday, london, Locale::French), "18:00");
        assert_eq!(
            day_heading(saturday, london, Locale::Spanish),
            "sábado, 24 de octubre de 2026"
        );
        assert_eq!(
            weekday_name(chrono::Weekday::Sun, Locale::Portuguese),
            "domingo"
        );
        assert_eq!(
            relative(saturday - Duration::minutes(5), saturday, Locale::German),
            "vor 5 Minuten"
        );
        assert_eq!(
            relative(saturday + Duration::days(3), saturday, Locale::French),
            "dans 3 jours"
        );
    }
}
