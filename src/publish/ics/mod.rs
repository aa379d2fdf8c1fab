//! Writing iCalendar feeds of Convene's events (subscribable from any calendar app), with the
//! same `icalendar` crate that reads them: it folds lines at 75 octets and escapes text.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::rules::bounds;
use crate::rules::visibility::Audience;
use crate::store::descriptions::{self, Descriptions};
use crate::store::entities::event;
use crate::store::events::{Event, https_only, place};

/// How far back a feed reaches: last month's events stay in subscribers' calendars.
pub const RECENT: Duration = Duration::days(30);
/// Calendar apps poll feeds; suggest hourly (our imports are hourly at most).
const REFRESH_INTERVAL: Duration = Duration::hours(1);
/// Events in one feed at most: the recent ones and the next, in start order.
pub const FEED_EVENTS_MAX: u64 = 1_000;
/// Bytes of one feed at most: events that would go past it are left out (the soonest stay).
pub const FEED_BYTES_MAX: usize = 8 * 1024 * 1024;
/// Each event's description in a feed, at most this many characters (cut in the store; the
/// event's page has all of it).
pub const FEED_DESCRIPTION_CHARS: u32 = 4_000;

/// The organizations' live events that ended after `since` and `audience` may see, in start
/// order, at most [`FEED_EVENTS_MAX`], with their descriptions as feeds carry them.
pub async fn events_since(
    db: &impl ConnectionTrait,
    organization_ids: &[i64],
    audience: &Audience,
    since: DateTime<Utc>,
) -> Result<(Vec<Event>, Descriptions), Error> {
    let events = event::Entity::find()
        .filter(event::Column::OrganizationId.is_in(organization_ids.iter().copied()))
        .filter(event::Column::RemovedAt.is_null())
        .filter(audience.condition())
        .filter(event::Column::EndAt.gt(since))
        .order_by_asc(event::Column::StartAt)
        .order_by_asc(event::Column::Id)
        .limit(FEED_EVENTS_MAX)
        .all(db)
        .await?;
    let descriptions = descriptions::of_events(db, &events, Some(FEED_DESCRIPTION_CHARS)).await?;
    Ok((events, descriptions))
}

/// The stable `UID` of an event in our feeds: lu.ma's own form for lu.ma events, so a calendar
/// app that also subscribed to lu.ma's feed sees one event, not two.
pub fn uid(event: &Event) -> String {
    if event.external_id.starts_with("evt-") && !event.external_id.contains('@') {
        format!("{}@events.lu.ma", event.external_id)
    } else {
        format!("{}@convene", event.external_id)
    }
}

/// [`feed`] on a blocking thread: a large feed never holds up the threads answering requests.
pub async fn render(
    name: String,
    events: Vec<Event>,
    descriptions: Descriptions,
) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || feed(&name, &events, &descriptions))
        .await
        .map_err(|err| Error::Internal(format!("writing a feed failed: {err}")))
}

/// A feed of `events`, times in UTC (valid everywhere, no VTIMEZONE needed); each event's own
/// zone travels in the description's first line so nobody loses it. The same events give the
/// same bytes (each `DTSTAMP` is the event's last sync), so the `ETag` only moves with them.
/// At most [`FEED_BYTES_MAX`] bytes: the events that would go past it are left out.
///
/// Everything written is text from outside (titles, places, links), so each value is made
/// one line (or, for descriptions, its breaks escaped) before the library sees it: no
/// value can end its line and start a property or component of its own.
pub fn feed(name: &str, events: &[Event], descriptions: &Descriptions) -> String {
    const END: &str = "END:VCALENDAR\r\n";
    let name = bounds::one_line(name, bounds::TITLE_MAX_CHARS);
    let mut calendar = Calendar::new();
    // The library writes NAME raw (it is not a TEXT property to it): escape it here.
    calendar
        .append_property(Property::new("NAME", escape_text(&name)))
        .append_property(Property::new("X-WR-CALNAME", &name))
        .ttl(&REFRESH_INTERVAL);
    let empty = calendar.done().to_string();
    // The calendar's own lines, then each event's, written one at a time against the budget.
    let head = empty.strip_suffix(END).unwrap_or(&empty);
    let mut text = String::from(head);
    for (written, item) in events.iter().enumerate() {
        let one = event_text(item, descriptions.of(item));
        if text.len() + one.len() + END.len() > FEED_BYTES_MAX {
            tracing::warn!(name = %name, written, of = events.len(), "a feed reached its byte budget; later events are left out");
            break;
        }
        text.push_str(&one);
    }
    text.push_str(END);
    text
}

/// One `VEVENT`: the library writes the short properties; the description, the one long
/// value, is folded here (the library's folding walks the line from its start for every fold,
/// which took 88 s for a feed of 8 MB).
fn event_text(item: &Event, description_text: Option<&str>) -> String {
    const END: &str = "END:VEVENT\r\n";
    let mut text = vevent(item).to_string();
    if text.ends_with(END) {
        text.truncate(text.len() - END.len());
    }
    let mut description = format!("Times in {}.", bounds::one_line(&item.timezone, 64));
    if let Some(more) = description_text {
        description.push_str("\n\n");
        description.push_str(&bounds::description(more));
    }
    push_folded(
        &mut text,
        &format!("DESCRIPTION:{}", escape_multiline(&description)),
    );
    text.push_str(END);
    text
}

