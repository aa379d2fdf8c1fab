//! Read models: what each page shows, decided by the core and rendered by the UI as given.
//! Every string is ready to display; every rule (who may manage, whether an organization shows
//! events, whether a run is still going) is already applied.

use serde::{Deserialize, Serialize};

use crate::{
    Attendance, DashboardRange, JoinPolicy, MailKind, MailStatus, Role, SyncFailure, SyncOutcome,
    SyncTrigger,
};

// --- Organizations ---------------------------------------------------------------------------

/// One organization as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub member_count: i64,
    /// Its events page has something to show (imported events, or lu.ma's embed).
    pub shows_events: bool,
}

/// An organization's page, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub organization: OrganizationSummary,
    pub signed_in: bool,
    /// Where the viewer stands with the organization: what its page offers them.
    pub standing: Standing,
    /// How the organization takes members, as it applies to this viewer.
    pub join_offer: JoinOffer,
    /// Org admins and site admins manage members and the calendar.
    pub viewer_can_manage: bool,
    /// The HTML a member pastes into their own site to show the organization's events (the
    /// widget's frame and the script that sizes it).
    pub widget_snippet: String,
    /// The widget's address, for a preview.
    pub widget_url: String,
}

/// Where someone stands with one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    /// Signed out, or an account whose address is unconfirmed (it cannot sign in).
    SignedOut,
    /// Signed in, not following; `requested`: asked to join, waiting for the admins.
    Visitor {
        requested: bool,
    },
    /// Follows its public events; `requested`: asked to join, waiting for the admins.
    Follower {
        requested: bool,
    },
    Member,
    Admin,
}

/// How someone not yet a member can become one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum JoinOffer {
    /// "Request to join": the admins approve.
    Request,
    /// Their address is at the organization's member domain: joining is immediate.
    AtOnce,
    /// Only through an invitation link from the admins.
    InvitationOnly,
}

/// An organization's membership, as its admins manage it on the members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipSettings {
    /// Admins, members and followers.
    pub members: Vec<MemberRow>,
    /// Requests waiting for an answer, oldest first.
    pub requests: Vec<JoinRequestRow>,
    pub policy: JoinPolicy,
    /// Addresses at this domain become members without asking (empty: none).
    pub member_domain: String,
    /// Invitation links that still work.
    pub invitations: Vec<InvitationRow>,
}

/// One request to join, waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequestRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    /// "3 hours ago".
    pub asked: String,
}

/// One invitation link that still works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub link: String,
    /// "Fri 8 Jan 2027, 12:00 UTC".
    pub expires: String,
    pub uses_left: i32,
}

/// One row of an organization's member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

// --- An organization's events page ------------------------------------------------------------

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

// --- One event's page ------------------------------------------------------------------------

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

// --- Topics ----------------------------------------------------------------------------------

/// A topic the dashboard's filter offers: one that upcoming events the viewer may see have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicOption {
    pub slug: String,
    pub name: String,
    pub events: i64,
}

/// `/topics/<slug>`: the upcoming events about one topic, across organizations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPage {
    pub slug: String,
    pub name: String,
    pub events: Vec<TopicEvent>,
    /// The absolute address of this page.
    pub canonical_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicEvent {
    pub title: String,
    /// "Sat 24 Oct, 18:00 BST – 20:00", in the event's own zone.
    pub when: String,
    pub location: String,
    pub org_name: String,
    pub members_only: bool,
    /// `/events/<public id>`.
    pub url: String,
}

/// One of an organization's tags in its topic settings (`/orgs/<slug>/topics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicRuleRow {
    /// The tag's own slug (what a rule is about).
    pub tag_slug: String,
    /// The tag as lu.ma or the feed names it.
    pub tag_name: String,
    /// Live events carrying it.
    pub events: u32,
    /// Shown under this name instead (empty: its own).
    pub shown_as: String,
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSettings {
    pub org_slug: String,
    pub org_name: String,
    pub tags: Vec<TopicRuleRow>,
}

// --- The dashboard ----------------------------------------------------------------------------

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

// --- The lu.ma settings panel -----------------------------------------------------------------

