//! Seeing the network: the clash radar (an organization's admins), an organization's insights
//! (`/orgs/{slug}/insights`) and the network view (`/admin/network`, site admins). Charts come
//! drawn: SVG made on the server, with the numbers beside them.

use serde::{Deserialize, Serialize};

/// An organization's upcoming events that clash with other organizations' events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClashRadar {
    /// Two events clash when they start at most this many minutes apart.
    pub window_minutes: u32,
    /// Soonest first; the ones marked "we know" too (flagged).
    pub clashes: Vec<Clash>,
    /// Clashes past the list's bound, not listed.
    pub left_out: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clash {
    /// The organization's own event (its store id names it to "we know").
    pub event_id: i64,
    pub event_title: String,
    /// When it starts, in its own zone.
    pub event_when: String,
    pub other_event_id: i64,
    pub other: ClashingEvent,
    /// "30 minutes later", "at the same time", "1 hour earlier".
    pub offset: String,
    /// Marked "we know" by one of the organization's admins.
    pub known: bool,
    /// The whole clash in one line, as pages, mail and the command line say it.
    pub summary: String,
}

/// The other organization's event, as far as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClashingEvent {
    Named {
        title: String,
        organization: String,
        organization_slug: String,
        /// "Betahaus, Berlin", or "online".
        place: String,
        /// Its page here (`/events/{public_id}`).
        page: Option<String>,
    },
    /// Another organization's members-only event the viewer may not see: counted, never named.
    MembersOnly,
}

/// How an organization's import is doing, as the network view shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncHealth {
    Fresh,
    /// Imports, but the last complete import is older than the stale line.
    Stale,
    /// The last attempt failed (an earlier import is still fresh).
    Failing,
    NotConnected,
}

impl SyncHealth {
    pub fn label(self) -> &'static str {
        match self {
            Self::Fresh => "fresh",
            Self::Stale => "stale",
            Self::Failing => "last attempt failed",
            Self::NotConnected => "not imported",
        }
    }
}

/// One organization's activity: its events per month and the numbers around them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationActivity {
    pub slug: String,
    pub name: String,
    /// Events per month, one per label of the page's `months`.
    pub per_month: Vec<u32>,
    /// The same numbers drawn (SVG, with a title and a description).
    pub chart_svg: String,
    /// The date of its last event before now, and of its next.
    pub last_event: Option<String>,
    pub next_event: Option<String>,
    /// No event in the last 60 days (or none ever).
    pub quiet: bool,
    pub health: SyncHealth,
    pub followers: u32,
    pub members: u32,
    /// Its most frequent topics over the months shown, most frequent first.
    pub top_topics: Vec<String>,
}

/// `/admin/network`: every organization, network totals first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkView {
    /// "Jan 2026" …: the last 12 months and the next 3 (UTC months), oldest first.
    pub months: Vec<String>,
    /// The index in `months` of the current month.
    pub current_month: usize,
    pub totals: NetworkTotals,
    /// The network's events per month, drawn.
    pub totals_chart_svg: String,
    pub organizations: Vec<OrganizationActivity>,
    /// 1-based; organizations are listed a page at a time, by name.
    pub page: u32,
    pub pages: u32,
    /// "Mon 7 Dec 2026, 10:00 UTC".
    pub generated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkTotals {
    pub organizations: u32,
    /// Per month, as `months`.
    pub per_month: Vec<u32>,
    /// Events of the last 12 months, this one included (its coming events too).
    pub events_last_12_months: u32,
    pub events_next_3_months: u32,
    pub quiet: u32,
    pub stale: u32,
    /// People who are members of at least one organization, and who only follow.
    pub members: u32,
    pub followers: u32,
}

/// `/orgs/{slug}/insights`: one organization's activity and clash radar, for its admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationInsights {
    pub months: Vec<String>,
    pub current_month: usize,
    pub activity: OrganizationActivity,
    pub clashes: ClashRadar,
    pub generated_at: String,
}
