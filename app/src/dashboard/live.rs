//! The dashboard panel's state, shared by its parts (the filter form, the events) through
//! context: what is on screen, and how a filter change, a layout switch, Back and Forward and
//! "Show more" change it. Each asks `get_dashboard` (the read model the page itself was
//! rendered from) and updates the panel in place, with the address bar following
//! (`history.pushState`).

use std::time::Duration;

use leptos::prelude::*;

use super::query::{DashboardQuery, Layout, ViewQuery};
use super::{Dashboard, DashboardEvent, get_dashboard, get_dashboard_marker};

/// The page's address: every view of the dashboard is this path and a query.
pub(super) const PATH: &str = "/dashboard";
/// How often the open page asks whether a sync changed anything.
const MARKER_EVERY: Duration = Duration::from_secs(20);

/// Why the panel asks for new data, which decides what else happens around it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Visit {
    /// The viewer changed a filter or the layout: a new history entry.
    Choice,
    /// The viewer cleared the filters: a new history entry, and the form starts over.
    Clear,
    /// Back or Forward: the address bar already says what to show, and the form follows it.
    History,
    /// A sync changed the events: the same view, its data again.
    Refresh,
}

/// The panel's state, shared by its parts through context.
#[derive(Clone, Copy)]
pub(super) struct LiveView {
    /// The data on screen (its first page).
    pub shown: RwSignal<Dashboard>,
    /// The pages "Show more" appended to it, and where the next one starts.
    pub more: RwSignal<Vec<DashboardEvent>>,
    pub next: RwSignal<Option<String>>,
    /// The query of what is on screen.
    pub query: RwSignal<ViewQuery>,
    /// The query last asked for (it is on screen once its answer arrived).
    asked: StoredValue<ViewQuery>,
    pub loading: RwSignal<bool>,
    pub loading_more: RwSignal<bool>,
    /// What went wrong with the last question, in words for the viewer.
    pub problem: RwSignal<Option<String>>,
    /// Said to screen readers when the results change.
    pub announced: RwSignal<String>,
    /// The number of the newest question, and of the one whose answer is on screen: an answer
    /// to an older question than the newest is dropped.
    asked_number: StoredValue<u64>,
    shown_number: StoredValue<u64>,
}

impl LiveView {
    fn new(dashboard: Dashboard, query: ViewQuery) -> Self {
        Self {
            more: RwSignal::new(Vec::new()),
            next: RwSignal::new(dashboard.next.clone()),
            shown: RwSignal::new(dashboard),
            query: RwSignal::new(query.clone()),
            asked: StoredValue::new(query),
            loading: RwSignal::new(false),
            loading_more: RwSignal::new(false),
            problem: RwSignal::new(None),
            announced: RwSignal::new(String::new()),
            asked_number: StoredValue::new(0),
            shown_number: StoredValue::new(0),
        }
    }

    /// The panel's state for `dashboard`, the view `query` names: given to the panel's parts,
    /// following Back and Forward, and watching for syncs that change the events.
    pub(super) fn start(dashboard: Dashboard, query: ViewQuery) -> Self {
        let live = Self::new(dashboard, query);
        provide_context(live);
        live.follow_history();
        live.watch_for_changes();
        live
    }

    pub(super) fn expect() -> Self {
        expect_context::<Self>()
    }

    /// The query last asked for: a choice made while an answer is on its way builds on it.
    pub(super) fn asked(self) -> ViewQuery {
        self.asked.get_value()
    }

    /// Shows the view `next` says, asking the server unless only the layout differs.
    pub(super) fn visit(self, next: ViewQuery, why: Visit) {
        let same_filters = self.asked.with_value(|asked| asked.same_filters(&next));
        let link = matches!(why, Visit::Choice | Visit::Clear).then(|| next.link(PATH));
        self.asked.set_value(next.clone());
        if same_filters && why != Visit::Refresh {
            if let Some(link) = &link {
                push_history(link);
            }
            // An answer on its way shows this layout when it arrives.
            if !self.loading.get_untracked() {
                keep_focus(|| self.query.set(next));
            }
            return;
        }
        let number = self.asked_number.get_value().wrapping_add(1);
        self.asked_number.set_value(number);
        // Asked first: the question is on its way before the page shows it is waiting (the
        // tasks run in the order they were queued).
        let filters = next.filters();
        leptos::task::spawn_local(async move {
            let answer = get_dashboard(filters).await;
            if self.asked_number.get_value() != number {
                return;
            }
            self.loading.set(false);
            match answer {
                Ok(dashboard) => self.show(dashboard, number, why),
                Err(err) => {
                    let text = err.to_string();
                    self.announced.set(text.clone());
                    self.problem.set(Some(text));
                }
            }
        });
        if let Some(link) = &link {
            push_history(link);
        }
        self.loading.set(true);
    }

    fn show(self, dashboard: Dashboard, number: u64, why: Visit) {
        if why != Visit::Refresh {
            self.announced.set(announcement(&dashboard));
        }
        self.next.set(dashboard.next.clone());
        self.more.set(Vec::new());
        self.problem.set(None);
        self.shown_number.set_value(number);
        // The form is rendered again from these two.
        keep_focus(|| {
            self.shown.set(dashboard);
            self.query.set(self.asked.get_value());
        });
    }

