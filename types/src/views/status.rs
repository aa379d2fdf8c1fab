//! `/status`: how fresh each organization's events are, for anyone. Names no event.

use serde::{Deserialize, Serialize};

use crate::enums::ImportSource;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPage {
    /// The stale ones first, then by name; at most a page's worth.
    pub organizations: Vec<OrganizationFreshness>,
    /// Organizations past the page's bound, not listed.
    pub left_out: u32,
    /// Organizations that import and whose events are older than the stale line.
    pub stale: u32,
    /// "26 hours": when an import counts as stale, as the page explains it.
    pub stale_after: String,
    /// "Mon 7 Dec 2026, 10:00 UTC": when this page was made.
    pub generated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationFreshness {
    pub slug: String,
    pub name: String,
    pub source: ImportSource,
    /// lu.ma's webhooks bring its changes between imports.
    pub webhooks: bool,
    /// The last complete import ("3 hours ago"), if any.
    pub last_import: Option<String>,
    /// Its absolute time, for a `title`.
    pub last_import_at: Option<String>,
    /// The last change a lu.ma webhook brought ("5 minutes ago"), if any.
    pub last_webhook: Option<String>,
    /// Imports, and its last complete import is older than the stale line (or there is none).
    pub stale: bool,
    /// The last import attempt did not complete (its reason stays on the settings panel).
    pub last_attempt_failed: bool,
}
