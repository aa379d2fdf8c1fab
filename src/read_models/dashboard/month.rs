//! The dashboard as a month (`layout=month`): the same filters and the same rules of who sees
//! what, laid out as a grid of weeks with each event on the day it starts in its own timezone.
//! Past days of a month keep their events (a month is a calendar, not a list of what is left).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use convene_types::InputField;
use convene_types::views::{DashboardFilters, MonthDay, MonthEvent, MonthGrid, MonthWeek};
use sea_orm::ConnectionTrait;

use super::query::{FILTER_FIRST_YEAR, FILTER_YEARS_AHEAD, merge_cross_listed};
use super::{load, parsed_query};
use crate::Error;
use crate::rules::access::Actor;
use crate::rules::visibility::Visibility;
use crate::store::events;
use crate::text::timefmt;

/// A grid's columns: Monday first.
const WEEK: [chrono::Weekday; 7] = [
    chrono::Weekday::Mon,
    chrono::Weekday::Tue,
    chrono::Weekday::Wed,
    chrono::Weekday::Thu,
    chrono::Weekday::Fri,
    chrono::Weekday::Sat,
    chrono::Weekday::Sun,
];

/// Events one month's grid reads at most (the grid says when a month held more).
pub const EVENTS_MAX: u64 = 500;
/// Events a day's cell lists; the rest are counted ("3 more"), linked to that day's list.
pub const DAY_EVENTS_SHOWN: usize = 6;

/// `YYYY-MM` from [`FILTER_FIRST_YEAR`] to [`FILTER_YEARS_AHEAD`] years after today's; empty
/// is this month (UTC). The first day of the month.
pub fn parse_month(text: &str, now: DateTime<Utc>) -> Result<NaiveDate, Error> {
    let last_year = now.year().saturating_add(FILTER_YEARS_AHEAD);
    let text = text.trim();
    if text.is_empty() {
        return first_day(now.year(), now.month())
            .ok_or_else(|| Error::invalid(InputField::Month, "this month is not one we can show"));
    }
    let refused = || {
        Error::invalid(
            InputField::Month,
            format!("must be a month written YYYY-MM, from {FILTER_FIRST_YEAR} to {last_year}"),
        )
    };
    let (year, month) = text.split_once('-').ok_or_else(refused)?;
    if year.len() != 4 || month.len() != 2 {
        return Err(refused());
    }
    let year: i32 = year.parse().map_err(|_| refused())?;
    let month: u32 = month.parse().map_err(|_| refused())?;
    if !(FILTER_FIRST_YEAR..=last_year).contains(&year) {
        return Err(refused());
    }
    first_day(year, month).ok_or_else(refused)
}

fn first_day(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// The month's grid of the events `viewer` may see through `filters` (their range and page
/// aside: the month is the range).
pub async fn month(
    db: &impl ConnectionTrait,
    viewer: Option<Actor>,
    filters: &DashboardFilters,
    month: &str,
    now: DateTime<Utc>,
    locale: crate::i18n::Locale,
) -> Result<MonthGrid, Error> {
    let first = parse_month(month, now)?;
    let after_last = first
        .checked_add_months(Months::new(1))
        .ok_or_else(|| Error::invalid(InputField::Month, "is past the last month we can show"))?;
    let mut filters = filters.clone();
    for field in [&mut filters.range, &mut filters.from, &mut filters.to] {
        field.clear();
    }
    filters.after.clear();
    let (mut query, _) = parsed_query(&filters, now)?;
    // A day either side: an event's own day may begin up to 14 hours before or after UTC's.
    let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).map(|time| time.and_utc());
    let (Some(from), Some(until)) = (
        midnight(first).and_then(|day| day.checked_sub_signed(Duration::days(1))),
        midnight(after_last).and_then(|day| day.checked_add_signed(Duration::days(1))),
    ) else {
        return Err(Error::invalid(
            InputField::Month,
            "is not a month we can show",
        ));
    };
    query.from = from;
    query.until = until;
    query.limit = EVENTS_MAX;
    let data = load(db, None, viewer, &query).await?;
    let truncated = data.page.next.is_some();

    let mut by_day: BTreeMap<NaiveDate, Vec<MonthEvent>> = BTreeMap::new();
    let mut shown = 0;
    for merged in merge_cross_listed(data.page.events) {
        let event = merged.event;
        let zone = timefmt::zone(&event.timezone);
        let day = event.start_at.with_timezone(&zone).date_naive();
        if day < first || day >= after_last {
            continue;
        }
        shown += 1;
        let (_, online) =
            events::place(event.location_type, event.location_text.as_deref(), locale);
        by_day.entry(day).or_default().push(MonthEvent {
            time: if event.all_day {
                crate::i18n::text(locale, "month-all-day")
            } else {
                timefmt::clock_and_zone(event.start_at, zone, locale)
            },
            url: match &event.public_id {
                Some(public_id) => Some(format!("/events/{public_id}")),
                None => events::https_only(event.event_url),
            },
            title: event.title,
            org_name: event.org_name,
            members_only: event.visibility == Visibility::MembersOnly,
            online,
        });
    }
    let neighbour = |month: Option<NaiveDate>| {
        month
            .filter(|month| parse_month(&month.format("%Y-%m").to_string(), now).is_ok())
            .map(|month| month.format("%Y-%m").to_string())
    };
    Ok(MonthGrid {
        title: timefmt::month_heading(first, locale),
        month: first.format("%Y-%m").to_string(),
        previous: neighbour(first.checked_sub_months(Months::new(1))),
        next: neighbour(Some(after_last)),
        filter_label: data.near.map(|near| near.label(locale)),
        weekdays: WEEK
            .iter()
            .map(|day| {
                (
                    timefmt::weekday_short_name(*day, locale),
                    timefmt::weekday_name(*day, locale),
                )
            })
            .collect(),
        weeks: weeks(first, after_last, now.date_naive(), by_day, locale),
        events: shown,
        truncated,
    })
}

