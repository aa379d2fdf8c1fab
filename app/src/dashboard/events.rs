//! The dashboard's events: an island (`EventsPanel`) that starts from the data the page was
//! rendered with, shows them by organization or by day, in each event's timezone or the
//! viewer's, appends "Show more" pages, and reloads quietly when a sync changed them.

use std::time::Duration;

use leptos::prelude::*;

use super::browser;
use super::filters::{PageQuery, with_query};
use super::page::Layout;
use super::{
    Dashboard, DashboardEvent, DashboardFilters, OrganizationChoice, get_dashboard,
    get_dashboard_marker,
};
use crate::error::AppError;
use crate::events::RegisterLink;
use crate::island_data::Packed;

/// How often the open page asks whether a sync changed anything.
const MARKER_EVERY: Duration = Duration::from_secs(20);
/// Where the "times in my timezone" choice is remembered.
const VIEWER_ZONE_KEY: &str = "convene.viewerTimezone";

/// The viewer's timezone, once known (after hydration), and whether to show times in it.
#[derive(Clone, Copy)]
struct ViewerZone {
    name: RwSignal<Option<String>>,
    enabled: RwSignal<bool>,
}

impl ViewerZone {
    /// Unknown until hydrated; then the browser's zone and the remembered choice.
    fn after_hydration() -> Self {
        let zone = ViewerZone {
            name: RwSignal::new(None),
            enabled: RwSignal::new(false),
        };
        Effect::new(move |_| {
            zone.name.set(browser::timezone());
            zone.enabled.set(browser::remembered(VIEWER_ZONE_KEY));
        });
        zone
    }
}

/// The events, interactive: times in the viewer's timezone on request, "Show more", and a quiet
/// reload when a sync changed them. Its data travels in the page beside it (`Packed`), so the
/// island starts from what the server rendered.
#[island]
pub(super) fn EventsPanel(
    dashboard: Packed<Dashboard>,
    filters: DashboardFilters,
    layout: Layout,
    /// The page's query, in order (links that change one filter keep the others).
    query: Vec<(String, String)>,
) -> impl IntoView {
    crate::mark_hydrated();
    let dashboard = match dashboard.unpack() {
        Ok(dashboard) => dashboard,
        Err(err) => {
            leptos::logging::error!("the dashboard's data did not decode: {err}");
            return view! { <p class="notice notice-error">{AppError::Internal.to_string()}</p> }
                .into_any();
        }
    };
    provide_context(PageQuery(query));
    let zone = ViewerZone::after_hydration();
    provide_context(zone);
    let shown = RwSignal::new(dashboard);
    watch_for_changes(shown, filters.clone());
    view! {
        <div class="events-panel">
            <TimezoneChoice zone />
            {move || view! { <EventsView dashboard=shown.get() filters=filters.clone() layout /> }}
        </div>
    }
    .into_any()
}

/// "Show times in my timezone", remembered in the browser (disabled until the island knows the
/// browser's zone).
#[component]
fn TimezoneChoice(zone: ViewerZone) -> impl IntoView {
    view! {
        <p class="timezone-choice">
            <label class="choice">
                <input
                    type="checkbox"
                    prop:checked=move || zone.enabled.get()
                    disabled=move || zone.name.get().is_none()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        zone.enabled.set(on);
                        browser::remember(VIEWER_ZONE_KEY, on);
                    }
                />
                " Show times in my timezone"
                {move || zone.name.get().map(|name| format!(" ({name})"))}
            </label>
        </p>
    }
}

