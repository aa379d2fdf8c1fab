//! The dashboard (`/dashboard`): its filters as the address carries them, the events it shows
//! and the organizations it is about.

use serde::{Deserialize, Serialize};

use super::topics::TopicOption;
use crate::{Attendance, DashboardRange};

/// The filters, as the URL query carries them (empty strings mean "not set"). Untrusted: the
/// core parses them and names the field it refuses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFilters {
    /// Organization slugs; none means all.
    pub orgs: Vec<String>,
    /// A [`crate::DashboardRange`]'s text; empty means the next 30 days.
    pub range: String,
    /// `custom` range bounds, `YYYY-MM-DD`, both days included.
    pub from: String,
    pub to: String,
    pub q: String,
    /// An [`crate::Attendance`]'s text; empty means both.
    pub mode: String,
    /// Where the page starts (a cursor from an earlier page).
    pub after: String,
    /// A topic's slug (or name); empty means every topic.
    #[serde(default)]
    pub topic: String,
    /// A city the network's events name: only events in or around it (`km`, 50 unless set),
    /// and online ones when `online` is `1`.
    #[serde(default)]
    pub near: String,
    #[serde(default)]
    pub km: String,
    #[serde(default)]
    pub online: String,
}

impl DashboardFilters {
    /// The filters a query string's pairs carry (`org=` repeated; unknown keys ignored), as the
    /// dashboard's page, its copy links and the browser all read them.
    pub fn from_pairs<K: AsRef<str>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut filters = Self::default();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in pairs {
            let key = key.as_ref();
            if key == "org" {
                filters.orgs.push(value.into());
                continue;
            }
            // The first of a repeated key counts, as a form's reader takes it.
            if seen.iter().any(|earlier| earlier == key) {
                continue;
            }
            let field = match key {
                "range" => &mut filters.range,
                "from" => &mut filters.from,
                "to" => &mut filters.to,
                "q" => &mut filters.q,
                "mode" => &mut filters.mode,
                "after" => &mut filters.after,
                "topic" => &mut filters.topic,
                "near" => &mut filters.near,
                "km" => &mut filters.km,
                "online" => &mut filters.online,
                _ => continue,
            };
            *field = value.into();
            seen.push(key.to_owned());
        }
        filters
    }
}

/// One event card; every string ready to show, in the event's own timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardEvent {
    /// The event's calendar file, `/events/<public id>.ics` (a random id: row ids are never
    /// published).
    pub calendar_file: Option<String>,
    /// The event's own page, `/events/<public id>`.
    pub page_url: Option<String>,
    pub luma_id: String,
    pub title: String,
    pub org_slug: String,
    pub org_name: String,
    /// One of the viewer's organizations.
    pub mine: bool,
    /// RFC 3339 UTC, for `<time datetime>` and for the viewer-timezone display.
    pub start_utc: String,
    pub end_utc: String,
    /// "Sat 24 Oct, 18:00 BST" ("Wed 9 Dec" for an all-day event).
    pub starts: String,
    /// "20:00" ("all day").
    pub ends: String,
    /// The whole time as the card shows it: "Sat 24 Oct, 18:00 BST – 20:00", "Wed 9 Dec, all day".
    pub when: String,
    /// Given as dates: shown as such whatever the viewer's zone.
    pub all_day: bool,
    pub timezone: String,
    /// "in 3 hours", "tomorrow".
    pub hint: String,
    /// "Today", "Tomorrow", "Sat 28 Nov": the agenda's day heading.
    pub day_label: String,
    pub location: String,
    pub online: bool,
    /// Shown to the organization's members only ("Members only").
    pub members_only: bool,
    /// `location` is the city: lu.ma shares the address with registered guests only.
    pub address_hidden: bool,
    /// Listed by `org_name`'s calendar, managed by another ("Listed from another calendar").
    pub cross_listed: bool,
    /// Other organizations listing the same lu.ma event: one card, "Hosted by A with B".
    pub also_listed_by: Vec<String>,
    pub cover_url: Option<String>,
    pub event_url: Option<String>,
    /// Google Calendar's "add this event" link.
    pub google_calendar_url: String,
}

