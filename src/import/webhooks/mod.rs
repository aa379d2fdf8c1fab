//! lu.ma's webhooks in: a delivery to `/webhooks/luma/{slug}` is checked against the
//! organization's signing secret ([`signature`]), kept once per `webhook-id` (the store's unique
//! index: a replay or a retry changes nothing), and applied after the answer through the same
//! plan and write as a sync ([`crate::import::sync::Pushed`]): created and updated events are
//! stored (fetched with the key when the body lacks what the store needs, such as who may see
//! the event), cancelled ones removed. Nothing is ever removed because a webhook did not mention
//! it; the daily import stays the reconcile that heals what webhooks missed.
//!
//! A delivery waits in `luma_webhook_deliveries` until applied, so one received just before the
//! process stopped is applied by the next ([`apply_pending`] in the background loop).

pub mod signature;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::Value;

use crate::Error;
use crate::import::luma::client::LumaError;
use crate::import::luma::model::{ImportedEvent, parse_event_detail};
use crate::import::sync::{Importer, Pushed, SyncOutcome};
use crate::rules::bounds;
use crate::secrets::{Purpose, SecretKey};
use crate::store::entities::luma_webhook_delivery::{self, WebhookOutcome};
use crate::store::entities::organization;
use convene_types::WebhookKind;
use signature::{Refused, SignedHeaders, SigningSecret};

/// The largest body taken (an event with a long description is a few tens of kB); larger
/// ones are refused before anything reads them.
pub const BODY_MAX_BYTES: usize = 256 * 1024;
/// Deliveries one organization may have waiting to be applied; more are refused with "try
/// again later". With [`BODY_MAX_BYTES`] each, what waits is at most 16 MB an organization (the
/// events an organization keeps are bounded the same), and an applied delivery keeps no body.
pub const PENDING_MAX_PER_ORGANIZATION: u64 = 64;
/// A claim on a delivery older than this is taken again (its process stopped).
const CLAIMED_FOR: Duration = Duration::minutes(5);
/// Deliveries are kept this long after arriving (replays are refused for their ids until
/// then, and by their timestamps after), then deleted.
pub const KEPT_FOR: Duration = Duration::days(2);
/// Deliveries one pass applies at most; the next pass takes the rest.
const APPLIED_PER_PASS: u64 = 100;

/// How a delivery was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// Kept, to be applied.
    Accepted { organization_id: i64 },
    /// This `webhook-id` came before: nothing changes (a sender's retry, or a replay).
    AlreadyReceived,
    /// A type Convene does not use (guests, tickets): acknowledged, not kept.
    Ignored,
}

/// Why a delivery was refused. Nothing is stored for a refused delivery.
#[derive(Debug, thiserror::Error)]
pub enum WebhookRefusal {
    #[error("there is no organization here at this address")]
    UnknownOrganization,
    #[error(
        "this organization takes no lu.ma webhooks: its admins save lu.ma's signing secret first"
    )]
    NotConfigured,
    #[error("the signature was refused: {0}")]
    Signature(#[from] Refused),
    #[error("the body is not a lu.ma webhook: {0}")]
    Unreadable(String),
    #[error(
        "{PENDING_MAX_PER_ORGANIZATION} deliveries for this organization wait to be applied; send it again later"
    )]
    Backlog,
    #[error("the delivery could not be kept; send it again")]
    Store(#[from] Error),
}

impl From<sea_orm::DbErr> for WebhookRefusal {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Store(err.into())
    }
}

fn open_secret(key: &SecretKey, sealed: &str, purpose: Purpose) -> Result<SigningSecret, Error> {
    let text = key
        .open(sealed, purpose)
        .map_err(|err| Error::Internal(format!("the webhook secret cannot be read: {err}")))?;
    SigningSecret::parse(&text)
        .map_err(|err| Error::Internal(format!("the stored webhook secret: {err}")))
}

/// The address part of the lu.ma organization key's webhooks: `/webhooks/luma/network`. No
/// organization can take it as its slug.
pub use crate::store::organizations::NETWORK_WEBHOOK_SLUG as NETWORK_PATH;

/// Where a delivery goes: one organization's address, or the network's (routed by calendar).
enum Addressee {
    Organization(Box<organization::Model>),
    Network(i64),
}