/// What the panel's form shows. Never carries the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationSettings {
    pub slug: String,
    pub organization_name: String,
    pub is_demo: bool,
    /// What the calendar field shows: the page, else the `cal-…` id.
    pub calendar_input: String,
    /// "Connected to “Rust Berlin” (cal-…).", or what is missing.
    pub connection: String,
    pub key_last_four: Option<String>,
    /// lu.ma's own iCal link for the connected calendar (offered as the feed to import).
    pub luma_feed_url: Option<String>,
    /// What is shown of the saved feed's address: its host and "…" (the address itself is
    /// sealed, like a key: it often carries a private token).
    pub feed_shown: Option<String>,
    pub feed_use: FeedUse,
    /// The zone for times a feed gives in UTC.
    pub display_timezone: Option<String>,
    /// Something is connected that "Disconnect" would remove.
    pub luma_connected: bool,
    pub status: SyncStatusView,
}

/// Whether a saved feed is what the imports read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedUse {
    NotSaved,
    /// The feed is imported.
    Imported,
    /// Saved, but the API key is used while it is set.
    StandingBy,
}

/// The sync part of the panel: cheap to load, polled while a run is going.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatusView {
    pub slug: String,
    /// A lu.ma key or a feed is saved: "Sync now" has something to import.
    pub can_sync: bool,
    /// A run is going (the first of `runs`).
    pub running: bool,
    pub last_synced: Option<String>,
    pub last_synced_relative: Option<String>,
    pub last_outcome: Option<SyncOutcome>,
    pub last_message: Option<String>,
    pub events_stored: u64,
    /// None when the daily import is switched off.
    pub next_daily_run: Option<String>,
    /// Newest first; the first may be running.
    pub runs: Vec<SyncRunView>,
}

/// What the settings page polls while a sync runs: small, so the page's island stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    /// A run is going.
    pub running: bool,
    /// The newest run in one line ("Syncing… 2 pages fetched so far.", "Synced …: 4 created…").
    pub line: Option<String>,
}

/// One sync run as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRunView {
    pub id: i64,
    pub trigger: SyncTrigger,
    pub started: String,
    pub started_relative: String,
    /// "12.0 s"; none while running.
    pub duration: Option<String>,
    /// A run left running by a stopped process reads as interrupted.
    pub outcome: SyncOutcome,
    pub failure: Option<SyncFailure>,
    pub pages: i32,
    pub created: i32,
    pub updated: i32,
    pub removed: i32,
    pub unchanged: i32,
    pub requests: i32,
    /// Private events the run left out (lu.ma lists them for nobody).
    pub skipped_private: i32,
    /// Descriptions fetched after the events were stored: wanted, and fetched so far.
    pub descriptions_wanted: i32,
    pub descriptions_fetched: i32,
    pub message: Option<String>,
}

/// The calendar a key opens, as "Test connection" reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarCheck {
    pub name: String,
    pub id: String,
}

/// What "Sync now" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncStart {
    Started,
    /// One was already running; nothing new was started.
    AlreadyRunning,
}

/// What happens to imported events when an organization disconnects from lu.ma (the form's
/// `keep` or `delete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportedEvents {
    /// Kept in the store but hidden everywhere (marked removed).
    Keep,
    Delete,
}

// --- Mail ------------------------------------------------------------------------------------

/// The outbox as a site admin reads it at `/admin/mail`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// False: no SMTP server is configured, so queued messages wait here to be read.
    pub sends_mail: bool,
    pub messages: Vec<OutboxMessage>,
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    /// "Sent Mon 30 Nov, 18:40 UTC", "Waiting: no SMTP server is configured", "Next try …".
    pub status_line: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// "Mon 30 Nov, 18:39 UTC".
    pub created: String,
    /// For account mail: the kind of single-use link it carries and until when it works (the
    /// link itself is never shown).
    pub link: Option<String>,
}

/// One message as a site admin reads it (each read is audited). Account mail's text is
/// replaced by a note: it carries a key to someone's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessageBody {
    pub summary: OutboxMessage,
    pub text_body: String,
    pub html_body: String,
}

// --- Account ---------------------------------------------------------------------------------

/// The signed-in member's account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub display_name: String,
    pub email: String,
    /// The address a link was sent to, not followed yet.
    pub pending_email: Option<String>,
    /// IANA name; `None` until chosen or guessed from the browser.
    pub timezone: Option<String>,
    pub digest_enabled: bool,
    /// ISO weekday, 1 is Monday.
    pub digest_weekday: i16,
    pub import_alert_mail: bool,
    /// Administers an organization (so import alerts concern them).
    pub administers: bool,
    pub organizations: Vec<AccountOrganization>,
}

/// One of the member's organizations, with its new-event mail switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOrganization {
    pub slug: String,
    pub name: String,
    pub new_event_mail: bool,
}
