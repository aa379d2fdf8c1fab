//! Organization keys against a fresh store and the bundled fake lu.ma.

use std::time::Duration as StdDuration;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::import::luma::client::ClientConfig;
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::secrets::SecretKey;
use crate::testing::{TestStore, fresh_store};

const ORG_KEY: &str = "sk-org-network-0001";
const BERLIN_KEY: &str = "sk-cal-berlin-0001";
const LISBON_KEY: &str = "sk-cal-lisbon-0001";
const PORTO_KEY: &str = "sk-cal-porto-0001";

fn calendar(id: &str, name: &str, slug: &str, first: u32, count: u32) -> FakeCalendar {
    let now = Utc::now();
    FakeCalendar {
        id: id.into(),
        name: name.into(),
        slug: slug.into(),
        timezone: "Europe/Berlin".into(),
        events: (first..first + count)
            .map(|n| sample_event(now, n, id))
            .collect(),
        legacy_shape: false,
    }
}

struct World {
    store: TestStore,
    fake: FakeLuma,
    importer: Importer,
}

/// Three calendars on the fake lu.ma; the organization key reaches Berlin and Lisbon. Convene
/// already has an organization with Lisbon's slug.
async fn world() -> World {
    let store = fresh_store().await;
    organizations::create(
        store.db(),
        NewOrganization::parse("rust-lisbon", "Rust Lisbon", "").unwrap(),
    )
    .await
    .unwrap();
    let fake = FakeLuma::start(
        0,
        vec![
            (
                BERLIN_KEY.into(),
                calendar("cal-berlin", "Rust Berlin", "rust-berlin", 0, 3),
            ),
            (
                LISBON_KEY.into(),
                calendar("cal-lisbon", "Rust Lisbon", "rust-lisbon", 10, 2),
            ),
            (
                PORTO_KEY.into(),
                calendar("cal-porto", "Rust Porto", "rust-porto", 20, 1),
            ),
        ],
    )
    .await
    .unwrap();
    fake.add_organization(ORG_KEY, &[BERLIN_KEY, LISBON_KEY]);
    let mut config = ClientConfig::new(fake.base_url());
    config.base_backoff = StdDuration::from_millis(5);
    config.max_attempts = 2;
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(config).unwrap(),
        SecretKey::generate(),
    );
    World {
        store,
        fake,
        importer,
    }
}

impl World {
    async fn live_titles(&self, slug: &str) -> Vec<String> {
        let org = organizations::find_by_slug(self.store.db(), slug)
            .await
            .unwrap()
            .unwrap();
        let mut titles: Vec<String> = event::Entity::find()
            .filter(event::Column::OrganizationId.eq(org.id))
            .filter(event::Column::RemovedAt.is_null())
            .all(self.store.db())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.title)
            .collect();
        titles.sort();
        titles
    }

    async fn connect(&self) -> Vec<Linked> {
        connect(
            &self.importer,
            ORG_KEY,
            None,
            ChangedBy::CommandLine,
            Utc::now(),
        )
        .await
        .unwrap()
        .1
    }
}

