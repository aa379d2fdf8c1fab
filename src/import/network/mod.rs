//! One lu.ma organization key for a whole network (issue #32). The key lists every calendar of
//! its lu.ma organization; each is linked to a Convene organization by calendar id, then by
//! slug, and the missing ones are created (lu.ma's name, slug and description). A run lists the
//! calendars again (new ones appear), fetches every calendar's events in one paged list (the
//! key's budget, 500 a minute, shared), and stores each organization's part as its own run,
//! with the same reconcile rules as a calendar key's. A calendar that left the lu.ma
//! organization is reported and its events hidden, never deleted at once: they stay 30 days,
//! so a calendar that comes back finds them under the same addresses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};

use crate::Error;
use crate::import::integration::ChangedBy;
use crate::import::luma::client::{ApiKey, EventList, LumaClient, LumaError, Window};
use crate::import::luma::model::{CalendarInfo, ImportedEvent};
use crate::import::sync::{Importer, NETWORK_BUDGET_PER_MINUTE, SyncOutcome, SyncReport};
use crate::secrets::Purpose;
use crate::store::entities::{event, luma_network, organization};
use crate::store::leases;
use crate::store::organizations::{self, NewOrganization};
use crate::text::slug::Slug;
use convene_types::{InputField, SyncTrigger};

/// The lease a run over the key holds, and for how long at most (a run left by a stopped
/// process frees it then).
const RUN_LEASE: &str = "luma_network_run";
const RUN_LEASE_TTL: chrono::Duration = chrono::Duration::minutes(30);

/// How far back a run's list looks, as a calendar key's does.
const WINDOW_PAST: chrono::Duration = chrono::Duration::days(1);

/// How a calendar found its Convene organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkedBy {
    /// Already linked to this calendar id.
    CalendarId,
    /// An organization with the calendar's slug and no other calendar.
    Slug,
    /// None matched: made from lu.ma's name, slug and description.
    Created,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub slug: String,
    pub name: String,
    pub calendar_id: String,
    pub by: LinkedBy,
}

/// A calendar linked before that the key no longer lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    pub slug: String,
    pub name: String,
    pub calendar_id: String,
    /// Its events, hidden from every page.
    pub events_hidden: u64,
}

/// What one run over an organization key did.
#[derive(Debug)]
pub struct NetworkRun {
    pub linked: Vec<Linked>,
    pub left: Vec<Left>,
    /// Each organization's run, by slug.
    pub runs: Vec<(String, Result<SyncReport, Error>)>,
    /// lu.ma requests the run made in all (lists, descriptions, checks).
    pub requests_made: u64,
}

fn key_error(err: LumaError) -> Error {
    match err {
        LumaError::KeyRejected => Error::invalid(
            InputField::ApiKey,
            "lu.ma refused the key: use an organization key (lu.ma organization settings → API), with Luma Plus",
        ),
        other => other.into(),
    }
}

