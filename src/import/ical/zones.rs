//! Which zone a feed's `TZID` means. IANA names are used as they are; Windows names (Outlook and
//! Exchange write `W. Europe Standard Time`) map to IANA through CLDR's table; any other name is
//! read from the feed's own `VTIMEZONE` block (its standard and daylight offsets and the yearly
//! rules that switch between them); a name none of these explain takes the calendar's zone.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use icalendar::{Calendar, CalendarComponent, Component};

/// `VTIMEZONE` blocks read per feed, and observances (standard, daylight) per block.
const MAX_FEED_ZONES: usize = 100;
const MAX_OBSERVANCES: usize = 50;

/// An IANA zone for `name`: the name itself, or a Windows zone name mapped with CLDR's table.
pub fn known_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    name.parse::<Tz>().ok().or_else(|| {
        localzone::win_zone_to_iana(name, Some("001")).and_then(|iana| iana.parse().ok())
    })
}

/// The zones a feed defines for itself, by `TZID`.
#[derive(Debug, Default)]
pub struct FeedZones {
    rules: HashMap<String, Vec<Observance>>,
}

/// One `STANDARD` or `DAYLIGHT` block: from its onset on, local time is UTC + `offset`.
#[derive(Debug, Clone)]
struct Observance {
    start: NaiveDateTime,
    offset: Duration,
    yearly: Option<YearlyRule>,
}

/// `FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`: the last Sunday of March, at the onset's time of day.
#[derive(Debug, Clone, Copy)]
struct YearlyRule {
    month: u32,
    /// 1 to 5 from the start of the month, -1 to -5 from its end.
    nth: i8,
    weekday: Weekday,
}

impl FeedZones {
    /// Reads the `VTIMEZONE` blocks whose names are not zones we know already.
    pub fn of(calendar: &Calendar) -> Self {
        let mut rules = HashMap::new();
        for component in &calendar.components {
            let CalendarComponent::Other(block) = component else {
                continue;
            };
            if !block.component_kind().eq_ignore_ascii_case("VTIMEZONE") {
                continue;
            }
            let Some(name) = block.property_value("TZID") else {
                continue;
            };
            if known_zone(name).is_some() || rules.len() == MAX_FEED_ZONES {
                continue;
            }
            let observances: Vec<Observance> = block
                .components()
                .iter()
                .take(MAX_OBSERVANCES)
                .filter_map(|part| {
                    Some(Observance {
                        start: NaiveDateTime::parse_from_str(
                            part.property_value("DTSTART")?.trim(),
                            "%Y%m%dT%H%M%S",
                        )
                        .ok()?,
                        offset: parse_offset(part.property_value("TZOFFSETTO")?)?,
                        yearly: part.property_value("RRULE").and_then(parse_yearly),
                    })
                })
                .collect();
            if !observances.is_empty() {
                rules.insert(name.trim().to_owned(), observances);
            }
        }
        Self { rules }
    }

    /// The instant of a wall-clock time in the feed's own zone `name`, if it defines one.
    pub fn instant(&self, name: &str, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let observances = self.rules.get(name.trim())?;
        let offset = observances
            .iter()
            .filter_map(|observance| Some((observance.latest_onset(local)?, observance.offset)))
            .max_by_key(|(onset, _)| *onset)
            .map(|(_, offset)| offset)
            // Before every onset: the earliest block's offset is the best guess.
            .or_else(|| {
                observances
                    .iter()
                    .min_by_key(|observance| observance.start)
                    .map(|observance| observance.offset)
            })?;
        Some(Utc.from_utc_datetime(&local.checked_sub_signed(offset)?))
    }
}

impl Observance {
    /// The last time this block took effect at or before `local`.
    fn latest_onset(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        if local < self.start {
            return None;
        }
        let Some(rule) = self.yearly else {
            return Some(self.start);
        };
        [local.year(), local.year() - 1]
            .into_iter()
            .filter_map(|year| rule.onset(year, self.start))
            .find(|onset| *onset <= local && *onset >= self.start)
    }
}