#[tokio::test]
async fn one_key_links_every_calendar_and_one_run_imports_both_through_the_organization_list() {
    let world = world().await;
    let linked = world.connect().await;
    let by: Vec<(&str, LinkedBy)> = linked.iter().map(|l| (l.slug.as_str(), l.by)).collect();
    assert_eq!(
        by,
        [
            ("rust-berlin", LinkedBy::Created),
            ("rust-lisbon", LinkedBy::Slug)
        ]
    );
    let berlin = organizations::find_by_slug(world.store.db(), "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(berlin.name, "Rust Berlin");
    assert_eq!(berlin.description, "Rust Berlin on lu.ma");
    assert_eq!(berlin.luma_calendar_id.as_deref(), Some("cal-berlin"));
    assert!(berlin.imports_events(), "connected through the network");

    let run = run(&world.importer, SyncTrigger::Cli, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.runs.len(), 2);
    for (slug, report) in &run.runs {
        let report = report.as_ref().unwrap();
        assert_eq!(
            report.outcome,
            SyncOutcome::Ok,
            "{slug}: {:?}",
            report.message
        );
    }
    assert_eq!(
        world.live_titles("rust-berlin").await,
        ["Meetup 0", "Meetup 1", "Meetup 2"]
    );
    assert_eq!(
        world.live_titles("rust-lisbon").await,
        ["Meetup 10", "Meetup 11"]
    );
    // Only the organization key was used: its two lists, and one description per event.
    assert_eq!(world.fake.requests(BERLIN_KEY), 0);
    assert_eq!(world.fake.requests(LISBON_KEY), 0);
    assert_eq!(world.fake.requests(ORG_KEY), 1 + 1 + 1 + 5);
    assert_eq!(
        run.requests_made, 2,
        "the run's own lists; descriptions count in each run"
    );

    // A run of one organization alone (a page load, the daily import) takes its part of the
    // organization list, and changes nothing.
    let berlin_alone = world
        .importer
        .run_org_sync(berlin.id, SyncTrigger::PageLoad, Utc::now())
        .await
        .unwrap();
    assert_eq!(berlin_alone.outcome, SyncOutcome::Ok);
    assert_eq!(berlin_alone.counts.unchanged, 3);
    assert_eq!(berlin_alone.counts.removed, 0);
}

#[tokio::test]
async fn a_calendar_added_later_appears_and_one_that_leaves_is_hidden_not_deleted() {
    let world = world().await;
    world.connect().await;
    run(&world.importer, SyncTrigger::Cli, Utc::now())
        .await
        .unwrap();

    world
        .fake
        .add_organization(ORG_KEY, &[BERLIN_KEY, PORTO_KEY]);
    let run = run(&world.importer, SyncTrigger::Daily, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert!(
        run.linked
            .iter()
            .any(|l| l.slug == "rust-porto" && l.by == LinkedBy::Created)
    );
    assert_eq!(world.live_titles("rust-porto").await, ["Meetup 20"]);
    assert_eq!(
        run.left,
        [Left {
            slug: "rust-lisbon".into(),
            name: "Rust Lisbon".into(),
            calendar_id: "cal-lisbon".into(),
            events_hidden: 2,
        }]
    );
    assert!(world.live_titles("rust-lisbon").await.is_empty());
    let lisbon = organizations::find_by_slug(world.store.db(), "rust-lisbon")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lisbon.luma_network_id, None);
    let kept = event::Entity::find()
        .filter(event::Column::OrganizationId.eq(lisbon.id))
        .all(world.store.db())
        .await
        .unwrap();
    assert_eq!(kept.len(), 2, "hidden, still stored");
    let network = luma_network::Entity::find()
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert!(
        network
            .last_message
            .as_deref()
            .is_some_and(|m| m.contains("Rust Lisbon (cal-lisbon) left the lu.ma organization")),
        "{:?}",
        network.last_message
    );
}

#[tokio::test]
async fn a_calendar_key_is_refused_as_an_organization_key_and_nothing_is_saved() {
    let world = world().await;
    let refused = connect(
        &world.importer,
        BERLIN_KEY,
        None,
        ChangedBy::CommandLine,
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Invalid {
                field: InputField::ApiKey,
                ..
            }
        ),
        "{refused:?}"
    );
    assert!(
        luma_network::Entity::find()
            .one(world.store.db())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        run(&world.importer, SyncTrigger::Daily, Utc::now())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_networks_webhooks_reach_the_organization_of_the_events_calendar() {
    use crate::import::webhooks::signature::{SignedHeaders, SigningSecret};
    use crate::import::webhooks::{self, Received, Waiting};

    let world = world().await;
    world.connect().await;
    let secret = SigningSecret::generate();
    save_webhook_secret(&world.importer, &secret, ChangedBy::CommandLine)
        .await
        .unwrap();
    let signing = SigningSecret::parse(&secret).unwrap();
    let deliver = |id: &str, data: serde_json::Value| {
        let body = serde_json::json!({"type": "event.created", "data": data})
            .to_string()
            .into_bytes();
        let now = Utc::now();
        (
            id.to_owned(),
            now.timestamp().to_string(),
            signing.sign(id, now.timestamp(), &body),
            body,
        )
    };
    let mut lisbon_event = sample_event(Utc::now(), 30, "cal-lisbon");
    lisbon_event["visibility"] = serde_json::json!("public");
    let (id, timestamp, signature, body) = deliver("msg_net_1", lisbon_event);
    let headers = SignedHeaders {
        id: Some(&id),
        timestamp: Some(&timestamp),
        signature: Some(&signature),
    };
    let received = webhooks::receive(
        world.store.db(),
        world.importer.secret_key(),
        webhooks::NETWORK_PATH,
        headers,
        &body,
        Utc::now(),
    )
    .await
    .unwrap();
    let Received::Accepted { organization_id } = received else {
        panic!("{received:?}");
    };
    webhooks::apply_pending(&world.importer, Waiting::Of(organization_id), Utc::now())
        .await
        .unwrap();
    assert_eq!(world.live_titles("rust-lisbon").await, ["Meetup 30"]);
    assert!(world.live_titles("rust-berlin").await.is_empty());

    // A calendar the key has not linked: acknowledged, nothing stored.
    let (id, timestamp, signature, body) =
        deliver("msg_net_2", sample_event(Utc::now(), 31, "cal-unknown"));
    let headers = SignedHeaders {
        id: Some(&id),
        timestamp: Some(&timestamp),
        signature: Some(&signature),
    };
    assert!(matches!(
        webhooks::receive(
            world.store.db(),
            world.importer.secret_key(),
            webhooks::NETWORK_PATH,
            headers,
            &body,
            Utc::now()
        )
        .await
        .unwrap(),
        Received::Ignored
    ));
    // No organization can take the network's address.
    assert!(NewOrganization::parse("network", "Network", "").is_err());
}

#[tokio::test]
async fn one_run_at_a_time_across_replicas() {
    let world = world().await;
    world.connect().await;
    // Another process is running over the key.
    assert!(
        leases::try_take(
            world.store.db(),
            RUN_LEASE,
            "another-replica",
            RUN_LEASE_TTL,
            Utc::now()
        )
        .await
        .unwrap()
    );
    let refused = run(&world.importer, SyncTrigger::Manual, Utc::now())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Conflict { .. }), "{refused:?}");
    assert!(world.live_titles("rust-berlin").await.is_empty());
    leases::release(world.store.db(), RUN_LEASE, "another-replica", Utc::now())
        .await
        .unwrap();
    assert!(
        run(&world.importer, SyncTrigger::Manual, Utc::now())
            .await
            .is_ok()
    );
}