/// Saves an organization key (checked by listing its calendars) and links every calendar. A
/// deployment has one: a new key replaces the old one. `api_base` names another lu.ma API than
/// the setting (the demo's fake lu.ma).
pub async fn connect(
    importer: &Importer,
    typed_key: &str,
    api_base: Option<url::Url>,
    by: ChangedBy,
    now: DateTime<Utc>,
) -> Result<(luma_network::Model, Vec<Linked>), Error> {
    let key = ApiKey::new(typed_key);
    if key.expose().is_empty() {
        return Err(Error::invalid(
            InputField::ApiKey,
            "paste the lu.ma organization's API key",
        ));
    }
    let client = client_for(importer, api_base.as_ref().map(url::Url::as_str))?;
    let calendars = client
        .list_organization_calendars(&key)
        .await
        .map_err(key_error)?;
    let db = importer.db();
    // One transaction: a new row is never left without its key.
    let txn = crate::store::begin_write(db).await?;
    let existing = luma_network::Entity::find()
        .order_by_asc(luma_network::Column::Id)
        .one(&txn)
        .await?;
    let network = match existing {
        Some(network) => network,
        None => {
            luma_network::ActiveModel {
                // Sealed below, once the row has the id the seal is bound to.
                api_key_sealed: Set(String::new()),
                api_key_last_four: Set(String::new()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let sealed = importer
        .secret_key()
        .seal(
            key.expose(),
            Purpose::LumaNetworkKey {
                network_id: network.id,
            },
        )
        .map_err(|err| Error::Internal(format!("sealing the lu.ma organization key: {err}")))?;
    let mut row: luma_network::ActiveModel = network.into();
    row.api_key_sealed = Set(sealed);
    row.api_key_last_four = Set(key.last_four());
    row.luma_api_base = Set(api_base.map(|base| base.to_string()));
    let network = row.update(&txn).await?;
    txn.commit().await?;
    let linked = link_calendars(db, network.id, &calendars).await?;
    tracing::info!(
        target: "audit",
        by = %by,
        calendars = calendars.len(),
        created = linked.iter().filter(|l| l.by == LinkedBy::Created).count(),
        key_ends_in = %network.api_key_last_four,
        "lu.ma organization key saved"
    );
    Ok((network, linked))
}

/// Saves the lu.ma organization's webhook signing secret (checked, then sealed): deliveries to
/// `/webhooks/luma/network` go to the organization linked to each event's calendar.
pub async fn save_webhook_secret(
    importer: &Importer,
    secret: &str,
    by: ChangedBy,
) -> Result<luma_network::Model, Error> {
    crate::import::webhooks::signature::SigningSecret::parse(secret)
        .map_err(|err| Error::invalid(InputField::WebhookSecret, err.to_string()))?;
    let network = luma_network::Entity::find()
        .order_by_asc(luma_network::Column::Id)
        .one(importer.db())
        .await?
        .ok_or_else(|| {
            Error::invalid(
                InputField::WebhookSecret,
                "save the lu.ma organization key first (`--api-key-env`)",
            )
        })?;
    let sealed = importer
        .secret_key()
        .seal(
            secret.trim(),
            Purpose::LumaNetworkWebhookSecret {
                network_id: network.id,
            },
        )
        .map_err(|err| Error::Internal(format!("sealing the webhook secret: {err}")))?;
    let mut row: luma_network::ActiveModel = network.into();
    row.webhook_secret_sealed = Set(Some(sealed));
    let saved = row.update(importer.db()).await?;
    tracing::info!(target: "audit", by = %by, "lu.ma organization webhook secret saved");
    Ok(saved)
}

/// The importer's client, or one aimed at `base`, with an organization key's budget.
fn client_for(importer: &Importer, base: Option<&str>) -> Result<LumaClient, Error> {
    let client = match base {
        None => importer.client().with_own_count(),
        Some(base) => importer.client().with_base_url(
            url::Url::parse(base)
                .map_err(|err| Error::Internal(format!("lu.ma API base {base:?}: {err}")))?,
        ),
    };
    Ok(client.with_budget_per_minute(NETWORK_BUDGET_PER_MINUTE))
}

/// Links each calendar to its organization (by calendar id, then slug), creating the missing.
async fn link_calendars(
    db: &DatabaseConnection,
    network_id: i64,
    calendars: &[CalendarInfo],
) -> Result<Vec<Linked>, Error> {
    let organizations = organizations::list_all(db).await?;
    let by_calendar: HashMap<&str, &organization::Model> = organizations
        .iter()
        .filter_map(|org| org.luma_calendar_id.as_deref().map(|id| (id, org)))
        .collect();
    let by_slug: HashMap<&str, &organization::Model> = organizations
        .iter()
        .map(|org| (org.slug.as_str(), org))
        .collect();
    let mut linked = Vec::with_capacity(calendars.len());
    for calendar in calendars {
        let slug = calendar.slug.as_deref().and_then(Slug::from_text);
        let found = by_calendar
            .get(calendar.id.as_str())
            .map(|org| (*org, LinkedBy::CalendarId))
            .or_else(|| {
                slug.as_ref()
                    .and_then(|slug| by_slug.get(slug.as_str()))
                    .filter(|org| org.luma_calendar_id.is_none())
                    .map(|org| (*org, LinkedBy::Slug))
            });
        let (org, by) = match found {
            Some((org, by)) => (org.clone(), by),
            None => (create_for(db, calendar, slug).await?, LinkedBy::Created),
        };
        let mut row: organization::ActiveModel = org.clone().into();
        row.luma_network_id = Set(Some(network_id));
        row.luma_calendar_id = Set(Some(calendar.id.clone()));
        row.luma_calendar_name = Set(Some(calendar.name.clone()));
        if org.luma_calendar_url.is_none() {
            row.luma_calendar_url = Set(calendar.url.clone());
        }
        if org.display_timezone.is_none() {
            row.display_timezone = Set(calendar.timezone.clone());
        }
        let org = row.update(db).await?;
        linked.push(Linked {
            slug: org.slug,
            name: org.name,
            calendar_id: calendar.id.clone(),
            by,
        });
    }
    Ok(linked)
}

/// A new organization for a calendar: lu.ma's slug (or one made from its name, or its id),
/// with `-2`, `-3`, … when taken.
async fn create_for(
    db: &DatabaseConnection,
    calendar: &CalendarInfo,
    slug: Option<Slug>,
) -> Result<organization::Model, Error> {
    let base = slug
        .or_else(|| Slug::from_text(&calendar.name))
        .or_else(|| Slug::from_text(&calendar.id))
        .map(|slug| slug.to_string())
        .unwrap_or_else(|| "luma-calendar".to_owned());
    let description = calendar.description.clone().unwrap_or_default();
    for attempt in 1..=20 {
        let candidate = if attempt == 1 {
            base.clone()
        } else {
            let suffix = format!("-{attempt}");
            let kept: String = base.chars().take(Slug::MAX_LEN - suffix.len()).collect();
            format!("{}{suffix}", kept.trim_end_matches('-'))
        };
        let new = match NewOrganization::parse(&candidate, &calendar.name, &description) {
            Ok(new) => new,
            // A slug kept for Convene's own addresses: the next candidate.
            Err(Error::Invalid {
                field: InputField::Slug,
                ..
            }) => continue,
            Err(err) => return Err(err),
        };
        match organizations::create(db, new).await {
            Ok(org) => return Ok(org),
            Err(Error::Conflict { .. }) => continue,
            Err(err) => return Err(err),
        }
    }
    Err(Error::Conflict {
        field: InputField::Slug,
        message: format!(
            "no free address for the calendar {} ({base}-2 to -20 are taken)",
            calendar.name
        ),
    })
}

/// Runs every organization key: lists its calendars (linking new ones, reporting those that
/// left), fetches all their events in one list, and stores each organization's part as its
/// run. `None` when no key is saved.
pub async fn run(
    importer: &Importer,
    trigger: SyncTrigger,
    now: DateTime<Utc>,
) -> Result<Option<NetworkRun>, Error> {
    let Some(network) = luma_network::Entity::find()
        .order_by_asc(luma_network::Column::Id)
        .one(importer.db())
        .await?
    else {
        return Ok(None);
    };
    // One run at a time, across replicas: two would write the same organizations at once.
    let owner = format!("network-run-{}", &crate::secrets::random_token()[..12]);
    if !leases::try_take(importer.db(), RUN_LEASE, &owner, RUN_LEASE_TTL, Utc::now()).await? {
        return Err(Error::Conflict {
            field: InputField::ApiKey,
            message: "a run over the lu.ma organization key is already going; its result shows here when it ends".into(),
        });
    }
    let result = run_one(importer, &network, trigger, now).await;
    leases::release(importer.db(), RUN_LEASE, &owner, Utc::now()).await?;
    let (outcome, message) = match &result {
        Ok(run) => {
            let failed = run
                .runs
                .iter()
                .filter(|(_, report)| !matches!(report, Ok(r) if r.outcome == SyncOutcome::Ok))
                .count();
            let mut notes = Vec::new();
            if failed > 0 {
                notes.push(format!("{failed} calendars did not import"));
            }
            for left in &run.left {
                notes.push(format!(
                    "{} ({}) left the lu.ma organization; its events are hidden",
                    left.name, left.calendar_id
                ));
            }
            (
                SyncOutcome::Ok,
                (!notes.is_empty()).then(|| notes.join("; ")),
            )
        }
        Err(err) => (SyncOutcome::Failed, Some(err.to_string())),
    };
    luma_network::ActiveModel {
        id: Set(network.id),
        last_run_at: Set(Some(now)),
        last_outcome: Set(Some(outcome)),
        last_message: Set(message),
        ..Default::default()
    }
    .update(importer.db())
    .await?;
    result.map(Some)
}

/// [`run`] in the background (a page asks for it and does not wait); not found when no key is
/// saved. The run's result is recorded with the key, for the page to show.
pub async fn start_run(importer: &Importer, trigger: SyncTrigger) -> Result<(), Error> {
    if luma_network::Entity::find()
        .one(importer.db())
        .await?
        .is_none()
    {
        return Err(Error::NotFound("lu.ma organization key".into()));
    }
    let importer = importer.clone();
    tokio::spawn(async move {
        if let Err(err) = run(&importer, trigger, Utc::now()).await {
            tracing::warn!(error = %err, "the lu.ma organization's run failed");
        }
    });
    Ok(())
}

async fn run_one(
    importer: &Importer,
    network: &luma_network::Model,
    trigger: SyncTrigger,
    now: DateTime<Utc>,
) -> Result<NetworkRun, Error> {
    let key = importer
        .secret_key()
        .open(
            &network.api_key_sealed,
            Purpose::LumaNetworkKey {
                network_id: network.id,
            },
        )
        .map_err(|err| Error::Internal(format!("the lu.ma organization key: {err}")))?;
    let key = ApiKey::new(key);
    let client = client_for(importer, network.luma_api_base.as_deref())?;
    let calendars = client.list_organization_calendars(&key).await?;
    let db = importer.db();
    let linked = link_calendars(db, network.id, &calendars).await?;
    let left = unlink_departed(db, network.id, &calendars, now).await?;
    let window = Window {
        after: now - WINDOW_PAST,
        before: None,
    };
    let (events, pages) = client
        .fetch_window_reporting(&key, EventList::Organization, window, |_| {
            std::future::ready(())
        })
        .await?;
    let mut by_calendar: HashMap<String, Vec<ImportedEvent>> = HashMap::new();
    for event in events {
        if let Some(calendar) = event.calendar_id.clone() {
            by_calendar.entry(calendar).or_default().push(event);
        }
    }
    let members = organization::Entity::find()
        .filter(organization::Column::LumaNetworkId.eq(network.id))
        // An organization with its own key imports with it.
        .filter(organization::Column::LumaApiKeySealed.is_null())
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?;
    let mut runs = Vec::with_capacity(members.len());
    for org in members {
        let own = org
            .luma_calendar_id
            .as_ref()
            .and_then(|id| by_calendar.remove(id))
            .unwrap_or_default();
        let report = importer
            .run_org_sync_from(org.id, trigger, now, Some((own, pages)))
            .await;
        runs.push((org.slug, report));
    }
    Ok(NetworkRun {
        linked,
        left,
        runs,
        requests_made: client.requests_made(),
    })
}

/// Organizations linked through this key whose calendar the key no longer lists: unlinked and
/// their events hidden (kept 30 days), each reported in the log for the site admins.
async fn unlink_departed(
    db: &DatabaseConnection,
    network_id: i64,
    calendars: &[CalendarInfo],
    now: DateTime<Utc>,
) -> Result<Vec<Left>, Error> {
    let listed: std::collections::HashSet<&str> = calendars.iter().map(|c| c.id.as_str()).collect();
    let linked = organization::Entity::find()
        .filter(organization::Column::LumaNetworkId.eq(network_id))
        .all(db)
        .await?;
    let mut left = Vec::new();
    for org in linked {
        let Some(calendar_id) = org.luma_calendar_id.clone() else {
            continue;
        };
        if listed.contains(calendar_id.as_str()) {
            continue;
        }
        let txn = crate::store::begin_write(db).await?;
        let hidden = if org.luma_api_key_sealed.is_none() && org.ical_url_sealed.is_none() {
            event::Entity::update_many()
                .col_expr(
                    event::Column::RemovedAt,
                    sea_orm::sea_query::Expr::value(Some(now)),
                )
                .filter(event::Column::OrganizationId.eq(org.id))
                .filter(event::Column::RemovedAt.is_null())
                .exec(&txn)
                .await?
                .rows_affected
        } else {
            // It imports on its own as well: its events are that import's to judge.
            0
        };
        organization::ActiveModel {
            id: Set(org.id),
            luma_network_id: Set(None),
            ..Default::default()
        }
        .update(&txn)
        .await?;
        txn.commit().await?;
        tracing::warn!(
            target: "audit",
            org = %org.slug,
            calendar_id = %calendar_id,
            events_hidden = hidden,
            "a calendar left the lu.ma organization; its events are hidden"
        );
        left.push(Left {
            slug: org.slug,
            name: org.name,
            calendar_id,
            events_hidden: hidden,
        });
    }
    Ok(left)
}

#[cfg(test)]
mod tests;
