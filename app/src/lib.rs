//! Convene's user interface: the shell, the router and each feature's pages and server functions.
//!
//! Built twice: with `ssr` into the server (rendering and server functions) and with `hydrate`
//! into the browser's wasm bundle. Leptos runs in islands mode: every page renders on the server
//! only, links and forms work as plain HTML, and only the parts marked `#[island]` (the
//! dashboard's and the settings panel's) hydrate. Pages without one load no WebAssembly at all.
// The wasm bundle keeps every view's full type (the server and debug builds erase them,
// `.cargo/config.toml`): nested views need more than the default 128 levels to compute their
// layouts.
#![recursion_limit = "256"]

pub mod account;
pub mod auth;
pub mod dashboard;
pub mod error;
pub mod events;
pub mod forms;
pub mod i18n;
pub mod insights;
pub mod integration;
pub mod island_data;
pub mod layout;
pub mod mail;
pub mod network;
pub mod not_found;
pub mod organizations;
pub mod previews;
pub mod query_string;
#[cfg(feature = "ssr")]
pub mod rendered;
#[cfg(feature = "ssr")]
pub mod state;
pub mod status;
pub mod topics;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::account::{AccountPage, ConfirmEmailChangePage};
use crate::auth::links::{
    ConfirmEmailPage, ForgotPasswordPage, ForgotPasswordSentPage, ResetPasswordPage, SignUpSentPage,
};
use crate::auth::{AuthActions, SignInPage, SignUpPage};
use crate::dashboard::DashboardPage;
use crate::events::{EventsPage, SingleEventPage};
use crate::insights::{InsightsPage, NetworkViewPage};
use crate::integration::SettingsPage;
use crate::layout::SiteLayout;
use crate::mail::{OutboxMessagePage, OutboxPage, UnsubscribePage};
use crate::network::NetworkPage;
use crate::not_found::NotFound;
use crate::organizations::{DirectoryPage, InvitationPage, MembersPage, OrganizationPage};
use crate::status::StatusPageView;
use crate::topics::{TopicPageView, TopicSettingsPage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = i18n::locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.as_str() dir=locale.direction()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="manifest" href="/manifest.webmanifest" />
                // `/pkg/convene.<hash>.css` when names carry their content's hash (release).
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                // The island pages carry the wasm bundle and keep to the one stylesheet; the
                // others add the styles only they use (their budget has room for a request).
                {if page_has_islands() {
                    view! { <HydrationScripts options islands=true /> }.into_any()
                } else {
                    skip_hydration();
                    view! { <link rel="stylesheet" href="/pages.css" /> }.into_any()
                }}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthActions::provide();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Convene".to_owned() } else { format!("{page} · Convene") }
        } />
        <Router>
            <SiteLayout>
                <Routes fallback=NotFound>
                    // Async: the HTML is sent once the data is in it, so the page is complete
                    // without JavaScript (out-of-order streaming would need a script to place it).
                    <Route path=path!("/") view=DirectoryPage ssr=SsrMode::Async />
                    <Route path=path!("/orgs") view=DirectoryPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/orgs/:slug") view=OrganizationPage ssr=SsrMode::Async />
                    <Route path=path!("/orgs/:slug/join") view=InvitationPage ssr=SsrMode::Async />
                    <Route path=path!("/orgs/:slug/members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("/orgs/:slug/events") view=EventsPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/orgs/:slug/settings")
                        view=SettingsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/events/:id") view=SingleEventPage ssr=SsrMode::Async />
                    <Route path=path!("/topics/:slug") view=TopicPageView ssr=SsrMode::Async />
                    <Route path=path!("/status") view=StatusPageView ssr=SsrMode::Async />
                    <Route
                        path=path!("/orgs/:slug/topics")
                        view=TopicSettingsPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/login/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/login/forgot/sent")
                        view=ForgotPasswordSentPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/login/reset") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("/signup/sent") view=SignUpSentPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/account/confirm")
                        view=ConfirmEmailPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/admin/mail") view=OutboxPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/luma") view=NetworkPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/network") view=NetworkViewPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/orgs/:slug/insights")
                        view=InsightsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/mail/:id")
                        view=OutboxMessagePage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/account/email")
                        view=ConfirmEmailChangePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/mail/unsubscribe")
                        view=UnsubscribePage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </SiteLayout>
        </Router>
    }
}

/// Whether the page being rendered holds an island, and so needs the wasm bundle: the dashboard
/// and an organization's settings. Every other page is complete as HTML.
fn page_has_islands() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .is_some_and(|parts| address_has_islands(parts.uri.path(), parts.uri.query()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// The pages that render islands: the dashboard (`EventsPanel`, `OrganizationPicker`,
/// `PersonalFeed`) but for its month and map layouts (complete as HTML; the map's script is its
/// own), and the settings (`ConnectionTest`, `UseLumaFeed`, `SyncNow`).
pub fn address_has_islands(path: &str, query: Option<&str>) -> bool {
    let path = path.trim_end_matches('/');
    if path == "/dashboard" {
        let query = query_string::QueryString::parse(query.unwrap_or_default());
        return !matches!(query.get("layout"), "month" | "map");
    }
    path.strip_prefix("/orgs/")
        .and_then(|rest| rest.strip_suffix("/settings"))
        .is_some_and(|slug| !slug.is_empty() && !slug.contains('/'))
}

/// A page without islands is never hydrated: its resources need not be serialized into it.
fn skip_hydration() {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
}

/// Counts an island as hydrated, and sets `data-hydrated` on `<html>` once every island of the
/// page is. Every island calls this. Effects never run during SSR, so the attribute is proof of
/// hydration (browser tests and the benchmark wait on it).
pub(crate) fn mark_hydrated() {
    thread_local! {
        static HYDRATED_ISLANDS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    Effect::new(|_| {
        let hydrated = HYDRATED_ISLANDS.with(|count| {
            count.set(count.get() + 1);
            count.get()
        });
        let document = document();
        let islands = match document.query_selector_all("leptos-island") {
            Ok(islands) => islands.length(),
            Err(err) => {
                leptos::logging::warn!("could not count the page's islands: {err:?}");
                return;
            }
        };
        if hydrated < islands {
            return;
        }
        if let Some(root) = document.document_element()
            && let Err(err) = root.set_attribute("data-hydrated", "true")
        {
            leptos::logging::warn!("could not mark the page as hydrated: {err:?}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::address_has_islands;

    #[test]
    fn only_the_dashboard_and_settings_load_the_wasm_bundle() {
        for (path, query) in [
            ("/dashboard", None),
            ("/dashboard/", None),
            ("/dashboard", Some("layout=day&q=x")),
            ("/dashboard", Some("q=layout%3Dmap")),
            ("/orgs/rust-berlin/settings", None),
        ] {
            assert!(address_has_islands(path, query), "{path} {query:?}");
        }
        for query in [
            "layout=month",
            "layout=map&near=Lisbon",
            "month=2026-12&layout=month",
        ] {
            assert!(!address_has_islands("/dashboard", Some(query)), "{query}");
        }
        for path in [
            "/",
            "/orgs",
            "/orgs/rust-berlin",
            "/orgs/rust-berlin/events",
            "/orgs/rust-berlin/members",
            "/orgs//settings",
            "/orgs/a/b/settings",
            "/login",
            "/signup",
            "/no/such/page",
            "/events/a1b2c3",
        ] {
            assert!(!address_has_islands(path, None), "{path}");
        }
    }
}