/// An organization the page is about (one of the viewer's, or one the filter names), as the
/// filter's chips and the "not connected" lines need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    pub slug: String,
    pub name: String,
    pub mine: bool,
    /// The filter names it (by slug or by name).
    pub chosen: bool,
    pub viewer_can_manage: bool,
    /// Its events can appear (imported, or lu.ma's embed on its events page).
    pub shows_events: bool,
}

/// One entry of the "add an organization" picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOption {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub signed_in: bool,
    /// In start order; the page groups them by section and organization, or by day.
    pub events: Vec<DashboardEvent>,
    /// The viewer's organizations and the chosen ones, by name (not every organization: the
    /// picker loads those on demand).
    pub organizations: Vec<OrganizationChoice>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// The range the filters asked for, as understood.
    pub range: DashboardRange,
    /// "Next 30 days", "This week", "1 Dec 2026 – 8 Dec 2026".
    pub range_label: String,
    pub attendance: Attendance,
    /// Moves when a sync changes events; the page reloads its data when it does.
    pub marker: i64,
    /// The topic choice: topics of upcoming events the viewer may see, most used first.
    pub topics: Vec<TopicOption>,
}

/// The dashboard as a month (`layout=month`): a grid of weeks, Monday first, each event on the
/// day it starts in its own timezone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthGrid {
    /// "December 2026".
    pub title: String,
    /// `2026-12`, and its neighbours for the previous and next links.
    pub month: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The filters as the page names them ("near Lisbon (50 km)"), if any besides the month.
    pub filter_label: Option<String>,
    /// The columns' day names, Monday first: (short, full).
    #[serde(default)]
    pub weekdays: Vec<(String, String)>,
    pub weeks: Vec<MonthWeek>,
    /// Events shown, and whether the month held more than a grid shows.
    pub events: usize,
    pub truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthWeek {
    /// Seven days, Monday first; days of the months around are `None`.
    pub days: Vec<Option<MonthDay>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDay {
    /// 1–31.
    pub day: u32,
    /// `2026-12-07`.
    pub date: String,
    /// "Monday 7 December 2026", for a screen reader's cell.
    pub label: String,
    /// Today (UTC).
    pub today: bool,
    pub events: Vec<MonthEvent>,
    /// Events of the day beyond those listed.
    pub more: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthEvent {
    pub title: String,
    /// "18:00" in the event's own zone, or "All day".
    pub time: String,
    pub org_name: String,
    /// Its page here, or lu.ma's.
    pub url: Option<String>,
    pub members_only: bool,
    pub online: bool,
}

/// The dashboard as a map (`layout=map`): its in-person events with a venue as pins, those with
/// a city only listed beside, and the tiles to draw them on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMap {
    /// "Next 30 days", with "near Lisbon (50 km)" when the page is about a place.
    pub range_label: String,
    pub pins: Vec<MapEvent>,
    /// In person, with a city but no venue to pin (a guests-only address among them).
    pub unpinned: Vec<MapEvent>,
    /// More events matched than one map shows.
    pub truncated: bool,
    /// A tile URL template (`{z}/{x}/{y}`), or none: markers on a plain background.
    pub tiles: Option<String>,
    pub attribution: String,
    pub credit_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapEvent {
    pub title: String,
    /// "Sat 24 Oct, 18:00 BST – 20:00".
    pub when: String,
    pub org_name: String,
    pub city: Option<String>,
    /// Its page here, or lu.ma's.
    pub url: Option<String>,
    pub members_only: bool,
    /// Degrees, written with six decimals ("52.520008"): where the pin goes.
    pub latitude: Option<String>,
    pub longitude: Option<String>,
}

/// "While you're in Lisbon": the network's public events near the city of the trip the member
/// is on, until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripEvents {
    pub city: String,
    /// "7 Dec – 12 Dec 2026".
    pub dates: String,
    pub events: Vec<DashboardEvent>,
    /// Some event of the network names the city (else none can be near it yet).
    pub city_known: bool,
}
