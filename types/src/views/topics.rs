//! Topics: the choices a filter offers, a topic's page (`/topics/{slug}`) and an
//! organization's topic rules.

use serde::{Deserialize, Serialize};

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
