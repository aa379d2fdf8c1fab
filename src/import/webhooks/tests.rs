//! Receiving and applying lu.ma webhooks against a fresh store and the bundled fake lu.ma.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use super::*;
use crate::import::integration::{self, ChangedBy};
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::rules::visibility::Visibility;
use crate::secrets::SecretKey;
use crate::store::entities::{event, sync_run};
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::testing::{TestStore, fresh_store};
use convene_types::SyncTrigger;

const KEY: &str = "sk-luma-hooks-0001";

struct World {
    store: TestStore,
    fake: FakeLuma,
    importer: Importer,
    org: organization::Model,
    signing: SigningSecret,
    key: SecretKey,
}

async fn world() -> World {
    let now = Utc::now();
    let store = fresh_store().await;
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("rust-berlin", "Rust Berlin", "").unwrap(),
    )
    .await
    .unwrap();
    let calendar = FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..3).map(|n| sample_event(now, n, "cal-berlin")).collect(),
        legacy_shape: false,
    };
    let fake = FakeLuma::start(0, vec![(KEY.into(), calendar)])
        .await
        .unwrap();
    let key = SecretKey::generate();
    organizations::connect_luma(
        store.db(),
        org.id,
        LumaConnection {
            calendar_id: Some("cal-berlin".into()),
            ..crate::testing::luma_key(&key, org.id, KEY)
        },
    )
    .await
    .unwrap();
    let mut config = ClientConfig::new(fake.base_url());
    config.base_backoff = StdDuration::from_millis(5);
    config.max_attempts = 2;
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(config).unwrap(),
        key.clone(),
    );
    let secret_text = SigningSecret::generate();
    let org = organizations::find_by_slug(store.db(), "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let org =
        integration::save_webhook_secret(&importer, &org, &secret_text, ChangedBy::CommandLine)
            .await
            .unwrap();
    World {
        store,
        fake,
        importer,
        org,
        signing: SigningSecret::parse(&secret_text).unwrap(),
        key,
    }
}

/// A delivery's body and headers, signed at `sent_at` with `secret`.
struct Delivery {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

impl Delivery {
    fn signed(
        secret: &SigningSecret,
        id: &str,
        sent_at: DateTime<Utc>,
        kind: &str,
        data: &Value,
    ) -> Self {
        let body = json!({ "type": kind, "data": data })
            .to_string()
            .into_bytes();
        Self {
            id: id.to_owned(),
            timestamp: sent_at.timestamp().to_string(),
            signature: secret.sign(id, sent_at.timestamp(), &body),
            body,
        }
    }

    fn headers(&self) -> SignedHeaders<'_> {
        SignedHeaders {
            id: Some(&self.id),
            timestamp: Some(&self.timestamp),
            signature: Some(&self.signature),
        }
    }
}

impl World {
    fn delivery(&self, id: &str, kind: &str, data: &Value) -> Delivery {
        Delivery::signed(&self.signing, id, Utc::now(), kind, data)
    }

    async fn receive(&self, delivery: &Delivery) -> Result<Received, WebhookRefusal> {
        receive(
            self.store.db(),
            &self.key,
            "rust-berlin",
            delivery.headers(),
            &delivery.body,
            Utc::now(),
        )
        .await
    }

    /// Receives and applies, as the route does.
    async fn push(&self, delivery: &Delivery) -> u64 {
        assert!(matches!(
            self.receive(delivery).await.unwrap(),
            Received::Accepted { .. }
        ));
        apply_pending(&self.importer, Waiting::Of(self.org.id), Utc::now())
            .await
            .unwrap()
    }

    async fn event(&self, external_id: &str) -> Option<event::Model> {
        event::Entity::find()
            .filter(event::Column::OrganizationId.eq(self.org.id))
            .filter(event::Column::ExternalId.eq(external_id))
            .one(self.store.db())
            .await
            .unwrap()
    }

    async fn deliveries(&self) -> Vec<luma_webhook_delivery::Model> {
        luma_webhook_delivery::Entity::find()
            .all(self.store.db())
            .await
            .unwrap()
    }

    async fn events_stored(&self) -> u64 {
        event::Entity::find().count(self.store.db()).await.unwrap()
    }
}

