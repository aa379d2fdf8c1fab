//! An organization's calendar connection as its admins manage it: test a key, save the calendar
//! and key (checked with lu.ma, which also names the calendar), remove the key, connect or remove
//! an iCal feed, start a sync, disconnect, and the sync status. Callers authorize; this module
//! keeps the rules and writes the audit line of every change, so the settings panel and the
//! command line (`convene org luma`, `convene org ical`) change things one way.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::Error;
use crate::import::ical::connect::{self, FeedCheck};
use crate::import::luma::calendar_ref::CalendarReference;
use crate::import::luma::client::{ApiKey, LumaError};
use crate::import::luma::model::CalendarInfo;
use crate::import::refresh::{ManualSync, Refresher};
use crate::import::sync::Importer;
use crate::store::entities::{event, organization, sync_run};
use crate::store::events;
use crate::store::organizations::Organization;
use convene_types::InputField;

/// Runs the settings panel lists.
pub const RUNS_SHOWN: u64 = 10;

pub use convene_types::views::{ImportedEvents, SyncStart};

/// Who made a change: the audit line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedBy {
    /// A signed-in org admin or site admin, in the settings panel.
    User(i64),
    /// An operator at the server, with `convene org …`.
    CommandLine,
}

impl std::fmt::Display for ChangedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangedBy::User(id) => write!(f, "user:{id}"),
            ChangedBy::CommandLine => f.write_str("cli"),
        }
    }
}

/// A typed key, or none when the field was left empty (the stored key stays).
fn typed_key(input: Option<&str>) -> Option<ApiKey> {
    input
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(ApiKey::new)
}

/// lu.ma's answer about a key, with a rejected key reported on the key's own field.
fn key_error(err: LumaError) -> Error {
    match err {
        LumaError::KeyRejected => Error::invalid(InputField::ApiKey, err.to_string()),
        other => other.into(),
    }
}

/// Asks lu.ma which calendar a key opens: the typed key, else the stored one.
pub async fn test_connection(
    importer: &Importer,
    org: &Organization,
    typed: Option<&str>,
) -> Result<CalendarInfo, Error> {
    let key = match typed_key(typed) {
        Some(key) => key,
        None if org.luma_api_key_sealed.is_some() => {
            importer.stored_key(org).map_err(Error::Internal)?
        }
        None => {
            return Err(Error::invalid(
                InputField::ApiKey,
                "type a key to test, or save one first",
            ));
        }
    };
    let client = importer.client_for(org).map_err(Error::Internal)?;
    client.get_calendar(&key).await.map_err(key_error)
}

/// What the settings form submits.
#[derive(Debug, Clone, Default)]
pub struct IntegrationForm {
    /// The calendar's page, `cal-…` id or iCal link; may be empty when a key is given.
    pub calendar: String,
    /// A new key; empty keeps the stored one.
    pub api_key: Option<String>,
}

/// Saves the calendar and (when typed) a new key. A new key is checked with lu.ma first and
/// fills in the calendar's id and name; a calendar that contradicts the key is refused.
pub async fn save(
    importer: &Importer,
    org: &Organization,
    form: IntegrationForm,
    by: ChangedBy,
) -> Result<Organization, Error> {
    let saved = save_unaudited(importer, org, form).await?;
    let key_replaced = saved.luma_api_key_sealed != org.luma_api_key_sealed;
    tracing::info!(
        target: "audit",
        by = %by,
        org = %saved.slug,
        calendar_id = saved.luma_calendar_id.as_deref().unwrap_or("-"),
        key_replaced,
        key_ends_in = saved.luma_api_key_last_four.as_deref().unwrap_or("-"),
        "lu.ma settings saved"
    );
    Ok(saved)
}

