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
//! | start_luma_sync      | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | disconnect_luma      | 401       | 403       | 403    | 403             | yes       | yes        |
//! | save_ical_feed       | 401       | 403       | 403    | 403             | yes (422) | yes (422)  |
//! | remove_ical_feed     | 401       | 403       | 403    | 403             | yes       | yes        |
//! | list_timezones       | yes       | yes       | yes    | yes             | yes       | yes        |
//!
//! "(422)": allowed, and the rule answers when nothing is configured (no key typed or stored,
//! no feed address given).
//! The key is write-only: no server function ever returns it, only its last four characters.

mod settings;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use settings::SettingsPage;

/// One sync run as the panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRunView {
    pub id: i64,
    pub trigger: String,
    pub started: String,
    pub started_relative: String,
    /// "12 s"; none while running.
    pub duration: Option<String>,
    /// `running`, `ok`, `partial`, `failed`, or `interrupted` (left running by a stopped process).
    pub outcome: String,
    pub pages: i32,
    pub created: i32,
    pub updated: i32,
    pub removed: i32,
    pub unchanged: i32,
    pub requests: i32,
    /// Private events the run left out (lu.ma lists them for nobody).
    pub skipped_private: i32,
    pub message: Option<String>,
}

/// The panel's data. Never carries the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LumaSettings {
    pub slug: String,
    pub organization_name: String,
    pub is_demo: bool,
    /// What the calendar field shows: the page, else the `cal-…` id.
    pub calendar_input: String,
    pub calendar_id: Option<String>,
    pub calendar_name: Option<String>,
    pub key_last_four: Option<String>,
    /// The iCal feed imported while there is no API key.
    pub ical_url: Option<String>,
    /// The zone for times a feed gives in UTC.
    pub display_timezone: Option<String>,
    pub last_synced: Option<String>,
    pub last_synced_relative: Option<String>,
    pub last_outcome: Option<String>,
    pub last_message: Option<String>,
    pub events_stored: u64,
    /// None when the daily import is switched off.
    pub next_daily_run: Option<String>,
    /// Newest first; the first may be running.
    pub runs: Vec<SyncRunView>,
}

impl LumaSettings {
    pub fn running(&self) -> Option<&SyncRunView> {
        self.runs.first().filter(|run| run.outcome == "running")
    }
}

/// The calendar a key opens, as "Test connection" reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarCheck {
    pub name: String,
    pub id: String,
}

/// What "Sync now" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncStart {
    Started,
    /// One was already running; nothing new was started.
    AlreadyRunning,
}

#[cfg(feature = "ssr")]
mod ssr {
    use chrono::{DateTime, Utc};
    use convene::access::{Actor, require_org_admin};
    use convene::refresh::is_running;
    use convene::store::entities::sync_run;
    use convene::store::organizations::Organization;
    use convene::timefmt;

    use super::SyncRunView;
    use crate::error::{AppError, respond_with};
    use crate::organizations::org_request;
    use crate::state::AppState;

    /// The organization, its state and the caller, once the caller is known to administer it.
    pub struct AdminRequest {
        pub state: AppState,
        pub organization: Organization,
        pub actor: Actor,
    }

    pub async fn admin_request(slug: &str) -> Result<AdminRequest, AppError> {
        let request = org_request(slug).await?;
        let actor = require_org_admin(request.actor, request.role).map_err(respond_with)?;
        Ok(AdminRequest {
            state: request.state,
            organization: request.organization,
            actor,
        })
    }

    pub fn run_view(run: sync_run::Model, now: DateTime<Utc>) -> SyncRunView {
        let outcome = if run.outcome == convene::sync::RUNNING && !is_running(&run, now) {
            "interrupted".to_owned()
        } else {
            run.outcome.clone()
        };
        SyncRunView {
            id: run.id,
            trigger: run.trigger,
            started: timefmt::absolute_utc(run.started_at),
            started_relative: timefmt::relative(run.started_at, now),
            duration: run.finished_at.map(|finished| {
                let millis = (finished - run.started_at).num_milliseconds().max(0);
                format!("{:.1} s", millis as f64 / 1000.0)
            }),
            outcome,
            pages: run.pages_fetched,
            created: run.events_created,
            updated: run.events_updated,
            removed: run.events_removed,
            unchanged: run.events_unchanged,
            requests: run.requests_made,
            skipped_private: run.events_skipped_private,
            message: run.error_message,
        }
    }
}

