//! The dashboard's filter form: a GET form rendered on the server, so a filtered view is a plain
//! link. Its one island, the organization picker, also makes every change apply at once (a new
//! page load); without JavaScript the Apply button does.

use leptos::prelude::*;

use super::page::Layout;
use super::{Dashboard, OrganizationOption, get_organization_options};
use convene_types::{Attendance, DashboardRange};

fn range_label(range: DashboardRange) -> &'static str {
    match range {
        DashboardRange::Week => "This week",
        DashboardRange::Next30Days => "Next 30 days",
        DashboardRange::Next90Days => "Next 90 days",
        DashboardRange::Custom => "Custom dates",
    }
}

fn attendance_label(attendance: Attendance) -> &'static str {
    match attendance {
        Attendance::Any => "Online and in person",
        Attendance::Online => "Online",
        Attendance::InPerson => "In person",
    }
}

/// The page's query string, in order: the island has no router to ask.
#[derive(Clone)]
pub(super) struct PageQuery(pub(super) Vec<(String, String)>);

impl PageQuery {
    fn expect() -> Self {
        expect_context::<Self>()
    }

    /// The first value of `key`, or "".
    fn get(&self, key: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// What the filter form shows of the dashboard: its organizations, topics and range.
pub(super) struct FilterFacts {
    pub organizations: Vec<super::OrganizationChoice>,
    pub topics: Vec<convene_types::views::TopicOption>,
    pub range: DashboardRange,
    pub range_label: String,
    pub attendance: Attendance,
}

impl FilterFacts {
    pub fn of(dashboard: &Dashboard) -> Self {
        Self {
            organizations: dashboard.organizations.clone(),
            topics: dashboard.topics.clone(),
            range: dashboard.range,
            range_label: dashboard.range_label.clone(),
            attendance: dashboard.attendance,
        }
    }
}

#[component]
pub(super) fn FilterForm(
    /// The page's read model without its events (the form needs none of them).
    dashboard: FilterFacts,
    layout: Layout,
) -> impl IntoView {
    let query = PageQuery::expect();
    let current = move |key: &str| query.get(key);
    let hide_dates = current("range") != DashboardRange::Custom.as_str();
    let (range, attendance) = (dashboard.range, dashboard.attendance);
    // Chips for the viewer's organizations and the chosen ones; any other is one pick away.
    let organizations = dashboard
        .organizations
        .iter()
        .map(|org| {
            view! {
                <label class="chip">
                    <input
                        type="checkbox"
                        name="org"
                        value=org.slug.clone()
                        checked=org.chosen
                    />
                    {org.name.clone()}
                </label>
            }
        })
        .collect_view();
    let layout_value = match layout {
        Layout::ByDay => "day",
        Layout::ByOrganization => "org",
    };

    view! {
        <section class="panel filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading" class="visually-hidden">"Filters"</h2>
            <nav class="view-switch" aria-label="Layout">
                <a href=with_query("layout", "org") aria-current=(layout == Layout::ByOrganization).then_some("page")>
                    "By organization"
                </a>
                <a href=with_query("layout", "day") aria-current=(layout == Layout::ByDay).then_some("page")>
                    "By day"
                </a>
            </nav>
            <form id=FILTERS_FORM method="get" action="/dashboard">
                <input type="hidden" name="layout" value=layout_value />
                <div class="filter-grid">
                    <div class="field">
                        <label for="filter-q">"Search"</label>
                        <input id="filter-q" type="search" name="q" value=current("q") placeholder="Title or place" />
                    </div>
                    <div class="field">
                        <label for="filter-range">"When"</label>
                        <select id="filter-range" name="range">
                            {DashboardRange::ALL
                                .iter()
                                .map(|&option| view! {
                                    <option value=option.as_str() selected=option == range>
                                        {range_label(option)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field" hidden=hide_dates>
                        <label for="filter-from">"From"</label>
                        <input id="filter-from" type="date" name="from" value=current("from") />
                    </div>
                    <div class="field" hidden=hide_dates>
                        <label for="filter-to">"To"</label>
                        <input id="filter-to" type="date" name="to" value=current("to") />
                    </div>
                    <TopicChoice options=dashboard.topics.clone() current=current("topic") />
                    <div class="field">
                        <label for="filter-mode">"Where"</label>
                        <select id="filter-mode" name="mode">
                            {Attendance::ALL
                                .iter()
                                .map(|&option| view! {
                                    <option value=option.as_str() selected=option == attendance>
                                        {attendance_label(option)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                </div>
                <fieldset class="org-filter">
                    <legend>"Organizations"</legend>
                    <div class="chips">{organizations}</div>
                    <OrganizationPicker />
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button">"Apply"</button>
                    <a class="button button-secondary" href="/dashboard">"Clear"</a>
                </div>
            </form>
            <div class="filter-footer">
                <p class="card-meta">{dashboard.range_label.clone()}</p>
            </div>
        </section>
    }
}

/// The topics of upcoming events the viewer may see (most used first, part of the dashboard's
/// read model), and the chosen one.
#[component]
fn TopicChoice(mut options: Vec<crate::topics::TopicOption>, current: String) -> impl IntoView {
    if !current.is_empty() && !options.iter().any(|topic| topic.slug == current) {
        options.push(crate::topics::TopicOption {
            slug: current.clone(),
            name: current.clone(),
            events: 0,
        });
    }
    view! {
        <div class="field">
            <label for="filter-topic">"Topic"</label>
            <select id="filter-topic" name="topic">
                <option value="">"Any topic"</option>
                {options
                    .into_iter()
                    .map(|topic| {
                        let selected = topic.slug == current;
                        view! { <option value=topic.slug selected=selected>{topic.name}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// "Add an organization": a text field offering every organization by name. The list is
/// fetched the first time the field gets focus, so the page itself stays small however many
/// organizations there are. Choosing one applies it; a typed name works too (the server
/// matches slugs and names), with or without JavaScript. Once hydrated it also applies every
/// ticked organization and every chosen range or place at once.
#[island]
fn OrganizationPicker() -> impl IntoView {
    crate::mark_hydrated();
    // A change to a checkbox or a list anywhere in the filters: the text fields wait for Enter.
    let listener = window_event_listener(leptos::ev::change, |ev| {
        let field: leptos::web_sys::Element = event_target(&ev);
        let applies_at_once = matches!(field.tag_name().as_str(), "SELECT")
            || field.get_attribute("type").as_deref() == Some("checkbox");
        if applies_at_once
            && field
                .closest(&format!("#{FILTERS_FORM}"))
                .ok()
                .flatten()
                .is_some()
        {
            submit_filters();
        }
    });
    on_cleanup(move || listener.remove());
    // None: not asked for yet (or the last attempt failed); Some: loading or loaded.
    let options = RwSignal::new(None::<Vec<OrganizationOption>>);
    let load = move |_: leptos::ev::FocusEvent| {
        if options.get_untracked().is_some() {
            return;
        }
        options.set(Some(Vec::new()));
        leptos::task::spawn_local(async move {
            match get_organization_options().await {
                Ok(list) => options.set(Some(list)),
                Err(err) => {
                    options.set(None);
                    leptos::logging::warn!("could not load the organizations to pick from: {err}");
                }
            }
        });
    };
    // Picking from the list fills in a slug: apply it at once. Typing waits for Enter.
    let picked = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let known = options.with_untracked(|list| {
            list.as_ref()
                .is_some_and(|list| list.iter().any(|option| option.slug == value))
        });
        if known {
            submit_filters();
        }
    };
    view! {
        <div class="field org-picker">
            <label for="filter-org-add">"Add an organization"</label>
            <input
                id="filter-org-add"
                type="search"
                name="org"
                list="org-options"
                autocomplete="off"
                placeholder="Organization name"
                on:focus=load
                on:input=picked
            />
            <datalist id="org-options">
                {move || {
                    options
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|option| view! { <option value=option.slug>{option.name}</option> })
                        .collect_view()
                }}
            </datalist>
        </div>
    }
}

/// The filter form's id: the picker's island finds it by it.
const FILTERS_FORM: &str = "dashboard-filters";

/// Submits the filter form as its Apply button would (a new page load).
fn submit_filters() {
    use leptos::wasm_bindgen::JsCast;
    let form = document()
        .get_element_by_id(FILTERS_FORM)
        .and_then(|form| form.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
    match form.map(|form| form.request_submit()) {
        Some(Ok(())) => {}
        Some(Err(err)) => leptos::logging::warn!("could not apply the filters: {err:?}"),
        None => leptos::logging::warn!("the filter form is missing"),
    }
}

/// The current URL with `key` set to `value` (other filters kept).
pub(super) fn with_query(key: &str, value: &str) -> String {
    let mut pairs: Vec<(String, String)> = PageQuery::expect()
        .0
        .into_iter()
        .filter(|(k, _)| k != key)
        .collect();
    pairs.push((key.to_owned(), value.to_owned()));
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect();
    format!("/dashboard?{}", encoded.join("&"))
}

pub(super) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
