//! An organization's events page (`/orgs/:slug/events`, public): lu.ma's own calendar embed, or
//! a list rendered from the store. Opening it refreshes the store in the background when the
//! data is older than the TTL (stale-while-revalidate). And each event's own page
//! (`/events/:id`).
//!
//! Access matrix addition: `get_organization_events` answers everyone (public data only);
//! `get_event_page` answers everyone with what they may see (a members-only event shows
//! non-members only whose it is, with 401 or 403).

mod page;
mod single;

pub(crate) use page::RegisterLink;

use leptos::prelude::*;

use crate::error::AppError;
pub use convene_types::views::{EventCard, EventDay, EventPage, EventPageView, OrganizationEvents};
pub use page::EventsPage;
pub use single::SingleEventPage;

/// lu.ma's checkout script: turns "Register" links into lu.ma's registration dialog.
const CHECKOUT_SCRIPT: &str = "https://embed.lu.ma/checkout-button.js";

/// One event's page, as the caller may see it; unknown, removed and private events are all the
/// same 404.
#[server]
pub async fn get_event_page(public_id: String) -> Result<EventPageView, AppError> {
    use crate::auth::session;
    use crate::error::{respond_with, set_status};
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    let page = convene::read_models::event_page::page(
        &state.db,
        state.reads().await?,
        &state.site,
        actor,
        &public_id,
        chrono::Utc::now(),
        crate::i18n::locale(),
    )
    .await?;
    let Some(page) = page else {
        return Err(respond_with(AppError::NotFound("Event".into())));
    };
    if let EventPageView::MembersOnly { signed_in, .. } = &page {
        let refusal = if *signed_in {
            AppError::Forbidden
        } else {
            AppError::Unauthorized
        };
        set_status(refusal.status());
    }
    Ok(page)
}

#[server]
pub async fn get_organization_events(
    slug: String,
    #[server(default)] page: Option<String>,
) -> Result<OrganizationEvents, AppError> {
    use crate::organizations::org_request;
    use convene::read_models::events::ListPage;

    let list_page = ListPage::parse(page.as_deref())?;
    let (state, request) = org_request(&slug).await?;
    Ok(convene::read_models::events::page(
        &state.db,
        state.reads().await?,
        &state.refresher,
        request,
        list_page,
        chrono::Utc::now(),
    )
    .await?)
}