impl Addressee {
    async fn find(
        db: &DatabaseConnection,
        key: &SecretKey,
        slug: &str,
    ) -> Result<(Self, SigningSecret), WebhookRefusal> {
        if slug == NETWORK_PATH {
            let network = crate::store::entities::luma_network::Entity::find()
                .one(db)
                .await?
                .ok_or(WebhookRefusal::UnknownOrganization)?;
            let sealed = network
                .webhook_secret_sealed
                .as_deref()
                .ok_or(WebhookRefusal::NotConfigured)?;
            let secret = open_secret(
                key,
                sealed,
                Purpose::LumaNetworkWebhookSecret {
                    network_id: network.id,
                },
            )?;
            return Ok((Addressee::Network(network.id), secret));
        }
        let org = crate::store::organizations::find_by_slug(db, slug)
            .await?
            .ok_or(WebhookRefusal::UnknownOrganization)?;
        let sealed = org
            .luma_webhook_secret_sealed
            .as_deref()
            .ok_or(WebhookRefusal::NotConfigured)?;
        let secret = open_secret(
            key,
            sealed,
            Purpose::LumaWebhookSecret {
                organization_id: org.id,
            },
        )?;
        Ok((Addressee::Organization(Box::new(org)), secret))
    }

    fn name(&self) -> String {
        match self {
            Addressee::Organization(org) => org.slug.clone(),
            Addressee::Network(_) => NETWORK_PATH.to_owned(),
        }
    }
}

/// The calendar a body's event belongs to: `data.calendar_id`, or that of `data.event`, or
/// `data.calendar.id` (`calendar.event.added`).
fn calendar_id_of(data: &Value) -> Option<String> {
    let event = data.get("event").filter(|e| e.is_object()).unwrap_or(data);
    ["calendar_id", "calendar_api_id"]
        .iter()
        .find_map(|field| event.get(*field).and_then(Value::as_str))
        .or_else(|| {
            let calendar = data.get("calendar")?;
            ["id", "api_id"]
                .iter()
                .find_map(|field| calendar.get(*field).and_then(Value::as_str))
        })
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(bounds::event_id)
}

/// The body: `{"type": …, "data": {…}}`.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

