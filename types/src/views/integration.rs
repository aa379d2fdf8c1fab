//! The lu.ma settings panel (`/orgs/{slug}/settings`): the connection, the sync's status,
//! progress and runs.

use serde::{Deserialize, Serialize};

use crate::{SyncFailure, SyncOutcome, SyncTrigger};

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
    /// Where lu.ma posts this organization's webhooks (the address to give lu.ma).
    pub webhook_url: String,
    /// A webhook signing secret is saved.
    pub webhook_secret_saved: bool,
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
