//! An organization's events page (`/orgs/{slug}/events`): event cards, grouped by day.

use serde::{Deserialize, Serialize};

/// One event as the list shows it; every string is ready to display, the description already
/// sanitised HTML.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventCard {
    /// lu.ma's `evt-…` id (for the checkout button).
    pub luma_id: String,
    /// The event's own page, `/events/<public id>`.
    pub page_url: Option<String>,
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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    /// For lu.ma's embed, when the page shows it; only well-formed `cal-…` ids get here.
    pub embed_calendar_id: Option<String>,
    /// For "Open on lu.ma" (`https` only).
    pub calendar_url: Option<String>,
    /// The organization shows events (imported, or lu.ma's embed); without, the page says
    /// how to connect a calendar.
    pub connected: bool,
    pub viewer_can_manage: bool,
    /// "Updated 5 minutes ago".
    pub updated: Option<String>,
    /// A background refresh started with this page load.
    pub refreshing: bool,
    /// This page's events (the list shows [`LIST_PAGE_SIZE`] at a time).
    pub days: Vec<EventDay>,
    /// Which page of the list this is, from 1, and how many there are (at least 1).
    pub page: u32,
    pub pages: u32,
}

/// Events on one page of an organization's list.
pub const LIST_PAGE_SIZE: usize = 50;