/// Monday-first weeks from `first` to the day before `after_last`, each day with its events
/// (the first [`DAY_EVENTS_SHOWN`], and a count of the rest).
fn weeks(
    first: NaiveDate,
    after_last: NaiveDate,
    today: NaiveDate,
    mut by_day: BTreeMap<NaiveDate, Vec<MonthEvent>>,
    locale: crate::i18n::Locale,
) -> Vec<MonthWeek> {
    let leading = first.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<MonthDay>> = vec![None; leading];
    for day in first.iter_days().take_while(|day| *day < after_last) {
        let mut events = by_day.remove(&day).unwrap_or_default();
        let more = events.len().saturating_sub(DAY_EVENTS_SHOWN);
        events.truncate(DAY_EVENTS_SHOWN);
        cells.push(Some(MonthDay {
            day: day.day(),
            date: day.format("%Y-%m-%d").to_string(),
            label: timefmt::long_date(day, locale),
            today: day == today,
            events,
            more,
        }));
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(None);
    }
    cells
        .chunks(7)
        .map(|days| MonthWeek {
            days: days.to_vec(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Duration, NaiveDate, Utc};
    use proptest::prelude::*;

    use super::{parse_month, weeks};

    #[test]
    fn a_month_is_written_yyyy_mm_and_bounded_by_the_filters_years() {
        let now = Utc::now();
        let this = parse_month("", now).unwrap();
        assert_eq!(
            (this.year(), this.month(), this.day()),
            (now.year(), now.month(), 1)
        );
        let next_year = format!("{}-02", now.year() + 1);
        assert_eq!(parse_month(&next_year, now).unwrap().month(), 2);
        for refused in [
            "2026",
            "2026-13",
            "2026-1",
            "1999-12",
            "9999-01",
            "26-12",
            "2026-12-01",
            "abcd-ef",
            "+202-12",
        ] {
            assert!(parse_month(refused, now).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_grid_has_whole_weeks_monday_first_and_marks_today() {
        let now = Utc::now();
        let first = parse_month("", now).unwrap();
        let after_last = first.checked_add_months(chrono::Months::new(1)).unwrap();
        let grid = weeks(
            first,
            after_last,
            now.date_naive(),
            Default::default(),
            crate::i18n::Locale::English,
        );
        let days: Vec<_> = grid.iter().flat_map(|week| week.days.iter()).collect();
        assert_eq!(days.len() % 7, 0);
        assert!(grid.iter().all(|week| week.days.len() == 7));
        let leading = days.iter().take_while(|day| day.is_none()).count();
        assert_eq!(leading, first.weekday().num_days_from_monday() as usize);
        let dated: Vec<_> = days.iter().filter_map(|day| day.as_ref()).collect();
        assert_eq!(
            i64::try_from(dated.len()).unwrap(),
            (after_last - first).num_days()
        );
        let today: Vec<_> = dated.iter().filter(|day| day.today).collect();
        assert_eq!(today.len(), 1);
        assert_eq!(today[0].day, now.day());
        // Another month has no today.
        let later = weeks(
            after_last,
            after_last + Duration::days(28),
            now.date_naive(),
            Default::default(),
            crate::i18n::Locale::German,
        );
        assert!(
            later
                .iter()
                .flat_map(|week| &week.days)
                .flatten()
                .all(|day| !day.today)
        );
    }

    proptest! {
        #[test]
        fn generated_months_never_panic(text in "\\PC{0,12}", year in 1990_i32..2200, month in 0_u32..14) {
            let now = Utc::now();
            let _ = parse_month(&text, now);
            let written = format!("{year:04}-{month:02}");
            let parsed = parse_month(&written, now);
            let valid = NaiveDate::from_ymd_opt(year, month, 1).is_some()
                && (2000..=now.year() + 100).contains(&year);
            prop_assert_eq!(parsed.is_ok(), valid, "{}", written);
        }
    }
}
