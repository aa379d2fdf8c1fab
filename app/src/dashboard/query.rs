//! What the dashboard's query string means: the read model's filters and the layout. The
//! server reads it from the request; in the browser the panel builds it from the filter form and
//! from the address bar (Back and Forward), so both ask the read model the same question.

use serde::{Deserialize, Serialize};

use super::DashboardFilters;
pub(super) use crate::query_string::QueryString as ViewQuery;

/// The two ways the events are laid out (`layout=org`, `layout=day`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Layout {
    ByOrganization,
    ByDay,
}

impl Layout {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Layout::ByOrganization => "org",
            Layout::ByDay => "day",
        }
    }
}

/// The dashboard's reading of a query string.
pub(super) trait DashboardQuery {
    /// What the read model is asked.
    fn filters(&self) -> DashboardFilters;
    fn layout(&self) -> Layout;
    /// Whether the two ask the read model the same question (the layout aside).
    fn same_filters(&self, other: &Self) -> bool;
}

impl DashboardQuery for ViewQuery {
    fn filters(&self) -> DashboardFilters {
        // Key by key (the server's reader, `DashboardFilters::from_pairs`, would cost the wasm
        // bundle a generic copy of itself); the first value of each counts, as there.
        let text = |key: &str| self.get(key).to_owned();
        DashboardFilters {
            orgs: self.all("org").map(str::to_owned).collect(),
            range: text("range"),
            from: text("from"),
            to: text("to"),
            q: text("q"),
            mode: text("mode"),
            after: text("after"),
            topic: text("topic"),
            near: text("near"),
            km: text("km"),
            online: text("online"),
        }
    }

    fn layout(&self) -> Layout {
        match self.get("layout") {
            "day" => Layout::ByDay,
            _ => Layout::ByOrganization,
        }
    }

    fn same_filters(&self, other: &Self) -> bool {
        self.without(&["layout"]).without_empty() == other.without(&["layout"]).without_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::{DashboardQuery, Layout, ViewQuery};

    #[test]
    fn a_form_query_reads_as_the_server_reads_it() {
        let query = ViewQuery::parse(
            "?layout=day&q=caf%C3%A9+night&range=custom&from=2026-01-02&to=&org=rust-berlin&org=rust-nyc&mode=online&topic=talks",
        );
        let filters = query.filters();
        assert_eq!(filters.orgs, ["rust-berlin", "rust-nyc"]);
        assert_eq!(filters.q, "café night");
        assert_eq!(filters.range, "custom");
        assert_eq!(filters.from, "2026-01-02");
        assert_eq!(filters.to, "");
        assert_eq!(filters.mode, "online");
        assert_eq!(filters.topic, "talks");
        assert_eq!(query.layout(), Layout::ByDay);
        assert_eq!(ViewQuery::parse("").layout(), Layout::ByOrganization);
        assert_eq!(
            ViewQuery::parse("layout=weird").layout(),
            Layout::ByOrganization
        );
    }

    #[test]
    fn the_layout_and_empty_fields_do_not_change_the_question() {
        let query = ViewQuery::parse("q=&org=a&layout=org&org=b&range=week");
        assert!(query.same_filters(&ViewQuery::parse("org=a&org=b&range=week&layout=day")));
        assert!(!query.same_filters(&ViewQuery::parse("org=b&org=a&range=week")));
        assert!(!query.same_filters(&ViewQuery::parse("org=a&org=b")));
    }
}
