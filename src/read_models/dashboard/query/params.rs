//! The dashboard's filters as a request carries them, checked and bounded, into the query
//! the statement runs; and the cursor "Show more" continues from.

use chrono::{DateTime, Utc};

use crate::Error;
use crate::places::near::{Near, NearParams, NearQuery};
use crate::rules::visibility::Audience;
pub use convene_types::Attendance;
use convene_types::{DashboardRange, InputField};

/// Events per page ("Show more" loads the next).
pub const PAGE_SIZE: u64 = 20;
/// The longest search text accepted (longer is refused, not cut).
pub const TEXT_MAX_CHARS: usize = 100;
/// Organizations one filter may name (`org=` values).
pub const FILTER_ORGANIZATIONS_MAX: usize = 50;
/// The longest organization slug or name a filter may carry.
pub const FILTER_ORGANIZATION_MAX_CHARS: usize = 100;
/// Custom ranges take dates from this year on, up to [`FILTER_YEARS_AHEAD`] years after today's:
/// the upper bound moves with the clock, so the filter never stops working on a later date.
pub const FILTER_FIRST_YEAR: i32 = 2000;
pub const FILTER_YEARS_AHEAD: i32 = 100;
/// The longest cursor (`after=`) accepted; real ones are under 40 characters.
const CURSOR_MAX_CHARS: usize = 64;

/// The filters as a request carries them, unparsed (empty means "not set").
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterParams<'a> {
    /// Organization slugs or names.
    pub organizations: &'a [String],
    /// `week`, `30` (the default), `90` or `custom`.
    pub range: &'a str,
    /// `custom` range bounds, `YYYY-MM-DD`, both days included.
    pub from: &'a str,
    pub to: &'a str,
    pub text: &'a str,
    /// `online`, `in_person`, or empty for both.
    pub mode: &'a str,
    /// A cursor from an earlier page.
    pub after: &'a str,
    /// A topic's slug or name.
    pub topic: &'a str,
    /// `near=`, `km=`, `online=`.
    pub near: NearParams<'a>,
}

/// The date range a request asked for, as understood, and how the page names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenRange {
    pub range: DashboardRange,
    /// The first and last day asked for (`range=custom`).
    pub days: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
}

impl ChosenRange {
    /// "Next 30 days", "This week", "1 Dec 2026 – 8 Dec 2026", in `locale`.
    pub fn label(&self, locale: crate::i18n::Locale) -> String {
        use crate::i18n::text;
        match (self.range, self.days) {
            (DashboardRange::Week, _) => text(locale, "range-this-week"),
            (DashboardRange::Next90Days, _) => text(locale, "range-next-90-days"),
            (DashboardRange::Custom, Some((first, last))) => {
                crate::text::timefmt::date_range(first, last, locale)
            }
            _ => text(locale, "range-next-30-days"),
        }
    }
}

impl DashboardQuery {
    /// The query a request's filters ask for, and the range it chose.
    /// Every value is checked and bounded; a bad one is refused naming its parameter.
    pub fn from_params(
        params: &FilterParams<'_>,
        now: DateTime<Utc>,
    ) -> Result<(Self, ChosenRange), Error> {
        use chrono::{Datelike, Duration};
        let ahead = |days: i64| {
            now.checked_add_signed(Duration::days(days)).ok_or_else(|| {
                Error::invalid(InputField::Range, "reaches past the last date we can show")
            })
        };
        let range = match params.range {
            "" => DashboardRange::default(),
            text => text.parse().map_err(|_| {
                Error::invalid(
                    InputField::Range,
                    format!(
                        "{:?} is not a range: use week, 30, 90 or custom",
                        crate::rules::bounds::one_line(text, 20)
                    ),
                )
            })?,
        };
        let (from, until, days) = match range {
            DashboardRange::Next30Days => (now, ahead(30)?, None),
            DashboardRange::Next90Days => (now, ahead(90)?, None),
            DashboardRange::Week => {
                // Until the end of Sunday (UTC): what is left of this week.
                let weekday = i64::from(now.weekday().num_days_from_monday());
                let next_monday = now
                    .date_naive()
                    .checked_add_signed(Duration::days(7 - weekday))
                    .and_then(|day| day.and_hms_opt(0, 0, 0))
                    .map(|midnight| midnight.and_utc());
                let until = match next_monday {
                    Some(until) => until,
                    None => ahead(7)?,
                };
                (now, until, None)
            }
            DashboardRange::Custom => {
                let first = filter_date(InputField::From, params.from, now)?;
                let last = filter_date(InputField::To, params.to, now)?;
                if last < first {
                    return Err(Error::invalid(
                        InputField::To,
                        "must not be before the start date",
                    ));
                }
                let midnight = |field: InputField, day: chrono::NaiveDate| {
                    day.and_hms_opt(0, 0, 0)
                        .map(|start| start.and_utc())
                        .ok_or_else(|| Error::invalid(field, "is not a date we can show"))
                };
                let start = midnight(InputField::From, first)?;
                let end = midnight(InputField::To, last.succ_opt().unwrap_or(last))?;
                // Upcoming only: a range that began earlier starts now.
                let soonest_end = now.checked_add_signed(Duration::minutes(1)).unwrap_or(now);
                (
                    Ord::max(start, now),
                    Ord::max(end, soonest_end),
                    Some((first, last)),
                )
            }
        };
        let mut query = DashboardQuery::new(from, until)?.with_text(params.text)?;
        query.organizations = organizations_filter(params.organizations)?;
        query.attendance = params.mode.parse().map_err(|_| {
            Error::invalid(
                InputField::Attendance,
                format!(
                    "{:?} is not online or in_person",
                    crate::rules::bounds::one_line(params.mode, 20)
                ),
            )
        })?;
        if !params.after.is_empty() {
            query.after = Some(Cursor::decode(params.after)?);
        }
        query.topic = crate::import::topics::parse_param(params.topic)?;
        query.near = NearQuery::parse(&params.near)?;
        Ok((query, ChosenRange { range, days }))
    }
}