impl YearlyRule {
    fn onset(&self, year: i32, first: NaiveDateTime) -> Option<NaiveDateTime> {
        let day = if self.nth > 0 {
            NaiveDate::from_weekday_of_month_opt(
                year,
                self.month,
                self.weekday,
                self.nth.unsigned_abs(),
            )?
        } else {
            // Counting from the end: the last such weekday, then weeks back.
            let next_month = if self.month == 12 {
                NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, self.month + 1, 1)?
            };
            let last_day = next_month.pred_opt()?;
            let back = (7 + last_day.weekday().num_days_from_monday()
                - self.weekday.num_days_from_monday())
                % 7;
            let last = last_day.checked_sub_signed(Duration::days(i64::from(back)))?;
            let weeks = i64::from(self.nth.unsigned_abs()) - 1;
            let day = last.checked_sub_signed(Duration::weeks(weeks))?;
            (day.month() == self.month).then_some(day)?
        };
        Some(day.and_time(first.time()))
    }
}

/// `+0100`, `-0530`, `+010000`.
fn parse_offset(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => (1, text),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[0..2].parse().ok()?;
    let minutes: i64 = digits[2..4].parse().ok()?;
    let seconds: i64 = digits.get(4..6).map_or(Some(0), |s| s.parse().ok())?;
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    Some(Duration::seconds(
        sign * (hours * 3600 + minutes * 60 + seconds),
    ))
}

/// The yearly rules Outlook and others write: `FREQ=YEARLY;BYMONTH=m;BYDAY=nDD`.
fn parse_yearly(rule: &str) -> Option<YearlyRule> {
    let mut month = None;
    let mut by_day = None;
    let mut yearly = false;
    for part in rule.split(';') {
        let (key, value) = part.split_once('=')?;
        match key.trim().to_ascii_uppercase().as_str() {
            "FREQ" => yearly = value.trim().eq_ignore_ascii_case("YEARLY"),
            "BYMONTH" => {
                month = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
            }
            "BYDAY" => by_day = Some(value.trim().to_ascii_uppercase()),
            _ => {}
        }
    }
    let by_day = by_day?;
    let (number, day) = by_day.split_at(by_day.len().checked_sub(2)?);
    let nth: i8 = number
        .parse()
        .ok()
        .filter(|n: &i8| (1..=5).contains(&n.unsigned_abs()))?;
    let weekday = match day {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    };
    yearly.then_some(YearlyRule {
        month: month?,
        nth,
        weekday,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    /// What Outlook writes for a zone it names its own way.
    const CUSTOM: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VTIMEZONE\r
TZID:Customized Time Zone\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
END:VCALENDAR\r
";

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn windows_and_iana_names_are_known() {
        assert_eq!(
            known_zone("W. Europe Standard Time"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            known_zone("Eastern Standard Time"),
            Some(chrono_tz::America::New_York)
        );
        assert_eq!(known_zone("Europe/Lisbon"), Some(chrono_tz::Europe::Lisbon));
        assert_eq!(known_zone("Customized Time Zone"), None);
    }

    #[test]
    fn a_feeds_own_zone_follows_its_daylight_saving_rules() {
        let zones = FeedZones::of(&Calendar::from_str(CUSTOM).unwrap());
        let instant = |text| zones.instant("Customized Time Zone", local(text)).unwrap();
        let utc = |text| Utc.from_utc_datetime(&local(text));
        assert_eq!(
            instant("2026-12-09 17:15"),
            utc("2026-12-09 16:15"),
            "winter: +01:00"
        );
        assert_eq!(
            instant("2026-07-01 17:15"),
            utc("2026-07-01 15:15"),
            "summer: +02:00"
        );
        assert_eq!(
            instant("2026-03-29 01:59"),
            utc("2026-03-29 00:59"),
            "before the switch"
        );
        assert_eq!(
            instant("2026-03-29 03:00"),
            utc("2026-03-29 01:00"),
            "after it"
        );
        assert_eq!(zones.instant("Elsewhere", local("2026-12-09 17:15")), None);
    }

    #[test]
    fn offsets_and_rules_are_read_strictly() {
        assert_eq!(parse_offset("+0530"), Some(Duration::minutes(330)));
        assert_eq!(parse_offset("-1000"), Some(Duration::hours(-10)));
        assert_eq!(parse_offset("+9999"), None);
        assert_eq!(parse_offset("+"), None);
        assert!(parse_yearly("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU").is_some());
        assert!(parse_yearly("FREQ=YEARLY;BYMONTH=13;BYDAY=2SU").is_none());
        assert!(parse_yearly("FREQ=YEARLY;BYMONTH=3;BYDAY=SU").is_none());
        assert!(parse_yearly("FREQ=YEARLY;BYMONTH=3;BYDAY=-9SU").is_none());
        assert!(parse_yearly("BYDAY=").is_none());
    }
}
