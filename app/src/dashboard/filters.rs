//! The dashboard's filter form (part of the panel's island, `panel.rs`): a GET form, so without
//! JavaScript every change is a page load and a filtered view a plain link. Once hydrated, the
//! form's view is shown in place: on Apply or Enter in a text field, and at once when a list or
//! checkbox changes, an organization is picked or both custom dates are chosen.
//!
//! The form always shows the view on screen: it is rendered again when that changes (in place:
//! fields are updated, not replaced, so the focus stays), and its events are handled where they
//! bubble to, its container.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlFormElement};

use super::live::{LiveView, PATH, Visit};
use super::query::{DashboardQuery, Layout, ViewQuery};
use super::{Dashboard, OrganizationOption, get_organization_options};
use convene_types::{Attendance, DashboardRange};

/// The form's id, and the ids of the fields its handlers look for.
const FORM: &str = "dashboard-filters";
const RANGE: &str = "filter-range";
const PICKER: &str = "filter-org-add";
const CLEAR: &str = "filter-clear";
/// The custom range's date fields, shown only for that range.
const DATE_FIELDS: [&str; 2] = ["filter-from-field", "filter-to-field"];

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

#[component]
pub(super) fn FilterForm() -> impl IntoView {
    let live = LiveView::expect();
    // None: not asked for yet (or the last attempt failed); Some: loading or loaded.
    let options = RwSignal::new(None::<Vec<OrganizationOption>>);

    let submitted = move |ev: leptos::ev::SubmitEvent| {
        // Where the form cannot be read, it submits as it does without JavaScript.
        if apply(live) {
            ev.prevent_default();
        }
    };
    let changed = move |ev: leptos::ev::Event| {
        let field: Element = event_target(&ev);
        match (
            field.tag_name().as_str(),
            field.get_attribute("type").as_deref(),
        ) {
            ("SELECT", _) if field.id() == RANGE => {
                let custom = event_target_value(&ev) == DashboardRange::Custom.as_str();
                show_date_fields(custom);
                // Custom dates apply once both are chosen.
                if !custom || both_dates_chosen() {
                    apply_or_submit(live);
                }
            }
            ("INPUT", Some("date")) if both_dates_chosen() => apply_or_submit(live),
            ("SELECT", _) | ("INPUT", Some("checkbox")) => apply_or_submit(live),
            // Text waits for Enter or Apply.
            _ => {}
        }
    };
    let clicked = move |ev: leptos::ev::MouseEvent| {
        if !super::live::plain_click(&ev) {
            return;
        }
        let target: Element = event_target(&ev);
        let Ok(Some(link)) = target.closest("a[data-layout], #filter-clear") else {
            return;
        };
        ev.prevent_default();
        if link.id() == CLEAR {
            live.clear();
        } else {
            let layout = link.get_attribute("data-layout").unwrap_or_default();
            live.visit(live.asked().with("layout", &layout), Visit::Choice);
        }
    };
    // "Add an organization" offers every organization, fetched the first time it gets focus, so
    // the page stays small however many there are.
    let focused = move |ev: leptos::ev::FocusEvent| {
        let field: Element = event_target(&ev);
        if field.id() != PICKER || options.get_untracked().is_some() {
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
    let typed = move |ev: leptos::ev::Event| {
        let field: Element = event_target(&ev);
        if field.id() != PICKER {
            return;
        }
        let value = event_target_value(&ev);
        let known = options.with_untracked(|list| {
            list.as_ref()
                .is_some_and(|list| list.iter().any(|option| option.slug == value))
        });
        if known {
            apply_or_submit(live);
        }
    };

    view! {
        <section class="panel filters" aria-labelledby="filters-heading">
            <h2 id="filters-heading" class="visually-hidden">
                "Filters"
            </h2>
            <div
                class="filter-controls"
                on:submit=submitted
                on:change=changed
                on:click=clicked
                on:focusin=focused
                on:input=typed
            >
                {move || live.query.with(|query| live.shown.with(|shown| form_view(query, shown)))}
            </div>
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
            <div class="filter-footer">
                <p class="card-meta">
                    {move || live.shown.with(|shown| shown.range_label.clone())}
                </p>
            </div>
        </section>
    }
}

/// The layout links and the form for `query`'s view, whose read model is `shown`: chips for the
/// viewer's organizations and the chosen ones (any other is one pick away), and the topics of
/// upcoming events. Values are properties too (`prop:`): once a person has typed or chosen,
/// only the property changes what a field shows.
fn form_view(query: &ViewQuery, shown: &Dashboard) -> impl IntoView + use<> {
    let layout = query.layout();
    let layout_link = |option: Layout, text: &'static str| {
        view! {
            <a
                id=format!("layout-{}", option.as_str())
                data-layout=option.as_str()
                href=query.with("layout", option.as_str()).link(PATH)
                aria-current=(layout == option).then_some("page")
            >
                {text}
            </a>
        }
    };
    let current = |key: &str| query.get(key).to_owned();
    let custom = shown.range == DashboardRange::Custom;
    let topic = query.get("topic");
    // A topic asked for that no upcoming event has stays chosen.
    let unknown_topic =
        (!topic.is_empty() && !shown.topics.iter().any(|option| option.slug == topic)).then(|| {
            view! {
                <option value=topic.to_owned() selected>
                    {topic.to_owned()}
                </option>
            }
        });
    let online = query.get("online") == "1";
    let chips = shown
        .organizations
        .iter()
        .map(|org| {
            view! {
                <label class="chip">
                    <input
                        type="checkbox"
                        id=format!("filter-org-{}", org.slug)
                        name="org"
                        value=org.slug.clone()
                        checked=org.chosen
                        prop:checked=org.chosen
                    />
                    {org.name.clone()}
                </label>
            }
        })
        .collect_view();
    view! {
        <nav class="view-switch" aria-label="Layout">
            {layout_link(Layout::ByOrganization, "By organization")}
            {layout_link(Layout::ByDay, "By day")}
            // Pages of their own, rendered on the server: plain links.
            <a id="layout-month" href=query.without(&["after"]).with("layout", "month").link(PATH)>
                "Month"
            </a>
            <a id="layout-map" href=query.without(&["after"]).with("layout", "map").link(PATH)>
                "Map"
            </a>
        </nav>
        <form id=FORM method="get" action=PATH>
            <input type="hidden" name="layout" value=layout.as_str() />
            <div class="filter-grid">
                <div class="field">
                    <label for="filter-q">"Search"</label>
                    <input
                        id="filter-q"
                        type="search"
                        name="q"
                        value=current("q")
                        prop:value=current("q")
                        placeholder="Title or place"
                    />
                </div>
                <div class="field">
                    <label for=RANGE>"When"</label>
                    <select id=RANGE name="range" prop:value=shown.range.as_str()>
                        {DashboardRange::ALL
                            .iter()
                            .map(|&option| {
                                view! {
                                    <option value=option.as_str() selected=option == shown.range>
                                        {range_label(option)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field" id=DATE_FIELDS[0] hidden=!custom>
                    <label for="filter-from">"From"</label>
                    <input
                        id="filter-from"
                        type="date"
                        name="from"
                        value=current("from")
                        prop:value=current("from")
                    />
                </div>
                <div class="field" id=DATE_FIELDS[1] hidden=!custom>
                    <label for="filter-to">"To"</label>
                    <input
                        id="filter-to"
                        type="date"
                        name="to"
                        value=current("to")
                        prop:value=current("to")
                    />
                </div>
                <div class="field">
                    <label for="filter-topic">"Topic"</label>
                    <select id="filter-topic" name="topic" prop:value=topic.to_owned()>
                        <option value="">"Any topic"</option>
                        {shown
                            .topics
                            .iter()
                            .map(|option| {
                                view! {
                                    <option value=option.slug.clone() selected=option.slug == topic>
                                        {option.name.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                        {unknown_topic}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-mode">"Where"</label>
                    <select id="filter-mode" name="mode" prop:value=shown.attendance.as_str()>
                        {Attendance::ALL
                            .iter()
                            .map(|&option| {
                                view! {
                                    <option
                                        value=option.as_str()
                                        selected=option == shown.attendance
                                    >
                                        {attendance_label(option)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-near">"Near"</label>
                    <input
                        id="filter-near"
                        type="search"
                        name="near"
                        value=current("near")
                        prop:value=current("near")
                        placeholder="City"
                        autocomplete="address-level2"
                    />
                </div>
                <div class="field">
                    <label for="filter-km">"Within (km)"</label>
                    <input
                        id="filter-km"
                        type="number"
                        name="km"
                        min="1"
                        max="500"
                        placeholder="50"
                        value=current("km")
                        prop:value=current("km")
                    />
                </div>
                <label class="check near-online">
                    <input
                        type="checkbox"
                        id="filter-online"
                        name="online"
                        value="1"
                        checked=online
                        prop:checked=online
                    />
                    "Online events too"
                </label>
            </div>
            <fieldset class="org-filter">
                <legend>"Organizations"</legend>
                <div class="chips">{chips}</div>
                // A typed name works too (the server matches slugs and names), with or
                // without JavaScript.
                <div class="field org-picker">
                    <label for=PICKER>"Add an organization"</label>
                    <input
                        id=PICKER
                        type="search"
                        name="org"
                        list="org-options"
                        autocomplete="off"
                        placeholder="Organization name"
                        // Empty again once a pick is applied: it is a chip now.
                        prop:value=""
                    />
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button">
                    "Apply"
                </button>
                <a class="button button-secondary" id=CLEAR href=PATH>
                    "Clear"
                </a>
            </div>
        </form>
    }
}

fn the_form() -> Option<HtmlFormElement> {
    document().get_element_by_id(FORM)?.dyn_into().ok()
}

/// The view the form describes, as its submission would ask for it (empty fields left out).
fn form_query(form: &HtmlFormElement) -> Result<ViewQuery, leptos::wasm_bindgen::JsValue> {
    let data = leptos::web_sys::FormData::new_with_form(form)?;
    let search = leptos::web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)?;
    Ok(ViewQuery::parse(&String::from(search.to_string())).without_empty())
}

fn both_dates_chosen() -> bool {
    the_form()
        .and_then(|form| form_query(&form).ok())
        .is_some_and(|query| !query.get("from").is_empty() && !query.get("to").is_empty())
}

fn show_date_fields(shown: bool) {
    for id in DATE_FIELDS {
        if let Some(field) = document().get_element_by_id(id)
            && let Err(err) = field.toggle_attribute_with_force("hidden", !shown)
        {
            leptos::logging::warn!("could not show the date fields: {err:?}");
        }
    }
}

/// Shows the view the form describes, in place (in the layout on screen, whatever the form's
/// hidden field says: the layout is the panel's links'); false when the form cannot be read.
fn apply(live: LiveView) -> bool {
    match the_form()
        .ok_or("the form is missing")
        .and_then(|form| form_query(&form).map_err(|_| "its fields could not be read"))
    {
        Ok(query) => {
            let layout = live.asked().layout();
            live.visit(query.with("layout", layout.as_str()), Visit::Choice);
            true
        }
        Err(problem) => {
            leptos::logging::warn!("applying the filters with a page load: {problem}");
            false
        }
    }
}

/// A choice that applies at once: shown in place, straight from the change (no submit event
/// to go through first), or, where the form cannot be read, submitted as a page load.
fn apply_or_submit(live: LiveView) {
    if apply(live) {
        return;
    }
    match the_form().map(|form| form.submit()) {
        Some(Ok(())) => {}
        Some(Err(err)) => leptos::logging::warn!("could not apply the filters: {err:?}"),
        None => leptos::logging::warn!("the filter form is missing"),
    }
}

#[cfg(test)]
mod tests {
    use leptos::prelude::RenderHtml;

    use super::{ViewQuery, form_view};
    use crate::dashboard::{Dashboard, OrganizationChoice};
    use convene_types::views::TopicOption;
    use convene_types::{Attendance, DashboardRange};

    fn shown(name: &str) -> Dashboard {
        Dashboard {
            signed_in: true,
            events: Vec::new(),
            organizations: vec![OrganizationChoice {
                slug: "rust-berlin".to_owned(),
                name: name.to_owned(),
                mine: true,
                chosen: true,
                shows_events: true,
                viewer_can_manage: false,
            }],
            next: None,
            range: DashboardRange::Custom,
            range_label: "1 Dec – 8 Dec".to_owned(),
            attendance: Attendance::Online,
            marker: 0,
            topics: vec![TopicOption {
                slug: "talks".to_owned(),
                name: "Talks".to_owned(),
                events: 3,
            }],
        }
    }

    #[test]
    fn the_form_shows_the_view_and_its_text_cannot_become_markup() {
        let query = ViewQuery::parse(
            "layout=day&q=%22%3E%3Cscript%3E&range=custom&from=2026-12-01&to=2026-12-08&org=rust-berlin&topic=%3Cb%3E",
        );
        let html = form_view(&query, &shown("<img src=x onerror=alert(1)> & \"Co\"")).to_html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(
            html.contains(r#"&lt;img src=x onerror=alert(1)&gt; &amp; "Co""#),
            "{html}"
        );
        assert!(
            html.contains(r#"value="&quot;&gt;&lt;script&gt;""#),
            "{html}"
        );
        assert!(
            html.contains(r#"id="layout-day" data-layout="day""#),
            "{html}"
        );
        assert!(html.contains(r#"aria-current="page">By day"#), "{html}");
        assert!(html.contains(r#"value="online" selected"#), "{html}");
        assert!(html.contains(r#"value="custom" selected"#), "{html}");
        assert!(
            html.contains(r#"id="filter-org-rust-berlin" name="org" value="rust-berlin" checked"#),
            "{html}"
        );
        // The custom range shows its dates; the unknown topic stays chosen.
        assert_eq!(html.matches(" hidden").count(), 0, "{html}");
        assert!(html.contains(r#"value="2026-12-08""#), "{html}");
        assert!(
            html.contains(r#"<option value="&lt;b&gt;" selected>"#),
            "{html}"
        );

        let week = Dashboard {
            range: DashboardRange::Week,
            ..shown("Rust Berlin")
        };
        let html = form_view(&ViewQuery::parse("range=week"), &week).to_html();
        assert_eq!(html.matches(" hidden").count(), 2, "{html}");
        assert!(html.contains(r#"id="layout-org" data-layout="org" href="/dashboard?range=week&amp;layout=org" aria-current="page""#), "{html}");
    }
}
