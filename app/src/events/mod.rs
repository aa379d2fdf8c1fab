//! An organization's events page (`/orgs/:slug/events`, public): lu.ma's own calendar embed, or
//! a list rendered from the store. Opening it refreshes the store in the background when the
//! data is older than the TTL (stale-while-revalidate).
//!
//! Access matrix addition: `get_organization_events` answers everyone (public data only).

mod page;

pub(crate) use page::RegisterLink;

use leptos::prelude::*;

use crate::error::AppError;
pub use convene_types::views::{EventCard, EventDay, OrganizationEvents};
pub use page::EventsPage;

#[server]
pub async fn get_organization_events(slug: String) -> Result<OrganizationEvents, AppError> {
    use crate::organizations::org_request;

    let (state, request) = org_request(&slug).await?;
    Ok(convene::read_models::events::page(
        &state.db,
        state.reads().await?,
        &state.refresher,
        request,
        chrono::Utc::now(),
    )
    .await?)
}
