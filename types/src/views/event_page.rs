//! One event's page (`/events/{id}`): what is public about it, and for whom the rest is.

use serde::{Deserialize, Serialize};

/// `/events/<public id>`: what a visitor may know of one event, as the page, its machine-readable
/// markup and its link previews show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventPageView {
    Shown(Box<EventPage>),
    /// A members-only event seen by someone who is not a member: only whose it is.
    MembersOnly {
        org_slug: String,
        org_name: String,
        signed_in: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub public_id: String,
    /// lu.ma's `evt-…` id (for the checkout button).
    pub luma_id: String,
    pub title: String,
    pub org_slug: String,
    pub org_name: String,
    /// "Saturday 24 October 2026", in the event's own zone.
    pub date_heading: String,
    /// "Sat 24 Oct, 18:00 BST – 20:00", in the event's own zone.
    pub when: String,
    /// RFC 3339 UTC, for `<time datetime>` and the viewer-timezone display.
    pub start_utc: String,
    pub end_utc: String,
    pub all_day: bool,
    pub timezone: String,
    /// It is over (the page stays, saying so).
    pub ended: bool,
    pub location: String,
    pub online: bool,
    pub address_hidden: bool,
    pub members_only: bool,
    pub cross_listed: bool,
    pub cover_url: Option<String>,
    /// lu.ma's page (`https` only): where people register.
    pub event_url: Option<String>,
    /// Sanitised HTML.
    pub description_html: Option<String>,
    /// Plain text for link previews and search results (at most 200 characters).
    pub summary: String,
    pub calendar_file: String,
    pub google_calendar_url: String,
    /// The absolute address of this page.
    pub canonical_url: String,
    /// schema.org `Event` JSON-LD, safe inside `<script>`; none for members-only events.
    pub json_ld: Option<String>,
    /// Other upcoming events of the same organization that the viewer may see.
    pub more: Vec<EventLink>,
}

/// A link to an event's page, with its time: "More from Rust Berlin".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLink {
    pub title: String,
    pub when: String,
    /// `/events/<public id>`.
    pub url: String,
}