fn new_event(n: u32) -> Value {
    let mut event = sample_event(Utc::now(), n, "cal-berlin");
    event["visibility"] = json!("public");
    event["name"] = json!(format!("Pushed meetup {n}"));
    event
}

#[tokio::test]
async fn a_signed_created_event_is_stored_with_its_description_as_a_webhook_run() {
    let world = world().await;
    assert_eq!(
        world
            .push(&world.delivery("msg_1", "event.created", &new_event(7)))
            .await,
        1
    );
    let stored = world.event("evt-0007").await.expect("stored");
    assert_eq!(stored.title, "Pushed meetup 7");
    assert_eq!(stored.removed_at, None);
    assert!(!stored.description_pending);
    assert_eq!(
        crate::store::descriptions::of_event(world.store.db(), &stored)
            .await
            .unwrap()
            .as_deref(),
        Some("Details of meetup 7")
    );
    let run = sync_run::Entity::find()
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.trigger, SyncTrigger::Webhook);
    assert_eq!(run.events_created, 1);
    // One event is no reconcile: the calendar's freshness is left to the runs.
    let org = organization::Entity::find_by_id(world.org.id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.events_last_synced_at, None);
    let deliveries = world.deliveries().await;
    assert_eq!(deliveries[0].outcome, Some(WebhookOutcome::Applied));
    assert_eq!(world.fake.requests(KEY), 0, "a whole body needs no request");
}

#[tokio::test]
async fn a_replayed_id_changes_nothing_and_is_acknowledged() {
    let world = world().await;
    let first = world.delivery("msg_same", "event.created", &new_event(7));
    world.push(&first).await;
    let mut changed = new_event(7);
    changed["name"] = json!("Replayed title");
    let replay = world.delivery("msg_same", "event.updated", &changed);
    assert!(matches!(
        world.receive(&replay).await.unwrap(),
        Received::AlreadyReceived
    ));
    assert_eq!(
        apply_pending(&world.importer, Waiting::Of(world.org.id), Utc::now())
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        world.event("evt-0007").await.unwrap().title,
        "Pushed meetup 7"
    );
    assert_eq!(world.deliveries().await.len(), 1);
}

#[tokio::test]
async fn forged_stale_and_unsigned_deliveries_are_refused_and_store_nothing() {
    let world = world().await;
    let other = SigningSecret::parse(&SigningSecret::generate()).unwrap();
    let forged = Delivery::signed(&other, "msg_f", Utc::now(), "event.created", &new_event(7));
    let stale = Delivery::signed(
        &world.signing,
        "msg_s",
        Utc::now() - chrono::Duration::minutes(6),
        "event.created",
        &new_event(7),
    );
    let mut tampered = world.delivery("msg_t", "event.created", &new_event(7));
    tampered.body = json!({"type": "event.created", "data": new_event(8)})
        .to_string()
        .into_bytes();
    let mut unsigned = world.delivery("msg_u", "event.created", &new_event(7));
    unsigned.signature = String::new();
    for (delivery, expected) in [
        (&forged, Refused::NoMatch),
        (&tampered, Refused::NoMatch),
        (&unsigned, Refused::MissingHeader("webhook-signature")),
    ] {
        match world.receive(delivery).await {
            Err(WebhookRefusal::Signature(refused)) => assert_eq!(refused, expected),
            other => panic!("{} was not refused: {other:?}", delivery.id),
        }
    }
    assert!(matches!(
        world.receive(&stale).await,
        Err(WebhookRefusal::Signature(Refused::OutsideTolerance(seconds))) if seconds >= 360
    ));
    assert!(world.deliveries().await.is_empty());
    assert_eq!(world.events_stored().await, 0);
}

#[tokio::test]
async fn an_organization_without_a_secret_or_an_unknown_one_takes_nothing() {
    let world = world().await;
    integration::remove_webhook_secret(world.store.db(), &world.org, ChangedBy::CommandLine)
        .await
        .unwrap();
    let delivery = world.delivery("msg_1", "event.created", &new_event(7));
    assert!(matches!(
        world.receive(&delivery).await,
        Err(WebhookRefusal::NotConfigured)
    ));
    assert!(matches!(
        receive(
            world.store.db(),
            &world.key,
            "nobody",
            delivery.headers(),
            &delivery.body,
            Utc::now()
        )
        .await,
        Err(WebhookRefusal::UnknownOrganization)
    ));
    assert!(world.deliveries().await.is_empty());
}

