//! The lu.ma settings panel of an organization (`/orgs/:slug/settings`): its server functions
//! (org admins and site admins only, each checking for itself) and the page.
//!
//! Access matrix addition (tested in `server/tests/api/access_matrix.rs`):
//!
//! | server function      | anonymous | signed in | member | admin elsewhere | org admin | site admin |
//! |----------------------|-----------|-----------|--------|-----------------|-----------|------------|
//! | get_luma_settings    | 401       | 403       | 403    | 403             | yes       | yes        |
//! | test_luma_connection | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | save_luma_settings   | 401       | 403       | 403    | 403             | yes       | yes        |
//! | remove_luma_key      | 401       | 403       | 403    | 403             | yes       | yes        |
//! | get_sync_status      | 401       | 403       | 403    | 403             | yes       | yes        |
//! | get_sync_progress    | 401       | 403       | 403    | 403             | yes       | yes        |
//! | start_luma_sync      | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | disconnect_luma      | 401       | 403       | 403    | 403             | yes       | yes        |
//! | save_ical_feed       | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | remove_ical_feed     | 401       | 403       | 403    | 403             | yes       | yes        |
//! | save_webhook_secret  | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | remove_webhook_secret| 401       | 403       | 403    | 403             | yes       | yes        |
//! | list_timezones       | yes       | yes       | yes    | yes             | yes       | yes        |
//!
//! "(422)": allowed, and the rule answers when nothing is configured (no key typed or stored,
//! no feed address given).
//! The key is write-only: no server function ever returns it, only its last four characters.

mod settings;

use leptos::prelude::*;

use crate::error::AppError;
pub use convene_types::views::{
    CalendarCheck, FeedUse, ImportedEvents, IntegrationSettings, SyncProgress, SyncRunView,
    SyncStart, SyncStatusView,
};
pub use settings::SettingsPage;
#[cfg(feature = "ssr")]
pub(crate) use ssr::{AdminRequest, admin_request};

#[cfg(feature = "ssr")]
mod ssr {
    use convene::import::integration::ChangedBy;
    use convene::rules::access::Actor;
    use convene::store::organizations::Organization;

    use crate::error::AppError;
    use crate::organizations::org_request;
    use crate::state::AppState;

    /// The organization, its state and the caller, once the caller is known to administer it.
    pub struct AdminRequest {
        pub state: AppState,
        pub organization: Organization,
        pub actor: Actor,
    }

    impl AdminRequest {
        pub fn by(&self) -> ChangedBy {
            ChangedBy::User(self.actor.user_id)
        }
    }

    pub async fn admin_request(slug: &str) -> Result<AdminRequest, AppError> {
        let (state, request) = org_request(slug).await?;
        let actor = request.viewer.require_admin()?;
        Ok(AdminRequest {
            state,
            organization: request.organization,
            actor,
        })
    }
}

#[server]
pub async fn get_luma_settings(slug: String) -> Result<IntegrationSettings, AppError> {
    let request = ssr::admin_request(&slug).await?;
    Ok(convene::read_models::integration::settings(
        &request.state.db,
        &request.state.site,
        &request.organization,
        request.state.daily_sync_at,
        chrono::Utc::now(),
    )
    .await?)
}

/// The sync part of the panel alone: polled while a sync runs.
#[server]
pub async fn get_sync_status(slug: String) -> Result<SyncStatusView, AppError> {
    let request = ssr::admin_request(&slug).await?;
    Ok(convene::read_models::integration::status(
        &request.state.db,
        &request.organization,
        request.state.daily_sync_at,
        chrono::Utc::now(),
    )
    .await?)
}

/// Whether a sync still runs, and its progress in one line: what the page polls meanwhile.
#[server]
pub async fn get_sync_progress(slug: String) -> Result<SyncProgress, AppError> {
    let status = get_sync_status(slug).await?;
    Ok(settings::progress(&status))
}

#[server]
pub async fn test_luma_connection(
    slug: String,
    api_key: String,
) -> Result<CalendarCheck, AppError> {
    let request = ssr::admin_request(&slug).await?;
    let calendar = convene::import::integration::test_connection(
        request.state.refresher.importer(),
        &request.organization,
        Some(&api_key),
    )
    .await?;
    Ok(CalendarCheck {
        name: calendar.name,
        id: calendar.id,
    })
}