async fn save_unaudited(
    importer: &Importer,
    org: &Organization,
    form: IntegrationForm,
) -> Result<Organization, Error> {
    let reference = match form.calendar.trim() {
        "" => None,
        input => Some(CalendarReference::parse(input)?),
    };
    let new_key = typed_key(form.api_key.as_deref());
    if reference.is_none() && new_key.is_none() {
        return Err(Error::invalid(
            InputField::Calendar,
            "paste your calendar's lu.ma address (https://lu.ma/your-calendar) or its cal-… id, or an API key",
        ));
    }
    let mut row: organization::ActiveModel = org.clone().into();
    match new_key {
        Some(key) => {
            let client = importer.client_for(org).map_err(Error::Internal)?;
            let calendar = client.get_calendar(&key).await.map_err(key_error)?;
            ensure_same_calendar(reference.as_ref(), &calendar.id, &calendar.name)?;
            let sealed = importer
                .secret_key()
                .seal(
                    key.expose(),
                    crate::secrets::Purpose::LumaApiKey {
                        organization_id: org.id,
                    },
                )
                .map_err(|err| Error::Internal(format!("sealing the lu.ma key: {err}")))?;
            row.luma_calendar_url = Set(reference
                .and_then(|r| r.page_url)
                .or(calendar.url)
                .or(org.luma_calendar_url.clone()));
            row.luma_calendar_id = Set(Some(calendar.id));
            row.luma_calendar_name = Set(Some(calendar.name));
            row.luma_api_key_sealed = Set(Some(sealed));
            row.luma_api_key_last_four = Set(Some(key.last_four()));
        }
        None => {
            let reference = reference.unwrap_or(CalendarReference {
                page_url: None,
                calendar_id: None,
            });
            if org.luma_api_key_sealed.is_some()
                && let Some(stored) = &org.luma_calendar_id
            {
                let name = org.luma_calendar_name.as_deref().unwrap_or(stored);
                ensure_same_calendar(Some(&reference), stored, name)?;
            }
            let id_changed = reference
                .calendar_id
                .as_ref()
                .is_some_and(|id| Some(id) != org.luma_calendar_id.as_ref());
            if id_changed {
                // A name from another calendar would mislabel this one.
                row.luma_calendar_name = Set(None);
            }
            row.luma_calendar_url = Set(reference.page_url.or(org.luma_calendar_url.clone()));
            row.luma_calendar_id = Set(reference.calendar_id.or(org.luma_calendar_id.clone()));
        }
    }
    Ok(row.update(importer.db()).await?)
}

fn ensure_same_calendar(
    reference: Option<&CalendarReference>,
    key_calendar_id: &str,
    key_calendar_name: &str,
) -> Result<(), Error> {
    match reference.and_then(|r| r.calendar_id.as_deref()) {
        Some(given) if given != key_calendar_id => Err(Error::invalid(
            InputField::Calendar,
            format!(
                "the API key belongs to \"{key_calendar_name}\" ({key_calendar_id}), not to {given}: use that calendar or another key"
            ),
        )),
        _ => Ok(()),
    }
}

/// Forgets the key; the calendar (and so the embed) stays. Imported events stay too.
pub async fn remove_key(
    db: &DatabaseConnection,
    org: &Organization,
    by: ChangedBy,
) -> Result<Organization, Error> {
    let mut row: organization::ActiveModel = org.clone().into();
    row.luma_api_key_sealed = Set(None);
    row.luma_api_key_last_four = Set(None);
    let saved = row.update(db).await?;
    tracing::info!(target: "audit", by = %by, org = %org.slug, "lu.ma key removed");
    Ok(saved)
}

/// Saves lu.ma's webhook signing secret (`whsec_…`, checked, then sealed like the key): from
/// now on, deliveries to `/webhooks/luma/{slug}` signed with it are applied.
pub async fn save_webhook_secret(
    importer: &Importer,
    org: &Organization,
    secret: &str,
    by: ChangedBy,
) -> Result<Organization, Error> {
    use crate::import::webhooks::signature::SigningSecret;

    SigningSecret::parse(secret)
        .map_err(|err| Error::invalid(InputField::WebhookSecret, err.to_string()))?;
    let sealed = importer
        .secret_key()
        .seal(
            secret.trim(),
            crate::secrets::Purpose::LumaWebhookSecret {
                organization_id: org.id,
            },
        )
        .map_err(|err| Error::Internal(format!("sealing the webhook secret: {err}")))?;
    let mut row: organization::ActiveModel = org.clone().into();
    row.luma_webhook_secret_sealed = Set(Some(sealed));
    let saved = row.update(importer.db()).await?;
    tracing::info!(target: "audit", by = %by, org = %org.slug, "lu.ma webhook secret saved");
    Ok(saved)
}

/// Forgets the webhook secret: deliveries are refused from now on.
pub async fn remove_webhook_secret(
    db: &DatabaseConnection,
    org: &Organization,
    by: ChangedBy,
) -> Result<Organization, Error> {
    let mut row: organization::ActiveModel = org.clone().into();
    row.luma_webhook_secret_sealed = Set(None);
    let saved = row.update(db).await?;
    tracing::info!(target: "audit", by = %by, org = %org.slug, "lu.ma webhook secret removed");
    Ok(saved)
}

/// Checks the feed (fetched and read, so a wrong address is refused with the reason) and makes
/// it the organization's calendar source. An empty address keeps the saved one (the form never
/// shows it: it is sealed like a key), so the timezone can change alone.
pub async fn connect_feed(
    importer: &crate::import::sync::Importer,
    org: &Organization,
    url: &str,
    timezone: &str,
    by: ChangedBy,
    now: DateTime<Utc>,
) -> Result<FeedCheck, Error> {
    let key = importer.secret_key();
    let address = match (url.trim(), org.ical_url_sealed.as_deref()) {
        ("", Some(sealed)) => connect::SealedFeed::open(key, org.id, sealed)?.to_string(),
        (typed, _) => typed.to_owned(),
    };
    let checked = connect::check(&address, timezone, importer.feeds(), now).await?;
    connect::save(importer.db(), key, org.id, &checked).await?;
    tracing::info!(
        target: "audit",
        by = %by,
        org = %org.slug,
        feed = %crate::import::ical::fetch::shown_address(&checked.url),
        events = checked.events,
        "iCal feed saved"
    );
    Ok(checked)
}

