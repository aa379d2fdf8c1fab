//! The dashboard page, rendered on the server: the heading, the personal feed (an island of its
//! own) and the panel (`panel.rs`): the filters read from the URL and the events, one island
//! that starts from the data it was rendered with and updates in place after that.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::feed::PersonalFeed;
use super::get_dashboard;
use super::map::MapView;
use super::month::MonthView;
use super::panel::DashboardPanel;
use super::query::{DashboardQuery, ViewQuery};
use super::trip::TripSection;
use crate::error::{AppError, ErrorNotice};
use crate::i18n::t;
use crate::island_data::Packed;
use crate::previews::{AtomFeedLink, PagePreview, absolute};

/// The id of the element carrying the panel's data.
const PANEL_DATA: &str = "dashboard-data";

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = ViewQuery::new(
        use_query_map()
            .get_untracked()
            .into_iter()
            .map(|(key, value)| (key.to_string(), value)),
    );
    let layout = query.get("layout").to_owned();
    // The Atom feed of the same place, when the page is about one.
    let near = query
        .without_empty()
        .pairs()
        .filter(|(key, _)| ["near", "km", "online"].contains(key))
        .fold(ViewQuery::default(), |near, (key, value)| {
            near.with(key, value)
        });
    let feed = view! {
        <AtomFeedLink
            title=format!("Convene · {}", t("dashboard-preview-title"))
            path=near.link("/events.atom")
        />
    };
    let intro = view! {
        <Title text=t("nav-dashboard") />
        <PagePreview
            title=t("dashboard-preview-title")
            description=t("dashboard-preview-description")
            url=absolute("/dashboard")
            image=None
        />
        {feed}
        <header class="page-intro">
            <h1>{t("nav-dashboard")}</h1>
            <p class="lede">{t("dashboard-lede")}</p>
        </header>
        <TripSection />
    };
    match layout.as_str() {
        "month" => {
            return view! {
                {intro}
                <MonthView query />
            }
            .into_any();
        }
        "map" => {
            return view! {
                {intro}
                <MapView query />
            }
            .into_any();
        }
        _ => {}
    }
    let dashboard = Resource::new(
        {
            let filters = query.filters();
            move || filters.clone()
        },
        get_dashboard,
    );

    view! {
        {intro}
        <Transition fallback=|| view! { <p class="loading">{t("dashboard-loading")}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || {
                    let query = query.clone();
                    Suspend::new(async move {
                        let dashboard = dashboard.await?;
                        let signed_in = dashboard.signed_in;
                        let panel = match Packed::new(PANEL_DATA, dashboard) {
                            Ok(dashboard) => {
                                view! {
                                    {dashboard.script()}
                                    <DashboardPanel dashboard query />
                                }
                                    .into_any()
                            }
                            Err(err) => {
                                leptos::logging::error!(
                                    "could not pack the dashboard for its island: {err}"
                                );
                                view! {
                                    <p class="notice notice-error">
                                        {AppError::Internal.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        };
                        Ok::<
                            _,
                            AppError,
                        >(
                            view! {
                                <SignInNotice signed_in />
                                {signed_in.then(|| view! { <PersonalFeed /> })}
                                {panel}
                                <script inner_html=COPY_SCRIPT nonce=use_nonce()></script>
                            },
                        )
                    })
                }}
            </ErrorBoundary>
        </Transition>
    }
    .into_any()
}

/// Visitors see every public event; signing in puts their organizations first.
#[component]
fn SignInNotice(signed_in: bool) -> impl IntoView {
    (!signed_in).then(|| {
        view! {
            <p class="notice notice-info">
                <a href="/login">{t("nav-sign-in")}</a>
                " "
                {t("dashboard-sign-in-why")}
                " "
                <a href="/signup">{t("dashboard-create-account")}</a>
                "."
            </p>
        }
    })
}

/// Fetches the text behind a `data-copy` link (the panel's copy links, `panel.rs`) and puts it
/// on the clipboard, saying how many events it holds; where that fails it says why, and the
/// link then simply opens the text. Plain script, outside the island: no WebAssembly for it.
const COPY_SCRIPT: &str = "document.addEventListener('click',function(e){var a=e.target.closest&&e.target.closest('a[data-copy]');if(!a||!navigator.clipboard)return;e.preventDefault();var s=document.getElementById('copy-status');fetch(a.href,{credentials:'same-origin'}).then(function(r){if(!r.ok)throw new Error('status '+r.status);return r.text();}).then(function(t){return navigator.clipboard.writeText(t).then(function(){var n=t.split('\\n').filter(function(l){return l.indexOf('- ')===0;}).length;s.textContent='Copied '+n+(n===1?' event':' events')+' as '+a.dataset.copy+'.';});}).catch(function(x){s.textContent='Could not copy ('+x.message+'): open the link to copy the text by hand.';a.removeAttribute('data-copy');});});";

#[cfg(test)]
mod tests {
    #[test]
    fn the_copy_script_is_one_line_of_javascript() {
        // A line break inside one of its quoted strings would be a syntax error.
        assert!(!super::COPY_SCRIPT.contains('\n'));
        assert!(super::COPY_SCRIPT.contains(r"split('\n')"));
    }
}