/// RFC 5545 TEXT escaping of a value that may span lines: its breaks become `\n`.
fn escape_multiline(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | ',' | ';' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' => {
                // CRLF is one break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Appends `line` as a content line folded at 75 octets (RFC 5545 §3.1), never inside a
/// character, in one pass.
fn push_folded(out: &mut String, line: &str) {
    const OCTETS: usize = 75;
    let mut start = 0;
    while start < line.len() {
        // A continuation line starts with a space, which counts.
        let room = if start == 0 { OCTETS } else { OCTETS - 1 };
        let mut end = (start + room).min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        if start > 0 {
            out.push(' ');
        }
        out.push_str(&line[start..end]);
        out.push_str("\r\n");
        start = end;
    }
}

fn vevent(item: &Event) -> icalendar::Event {
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&bounds::one_line(&uid(item), 400))
        .timestamp(item.synced_at);
    if item.all_day {
        // Whole dates in the event's own zone (the end date is the day after the last).
        let (first, after_last) =
            crate::text::timefmt::all_day_dates(item.start_at, item.end_at, &item.timezone);
        vevent.starts(first).ends(after_last);
    } else {
        vevent.starts(item.start_at).ends(item.end_at);
    }
    vevent
        .summary(&bounds::one_line(&item.title, bounds::TITLE_MAX_CHARS))
        .status(EventStatus::Confirmed);
    // The place as anyone may see it: never a join link, never a guests-only address. An
    // online event points to its lu.ma page, where registering reveals the link.
    let (label, online) = place(
        item.location_type,
        item.location_text.as_deref(),
        crate::i18n::Locale::English,
    );
    // URL is written raw by the library: only a link without spaces or controls goes in.
    let page = https_only(item.event_url.clone()).and_then(|url| bounds::link(&url));
    match &page {
        Some(page) if online && item.location_text.is_none() => vevent.location(page),
        _ => vevent.location(&bounds::one_line(&label, bounds::LOCATION_MAX_CHARS)),
    };
    if let Some(page) = &page {
        vevent.url(page);
    }
    vevent.done()
}

/// RFC 5545 TEXT escaping of one line (already without breaks or controls), for the
/// properties the library writes raw.
fn escape_text(line: &str) -> String {
    let mut escaped = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\\' | ',' | ';') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The feed of an organization's upcoming and recent events.
pub async fn organization_feed(
    db: &impl ConnectionTrait,
    org: &crate::store::organizations::Organization,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    // A public address: public events only, whoever asks.
    let (events, descriptions) =
        events_since(db, &[org.id], &Audience::public(), now - RECENT).await?;
    render(org.name.clone(), events, descriptions).await
}

/// One live event as its own calendar file ("Add to calendar"), addressed by its random public
/// id; `None` when there is no such live event that `audience` may see.
pub async fn single_event(
    db: &impl ConnectionTrait,
    public_id: &str,
    audience: &Audience,
) -> Result<Option<String>, Error> {
    let found = event::Entity::find()
        .filter(event::Column::PublicId.eq(public_id))
        .filter(event::Column::RemovedAt.is_null())
        .filter(audience.condition())
        .one(db)
        .await?;
    let Some(item) = found else {
        return Ok(None);
    };
    let descriptions = descriptions::of_events(db, std::slice::from_ref(&item), None).await?;
    Ok(Some(feed(
        &item.title,
        std::slice::from_ref(&item),
        &descriptions,
    )))
}

/// Google Calendar's "add this event" link: its title, UTC times (or, for an all-day event,
/// its dates in `all_day_zone`), place and page prefilled.
pub fn google_calendar_link(
    title: &str,
    start_at: DateTime<Utc>,
    end_at: DateTime<Utc>,
    all_day_zone: Option<&str>,
    place: &str,
    page: Option<&str>,
) -> String {
    let dates = match all_day_zone {
        Some(zone) => {
            let (first, after_last) = crate::text::timefmt::all_day_dates(start_at, end_at, zone);
            format!("{}/{}", first.format("%Y%m%d"), after_last.format("%Y%m%d"))
        }
        None => format!(
            "{}/{}",
            start_at.format("%Y%m%dT%H%M%SZ"),
            end_at.format("%Y%m%dT%H%M%SZ")
        ),
    };
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("action", "TEMPLATE")
        .append_pair("text", title)
        .append_pair("dates", &dates)
        .append_pair("location", place);
    if let Some(page) = page {
        query.append_pair("details", page);
    }
    format!(
        "https://calendar.google.com/calendar/render?{}",
        query.finish()
    )
}

/// A strong validator for a feed's bytes (the `ETag` header).
pub fn etag(body: &str) -> String {
    format!(
        "\"{}\"",
        &hex::encode(Sha256::digest(body.as_bytes()))[..32]
    )
}

#[cfg(test)]
mod tests;
