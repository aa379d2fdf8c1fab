//! The dashboard below its heading, as one island: the filter form, the organizations without a
//! calendar, the copy links and the events. It starts from the data the page was rendered with;
//! after that its state (`live.rs`) updates it in place. Without JavaScript the same form and
//! links load whole pages.

use leptos::either::Either;
use leptos::prelude::*;

use super::events::{EventsView, TimezoneChoice, ViewerZone};
use super::filters::FilterForm;
use super::live::{LiveView, PATH};
use super::query::ViewQuery;
use super::{Dashboard, OrganizationChoice};
use crate::error::AppError;
use crate::island_data::Packed;

#[island]
pub(super) fn DashboardPanel(
    dashboard: Packed<Dashboard>,
    /// The page's query, in order (links that change one filter keep the others).
    query: ViewQuery,
) -> impl IntoView {
    crate::mark_hydrated();
    let dashboard = match dashboard.unpack() {
        Ok(dashboard) => dashboard,
        Err(err) => {
            leptos::logging::error!("the dashboard's data did not decode: {err}");
            return Either::Left(
                view! { <p class="notice notice-error">{AppError::Internal.to_string()}</p> },
            );
        }
    };
    let live = LiveView::start(dashboard, query);
    provide_context(ViewerZone::after_hydration());
    // `Either`, not `into_any`: a type-erased view would compile in every part's asynchronous
    // hydration too, which islands never use (kilobytes of the bundle).
    Either::Right(view! {
        <FilterForm />
        {move || {
            live.shown
                .with(|dashboard| {
                    view! { <NotConnected organizations=dashboard.organizations.clone() /> }
                })
        }}
        <CopyLinks />
        <p class="visually-hidden" role="status" aria-live="polite">
            {move || live.announced.get()}
        </p>
        {move || {
            live.problem
                .get()
                .map(|text| {
                    view! {
                        <p class="notice notice-error" role="alert">
                            {text}
                        </p>
                    }
                })
        }}
        <div
            class="events-panel"
            aria-busy=move || live.loading.get().to_string()
            data-showing=move || live.query.with(ViewQuery::search)
        >
            <TimezoneChoice />
            <EventsView />
        </div>
    })
}

/// "Copy as text" and "as Markdown": the server writes the text (`/dashboard/newsletter.txt`
/// and `.md`, the view's filters); the page's copy script (outside the island) puts it on the
/// clipboard. Without JavaScript, the links open the text to copy by hand.
#[component]
fn CopyLinks() -> impl IntoView {
    let live = LiveView::expect();
    let link = move |file: &str| {
        live.query.with(|query| {
            query
                .without(&["after", "layout"])
                .link(&format!("{PATH}/{file}"))
        })
    };
    move || {
        let any = live.shown.with(|dashboard| !dashboard.events.is_empty());
        any.then(|| {
            view! {
                <p class="copy-as-text">
                    <a
                        class="button button-secondary"
                        href=link("newsletter.txt")
                        data-copy="text"
                        rel="external"
                    >
                        "Copy as text"
                    </a>
                    <a
                        class="button button-secondary"
                        href=link("newsletter.md")
                        data-copy="Markdown"
                        rel="external"
                    >
                        "Copy as Markdown"
                    </a>
                    <span id="copy-status" class="card-meta" role="status"></span>
                </p>
            }
        })
    }
}

/// The organizations the view is about (the viewer's, the chosen ones) that have no calendar
/// yet.
#[component]
fn NotConnected(organizations: Vec<OrganizationChoice>) -> impl IntoView {
    let lines: Vec<_> = organizations
        .into_iter()
        .filter(|org| !org.shows_events)
        .map(|org| {
            let settings = org.viewer_can_manage.then(|| {
                view! {
                    " · "
                    <a href=format!("/orgs/{}/settings", org.slug)>"Connect lu.ma in settings"</a>
                }
            });
            view! {
                <li>
                    "Visit "<a href=format!("/orgs/{}", org.slug)>{org.name}</a>
                    " to see their events" {settings}
                </li>
            }
        })
        .collect();
    (!lines.is_empty()).then(|| {
        view! {
            <aside class="not-connected" aria-label="Organizations without a calendar">
                <ul>{lines}</ul>
            </aside>
        }
    })
}