#[server]
pub async fn save_luma_settings(
    slug: String,
    calendar_url: String,
    #[server(default)] api_key: String,
) -> Result<(), AppError> {
    use convene::import::integration::{self, IntegrationForm};
    use leptos::server_fn::ServerFn;

    let saved = async {
        let request = ssr::admin_request(&slug).await?;
        let form = IntegrationForm {
            calendar: calendar_url.clone(),
            api_key: Some(api_key),
        };
        let importer = request.state.refresher.importer();
        integration::save(importer, &request.organization, form, request.by()).await?;
        Ok::<(), AppError>(())
    }
    .await;
    // The key is a secret: it never goes back in the URL.
    crate::forms::keep_typed(
        saved,
        SaveLumaSettings::PATH,
        &[("calendar_url", calendar_url.as_str())],
    )
}

/// The timezones a feed's organization can choose from. Static and public; fetched once per page
/// rather than with the settings, which the panel polls during a sync.
#[server]
pub async fn list_timezones() -> Result<Vec<String>, AppError> {
    Ok(convene::import::ical::connect::timezone_names()
        .iter()
        .map(|name| (*name).to_owned())
        .collect())
}

/// Imports from an iCal feed (no API key needed): the feed is fetched and read before it is
/// saved, so a wrong address is refused with the reason.
#[server]
pub async fn save_ical_feed(
    slug: String,
    ical_url: String,
    timezone: String,
) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn;

    let saved = async {
        let request = ssr::admin_request(&slug).await?;
        convene::import::integration::connect_feed(
            request.state.refresher.importer(),
            &request.organization,
            &ical_url,
            &timezone,
            request.by(),
            chrono::Utc::now(),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    // The address is not kept in the page's address after a failure: it may carry the
    // feed's private token.
    crate::forms::keep_typed(
        saved,
        SaveIcalFeed::PATH,
        &[("timezone", timezone.as_str())],
    )
}

/// Stops importing from the feed; imported events stay until a sync says otherwise.
#[server]
pub async fn remove_ical_feed(slug: String) -> Result<(), AppError> {
    let request = ssr::admin_request(&slug).await?;
    convene::import::integration::remove_feed(
        &request.state.db,
        &request.organization,
        request.by(),
    )
    .await?;
    Ok(())
}

/// Saves lu.ma's webhook signing secret (`whsec_…`); like the key, it never goes back to the
/// page or its address.
#[server]
pub async fn save_webhook_secret(
    slug: String,
    #[server(default)] webhook_secret: String,
) -> Result<(), AppError> {
    use leptos::server_fn::ServerFn;

    let saved = async {
        let request = ssr::admin_request(&slug).await?;
        convene::import::integration::save_webhook_secret(
            request.state.refresher.importer(),
            &request.organization,
            &webhook_secret,
            request.by(),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(saved, SaveWebhookSecret::PATH, &[])
}

#[server]
pub async fn remove_webhook_secret(slug: String) -> Result<(), AppError> {
    let request = ssr::admin_request(&slug).await?;
    convene::import::integration::remove_webhook_secret(
        &request.state.db,
        &request.organization,
        request.by(),
    )
    .await?;
    Ok(())
}

#[server]
pub async fn remove_luma_key(slug: String) -> Result<(), AppError> {
    let request = ssr::admin_request(&slug).await?;
    convene::import::integration::remove_key(
        &request.state.db,
        &request.organization,
        request.by(),
    )
    .await?;
    Ok(())
}

/// Starts a sync, which runs on in the background; the panel polls its progress.
#[server]
pub async fn start_luma_sync(slug: String) -> Result<SyncStart, AppError> {
    let request = ssr::admin_request(&slug).await?;
    Ok(convene::import::integration::sync_now(
        &request.state.refresher,
        &request.organization,
        request.by(),
        chrono::Utc::now(),
    )
    .await?)
}

#[server]
pub async fn disconnect_luma(
    slug: String,
    #[server(default)] events: Option<ImportedEvents>,
    #[server(default)] confirmed: Option<String>,
) -> Result<(), AppError> {
    let request = ssr::admin_request(&slug).await?;
    convene::import::integration::disconnect(
        &request.state.db,
        &request.organization,
        events,
        confirmed.is_some(),
        request.by(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}
