//! Fixture files for the fake lu.ma: one JSON file per calendar.
//!
//! ```json
//! { "api_key": "demo-key-rust-berlin",
//!   "calendar": { "id": "cal-…", "name": "Rust Berlin", "slug": "rust-berlin", "timezone": "Europe/Berlin" },
//!   "legacy_shape": false,
//!   "events": [ { "id": "evt-…", "name": "…", "in_days": 2, "local_time": "19:00",
//!                 "duration_minutes": 180, "timezone": "Europe/Berlin", … } ] }
//! ```
//!
//! Events are flat 2026-shape entries. Besides absolute `start_at`/`end_at`, an event may give
//! its time relative to the day the fake starts (`in_days`, `local_time` in the event's own
//! timezone, `duration_minutes`), so a demo always shows upcoming events.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::Value;

use crate::import::luma::fake::FakeCalendar;

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

#[derive(Deserialize)]
struct FixtureFile {
    api_key: String,
    calendar: FixtureCalendar,
    #[serde(default)]
    legacy_shape: bool,
    #[serde(default)]
    events: Vec<Value>,
}

#[derive(Deserialize)]
struct FixtureCalendar {
    id: String,
    name: String,
    slug: String,
    timezone: String,
}

/// One calendar from one fixture's text; `file` names it in errors. Relative times are resolved
/// against `now`.
pub fn parse(
    file: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(String, FakeCalendar), FixtureError> {
    let invalid = |message: String| FixtureError::Invalid {
        file: file.to_owned(),
        message,
    };
    let fixture: FixtureFile =
        serde_json::from_str(text).map_err(|err| invalid(format!("not a fixture: {err}")))?;
    if fixture.api_key.trim().is_empty() {
        return Err(invalid("api_key must not be empty".into()));
    }
    let events = fixture
        .events
        .into_iter()
        .enumerate()
        .map(|(index, event)| {
            resolve_times(event, now)
                .map_err(|message| invalid(format!("events[{index}]: {message}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        fixture.api_key,
        FakeCalendar {
            id: fixture.calendar.id,
            name: fixture.calendar.name,
            slug: fixture.calendar.slug,
            timezone: fixture.calendar.timezone,
            events,
            legacy_shape: fixture.legacy_shape,
        },
    ))
}

/// Every `*.json` file in `dir`, in file-name order.
pub fn load_dir(
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<Vec<(String, FakeCalendar)>, FixtureError> {
    let read_error = |source| FixtureError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    paths.retain(|path| path.extension().is_some_and(|ext| ext == "json"));
    paths.sort();
    if paths.is_empty() {
        return Err(FixtureError::Invalid {
            file: dir.display().to_string(),
            message: "holds no .json fixture files".into(),
        });
    }
    let mut calendars: Vec<(String, FakeCalendar)> = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|source| FixtureError::Read {
            path: path.clone(),
            source,
        })?;
        let file = path.display().to_string();
        let (key, calendar) = parse(&file, &text, now)?;
        if calendars.iter().any(|(other, _)| *other == key) {
            return Err(FixtureError::Invalid {
                file,
                message: format!("api_key {key:?} is used by another fixture"),
            });
        }
        calendars.push((key, calendar));
    }
    Ok(calendars)
}

/// Replaces `in_days`/`local_time`/`duration_minutes` with `start_at`/`end_at` in UTC.
fn resolve_times(mut event: Value, now: DateTime<Utc>) -> Result<Value, String> {
    let Some(object) = event.as_object_mut() else {
        return Err("must be an object".into());
    };
    let Some(in_days) = object.remove("in_days") else {
        return Ok(event);
    };
    let in_days = in_days.as_i64().ok_or("in_days must be a whole number")?;
    let local_time = object
        .remove("local_time")
        .and_then(|t| t.as_str().map(str::to_owned))
        .ok_or("local_time (HH:MM) is required with in_days")?;
    let local_time = NaiveTime::parse_from_str(&local_time, "%H:%M")
        .map_err(|_| format!("local_time {local_time:?} is not HH:MM"))?;
    let minutes = object
        .remove("duration_minutes")
        .and_then(|m| m.as_i64())
        .ok_or("duration_minutes is required with in_days")?;
    let zone_name = object
        .get("timezone")
        .and_then(Value::as_str)
        .ok_or("timezone is required with in_days")?;
    let zone: Tz = zone_name
        .parse()
        .map_err(|_| format!("timezone {zone_name:?} is not an IANA name"))?;
    let day = now.with_timezone(&zone).date_naive() + Duration::days(in_days);
    let local = day.and_time(local_time);
    // A wall-clock time skipped by a DST change happens an hour later, as calendars do it.
    let start = zone
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(|| format!("{local} does not exist in {zone_name}"))?
        .with_timezone(&Utc);
    let end = start + Duration::minutes(minutes);
    let format = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    object.insert("start_at".into(), Value::String(format(start)));
    object.insert("end_at".into(), Value::String(format(end)));
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    const FIXTURE: &str = r#"{
        "api_key": "k1",
        "calendar": {"id": "cal-1", "name": "One", "slug": "one", "timezone": "Europe/London"},
        "events": [
            {"id": "evt-rel", "name": "Relative", "in_days": 2, "local_time": "19:00",
             "duration_minutes": 90, "timezone": "Europe/London"},
            {"id": "evt-abs", "name": "Absolute", "start_at": "2027-01-01T10:00:00.000Z",
             "end_at": "2027-01-01T11:00:00.000Z", "timezone": "UTC"}
        ]
    }"#;

    #[test]
    fn relative_times_are_wall_clock_times_in_the_event_zone() {
        // 23 October 2026, a Friday; the UK leaves summer time on Sunday the 25th.
        let (key, calendar) = parse("one.json", FIXTURE, at("2026-10-23T12:00:00Z")).unwrap();
        assert_eq!(key, "k1");
        assert!(!calendar.legacy_shape);
        let relative = &calendar.events[0];
        // Sunday 25 October, 19:00 GMT (no longer BST).
        assert_eq!(relative["start_at"], "2026-10-25T19:00:00.000Z");
        assert_eq!(relative["end_at"], "2026-10-25T20:30:00.000Z");
        assert!(relative.get("in_days").is_none());
        assert_eq!(calendar.events[1]["start_at"], "2027-01-01T10:00:00.000Z");

        // The same fixture a day earlier lands in summer time: 19:00 BST is 18:00 UTC.
        let (_, calendar) = parse("one.json", FIXTURE, at("2026-10-22T12:00:00Z")).unwrap();
        assert_eq!(calendar.events[0]["start_at"], "2026-10-24T18:00:00.000Z");
    }

    #[test]
    fn a_time_skipped_by_dst_moves_an_hour_later() {
        let text = r#"{"api_key": "k", "calendar": {"id": "c", "name": "n", "slug": "s", "timezone": "Europe/Berlin"},
            "events": [{"id": "e", "in_days": 1, "local_time": "02:30", "duration_minutes": 60, "timezone": "Europe/Berlin"}]}"#;
        // 29 March 2026: Berlin jumps from 02:00 to 03:00.
        let (_, calendar) = parse("s.json", text, at("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(calendar.events[0]["start_at"], "2026-03-29T01:30:00.000Z");
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let now = at("2026-11-24T00:00:00Z");
        let bad_zone = FIXTURE.replace(
            "\"duration_minutes\": 90, \"timezone\": \"Europe/London\"",
            "\"duration_minutes\": 90, \"timezone\": \"Mars/Olympus\"",
        );
        let err = parse("one.json", &bad_zone, now).unwrap_err().to_string();
        assert_eq!(
            err,
            "one.json: events[0]: timezone \"Mars/Olympus\" is not an IANA name"
        );
        let bad_time = FIXTURE.replace("19:00", "7pm");
        let err = parse("one.json", &bad_time, now).unwrap_err().to_string();
        assert!(err.contains("local_time \"7pm\" is not HH:MM"), "{err}");
        let err = parse("x.json", "[]", now).unwrap_err().to_string();
        assert!(err.starts_with("x.json: not a fixture"), "{err}");
    }

    #[test]
    fn a_directory_loads_in_name_order_and_rejects_shared_keys() {
        let dir = crate::testing::scratch_dir("fixtures");
        std::fs::write(dir.join("b.json"), FIXTURE.replace("\"k1\"", "\"k2\"")).unwrap();
        std::fs::write(dir.join("a.json"), FIXTURE).unwrap();
        std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
        let now = at("2026-11-24T00:00:00Z");
        let keys: Vec<String> = load_dir(&dir, now)
            .unwrap()
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, ["k1", "k2"]);

        std::fs::write(dir.join("c.json"), FIXTURE).unwrap();
        let err = load_dir(&dir, now).unwrap_err().to_string();
        assert!(
            err.contains("c.json: api_key \"k1\" is used by another fixture"),
            "{err}"
        );

        let empty = crate::testing::scratch_dir("fixtures-empty");
        let err = load_dir(&empty, now).unwrap_err().to_string();
        assert!(err.ends_with("holds no .json fixture files"), "{err}");
    }

    #[test]
    fn the_bundled_demo_fixtures_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/demo/fixtures");
        let calendars = load_dir(&dir, Utc::now()).unwrap();
        assert_eq!(calendars.len(), 4);
        assert!(calendars.iter().all(|(_, c)| c.events.len() >= 5));
    }
}