#[tokio::test]
async fn a_cancelled_event_leaves_the_pages_and_absence_removes_nothing() {
    let world = world().await;
    world
        .importer
        .run_org_sync(world.org.id, SyncTrigger::Manual, Utc::now())
        .await
        .unwrap();
    assert!(world.event("evt-0001").await.unwrap().removed_at.is_none());
    // An update of one event says nothing about the others.
    world
        .push(&world.delivery("msg_u", "event.updated", &new_event(0)))
        .await;
    assert!(world.event("evt-0001").await.unwrap().removed_at.is_none());
    assert!(world.event("evt-0002").await.unwrap().removed_at.is_none());
    world
        .push(&world.delivery("msg_c", "event.canceled", &json!({"id": "evt-0001"})))
        .await;
    assert!(world.event("evt-0001").await.unwrap().removed_at.is_some());
    assert!(world.event("evt-0002").await.unwrap().removed_at.is_none());
}

#[tokio::test]
async fn an_event_that_turned_private_leaves_and_a_partial_body_is_fetched_with_the_key() {
    let world = world().await;
    world
        .importer
        .run_org_sync(world.org.id, SyncTrigger::Manual, Utc::now())
        .await
        .unwrap();
    let mut private = new_event(1);
    private["visibility"] = json!("private");
    world
        .push(&world.delivery("msg_p", "event.updated", &private))
        .await;
    assert!(world.event("evt-0001").await.unwrap().removed_at.is_some());

    // A body without `visibility` is never taken as public: lu.ma is asked.
    let mut members_only = sample_event(Utc::now(), 2, "cal-berlin");
    members_only["visibility"] = json!("members-only");
    world.fake.upsert_event(KEY, members_only.clone());
    let before = world.fake.event_gets(KEY);
    let partial = json!({"id": "evt-0002", "name": "Partial"});
    world
        .push(&world.delivery("msg_partial", "event.updated", &partial))
        .await;
    assert_eq!(world.fake.event_gets(KEY), before + 1);
    let stored = world.event("evt-0002").await.unwrap();
    assert_eq!(stored.visibility, Visibility::MembersOnly);
    assert_eq!(
        stored.title, "Meetup 2",
        "lu.ma's answer, not the partial body"
    );
}

#[tokio::test]
async fn an_older_update_never_undoes_a_later_cancellation() {
    let world = world().await;
    let now = Utc::now();
    let cancel = Delivery::signed(
        &world.signing,
        "msg_late",
        now,
        "event.canceled",
        &json!({"id": "evt-0007"}),
    );
    let older = Delivery::signed(
        &world.signing,
        "msg_early",
        now - chrono::Duration::seconds(30),
        "event.created",
        &new_event(7),
    );
    world.push(&cancel).await;
    world.push(&older).await;
    assert_eq!(world.event("evt-0007").await, None);
    let skipped = world
        .deliveries()
        .await
        .into_iter()
        .find(|d| d.webhook_id == "msg_early")
        .unwrap();
    assert_eq!(skipped.outcome, Some(WebhookOutcome::Skipped));
}

#[tokio::test]
async fn types_convene_does_not_use_are_acknowledged_and_not_kept() {
    let world = world().await;
    let guest = world.delivery("msg_g", "guest.registered", &json!({"id": "gst-1"}));
    assert!(matches!(
        world.receive(&guest).await.unwrap(),
        Received::Ignored
    ));
    let not_json = Delivery {
        body: b"not json".to_vec(),
        ..world.delivery("msg_x", "event.created", &json!({}))
    };
    let resigned = Delivery::signed(&world.signing, "msg_x", Utc::now(), "x", &json!({}));
    let not_json = Delivery {
        signature: world
            .signing
            .sign("msg_x", resigned.timestamp.parse().unwrap(), &not_json.body),
        timestamp: resigned.timestamp,
        ..not_json
    };
    assert!(matches!(
        world.receive(&not_json).await,
        Err(WebhookRefusal::Unreadable(_))
    ));
    assert!(world.deliveries().await.is_empty());
}