/// A custom range's day: `YYYY-MM-DD` from [`FILTER_FIRST_YEAR`] to [`FILTER_YEARS_AHEAD`] years
/// after `now`'s year.
fn filter_date(
    field: InputField,
    text: &str,
    now: DateTime<Utc>,
) -> Result<chrono::NaiveDate, Error> {
    use chrono::Datelike;
    let text = text.trim();
    let day = (text.len() == 10)
        .then(|| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            Error::invalid(
                field,
                format!("must be a date like {}", now.format("%Y-%m-%d")),
            )
        })?;
    let last_year = now.year().saturating_add(FILTER_YEARS_AHEAD);
    if !(FILTER_FIRST_YEAR..=last_year).contains(&day.year()) {
        return Err(Error::invalid(
            field,
            format!("must be a date between {FILTER_FIRST_YEAR} and {last_year}"),
        ));
    }
    Ok(day)
}

/// The organizations a filter names, trimmed, empty ones dropped, bounded in number and size.
fn organizations_filter(values: &[String]) -> Result<Vec<String>, Error> {
    let names: Vec<String> = values
        .iter()
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
        .collect();
    if names.len() > FILTER_ORGANIZATIONS_MAX {
        return Err(Error::invalid(
            InputField::Organizations,
            format!(
                "names {} organizations; at most {FILTER_ORGANIZATIONS_MAX} can be chosen at once",
                names.len()
            ),
        ));
    }
    if names
        .iter()
        .any(|name| name.chars().count() > FILTER_ORGANIZATION_MAX_CHARS)
    {
        return Err(Error::invalid(
            InputField::Organizations,
            format!(
                "an organization is named in at most {FILTER_ORGANIZATION_MAX_CHARS} characters"
            ),
        ));
    }
    Ok(names)
}

/// Where the next page starts: after this event in (start, id) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub start_at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    /// `"<unix millis>_<id>"`, for URLs.
    pub fn encode(&self) -> String {
        format!("{}_{}", self.start_at.timestamp_millis(), self.id)
    }

    pub fn decode(text: &str) -> Result<Self, Error> {
        let bad = || {
            Error::invalid(
                InputField::After,
                "is not a position in the list; reload the page",
            )
        };
        if text.len() > CURSOR_MAX_CHARS {
            return Err(bad());
        }
        let (millis, id) = text.split_once('_').ok_or_else(bad)?;
        let start_at = millis
            .parse::<i64>()
            .ok()
            .and_then(DateTime::from_timestamp_millis)
            .ok_or_else(bad)?;
        let id = id.parse().map_err(|_| bad())?;
        Ok(Self { start_at, id })
    }
}

/// What to show; build with [`DashboardQuery::new`] and the `with_…` checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardQuery {
    /// Events still going on at this time or later…
    pub from: DateTime<Utc>,
    /// …that start before this time.
    pub until: DateTime<Utc>,
    /// Organization slugs; empty means every organization.
    pub organizations: Vec<String>,
    /// The same organizations by id once looked up: the statement then filters on the events'
    /// own column, which the (organization, start) index serves (Postgres would otherwise scan
    /// the whole time range and join).
    pub organization_ids: Vec<i64>,
    /// Lower-cased text to find in the title or the location.
    pub text: Option<String>,
    pub attendance: Attendance,
    /// A topic's slug: only events about it.
    pub topic: Option<String>,
    pub after: Option<Cursor>,
    /// `near=` as asked; [`DashboardQuery::near_area`] once looked up for the audience.
    pub near: Option<NearQuery>,
    /// The city `near` names, looked up among the events the audience may see: the statement
    /// keeps only events near it (and nothing while `near` is asked but not looked up).
    pub near_area: Option<Near>,
    pub limit: u64,
    /// Whose page it is: which members-only events it may show (public only by default).
    pub audience: Audience,
}