/// Polls the change marker while the page is open; a new one reloads the data (the old list
/// stays on screen meanwhile).
fn watch_for_changes(shown: RwSignal<Dashboard>, filters: DashboardFilters) {
    Effect::new(move |_| {
        let filters = filters.clone();
        let handle = set_interval_with_handle(
            move || {
                let marker = shown.with_untracked(|dashboard| dashboard.marker);
                let filters = filters.clone();
                leptos::task::spawn_local(async move {
                    let changed = match get_dashboard_marker().await {
                        Ok(current) => current != marker,
                        // The next tick asks again.
                        Err(err) => {
                            leptos::logging::warn!("could not check for new events: {err}");
                            false
                        }
                    };
                    if changed {
                        match get_dashboard(filters).await {
                            Ok(dashboard) => shown.set(dashboard),
                            Err(err) => {
                                leptos::logging::warn!("could not reload the events: {err}");
                            }
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

#[component]
fn EventsView(dashboard: Dashboard, filters: DashboardFilters, layout: Layout) -> impl IntoView {
    // "Show more" appends pages here; a new first page (new filters) starts over.
    let more = RwSignal::new(Vec::<DashboardEvent>::new());
    let next = RwSignal::new(dashboard.next.clone());
    let load_more = Action::new(move |after: &String| {
        let filters = DashboardFilters {
            after: after.clone(),
            ..filters.clone()
        };
        async move { get_dashboard(filters).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            more.update(|events| events.extend(page.events));
            next.set(page.next);
        }
    });
    let first_page = dashboard.events.clone();
    // A memo: the sections below borrow the list instead of each copying it.
    let events = Signal::from(Memo::new(move |_| {
        let mut all = first_page.clone();
        more.with(|more| all.extend(more.iter().cloned()));
        all
    }));
    let signed_in = dashboard.signed_in;
    let organizations = dashboard.organizations.clone();
    let no_events = dashboard.events.is_empty();

    view! {
        {if no_events {
            view! {
                <section class="empty-state">
                    <p>"No upcoming events match these filters."</p>
                    <p>
                        <a href="/dashboard">"Clear the filters"</a>
                        " or "
                        <a href="/orgs">"browse organizations"</a>"."
                    </p>
                </section>
            }
            .into_any()
        } else {
            view! {
                {match layout {
                    Layout::ByOrganization => view! { <ByOrganization events signed_in organizations=organizations.clone() /> }.into_any(),
                    Layout::ByDay => view! { <ByDay events /> }.into_any(),
                }}
            }
            .into_any()
        }}
        {move || {
            next.get()
                .map(|cursor| {
                    let href = with_query("after", &cursor);
                    let on_click = {
                        let cursor = cursor.clone();
                        move |ev: leptos::ev::MouseEvent| {
                            ev.prevent_default();
                            load_more.dispatch(cursor.clone());
                        }
                    };
                    view! {
                        <p class="show-more">
                            <a class="button button-secondary" href=href on:click=on_click>
                                {move || if load_more.pending().get() { "Loading…" } else { "Show more" }}
                            </a>
                        </p>
                    }
                })
        }}
    }
}

/// Groups in order of first appearance (the events come in start order).
fn group<K: PartialEq + Clone>(
    events: &[DashboardEvent],
    key: impl Fn(&DashboardEvent) -> K,
) -> Vec<(K, Vec<DashboardEvent>)> {
    let mut groups: Vec<(K, Vec<DashboardEvent>)> = Vec::new();
    for event in events {
        let k = key(event);
        match groups.iter_mut().find(|(existing, _)| *existing == k) {
            Some((_, members)) => members.push(event.clone()),
            None => groups.push((k, vec![event.clone()])),
        }
    }
    groups
}

#[component]
fn ByOrganization(
    events: Signal<Vec<DashboardEvent>>,
    signed_in: bool,
    organizations: Vec<OrganizationChoice>,
) -> impl IntoView {
    let member_of_none = signed_in && !organizations.iter().any(|org| org.mine);
    let section = move |mine: bool| {
        // Disposed when the client went away mid-render (seen under wrk): nothing to render
        // for nobody, rather than a panic in the render task.
        let chosen: Vec<DashboardEvent> = events
            .try_with(|events| {
                events
                    .iter()
                    .filter(|event| !signed_in || event.mine == mine)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        group(&chosen, |event| (event.org_slug.clone(), event.org_name.clone()))
            .into_iter()
            .map(|((slug, name), events)| {
                view! {
                    <section class="org-group">
                        <h3><a href=format!("/orgs/{slug}")>{name}</a></h3>
                        <ul class="dash-list">
                            {events.into_iter().map(|event| view! { <EventCard event show_org=false /> }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()
    };
    if !signed_in {
        return view! {
            <section aria-labelledby="all-heading">
                <h2 id="all-heading">"Upcoming events"</h2>
                {move || section(false)}
            </section>
        }
        .into_any();
    }
    view! {
        <section aria-labelledby="yours-heading">
            <h2 id="yours-heading">"Your orgs"</h2>
            {if member_of_none {
                view! {
                    <p class="empty-state">
                        "You have not joined any organization yet. "
                        <a href="/orgs">"Browse organizations"</a>
                    </p>
                }
                .into_any()
            } else {
                view! {
                    {move || {
                        let mine = section(true);
                        let empty = !events.with(|events| events.iter().any(|event| event.mine));
                        if empty {
                            view! { <p class="card-meta">"Nothing coming up in your organizations for these filters."</p> }.into_any()
                        } else {
                            mine.into_any()
                        }
                    }}
                }
                .into_any()
            }}
        </section>
        <section aria-labelledby="others-heading">
            <h2 id="others-heading">"Other orgs"</h2>
            {move || section(false)}
        </section>
    }
    .into_any()
}

#[component]
fn ByDay(events: Signal<Vec<DashboardEvent>>) -> impl IntoView {
    let zone = expect_context::<ViewerZone>();
    move || {
        // Days follow the times shown: the event's own zone, or the viewer's when asked for.
        let in_viewer_zone = zone.enabled.get();
        events.with(|events| group(events, |event| {
            // An all-day event's day is its date, wherever the viewer is.
            (in_viewer_zone && !event.all_day)
                .then(|| browser::day_label_in_viewer_zone(&event.start_utc))
                .flatten()
                .unwrap_or_else(|| event.day_label.clone())
        }))
            .into_iter()
            .map(|(day, events)| {
                view! {
                    <section class="day-group">
                        <h2>{day}</h2>
                        <ul class="dash-list">
                            {events.into_iter().map(|event| view! { <EventCard event show_org=true /> }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()
    }
}

#[component]
fn EventCard(event: DashboardEvent, show_org: bool) -> impl IntoView {
    let zone = expect_context::<ViewerZone>();
    let start_utc = event.start_utc.clone();
    let end_utc = event.end_utc.clone();
    let event_zone_time = event.when.clone();
    let all_day = event.all_day;
    let time = move || {
        if zone.enabled.get() && !all_day {
            browser::in_viewer_zone(&start_utc, &end_utc).unwrap_or_else(|| event_zone_time.clone())
        } else {
            event_zone_time.clone()
        }
    };
    let register = event.event_url.clone().map(|url| {
        view! {
            <RegisterLink url luma_id=event.luma_id.clone() for_title=event.title.clone() />
        }
    });
    view! {
        <li class="dash-card" data-event=event.luma_id.clone() data-org=event.org_slug.clone()>
            {match event.cover_url.clone() {
                Some(url) => view! { <img class="dash-cover" src=url alt="" loading="lazy" width="160" height="90" /> }.into_any(),
                None => view! { <div class="dash-cover dash-cover-empty" aria-hidden="true"></div> }.into_any(),
            }}
            <div class="dash-body">
                <h4>
                    {match event.page_url.clone() {
                        Some(url) => view! { <a href=url>{event.title.clone()}</a> }.into_any(),
                        None => event.title.clone().into_any(),
                    }}
                    {event.members_only.then(|| view! { " " <span class="badge badge-members">"Members only"</span> })}
                </h4>
                {(show_org || event.cross_listed || !event.also_listed_by.is_empty()).then(|| view! {
                    <p class="dash-org">
                        {if event.also_listed_by.is_empty() { None } else { Some("Hosted by ") }}
                        <a href=format!("/orgs/{}", event.org_slug)>{event.org_name.clone()}</a>
                        {(!event.also_listed_by.is_empty()).then(|| format!(" with {}", event.also_listed_by.join(", ")))}
                        {(event.cross_listed && event.also_listed_by.is_empty()).then_some(" · listed from another calendar")}
                    </p>
                })}
                <p class="dash-time">
                    <time datetime=event.start_utc.clone() title=event.timezone.clone()>{time}</time>
                    <span class="dash-hint">{event.hint.clone()}</span>
                </p>
                <p class="dash-place">
                    {event.location.clone()}
                    {event.address_hidden.then(|| view! { <span class="address-note">" · Address shared with registered guests on lu.ma"</span> })}
                </p>
            </div>
            <div class="dash-actions">
                {register}
                <details class="add-to-calendar">
                    <summary>"Add to calendar"</summary>
                    <ul>
                        // rel=external: a file for calendar apps, not a page for the router.
                        {event.calendar_file.clone().map(|file| view! { <li><a href=file rel="external">"Calendar file (.ics)"</a></li> })}
                        <li>
                            <a href=event.google_calendar_url.clone() target="_blank" rel="noopener noreferrer">
                                "Google Calendar"
                            </a>
                        </li>
                    </ul>
                </details>
            </div>
        </li>
    }
}
