//! The settings panel's rules, against the fake lu.ma.

use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};

use super::*;
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::import::sync::{SyncOutcome, SyncTrigger};
use crate::secrets::SecretKey;
use crate::store::organizations::{self, NewOrganization};
use crate::testing::{TestStore, fresh_store};

const KEY: &str = "sk-integration-abcd";

struct World {
    store: TestStore,
    _fake: FakeLuma,
    importer: Importer,
    org: Organization,
}

impl World {
    async fn new() -> Self {
        let store = fresh_store().await;
        let calendar = FakeCalendar {
            id: "cal-oslo".into(),
            name: "Rust Oslo".into(),
            slug: "rust-oslo".into(),
            timezone: "Europe/Oslo".into(),
            events: (0..5)
                .map(|n| sample_event(Utc::now(), n, "cal-oslo"))
                .collect(),
            legacy_shape: false,
        };
        let fake = FakeLuma::start(0, vec![(KEY.into(), calendar)])
            .await
            .unwrap();
        let client = LumaClient::new(ClientConfig::new(fake.base_url())).unwrap();
        let importer = Importer::new(store.db().clone(), client, SecretKey::generate());
        let org = organizations::create(
            store.db(),
            NewOrganization::parse("oslo", "Oslo", "").unwrap(),
        )
        .await
        .unwrap();
        Self {
            store,
            _fake: fake,
            importer,
            org,
        }
    }

    async fn reload(&self) -> Organization {
        organization::Entity::find_by_id(self.org.id)
            .one(self.store.db())
            .await
            .unwrap()
            .unwrap()
    }

    async fn save(&self, calendar: &str, api_key: Option<&str>) -> Result<Organization, Error> {
        let org = self.reload().await;
        save(
            &self.importer,
            &org,
            IntegrationForm {
                calendar: calendar.into(),
                api_key: api_key.map(str::to_owned),
            },
            ChangedBy::User(1),
        )
        .await
    }
}

fn field_of(err: &Error) -> &'static str {
    match err {
        Error::Invalid { field, .. } => field.as_str(),
        other => panic!("not a field error: {other:?}"),
    }
}

#[tokio::test]
async fn testing_a_key_names_its_calendar_or_says_exactly_why_not() {
    let world = World::new().await;
    let calendar = test_connection(&world.importer, &world.org, Some(KEY))
        .await
        .unwrap();
    assert_eq!(
        (calendar.id.as_str(), calendar.name.as_str()),
        ("cal-oslo", "Rust Oslo")
    );

    let err = test_connection(&world.importer, &world.org, Some("sk-wrong-9999"))
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "api_key");
    assert!(err.to_string().contains("Luma Plus"), "{err}");
    assert!(
        !err.to_string().contains("sk-wrong"),
        "the key never shows: {err}"
    );

    let err = test_connection(&world.importer, &world.org, Some("   "))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "api_key: type a key to test, or save one first"
    );

    // Once saved, an empty field tests the stored key.
    world.save("", Some(KEY)).await.unwrap();
    let calendar = test_connection(&world.importer, &world.reload().await, None)
        .await
        .unwrap();
    assert_eq!(calendar.id, "cal-oslo");
}

#[tokio::test]
async fn saving_a_key_fills_in_the_calendar_and_stores_the_key_sealed() {
    let world = World::new().await;
    let org = world.save("", Some(&format!("  {KEY} "))).await.unwrap();
    assert_eq!(org.luma_calendar_id.as_deref(), Some("cal-oslo"));
    assert_eq!(org.luma_calendar_name.as_deref(), Some("Rust Oslo"));
    assert_eq!(
        org.luma_calendar_url.as_deref(),
        Some("https://luma.com/rust-oslo")
    );
    assert_eq!(org.luma_api_key_last_four.as_deref(), Some("abcd"));
    let sealed = org.luma_api_key_sealed.unwrap();
    assert!(!sealed.contains(KEY));
    assert_eq!(
        world
            .importer
            .secret_key()
            .open(
                &sealed,
                crate::secrets::Purpose::LumaApiKey {
                    organization_id: org.id
                }
            )
            .unwrap(),
        KEY
    );

    // Changing the page later keeps the key and its calendar.
    let org = world.save("https://lu.ma/oslo-rust", None).await.unwrap();
    assert_eq!(
        org.luma_calendar_url.as_deref(),
        Some("https://luma.com/oslo-rust")
    );
    assert_eq!(org.luma_calendar_id.as_deref(), Some("cal-oslo"));
    assert!(org.luma_api_key_sealed.is_some());
}

