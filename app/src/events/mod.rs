//! An organization's events page (`/orgs/:slug/events`, public): lu.ma's own calendar embed, or
//! a list rendered from the store. Opening it refreshes the store in the background when the
//! data is older than the TTL (stale-while-revalidate).
//!
//! Access matrix addition: `get_organization_events` answers everyone (public data only).

mod page;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use page::EventsPage;

/// Events shown on the list, at most (a few months of a busy calendar).
pub const LIST_LIMIT: u64 = 200;

/// One event as the list shows it; every string is ready to display, the description already
/// sanitised HTML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventCard {
    /// lu.ma's `evt-…` id (for the checkout button).
    pub luma_id: String,
    pub title: String,
    /// "Sat 24 Oct, 18:00 BST", in the event's own timezone.
    pub starts: String,
    /// "21:00", same timezone ("all day" for an all-day event).
    pub ends: String,
    /// The whole time as the list shows it: "Sat 24 Oct, 18:00 BST – 21:00", "Wed 9 Dec, all day".
    pub when: String,
    pub all_day: bool,
    pub timezone: String,
    /// The place, or "Online".
    pub location: String,
    pub online: bool,
    /// Shown to the organization's members only ("Members only").
    pub members_only: bool,
    /// `location` is the city: lu.ma shares the address with registered guests only.
    pub address_hidden: bool,
    /// Listed by this organization's calendar, managed by another.
    pub cross_listed: bool,
    /// `https` only.
    pub cover_url: Option<String>,
    /// lu.ma's event page (`https` only): where people register.
    pub event_url: Option<String>,
    pub description_html: Option<String>,
}

/// Events of one local day, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDay {
    /// "Saturday 24 October 2026".
    pub heading: String,
    pub events: Vec<EventCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationEvents {
    pub slug: String,
    pub name: String,
    pub is_demo: bool,
    /// For the embed; only well-formed `cal-…` ids get here.
    pub calendar_id: Option<String>,
    /// For "Open on lu.ma".
    pub calendar_url: Option<String>,
    /// The organization shows events (imported, or lu.ma's embed); without, the page says
    /// how to connect a calendar.
    pub connected: bool,
    pub viewer_can_manage: bool,
    /// "Updated 5 minutes ago".
    pub updated: Option<String>,
    /// A background refresh started with this page load.
    pub refreshing: bool,
    pub days: Vec<EventDay>,
}

#[cfg(feature = "ssr")]
mod ssr {
    use convene::store::events::{self, Event};
    use convene::{markdown, timefmt};

    use super::{EventCard, EventDay};

    pub fn card(event: Event) -> (String, String, EventCard) {
        let zone = timefmt::zone(&event.timezone);
        let (starts, ends) =
            timefmt::start_and_end(event.start_at, event.end_at, zone, event.all_day);
        let (location, online) =
            events::place(&event.location_type, event.location_text.as_deref());
        let card = EventCard {
            luma_id: event.external_id,
            title: event.title,
            starts,
            ends,
            when: timefmt::event_span(event.start_at, event.end_at, zone, event.all_day),
            all_day: event.all_day,
            timezone: event.timezone,
            location,
            online,
            members_only: convene::visibility::Visibility::from_stored(&event.visibility)
                == convene::visibility::Visibility::MembersOnly,
            address_hidden: event.address_hidden,
            cross_listed: event.cross_listed,
            cover_url: events::https_only(event.cover_url),
            event_url: events::https_only(event.event_url),
            description_html: event
                .description_md
                .filter(|text| !text.trim().is_empty())
                .map(|text| markdown::to_safe_html(&text)),
        };
        (
            timefmt::local_date(event.start_at, zone),
            timefmt::day_heading(event.start_at, zone),
            card,
        )
    }

    /// Consecutive events of the same local date under one heading.
    pub fn by_day(events: Vec<Event>) -> Vec<EventDay> {
        let mut days: Vec<(String, EventDay)> = Vec::new();
        for event in events {
            let (date, heading, card) = card(event);
            match days.last_mut() {
                Some((last, day)) if *last == date => day.events.push(card),
                _ => days.push((
                    date,
                    EventDay {
                        heading,
                        events: vec![card],
                    },
                )),
            }
        }
        days.into_iter().map(|(_, day)| day).collect()
    }
}

