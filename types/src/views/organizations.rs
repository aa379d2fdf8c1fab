//! The directory and an organization's page (`/`, `/orgs/{slug}`), and its members page:
//! summaries, the viewer's standing, join offers, requests, invitations and members.

use serde::{Deserialize, Serialize};

use crate::{JoinPolicy, Role};

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
    /// The clash radar, for those who manage it (its admins and site admins); `None` for others.
    pub clashes: Option<crate::views::ClashRadar>,
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
