//! `/admin/luma`: the network's lu.ma organization key, for site admins.

use serde::{Deserialize, Serialize};

use crate::SyncOutcome;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkSettings {
    /// The key's last four characters, when one is saved (the key itself never leaves).
    pub key_last_four: Option<String>,
    /// "3 hours ago", with the absolute time for a `title`.
    pub last_run: Option<String>,
    pub last_run_at: Option<String>,
    pub last_outcome: Option<SyncOutcome>,
    /// What the last run reported: calendars that left, calendars that did not import.
    pub last_message: Option<String>,
    /// Where lu.ma posts the organization's webhooks.
    pub webhook_url: String,
    pub webhook_secret_saved: bool,
    pub calendars: Vec<NetworkCalendar>,
}

/// A Convene organization connected through the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkCalendar {
    pub slug: String,
    pub name: String,
    pub calendar_id: String,
    /// It has a calendar key of its own, which its imports use.
    pub own_key: bool,
    pub last_import: Option<String>,
    pub stale: bool,
}