#[tokio::test]
async fn a_calendar_that_contradicts_the_key_is_refused_and_nothing_changes() {
    let world = World::new().await;
    let err = world.save("cal-elsewhere", Some(KEY)).await.unwrap_err();
    assert_eq!(field_of(&err), "calendar_url");
    assert!(
        err.to_string().contains("\"Rust Oslo\" (cal-oslo)"),
        "{err}"
    );
    assert_eq!(world.reload().await, world.org, "nothing was stored");

    world.save("", Some(KEY)).await.unwrap();
    let before = world.reload().await;
    let err = world.save("cal-elsewhere", None).await.unwrap_err();
    assert_eq!(field_of(&err), "calendar_url");
    assert_eq!(world.reload().await, before);

    let err = world.save("", None).await.unwrap_err();
    assert_eq!(field_of(&err), "calendar_url");
    let err = world
        .save("https://example.org/cal", None)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "calendar_url");
}

#[tokio::test]
async fn without_a_key_a_calendar_id_is_enough_for_the_embed() {
    let world = World::new().await;
    let org = world
        .save(
            "https://api.lu.ma/ics/get?entity=calendar&id=cal-oslo",
            None,
        )
        .await
        .unwrap();
    assert_eq!(org.luma_calendar_id.as_deref(), Some("cal-oslo"));
    assert_eq!(org.luma_api_key_sealed, None);
}

#[tokio::test]
async fn removing_the_key_keeps_the_calendar_and_disconnecting_hides_or_deletes_events() {
    let world = World::new().await;
    world.save("", Some(KEY)).await.unwrap();
    let report = world
        .importer
        .run_org_sync(world.org.id, SyncTrigger::Manual, Utc::now())
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok);
    let status = sync_status(world.store.db(), &world.reload().await)
        .await
        .unwrap();
    assert_eq!(status.events_stored, 5);
    assert_eq!(status.runs.len(), 1);

    let org = remove_key(world.store.db(), &world.reload().await, ChangedBy::User(1))
        .await
        .unwrap();
    assert_eq!(org.luma_api_key_sealed, None);
    assert_eq!(org.luma_api_key_last_four, None);
    assert_eq!(org.luma_calendar_id.as_deref(), Some("cal-oslo"));

    let hidden = disconnect(
        world.store.db(),
        &org,
        Some(ImportedEvents::Keep),
        true,
        ChangedBy::User(1),
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(hidden, 5);
    let org = world.reload().await;
    assert_eq!(org.luma_calendar_id, None);
    assert_eq!(org.luma_calendar_url, None);
    assert_eq!(
        events::count_live(world.store.db(), org.id).await.unwrap(),
        0
    );
    assert_eq!(
        event::Entity::find().count(world.store.db()).await.unwrap(),
        5,
        "kept"
    );

    let deleted = disconnect(
        world.store.db(),
        &org,
        Some(ImportedEvents::Delete),
        true,
        ChangedBy::CommandLine,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(deleted, 5);
    assert_eq!(
        event::Entity::find().count(world.store.db()).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn disconnecting_needs_a_choice_and_a_confirmation_and_changes_nothing_without() {
    let world = World::new().await;
    let org = world.reload().await;
    let refused = |result: Result<u64, Error>| match result {
        Err(Error::Invalid { field, .. }) => field,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let no_choice = disconnect(
        world.store.db(),
        &org,
        None,
        true,
        ChangedBy::User(1),
        Utc::now(),
    )
    .await;
    assert_eq!(refused(no_choice), InputField::ImportedEvents);
    let unconfirmed = disconnect(
        world.store.db(),
        &org,
        Some(ImportedEvents::Keep),
        false,
        ChangedBy::User(1),
        Utc::now(),
    )
    .await;
    assert_eq!(refused(unconfirmed), InputField::Confirmed);
    assert_eq!(
        world.reload().await,
        org,
        "a refusal changes nothing stored"
    );
}
