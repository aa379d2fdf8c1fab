//! What server functions and SSR need from the server: provided as context on every request.

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::error::{AppError, respond_with};
use convene::refresh::Refresher;
use convene::store::DatabaseConnection;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    /// Page-load refresh of an organization's events (stale-while-revalidate), and "Sync now".
    pub refresher: Refresher,
    /// When the daily import runs (UTC), if it does: the settings panel shows the next run.
    pub daily_sync_at: Option<chrono::NaiveTime>,
    /// Demo mode runs: its accounts may sign in.
    pub demo: bool,
    /// Proxies whose `X-Forwarded-For` names the client (sign-in throttling).
    pub trusted_proxies: convene::client_address::TrustedProxies,
    /// Sign-ups per client (each costs a password hash).
    pub sign_ups: std::sync::Arc<convene::sign_up_limit::SignUpLimit>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state of the request being served. Missing state is a wiring bug, logged as such.
    pub fn current() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            respond_with(AppError::Internal)
        })
    }
}
