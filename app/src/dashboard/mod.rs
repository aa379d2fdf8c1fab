//! The member dashboard (`/dashboard`): upcoming events across every organization, the viewer's
//! own first, filtered by what the URL says. Public: visitors see the same events without the
//! "Your orgs" split.
//!
//! Access matrix addition: `get_dashboard`, `get_dashboard_month`, `get_dashboard_map`,
//! `get_organization_options` and `get_dashboard_marker` answer everyone (organizations and
//! public events are public; members-only events by the caller's own memberships);
//! `get_trip_events` answers everyone (`None` but for a member on a trip, about their own);
//! `get_personal_feed` and `regenerate_personal_feed` answer signed-in users (401 otherwise),
//! each about their own feed only.

mod browser;
mod events;
mod feed;
mod filters;
mod layouts;
mod live;
mod map;
mod month;
mod page;
mod panel;
mod query;
mod trip;

use leptos::prelude::*;

use crate::error::AppError;
pub use convene_types::views::{
    Dashboard, DashboardEvent, DashboardFilters, OrganizationChoice, OrganizationOption,
};
pub use map::GetDashboardMap;
pub use month::GetDashboardMonth;
pub use page::DashboardPage;
pub use trip::GetTripEvents;

#[server(input = leptos::server_fn::codec::Json)]
pub async fn get_dashboard(filters: DashboardFilters) -> Result<Dashboard, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let viewer = session::actor(&state).await?;
    Ok(convene::read_models::dashboard::page(
        &state.db,
        state.reads().await?,
        &state.refresher,
        viewer,
        &filters,
        chrono::Utc::now(),
        crate::i18n::locale(),
    )
    .await?)
}

/// Every organization's slug and name, for the filter's picker (loaded when it is opened).
#[server]
pub async fn get_organization_options() -> Result<Vec<OrganizationOption>, AppError> {
    let state = crate::state::AppState::current()?;
    Ok(convene::read_models::dashboard::organization_options(&state.db).await?)
}

/// The signed-in member's personal feed address (a path: the page adds its own origin).
#[server]
pub async fn get_personal_feed() -> Result<String, AppError> {
    personal_feed(false).await
}

/// A new personal feed address; the old one stops working at once.
#[server]
pub async fn regenerate_personal_feed() -> Result<String, AppError> {
    personal_feed(true).await
}

#[cfg(feature = "ssr")]
async fn personal_feed(regenerate: bool) -> Result<String, AppError> {
    use convene::publish::personal_feed;
    use convene::rules::access::require_signed_in;

    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let viewer = require_signed_in(session::actor(&state).await?)?;
    let secret = state.refresher.importer().secret_key();
    let now = chrono::Utc::now();
    let token = if regenerate {
        personal_feed::regenerate(&state.db, secret, viewer.user_id, now).await?
    } else {
        personal_feed::token(&state.db, secret, viewer.user_id, now).await?
    };
    Ok(format!("/feeds/{token}.ics"))
}

/// The cheap "has anything changed" question the open dashboard asks now and then.
#[server]
pub async fn get_dashboard_marker() -> Result<i64, AppError> {
    let state = crate::state::AppState::current()?;
    Ok(convene::read_models::dashboard::query::change_marker(&state.db).await?)
}