#[server]
pub async fn get_luma_settings(slug: String) -> Result<LumaSettings, AppError> {
    use convene::{integration, schedule, timefmt};

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    let org = request.organization;
    let now = chrono::Utc::now();
    let status = integration::sync_status(&request.state.db, &org)
        .await
        .map_err(respond_with)?;
    Ok(LumaSettings {
        slug: org.slug.clone(),
        organization_name: org.name.clone(),
        is_demo: org.is_demo,
        calendar_input: org
            .luma_calendar_url
            .clone()
            .or(org.luma_calendar_id.clone())
            .unwrap_or_default(),
        calendar_id: org.luma_calendar_id.clone(),
        calendar_name: org.luma_calendar_name.clone(),
        key_last_four: org.luma_api_key_last_four.clone(),
        ical_url: org.ical_url.clone(),
        display_timezone: org.display_timezone.clone(),
        last_synced: org.events_last_synced_at.map(timefmt::absolute_utc),
        last_synced_relative: org
            .events_last_synced_at
            .map(|at| timefmt::relative(at, now)),
        last_outcome: org.last_sync_outcome.clone(),
        last_message: org.last_sync_message.clone(),
        events_stored: status.events_stored,
        next_daily_run: request.state.daily_sync_at.map(|at| {
            let next = schedule::next_run_after(now, at);
            format!(
                "{} ({})",
                timefmt::absolute_utc(next),
                timefmt::relative(next, now)
            )
        }),
        runs: status
            .runs
            .into_iter()
            .map(|run| ssr::run_view(run, now))
            .collect(),
    })
}

#[server]
pub async fn test_luma_connection(
    slug: String,
    api_key: String,
) -> Result<CalendarCheck, AppError> {
    use convene::integration;

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    let importer = request.state.refresher.importer();
    let calendar = integration::test_connection(importer, &request.organization, Some(&api_key))
        .await
        .map_err(respond_with)?;
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
    use convene::integration::{self, IntegrationForm};

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    let key_replaced = !api_key.trim().is_empty();
    let org = integration::save(
        request.state.refresher.importer(),
        &request.organization,
        IntegrationForm {
            calendar: calendar_url,
            api_key: Some(api_key),
        },
    )
    .await
    .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %org.slug,
        calendar_id = org.luma_calendar_id.as_deref().unwrap_or("-"),
        key_replaced,
        key_ends_in = org.luma_api_key_last_four.as_deref().unwrap_or("-"),
        "lu.ma settings saved"
    );
    Ok(())
}

/// The timezones a feed's organization can choose from. Static and public; fetched once per page
/// rather than with the settings, which the panel polls during a sync.
#[server]
pub async fn list_timezones() -> Result<Vec<String>, AppError> {
    Ok(convene::ical::connect::timezone_names()
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
    use convene::ical::connect;

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    let feeds = request.state.refresher.importer().feeds();
    let checked = connect::check(&ical_url, &timezone, feeds, chrono::Utc::now())
        .await
        .map_err(respond_with)?;
    connect::save(&request.state.db, request.organization.id, &checked)
        .await
        .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %request.organization.slug,
        feed = %checked.url,
        events = checked.events,
        "iCal feed saved"
    );
    Ok(())
}

/// Stops importing from the feed; imported events stay until a sync says otherwise.
#[server]
pub async fn remove_ical_feed(slug: String) -> Result<(), AppError> {
    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    convene::ical::connect::remove(&request.state.db, request.organization.id)
        .await
        .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %request.organization.slug,
        "iCal feed removed"
    );
    Ok(())
}

#[server]
pub async fn remove_luma_key(slug: String) -> Result<(), AppError> {
    use convene::integration;

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    integration::remove_key(&request.state.db, &request.organization)
        .await
        .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %request.organization.slug,
        "lu.ma key removed"
    );
    Ok(())
}

#[server]
pub async fn start_luma_sync(slug: String) -> Result<SyncStart, AppError> {
    use convene::refresh::ManualSync;

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    if !request.organization.imports_events() {
        return Err(respond_with(AppError::Invalid {
            field: "api_key".into(),
            message: "save an API key or an iCal feed first: there is nothing to sync from".into(),
        }));
    }
    let started = request
        .state
        .refresher
        .sync_now(request.organization.id, chrono::Utc::now())
        .await
        .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %request.organization.slug,
        started = matches!(started, ManualSync::Started(_)),
        "lu.ma sync requested"
    );
    // The sync runs on in the background; the panel polls its progress.
    Ok(match started {
        ManualSync::Started(_) => SyncStart::Started,
        ManualSync::AlreadyRunning => SyncStart::AlreadyRunning,
    })
}

#[server]
pub async fn disconnect_luma(
    slug: String,
    events: String,
    #[server(default)] confirmed: Option<String>,
) -> Result<(), AppError> {
    use convene::integration::{self, ImportedEvents};

    use crate::error::respond_with;

    let request = ssr::admin_request(&slug).await?;
    let imported = match events.as_str() {
        "keep" => ImportedEvents::Keep,
        "delete" => ImportedEvents::Delete,
        _ => {
            return Err(respond_with(AppError::Invalid {
                field: "events".into(),
                message: "choose whether to keep or delete the imported events".into(),
            }));
        }
    };
    if confirmed.is_none() {
        return Err(respond_with(AppError::Invalid {
            field: "confirmed".into(),
            message: "tick the box to confirm".into(),
        }));
    }
    let affected = integration::disconnect(
        &request.state.db,
        &request.organization,
        imported,
        chrono::Utc::now(),
    )
    .await
    .map_err(respond_with)?;
    tracing::info!(
        target: "audit",
        user_id = request.actor.user_id,
        org = %request.organization.slug,
        events = %events,
        affected,
        "lu.ma disconnected"
    );
    Ok(())
}