    /// "Clear": every filter off, in the layout on screen.
    pub(super) fn clear(self) {
        let layout = self.asked().layout();
        let next = match layout {
            Layout::ByOrganization => ViewQuery::default(),
            Layout::ByDay => ViewQuery::default().with("layout", layout.as_str()),
        };
        self.visit(next, Visit::Clear);
    }

    /// "Show more": the next page of the view on screen, appended.
    pub(super) fn load_more(self) {
        let Some(cursor) = self.next.get_untracked() else {
            return;
        };
        let number = self.shown_number.get_value();
        let filters = self
            .query
            .with_untracked(|query| query.with("after", &cursor).filters());
        self.loading_more.set(true);
        leptos::task::spawn_local(async move {
            let answer = get_dashboard(filters).await;
            self.loading_more.set(false);
            // Another view replaced the one this page belongs to.
            if self.shown_number.get_value() != number {
                return;
            }
            match answer {
                Ok(page) => {
                    let added = page.events.len();
                    self.more.update(|more| more.extend(page.events));
                    self.next.set(page.next);
                    self.announced.set(match added {
                        1 => "1 more event shown.".to_owned(),
                        n => format!("{n} more events shown."),
                    });
                }
                Err(err) => self.problem.set(Some(err.to_string())),
            }
        });
    }

    /// Back and Forward show the view their address names.
    fn follow_history(self) {
        let listener = window_event_listener(leptos::ev::popstate, move |_| {
            match window().location().search() {
                Ok(search) => self.visit(ViewQuery::parse(&search), Visit::History),
                Err(err) => leptos::logging::warn!("could not read the address: {err:?}"),
            }
        });
        on_cleanup(move || listener.remove());
    }

    /// Polls the change marker while the page is open; a new one reloads the view on screen
    /// (which stays meanwhile).
    fn watch_for_changes(self) {
        Effect::new(move |_| {
            let handle = set_interval_with_handle(
                move || {
                    let marker = self.shown.with_untracked(|dashboard| dashboard.marker);
                    leptos::task::spawn_local(async move {
                        match get_dashboard_marker().await {
                            Ok(current) if current != marker => {
                                self.visit(self.asked(), Visit::Refresh);
                            }
                            Ok(_) => {}
                            // The next tick asks again.
                            Err(err) => {
                                leptos::logging::warn!("could not check for new events: {err}");
                            }
                        }
                    });
                },
                MARKER_EVERY,
            );
            match handle {
                Ok(handle) => on_cleanup(move || handle.clear()),
                Err(err) => leptos::logging::warn!("cannot watch for new events: {err:?}"),
            }
        });
    }
}

/// A new entry in the browser's history for `url` (same page, new query).
fn push_history(url: &str) {
    let pushed = window().history().and_then(|history| {
        history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(url))
    });
    if let Err(err) = pushed {
        leptos::logging::warn!("could not update the address: {err:?}");
    }
}

/// Runs `update`, which renders the filter form again, and gives the focus back to the field
/// that had it (by its id: the new form's fields have the same ones).
fn keep_focus(update: impl FnOnce()) {
    let focused = document()
        .active_element()
        .map(|element| element.id())
        .filter(|id| !id.is_empty());
    update();
    if let Some(id) = focused {
        // After the render, which happens before the next frame.
        request_animation_frame(move || {
            use leptos::wasm_bindgen::JsCast;
            // Updated in place, the field still has it.
            if document()
                .active_element()
                .is_some_and(|field| field.id() == id)
            {
                return;
            }
            let field = document()
                .get_element_by_id(&id)
                .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlElement>().ok());
            if let Some(Err(err)) = field.map(|field| field.focus()) {
                leptos::logging::warn!("could not keep the focus on #{id}: {err:?}");
            }
        });
    }
}

/// A click that follows a link in this tab (not one opening it elsewhere): the panel may
/// show its view in place instead.
pub(super) fn plain_click(ev: &leptos::ev::MouseEvent) -> bool {
    ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}

/// What a screen reader says once new results are on screen.
fn announcement(dashboard: &Dashboard) -> String {
    announce(
        dashboard.events.len(),
        dashboard.next.is_some(),
        &dashboard.range_label,
    )
}

fn announce(count: usize, more_follow: bool, label: &str) -> String {
    match (count, more_follow) {
        (0, _) => format!("No upcoming events match these filters ({label})."),
        (1, _) => format!("1 event, {label}."),
        (n, false) => format!("{n} events, {label}."),
        (n, true) => format!("{n} events, {label}; Show more loads the rest."),
    }
}

#[cfg(test)]
mod tests {
    use super::announce;

    #[test]
    fn the_announcement_says_how_many_and_whether_more_follow() {
        assert_eq!(
            announce(0, false, "This week"),
            "No upcoming events match these filters (This week)."
        );
        assert_eq!(announce(1, false, "Next 30 days"), "1 event, Next 30 days.");
        assert_eq!(
            announce(7, false, "Next 30 days"),
            "7 events, Next 30 days."
        );
        assert_eq!(
            announce(20, true, "Next 90 days"),
            "20 events, Next 90 days; Show more loads the rest."
        );
    }
}