/// Checks a delivery for the organization `slug` and keeps it to be applied.
pub async fn receive(
    db: &DatabaseConnection,
    key: &SecretKey,
    slug: &str,
    headers: SignedHeaders<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Received, WebhookRefusal> {
    let (addressee, secret) = Addressee::find(db, key, slug).await?;
    if body.len() > BODY_MAX_BYTES {
        return Err(WebhookRefusal::Unreadable(format!(
            "larger than {BODY_MAX_BYTES} bytes"
        )));
    }
    let verified = match signature::verify(&secret, headers, body, now) {
        Ok(verified) => verified,
        Err(refused) => {
            // Never the secret or the signature: what was wrong, so an operator can tell a
            // scheme mismatch from a wrong secret or an attack.
            tracing::warn!(org = %addressee.name(), reason = refused.kind(), detail = %refused, "lu.ma webhook refused");
            return Err(refused.into());
        }
    };
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|err| WebhookRefusal::Unreadable(err.to_string()))?;
    let Ok(kind) = envelope.kind.parse::<WebhookKind>() else {
        tracing::debug!(org = %addressee.name(), kind = %bounds::one_line(&envelope.kind, 40), "lu.ma webhook of a type not used; acknowledged");
        return Ok(Received::Ignored);
    };
    if !envelope.data.is_object() {
        return Err(WebhookRefusal::Unreadable("`data` is not an object".into()));
    }
    let org = match addressee {
        Addressee::Organization(org) => *org,
        Addressee::Network(network_id) => {
            let calendar = calendar_id_of(&envelope.data);
            let linked = match &calendar {
                Some(calendar) => {
                    organization::Entity::find()
                        .filter(organization::Column::LumaNetworkId.eq(network_id))
                        .filter(organization::Column::LumaCalendarId.eq(calendar.as_str()))
                        .one(db)
                        .await?
                }
                None => None,
            };
            let Some(org) = linked else {
                // A calendar the key's next run links (or none named): that run brings it.
                tracing::info!(
                    calendar = calendar.as_deref().unwrap_or("-"),
                    "lu.ma organization webhook for a calendar not linked yet; the next run brings it"
                );
                return Ok(Received::Ignored);
            };
            org
        }
    };
    let pending = luma_webhook_delivery::Entity::find()
        .filter(luma_webhook_delivery::Column::OrganizationId.eq(org.id))
        .filter(luma_webhook_delivery::Column::AppliedAt.is_null())
        .count(db)
        .await?;
    if pending >= PENDING_MAX_PER_ORGANIZATION {
        return Err(WebhookRefusal::Backlog);
    }
    let kept = luma_webhook_delivery::ActiveModel {
        organization_id: Set(org.id),
        webhook_id: Set(verified.id.clone()),
        sent_at: Set(verified.sent_at),
        received_at: Set(now),
        kind: Set(kind),
        event_id: Set(event_id_of(&envelope.data)),
        payload: Set(envelope.data.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await;
    match kept {
        Ok(_) => {
            tracing::info!(org = %org.slug, %kind, webhook_id = %verified.id, "lu.ma webhook received");
            Ok(Received::Accepted {
                organization_id: org.id,
            })
        }
        Err(err) if crate::error::is_unique_violation(&err) => {
            tracing::info!(org = %org.slug, webhook_id = %verified.id, "lu.ma webhook received again; already kept");
            Ok(Received::AlreadyReceived)
        }
        Err(err) => Err(err.into()),
    }
}

/// The event a body is about: `data.id` (or `api_id`), or that of `data.event`.
fn event_id_of(data: &Value) -> Option<String> {
    let event = data.get("event").filter(|e| e.is_object()).unwrap_or(data);
    ["id", "api_id"]
        .iter()
        .find_map(|field| event.get(*field).and_then(Value::as_str))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(bounds::event_id)
}

/// Which waiting deliveries a pass takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// One organization's, just received (the answer to lu.ma waits for them).
    Of(i64),
    /// Everyone's received this long ago or earlier: the background loop's, which leaves the
    /// fresh ones to the answers applying them.
    ReceivedBefore(DateTime<Utc>),
}

/// How long after arriving the background loop takes a delivery its answer did not apply.
pub const LEFT_TO_THE_ANSWER: Duration = Duration::seconds(30);

/// Applies the deliveries waiting, oldest first, at most [`APPLIED_PER_PASS`]; returns how
/// many were applied, skipped or failed. Each is claimed first, so two processes never apply
/// the same one at once; a claim left by a stopped process is taken again after
/// [`CLAIMED_FOR`].
pub async fn apply_pending(
    importer: &Importer,
    which: Waiting,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let db = importer.db();
    let unclaimed = Condition::any()
        .add(luma_webhook_delivery::Column::ClaimedAt.is_null())
        .add(luma_webhook_delivery::Column::ClaimedAt.lt(now - CLAIMED_FOR));
    let waiting = luma_webhook_delivery::Entity::find()
        .filter(luma_webhook_delivery::Column::AppliedAt.is_null())
        .filter(unclaimed.clone());
    let waiting = match which {
        Waiting::Of(organization_id) => {
            waiting.filter(luma_webhook_delivery::Column::OrganizationId.eq(organization_id))
        }
        Waiting::ReceivedBefore(before) => {
            waiting.filter(luma_webhook_delivery::Column::ReceivedAt.lte(before))
        }
    };
    let waiting = waiting
        .order_by_asc(luma_webhook_delivery::Column::Id)
        .limit(APPLIED_PER_PASS)
        .all(db)
        .await?;
    let mut done = 0;
    for delivery in waiting {
        let claimed = luma_webhook_delivery::Entity::update_many()
            .col_expr(
                luma_webhook_delivery::Column::ClaimedAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(luma_webhook_delivery::Column::Id.eq(delivery.id))
            .filter(luma_webhook_delivery::Column::AppliedAt.is_null())
            .filter(unclaimed.clone())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let (outcome, message) = apply_one(importer, &delivery, now).await?;
        luma_webhook_delivery::ActiveModel {
            id: Set(delivery.id),
            applied_at: Set(Some(Utc::now().max(now))),
            outcome: Set(Some(outcome)),
            message: Set(message.clone()),
            // Only its id, time and kind are needed now (replays, later deliveries).
            payload: Set(String::new()),
            ..Default::default()
        }
        .update(db)
        .await?;
        tracing::info!(organization_id = delivery.organization_id, kind = %delivery.kind, webhook_id = %delivery.webhook_id, %outcome, message = message.as_deref().unwrap_or(""), "lu.ma webhook applied");
        done += 1;
    }
    Ok(done)
}

/// Deletes deliveries kept longer than [`KEPT_FOR`]; returns how many.
pub async fn forget_old(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, Error> {
    let deleted = luma_webhook_delivery::Entity::delete_many()
        .filter(luma_webhook_delivery::Column::ReceivedAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

type Applied = (WebhookOutcome, Option<String>);

fn skipped(why: impl Into<String>) -> Applied {
    (WebhookOutcome::Skipped, Some(why.into()))
}

async fn apply_one(
    importer: &Importer,
    delivery: &luma_webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Result<Applied, Error> {
    let Some(org) = organization::Entity::find_by_id(delivery.organization_id)
        .one(importer.db())
        .await?
    else {
        return Ok(skipped("the organization no longer exists"));
    };
    let Some(event_id) = delivery.event_id.clone() else {
        return Ok(skipped("the webhook names no event"));
    };
    if let Some(later) = later_delivery_for(importer.db(), delivery, &event_id).await? {
        return Ok(skipped(format!(
            "a later webhook ({}) about the same event came first",
            later.kind
        )));
    }
    let pushed = match delivery.kind {
        WebhookKind::EventCanceled => Pushed::Canceled(event_id),
        WebhookKind::EventCreated | WebhookKind::EventUpdated | WebhookKind::CalendarEventAdded => {
            match event_of(importer, &org, delivery, &event_id).await {
                Ok(event) => Pushed::Event(Box::new(event)),
                Err(applied) => return Ok(applied),
            }
        }
    };
    let report = importer.apply_pushed(&org, pushed, now).await?;
    Ok(match report.outcome {
        SyncOutcome::Ok => (WebhookOutcome::Applied, None),
        _ => (WebhookOutcome::Failed, report.message),
    })
}

/// Another delivery about the same event, sent later, that is already applied or is a
/// cancellation: this older one would undo it.
async fn later_delivery_for(
    db: &DatabaseConnection,
    delivery: &luma_webhook_delivery::Model,
    event_id: &str,
) -> Result<Option<luma_webhook_delivery::Model>, Error> {
    Ok(luma_webhook_delivery::Entity::find()
        .filter(luma_webhook_delivery::Column::OrganizationId.eq(delivery.organization_id))
        .filter(luma_webhook_delivery::Column::EventId.eq(event_id))
        .filter(luma_webhook_delivery::Column::Id.ne(delivery.id))
        .filter(luma_webhook_delivery::Column::SentAt.gt(delivery.sent_at))
        .filter(
            Condition::any()
                .add(luma_webhook_delivery::Column::Kind.eq(WebhookKind::EventCanceled))
                .add(luma_webhook_delivery::Column::Outcome.eq(WebhookOutcome::Applied)),
        )
        .one(db)
        .await?)
}

/// The fields without which a body cannot be stored as it stands: who may see the event, when
/// it is, and its description (a body without one would erase the stored one).
const FIELDS_THE_STORE_NEEDS: [&str; 3] = ["visibility", "start_at", "description_md"];

/// The event a delivery is about: from its body when that is complete, else from lu.ma with
/// the organization's key (an event managed by another calendar, or a partial body).
async fn event_of(
    importer: &Importer,
    org: &organization::Model,
    delivery: &luma_webhook_delivery::Model,
    event_id: &str,
) -> Result<ImportedEvent, Applied> {
    let data: Value = serde_json::from_str(&delivery.payload).map_err(|err| {
        (
            WebhookOutcome::Failed,
            Some(format!("unreadable body: {err}")),
        )
    })?;
    let complete = delivery.kind != WebhookKind::CalendarEventAdded
        && FIELDS_THE_STORE_NEEDS
            .iter()
            .all(|field| data.get(*field).is_some());
    let mut event = if complete {
        parse_event_detail(&data.to_string())
            .map_err(|err| (WebhookOutcome::Failed, Some(err.to_string())))?
    } else {
        let access = importer.luma_access(org).await.map_err(|why| {
            skipped(format!("the webhook does not carry the whole event and it cannot be fetched ({why}); the daily import brings it"))
        })?;
        match access.client.get_event(&access.key, event_id).await {
            Ok(event) => event,
            Err(err @ (LumaError::NotFound(_) | LumaError::Forbidden(_))) => {
                return Err(skipped(format!(
                    "lu.ma does not show this event to the key ({err}); the daily import reconciles"
                )));
            }
            Err(err) => return Err((WebhookOutcome::Failed, Some(err.to_string()))),
        }
    };
    // Listed on this calendar, managed by another: as the list marks it.
    if delivery.kind == WebhookKind::CalendarEventAdded
        || event
            .calendar_id
            .as_deref()
            .zip(org.luma_calendar_id.as_deref())
            .is_some_and(|(event_calendar, own)| event_calendar != own)
    {
        event.cross_listed = true;
    }
    Ok(event)
}

#[cfg(test)]
mod tests;
