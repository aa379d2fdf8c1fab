//! A person's account page (`/account`).

use serde::{Deserialize, Serialize};

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
    /// The monthly "Is this right?" of the organizations they administer.
    pub import_check_mail: bool,
    /// A site admin: the monthly network report concerns them.
    pub site_admin: bool,
    pub network_report_mail: bool,
    /// Administers an organization (so import alerts concern them).
    pub administers: bool,
    pub organizations: Vec<AccountOrganization>,
    /// The digest's other events near this city (within `digest_near_km`), if chosen.
    #[serde(default)]
    pub digest_near: Option<String>,
    #[serde(default)]
    pub digest_near_km: u32,
    /// Trips not over yet, soonest first.
    #[serde(default)]
    pub trips: Vec<TripView>,
    /// The language chosen for Convene's pages; `None`: the browser's.
    #[serde(default)]
    pub locale: Option<crate::Locale>,
}

/// One of the member's trips.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripView {
    pub id: i64,
    pub city: String,
    /// "7 Dec – 12 Dec 2026".
    pub dates: String,
    /// Going on today.
    pub now: bool,
}

/// One of the member's organizations, with its new-event mail switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOrganization {
    pub slug: String,
    pub name: String,
    pub new_event_mail: bool,
}
