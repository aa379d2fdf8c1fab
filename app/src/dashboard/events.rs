//! The dashboard's events (part of the panel's island, `panel.rs`): by organization or by
//! day, in each event's timezone or the viewer's, with "Show more".

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use super::browser;
use super::live::{LiveView, PATH, plain_click};
use super::query::{DashboardQuery, Layout};
use super::{Dashboard, DashboardEvent};
use crate::events::RegisterLink;

/// Where the "times in my timezone" choice is remembered.
const VIEWER_ZONE_KEY: &str = "convene.viewerTimezone";

/// The viewer's timezone, once known (after hydration), and whether to show times in it.
#[derive(Clone, Copy)]
pub(super) struct ViewerZone {
    name: RwSignal<Option<String>>,
    enabled: RwSignal<bool>,
}

impl ViewerZone {
    /// Unknown until hydrated; then the browser's zone and the remembered choice.
    pub(super) fn after_hydration() -> Self {
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

/// "Show times in my timezone", remembered in the browser (disabled until the island knows the
/// browser's zone).
#[component]
pub(super) fn TimezoneChoice() -> impl IntoView {
    let zone = expect_context::<ViewerZone>();
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

/// The view's events in its layout, then "Show more" while there are more. The list is rendered
/// again when the view, its pages, the layout or the times' zone change.
#[component]
pub(super) fn EventsView() -> impl IntoView {
    let live = LiveView::expect();
    let zone = expect_context::<ViewerZone>();
    let list = move || {
        let layout = live.query.with(|query| query.layout());
        let in_viewer_zone = zone.enabled.get();
        live.shown.with(|shown| {
            live.more
                .with(|more| list_view(shown, more, layout, in_viewer_zone))
        })
    };
    // The empty list's "Clear the filters".
    let clicked = move |ev: leptos::ev::MouseEvent| {
        let target: leptos::web_sys::Element = event_target(&ev);
        if plain_click(&ev) && matches!(target.closest("a[data-clear]"), Ok(Some(_))) {
            ev.prevent_default();
            live.clear();
        }
    };
    let show_more = move || {
        live.next.get().map(|cursor| {
            let href = live
                .query
                .with(|query| query.with("after", &cursor).link(PATH));
            view! {
                <p class="show-more">
                    <a
                        class="button button-secondary"
                        href=href
                        on:click=move |ev: leptos::ev::MouseEvent| {
                            if plain_click(&ev) {
                                ev.prevent_default();
                                live.load_more();
                            }
                        }
                    >
                        {move || if live.loading_more.get() { "Loading…" } else { "Show more" }}
                    </a>
                </p>
            }
        })
    };
    view! {
        <div class="events-list" on:click=clicked>
            {list}
        </div>
        {show_more}
    }
}

/// The events of `shown` and the pages appended to it, in `layout`.
fn list_view(
    shown: &Dashboard,
    more: &[DashboardEvent],
    layout: Layout,
    in_viewer_zone: bool,
) -> impl IntoView + use<> {
    if shown.events.is_empty() {
        return EitherOf3::A(view! {
            <section class="empty-state">
                <p>"No upcoming events match these filters."</p>
                <p>
                    <a href=PATH data-clear="">
                        "Clear the filters"
                    </a>
                    " or "
                    <a href="/orgs">"browse organizations"</a>
                    "."
                </p>
            </section>
        });
    }
    let events: Vec<&DashboardEvent> = shown.events.iter().chain(more).collect();
    match layout {
        Layout::ByOrganization => EitherOf3::B(by_organization(&events, shown, in_viewer_zone)),
        Layout::ByDay => EitherOf3::C(by_day(&events, in_viewer_zone)),
    }
}

/// Groups in order of first appearance (the events come in start order).
fn group<'a, K: PartialEq>(
    events: impl IntoIterator<Item = &'a DashboardEvent>,
    key: impl Fn(&DashboardEvent) -> K,
) -> Vec<(K, Vec<&'a DashboardEvent>)> {
    let mut groups: Vec<(K, Vec<&DashboardEvent>)> = Vec::new();
    for event in events {
        let k = key(event);
        match groups.iter_mut().find(|(existing, _)| *existing == k) {
            Some((_, members)) => members.push(event),
            None => groups.push((k, vec![event])),
        }
    }
    groups
}

/// The viewer's organizations first ("Your orgs"), then the others; visitors see one list.
fn by_organization(
    events: &[&DashboardEvent],
    shown: &Dashboard,
    in_viewer_zone: bool,
) -> impl IntoView + use<> {
    let signed_in = shown.signed_in;
    let section = |mine: bool| {
        let chosen = events
            .iter()
            .copied()
            .filter(|event| !signed_in || event.mine == mine);
        group(chosen, |event| {
            (event.org_slug.clone(), event.org_name.clone())
        })
        .into_iter()
        .map(|((slug, name), events)| {
            view! {
                <section class="org-group">
                    <h3>
                        <a href=format!("/orgs/{slug}")>{name}</a>
                    </h3>
                    <ul class="dash-list">
                        {events
                            .into_iter()
                            .map(|event| event_card(event, false, in_viewer_zone))
                            .collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
    };
    if !signed_in {
        return Either::Left(view! {
            <section aria-labelledby="all-heading">
                <h2 id="all-heading">"Upcoming events"</h2>
                {section(false)}
            </section>
        });
    }
    let member_of_none = !shown.organizations.iter().any(|org| org.mine);
    let any_mine = events.iter().any(|event| event.mine);
    let yours = if member_of_none {
        EitherOf3::A(view! {
            <p class="empty-state">
                "You have not joined any organization yet. "
                <a href="/orgs">"Browse organizations"</a>
            </p>
        })
    } else if !any_mine {
        EitherOf3::B(
            view! { <p class="card-meta">"Nothing coming up in your organizations for these filters."</p> },
        )
    } else {
        EitherOf3::C(section(true))
    };
    Either::Right(view! {
        <section aria-labelledby="yours-heading">
            <h2 id="yours-heading">"Your orgs"</h2>
            {yours}
        </section>
        <section aria-labelledby="others-heading">
            <h2 id="others-heading">"Other orgs"</h2>
            {section(false)}
        </section>
    })
}

fn by_day(events: &[&DashboardEvent], in_viewer_zone: bool) -> impl IntoView + use<> {
    // Days follow the times shown: the event's own zone, or the viewer's when asked for.
    group(events.iter().copied(), |event| {
        // An all-day event's day is its date, wherever the viewer is.
        (in_viewer_zone && !event.all_day)
            .then(|| browser::day_label_in_viewer_zone(&event.start_utc))
            .flatten()
            .unwrap_or_else(|| event.day_label.clone())
    })
    .into_iter()
    .map(|(day, events)| {
        view! {
            <section class="day-group">
                <h2>{day}</h2>
                <ul class="dash-list">
                    {events
                        .into_iter()
                        .map(|event| event_card(event, true, in_viewer_zone))
                        .collect_view()}
                </ul>
            </section>
        }
    })
    .collect_view()
}

fn event_card(
    event: &DashboardEvent,
    show_org: bool,
    in_viewer_zone: bool,
) -> impl IntoView + use<> {
    let time = (in_viewer_zone && !event.all_day)
        .then(|| browser::in_viewer_zone(&event.start_utc, &event.end_utc))
        .flatten()
        .unwrap_or_else(|| event.when.clone());
    let register = event.event_url.clone().map(|url| {
        view! { <RegisterLink url luma_id=event.luma_id.clone() for_title=event.title.clone() /> }
    });
    let cover = match event.cover_url.clone() {
        Some(url) => Either::Left(
            view! { <img class="dash-cover" src=url alt="" loading="lazy" width="160" height="90" /> },
        ),
        None => Either::Right(
            view! { <div class="dash-cover dash-cover-empty" aria-hidden="true"></div> },
        ),
    };
    let title = match event.page_url.clone() {
        Some(url) => Either::Left(view! { <a href=url>{event.title.clone()}</a> }),
        None => Either::Right(event.title.clone()),
    };
    let hosts = (show_org || event.cross_listed || !event.also_listed_by.is_empty()).then(|| {
        view! {
            <p class="dash-org">
                {if event.also_listed_by.is_empty() { None } else { Some("Hosted by ") }}
                <a href=format!("/orgs/{}", event.org_slug)>{event.org_name.clone()}</a>
                {(!event.also_listed_by.is_empty())
                    .then(|| format!(" with {}", event.also_listed_by.join(", ")))}
                {(event.cross_listed && event.also_listed_by.is_empty())
                    .then_some(" · listed from another calendar")}
            </p>
        }
    });
    view! {
        <li class="dash-card" data-event=event.luma_id.clone() data-org=event.org_slug.clone()>
            {cover}
            <div class="dash-body">
                <h4>
                    {title}
                    {event
                        .members_only
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-members">"Members only"</span>
                            }
                        })}
                </h4>
                {hosts}
                <p class="dash-time">
                    <time datetime=event.start_utc.clone() title=event.timezone.clone()>
                        {time}
                    </time>
                    <span class="dash-hint">{event.hint.clone()}</span>
                </p>
                <p class="dash-place">
                    {event.location.clone()}
                    {event
                        .address_hidden
                        .then(|| {
                            view! {
                                <span class="address-note">
                                    " · Address shared with registered guests on lu.ma"
                                </span>
                            }
                        })}
                </p>
            </div>
            <div class="dash-actions">
                {register} <details class="add-to-calendar">
                    <summary>"Add to calendar"</summary>
                    <ul>
                        // rel=external: a file for calendar apps, not a page for the router.
                        {event
                            .calendar_file
                            .clone()
                            .map(|file| {
                                view! {
                                    <li>
                                        <a href=file rel="external">
                                            "Calendar file (.ics)"
                                        </a>
                                    </li>
                                }
                            })} <li>
                            <a
                                href=event.google_calendar_url.clone()
                                target="_blank"
                                rel="noopener noreferrer"
                            >
                                "Google Calendar"
                            </a>
                        </li>
                    </ul>
                </details>
            </div>
        </li>
    }
}