#[tokio::test]
async fn a_delivery_whose_process_stopped_is_applied_by_the_backlog_pass() {
    let world = world().await;
    let delivery = world.delivery("msg_crash", "event.created", &new_event(7));
    world.receive(&delivery).await.unwrap();
    // A process claimed it, then stopped before applying it.
    let claimed_long_ago = Utc::now() - chrono::Duration::minutes(10);
    luma_webhook_delivery::Entity::update_many()
        .col_expr(
            luma_webhook_delivery::Column::ClaimedAt,
            sea_orm::sea_query::Expr::value(Some(claimed_long_ago)),
        )
        .exec(world.store.db())
        .await
        .unwrap();
    let later = Utc::now() + LEFT_TO_THE_ANSWER;
    assert_eq!(
        apply_pending(&world.importer, Waiting::ReceivedBefore(later), later)
            .await
            .unwrap(),
        1
    );
    assert!(world.event("evt-0007").await.is_some());
    // Once applied, never again.
    assert_eq!(
        apply_pending(&world.importer, Waiting::ReceivedBefore(later), later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        forget_old(world.store.db(), later + KEPT_FOR)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn a_webhook_secret_that_is_not_lumas_is_refused_when_saved() {
    let world = world().await;
    let refused = integration::save_webhook_secret(
        &world.importer,
        &world.org,
        "whsec_short",
        ChangedBy::CommandLine,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            refused,
            crate::Error::Invalid {
                field: convene_types::InputField::WebhookSecret,
                ..
            }
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_webhook_run_never_holds_back_a_page_loads_refresh_nor_counts_as_the_import() {
    use crate::import::refresh::{Freshness, Refresher};

    let world = world().await;
    world
        .push(&world.delivery("msg_r", "event.created", &new_event(7)))
        .await;
    // Events over an hour old (never imported here): a page load refreshes them, although a
    // webhook's run started a moment ago.
    let refresher = Refresher::new(
        world.importer.clone(),
        world.store.db().clone(),
        chrono::Duration::hours(1),
    );
    let org = organization::Entity::find_by_id(world.org.id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    let freshness = refresher.ensure_fresh(&org, Utc::now()).await.unwrap();
    let Freshness::RefreshStarted(run) = freshness else {
        panic!("a webhook's run held the refresh back");
    };
    run.await.unwrap().unwrap();
    assert_eq!(world.event("evt-0001").await.unwrap().removed_at, None);
}

#[tokio::test]
async fn disconnecting_forgets_the_webhook_secret() {
    let world = world().await;
    integration::disconnect(
        world.store.db(),
        &world.org,
        Some(convene_types::views::ImportedEvents::Keep),
        true,
        ChangedBy::CommandLine,
        Utc::now(),
    )
    .await
    .unwrap();
    let delivery = world.delivery("msg_after", "event.created", &new_event(7));
    assert!(matches!(
        world.receive(&delivery).await,
        Err(WebhookRefusal::NotConfigured)
    ));
}

#[tokio::test]
async fn waiting_deliveries_are_bounded_and_applied_ones_keep_no_body() {
    let world = world().await;
    for n in 0..PENDING_MAX_PER_ORGANIZATION {
        let delivery = world.delivery(&format!("msg_wait_{n}"), "event.created", &new_event(7));
        assert!(matches!(
            world.receive(&delivery).await.unwrap(),
            Received::Accepted { .. }
        ));
    }
    let one_more = world.delivery("msg_wait_over", "event.created", &new_event(8));
    assert!(matches!(
        world.receive(&one_more).await,
        Err(WebhookRefusal::Backlog)
    ));
    let kept = world.deliveries().await;
    assert_eq!(kept.len() as u64, PENDING_MAX_PER_ORGANIZATION);
    assert!(kept.iter().all(|d| d.payload.len() <= BODY_MAX_BYTES));

    apply_pending(&world.importer, Waiting::Of(world.org.id), Utc::now())
        .await
        .unwrap();
    assert!(
        world
            .deliveries()
            .await
            .iter()
            .all(|d| d.applied_at.is_some() && d.payload.is_empty())
    );
    assert!(matches!(
        world.receive(&one_more).await.unwrap(),
        Received::Accepted { .. }
    ));
}