impl DashboardQuery {
    pub fn new(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Self, Error> {
        if until <= from {
            return Err(Error::invalid(
                InputField::To,
                "must be after the start of the range",
            ));
        }
        Ok(Self {
            from,
            until,
            organizations: Vec::new(),
            organization_ids: Vec::new(),
            text: None,
            attendance: Attendance::Any,
            topic: None,
            after: None,
            near: None,
            near_area: None,
            limit: PAGE_SIZE,
            audience: Audience::public(),
        })
    }

    pub fn with_text(mut self, text: &str) -> Result<Self, Error> {
        let text = text.trim();
        if text.chars().count() > TEXT_MAX_CHARS {
            return Err(Error::invalid(
                InputField::Text,
                format!("must be at most {TEXT_MAX_CHARS} characters"),
            ));
        }
        self.text = (!text.is_empty()).then(|| text.to_lowercase());
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap()
    }

    fn refused(params: FilterParams<'_>) -> (&'static str, String) {
        match DashboardQuery::from_params(&params, now()) {
            Err(Error::Invalid { field, message }) => (field.as_str(), message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn out_of_range_dates_many_organizations_and_long_values_are_refused_by_name() {
        let custom = |from, to| FilterParams {
            range: "custom",
            from,
            to,
            ..Default::default()
        };
        assert_eq!(refused(custom("2026-12-01", "+262143-12-31")).0, "to");
        assert_eq!(
            refused(custom("2026-12-01", "9999-12-31")),
            ("to", "must be a date between 2000 and 2126".to_owned())
        );
        assert_eq!(refused(custom("0001-01-01", "2026-12-31")).0, "from");
        let orgs: Vec<String> = (0..300).map(|n| format!("org-{n}")).collect();
        assert_eq!(
            refused(FilterParams {
                organizations: &orgs,
                ..Default::default()
            }),
            (
                "org",
                "names 300 organizations; at most 50 can be chosen at once".to_owned()
            )
        );
        let long = "q".repeat(1_000_000);
        assert_eq!(
            refused(FilterParams {
                text: &long,
                ..Default::default()
            })
            .0,
            "q"
        );
        assert_eq!(
            refused(FilterParams {
                after: &long,
                ..Default::default()
            })
            .0,
            "after"
        );
        assert_eq!(
            refused(FilterParams {
                organizations: std::slice::from_ref(&long),
                ..Default::default()
            })
            .0,
            "org"
        );
        let (query, _) = DashboardQuery::from_params(&custom("2126-12-01", "2126-12-31"), now())
            .expect("the last year is allowed");
        assert!(query.until > query.from);
        // The bound moves with the clock: a century on, that century's dates are accepted.
        let later = now() + chrono::Duration::days(100 * 366);
        assert!(DashboardQuery::from_params(&custom("2200-01-01", "2200-01-31"), later).is_ok());
    }

    proptest! {
        #[test]
        fn any_parameters_give_a_bounded_query_or_a_named_refusal(
            range in prop_oneof![Just(String::new()), Just("week".to_owned()), Just("custom".to_owned()), ".{0,12}"],
            from in prop_oneof![".{0,14}", "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}"],
            to in prop_oneof![".{0,14}", "[+-]?[0-9]{1,6}-[0-9]{2}-[0-9]{2}"],
            text in ".{0,120}",
            mode in ".{0,10}",
            after in prop_oneof![".{0,30}", "-?[0-9]{1,20}_-?[0-9]{1,20}"],
            organizations in proptest::collection::vec(".{0,20}", 0..60),
            topic in ".{0,80}",
            (near, km, online) in (".{0,120}", prop_oneof![".{0,6}", "[0-9]{1,4}"], prop_oneof![".{0,4}", "[01]"]),
            offset_days in -40_000i64..40_000,
        ) {
            let now = now() + chrono::Duration::days(offset_days);
            let params = FilterParams {
                organizations: &organizations,
                range: &range,
                from: &from,
                to: &to,
                text: &text,
                mode: &mode,
                after: &after,
                topic: &topic,
                near: crate::places::near::NearParams { city: &near, km: &km, online: &online },
            };
            match DashboardQuery::from_params(&params, now) {
                Ok((query, _)) => {
                    prop_assert!(query.until > query.from);
                    prop_assert!(query.organizations.len() <= FILTER_ORGANIZATIONS_MAX);
                    prop_assert!(query.text.as_ref().is_none_or(|t| t.chars().count() <= TEXT_MAX_CHARS));
                }
                Err(Error::Invalid { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }
    }
}
