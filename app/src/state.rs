//! What server functions and SSR need from the server: provided as context on every request.

use axum::extract::FromRef;
use leptos::prelude::*;

use std::sync::{Arc, Mutex, PoisonError};

use crate::error::{AppError, respond_with};
use convene::cache::{CachedReads, Caches, Counters};
use convene::import::refresh::Refresher;
use convene::store::DatabaseConnection;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// A pool of one connection for `/healthz` alone: the check never queues behind a sync or
    /// an export holding the others.
    pub health_db: DatabaseConnection,
    /// Page-load refresh of an organization's events (stale-while-revalidate), and "Sync now".
    pub refresher: Refresher,
    /// When the daily import runs (UTC), if it does: the settings panel shows the next run.
    pub daily_sync_at: Option<chrono::NaiveTime>,
    /// Demo mode runs: its accounts may sign in.
    pub demo: bool,
    /// Proxies whose `X-Forwarded-For` names the client (sign-in throttling).
    pub trusted_proxies: convene::accounts::client_address::TrustedProxies,
    /// Sign-ups per client (each mails a confirmation link).
    pub sign_ups: std::sync::Arc<convene::accounts::client_limit::ClientLimit>,
    /// Sign-ins each client has waiting for a password hash (a share of the queue).
    pub sign_ins_in_flight: std::sync::Arc<convene::accounts::client_limit::InFlight>,
    /// Address changes per client (each mails an address nobody has confirmed yet).
    pub email_changes: std::sync::Arc<convene::accounts::client_limit::ClientLimit>,
    /// Reset requests and links, password changes and confirmation links per client.
    pub account_actions: std::sync::Arc<convene::accounts::client_limit::ClientLimit>,
    /// Sessions, viewers and shared page data, valid while the store's change counters stand
    /// still (`convene::cache`).
    pub caches: Caches,
    /// Server renders kept by their input (`crate::rendered`).
    pub rendered: Arc<crate::rendered::Rendered>,
    /// Where people reach Convene: the start of every link in mail.
    pub site: convene::site::PublicUrl,
    /// An SMTP server is configured (else mail waits in the outbox, for `/admin/mail`).
    pub sends_mail: bool,
    /// The dashboard map's tile layer (`CONVENE_MAP_TILES`).
    pub map_tiles: convene::places::tiles::MapTiles,
}

/// The store's change counters as the request being served first read them: one statement per
/// request, before anything it reads through the caches. Provided per request by the routes.
#[derive(Clone, Default)]
pub struct RequestCounters(Arc<Mutex<Option<Counters>>>);

impl RequestCounters {
    /// The memo of a request, starting from counters already read for it (by the server's
    /// language middleware, `crate::auth::session::SessionLookup`), if any.
    pub fn starting_from(counters: Option<Counters>) -> Self {
        Self(Arc::new(Mutex::new(counters)))
    }

    /// A request that changed something (signing in or out) reads the counters again.
    pub fn forget() {
        if let Some(memo) = use_context::<RequestCounters>() {
            *memo.0.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// Reads through the caches, under the counters this request read (read now when this is
    /// the request's first question).
    pub async fn reads(&self) -> Result<CachedReads<'_>, AppError> {
        let memo = use_context::<RequestCounters>();
        let known = memo
            .as_ref()
            .and_then(|memo| *memo.0.lock().unwrap_or_else(PoisonError::into_inner));
        let counters = match known {
            Some(counters) => counters,
            None => {
                let counters = self.caches.counter_reads.read(&self.db).await?;
                if let Some(memo) = memo {
                    *memo.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(counters);
                }
                counters
            }
        };
        Ok(CachedReads {
            caches: &self.caches,
            counters,
        })
    }

    /// The state of the request being served. Missing state is a wiring bug, logged as such.
    pub fn current() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            respond_with(AppError::Internal)
        })
    }
}