#[server]
pub async fn get_organization_events(slug: String) -> Result<OrganizationEvents, AppError> {
    use convene::access::Role;
    use convene::refresh::Freshness;
    use convene::store::events;
    use convene::timefmt;

    use crate::error::respond_with;
    use crate::organizations::org_request;

    let request = org_request(&slug).await?;
    let org = request.organization;
    let now = chrono::Utc::now();
    // Stale-while-revalidate: answer with what is stored; a refresh (if due) runs on.
    let refreshing = match request.state.refresher.ensure_fresh(&org, now).await {
        Ok(Freshness::RefreshStarted(_)) => true,
        Ok(_) => false,
        Err(err) => {
            tracing::warn!(org = %org.slug, error = %err, "page-load refresh could not start");
            false
        }
    };
    let audience = convene::visibility::Audience::of_organization(
        request.actor,
        request.role.is_some(),
        org.id,
    );
    let upcoming =
        events::upcoming_for_organization(&request.state.db, org.id, &audience, now, LIST_LIMIT)
            .await
            .map_err(respond_with)?;
    let connected = org.calendar_source().shows_events();
    let calendar_id = org
        .has_embed()
        .then(|| org.luma_calendar_id.clone())
        .flatten();
    Ok(OrganizationEvents {
        connected,
        slug: org.slug,
        name: org.name,
        is_demo: org.is_demo,
        calendar_id,
        calendar_url: org
            .luma_calendar_url
            .filter(|url| url.starts_with("https://")),
        viewer_can_manage: request.actor.is_some_and(|actor| actor.is_site_admin)
            || request.role == Some(Role::Admin),
        updated: org
            .events_last_synced_at
            .map(|at| format!("Updated {}", timefmt::relative(at, now))),
        refreshing,
        days: ssr::by_day(upcoming),
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use chrono::{TimeZone, Utc};
    use convene::store::events::Event;

    use super::ssr::by_day;

    fn event(id: &str, start: (u32, u32), zone: &str) -> Event {
        let start_at = Utc
            .with_ymd_and_hms(2026, 10, start.0, start.1, 0, 0)
            .unwrap();
        Event {
            id: 1,
            organization_id: 1,
            source: "luma_api".into(),
            external_id: id.into(),
            title: format!("Event {id}"),
            description_md: Some("<script>alert(1)</script>\n\n**Hi**".into()),
            start_at,
            end_at: start_at + chrono::Duration::hours(2),
            timezone: zone.into(),
            cover_url: Some("http://insecure.example/c.png".into()),
            event_url: Some("https://luma.com/x".into()),
            location_text: None,
            meeting_url: None,
            address_hidden: false,
            cross_listed: false,
            public_id: None,
            location_type: "online".into(),
            visibility: "public".into(),
            tags: "[]".into(),
            content_hash: String::new(),
            all_day: false,
            synced_at: start_at,
            removed_at: None,
        }
    }

    #[test]
    fn events_are_grouped_by_their_own_local_day_and_made_safe() {
        let days = by_day(vec![
            event("evt-a", (24, 17), "Europe/London"),
            event("evt-b", (24, 20), "Europe/London"),
            // 01:00 UTC on the 25th is still the 24th in New York.
            event("evt-c", (25, 1), "America/New_York"),
            event("evt-d", (26, 18), "Europe/London"),
        ]);
        let headings: Vec<&str> = days.iter().map(|d| d.heading.as_str()).collect();
        assert_eq!(
            headings,
            ["Saturday 24 October 2026", "Monday 26 October 2026"]
        );
        assert_eq!(days[0].events.len(), 3);
        let first = &days[0].events[0];
        assert_eq!(first.starts, "Sat 24 Oct, 18:00 BST");
        assert_eq!(first.ends, "20:00");
        assert_eq!(days[1].events[0].starts, "Mon 26 Oct, 18:00 GMT");
        assert_eq!(first.location, "Online");
        assert_eq!(first.cover_url, None, "plain http covers are dropped");
        let html = first.description_html.as_deref().unwrap();
        assert!(
            !html.contains("<script") && html.contains("<strong>Hi</strong>"),
            "{html}"
        );
    }
}
