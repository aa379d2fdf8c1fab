//! The dashboard page: the filters (`filters.rs`) read from the URL, the events in two layouts
//! (`events.rs`), the personal feed (`feed.rs`) and the organizations without a calendar. The
//! page renders on the server, filters included; three islands hydrate: the events with their
//! timezone toggle, "Show more" and quiet reload (`EventsPanel`, from the data it was rendered
//! with), the organization picker and the personal feed.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::events::EventsPanel;
use super::feed::PersonalFeed;
use super::filters::{FilterFacts, FilterForm, PageQuery, urlencode};
use super::{Dashboard, DashboardFilters, OrganizationChoice, get_dashboard};
use crate::error::{AppError, ErrorNotice};
use crate::island_data::Packed;
use crate::previews::{AtomFeedLink, PagePreview, absolute};

/// The id of the element carrying the events island's data.
const EVENTS_DATA: &str = "dashboard-events-data";

#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Layout {
    ByOrganization,
    ByDay,
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let text = |key: &str| query.get(key).unwrap_or_default();
    let filters = DashboardFilters {
        orgs: query.get_all("org").unwrap_or_default(),
        range: text("range"),
        from: text("from"),
        to: text("to"),
        q: text("q"),
        mode: text("mode"),
        after: text("after"),
        topic: text("topic"),
    };
    let layout = match query.get_str("layout") {
        Some("day") => Layout::ByDay,
        _ => Layout::ByOrganization,
    };
    let pairs: Vec<(String, String)> = query
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect();
    let dashboard = Resource::new(
        {
            let filters = filters.clone();
            move || filters.clone()
        },
        get_dashboard,
    );

    view! {
        <Title text="Dashboard" />
        <PagePreview
            title="Upcoming events".to_owned()
            description="Upcoming events across every organization of the network.".to_owned()
            url=absolute("/dashboard")
            image=None
        />
        <AtomFeedLink title="Convene · upcoming events".to_owned() path="/events.atom".to_owned() />
        <header class="page-intro">
            <h1>"Dashboard"</h1>
            <p class="lede">"Upcoming events across every organization, yours first."</p>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading events…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || {
                    let (filters, query) = (filters.clone(), pairs.clone());
                    Suspend::new(async move {
                        let dashboard = dashboard.await?;
                        Ok::<_, AppError>(view! { <DashboardView dashboard filters layout query /> })
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
}

/// The page below its heading, rendered on the server.
#[component]
fn DashboardView(
    dashboard: Dashboard,
    filters: DashboardFilters,
    layout: Layout,
    query: Vec<(String, String)>,
) -> impl IntoView {
    provide_context(PageQuery(query.clone()));
    let signed_in = dashboard.signed_in;
    view! {
        <FilterForm dashboard=FilterFacts::of(&dashboard) layout />
        {(!signed_in)
            .then(|| {
                view! {
                    <p class="notice notice-info">
                        <a href="/login">"Sign in"</a>
                        " to see your organizations' events first, or "
                        <a href="/signup">"create an account"</a>"."
                    </p>
                }
            })}
        <NotConnected organizations=dashboard.organizations.clone() />
        {signed_in.then(|| view! { <PersonalFeed /> })}
        {(!dashboard.events.is_empty()).then(|| view! { <CopyAsText query=query.clone() /> })}
        {match Packed::new(EVENTS_DATA, dashboard) {
            Ok(dashboard) => {
                view! {
                    {dashboard.script()}
                    <EventsPanel dashboard filters layout query />
                }
                    .into_any()
            }
            Err(err) => {
                leptos::logging::error!("could not pack the dashboard for its island: {err}");
                view! { <p class="notice notice-error">{AppError::Internal.to_string()}</p> }.into_any()
            }
        }}
    }
}

/// Copies the page's view for a newsletter: the server writes the text (`/dashboard/newsletter.txt`
/// and `.md`, same filters); a few lines of script put it on the clipboard. Without
/// JavaScript, the links open the text to copy by hand. No WebAssembly: the island bundle is
/// at its byte budget.
#[component]
fn CopyAsText(query: Vec<(String, String)>) -> impl IntoView {
    let kept: Vec<String> = query
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "after" | "layout"))
        .map(|(key, value)| format!("{}={}", urlencode(key), urlencode(value)))
        .collect();
    let kept = kept.join("&");
    let link = |file: &str| {
        if kept.is_empty() {
            format!("/dashboard/{file}")
        } else {
            format!("/dashboard/{file}?{kept}")
        }
    };
    view! {
        <p class="copy-as-text">
            <a class="button button-secondary" href=link("newsletter.txt") data-copy="text" rel="external">
                "Copy as text"
            </a>
            <a class="button button-secondary" href=link("newsletter.md") data-copy="Markdown" rel="external">
                "Copy as Markdown"
            </a>
            <span id="copy-status" class="card-meta" role="status"></span>
            <script inner_html=COPY_SCRIPT nonce=use_nonce()></script>
        </p>
    }
}

/// Fetches the text behind a `data-copy` link and puts it on the clipboard, saying how many
/// events it holds; where that fails it says why, and the link then simply opens the text.
const COPY_SCRIPT: &str = "document.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('a[data-copy]');if(!a||!navigator.clipboard)return;e.preventDefault();var s=document.getElementById('copy-status');fetch(a.href,{credentials:'same-origin'}).then(function(r){if(!r.ok)throw new Error('status '+r.status);return r.text();}).then(function(t){return navigator.clipboard.writeText(t).then(function(){var n=t.split('\\n').filter(function(l){return l.indexOf('- ')===0;}).length;s.textContent='Copied '+n+(n===1?' event':' events')+' as '+a.dataset.copy+'.';});}).catch(function(x){s.textContent='Could not copy ('+x.message+'): open the link to copy the text by hand.';a.removeAttribute('data-copy');});});";

/// The organizations the page is about (the viewer's, the chosen ones) that have no calendar
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
                    "Visit "<a href=format!("/orgs/{}", org.slug)>{org.name}</a>" to see their events"
                    {settings}
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_copy_script_is_one_line_of_javascript() {
        // A line break inside one of its quoted strings would be a syntax error.
        assert!(!super::COPY_SCRIPT.contains('\n'));
        assert!(super::COPY_SCRIPT.contains(r"split('\n')"));
    }
}