/// Stops importing from the feed; imported events stay until a sync says otherwise.
pub async fn remove_feed(
    db: &DatabaseConnection,
    org: &Organization,
    by: ChangedBy,
) -> Result<(), Error> {
    connect::remove(db, org.id).await?;
    tracing::info!(target: "audit", by = %by, org = %org.slug, "iCal feed removed");
    Ok(())
}

/// Starts a sync now unless one is running; refused when there is nothing to import from.
pub async fn sync_now(
    refresher: &Refresher,
    org: &Organization,
    by: ChangedBy,
    now: DateTime<Utc>,
) -> Result<SyncStart, Error> {
    if !org.imports_events() {
        return Err(Error::invalid(
            InputField::ApiKey,
            "save an API key or an iCal feed first: there is nothing to sync from",
        ));
    }
    let started = match refresher.sync_now(org.id, now).await? {
        ManualSync::Started(_) => SyncStart::Started,
        ManualSync::AlreadyRunning => SyncStart::AlreadyRunning,
    };
    tracing::info!(
        target: "audit",
        by = %by,
        org = %org.slug,
        started = started == SyncStart::Started,
        "lu.ma sync requested"
    );
    Ok(started)
}

/// Removes the calendar and key; hides or deletes the imported events, as the admin chose and
/// confirmed. One transaction. Returns how many events were hidden or deleted.
pub async fn disconnect(
    db: &DatabaseConnection,
    org: &Organization,
    imported: Option<ImportedEvents>,
    confirmed: bool,
    by: ChangedBy,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let imported = imported.ok_or_else(|| {
        Error::invalid(
            InputField::ImportedEvents,
            "choose whether to keep or delete the imported events",
        )
    })?;
    if !confirmed {
        return Err(Error::invalid(
            InputField::Confirmed,
            "tick the box to confirm",
        ));
    }
    let affected = disconnect_unaudited(db, org, imported, now).await?;
    tracing::info!(
        target: "audit",
        by = %by,
        org = %org.slug,
        events = ?imported,
        affected,
        "lu.ma disconnected"
    );
    Ok(affected)
}

async fn disconnect_unaudited(
    db: &DatabaseConnection,
    org: &Organization,
    imported: ImportedEvents,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let txn = crate::store::begin_write(db).await?;
    let mut row: organization::ActiveModel = org.clone().into();
    row.luma_calendar_url = Set(None);
    row.luma_calendar_id = Set(None);
    row.luma_calendar_name = Set(None);
    row.luma_api_key_sealed = Set(None);
    row.luma_api_key_last_four = Set(None);
    // The feed goes too: left behind, its next sync would bring the events back.
    row.ical_url_sealed = Set(None);
    row.ical_url_shown = Set(None);
    row.ical_url_unsealed = Set(None);
    row.ical_etag = Set(None);
    row.ical_last_modified = Set(None);
    row.last_sync_outcome = Set(None);
    row.last_sync_message = Set(None);
    // Webhooks and the network's key would bring the events back as well.
    row.luma_webhook_secret_sealed = Set(None);
    row.luma_network_id = Set(None);
    row.update(&txn).await?;
    let of_this_org = event::Column::OrganizationId.eq(org.id);
    let affected = match imported {
        ImportedEvents::Keep => {
            event::Entity::update_many()
                .col_expr(
                    event::Column::RemovedAt,
                    sea_orm::sea_query::Expr::value(Some(now)),
                )
                .filter(of_this_org)
                .filter(event::Column::RemovedAt.is_null())
                .exec(&txn)
                .await?
                .rows_affected
        }
        ImportedEvents::Delete => {
            event::Entity::delete_many()
                .filter(of_this_org)
                .exec(&txn)
                .await?
                .rows_affected
        }
    };
    txn.commit().await?;
    Ok(affected)
}

/// The sync status the settings panel shows.
#[derive(Debug, Clone)]
pub struct SyncStatus {
    /// Newest first.
    pub runs: Vec<sync_run::Model>,
    pub events_stored: u64,
}

pub async fn sync_status(db: &DatabaseConnection, org: &Organization) -> Result<SyncStatus, Error> {
    let runs = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(org.id))
        .order_by_desc(sync_run::Column::Id)
        .limit(RUNS_SHOWN)
        .all(db)
        .await?;
    Ok(SyncStatus {
        runs,
        events_stored: events::count_live(db, org.id).await?,
    })
}

#[cfg(test)]
mod tests;
