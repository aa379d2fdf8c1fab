//! `run_org_sync` against the bundled fake lu.ma and a fresh store (SQLite, or Postgres with
//! `TEST_DATABASE_URL`).

use std::time::Duration as StdDuration;

use chrono::{TimeZone, Timelike, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::*;
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, Fault, sample_event};
use crate::import::luma::model::LocationType;
use crate::rules::visibility::Visibility;
use crate::secrets::SecretKey;
use crate::store::entities::event;
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::testing::{TestStore, fresh_store};

const KEY: &str = "sk-luma-berlin-0001";

struct World {
    store: TestStore,
    fake: FakeLuma,
    importer: Importer,
    org_id: i64,
    secret: SecretKey,
}

/// "Now" for every run: the day before the fake's first event.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

async fn world(events: u32) -> World {
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
        events: (0..events)
            .map(|n| sample_event(now(), n, "cal-berlin"))
            .collect(),
        legacy_shape: false,
    };
    let fake = FakeLuma::start(0, vec![(KEY.into(), calendar)])
        .await
        .unwrap();
    let secret = SecretKey::generate();
    connect(&store, org.id, &secret, KEY).await;
    let mut config = ClientConfig::new(fake.base_url());
    config.base_backoff = StdDuration::from_millis(5);
    config.request_timeout = StdDuration::from_millis(400);
    config.max_attempts = 2;
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(config).unwrap(),
        secret.clone(),
    );
    World {
        store,
        fake,
        importer,
        org_id: org.id,
        secret,
    }
}

async fn connect(store: &TestStore, org_id: i64, secret: &SecretKey, key: &str) {
    organizations::connect_luma(
        store.db(),
        org_id,
        LumaConnection {
            calendar_url: Some("https://luma.com/rust-berlin".into()),
            calendar_id: Some("cal-berlin".into()),
            calendar_name: Some("Rust Berlin".into()),
            api_key_last_four: Some(key[key.len() - 4..].into()),
            ..crate::testing::luma_key(secret, org_id, key)
        },
    )
    .await
    .unwrap();
}

impl World {
    async fn sync(&self) -> SyncReport {
        self.importer
            .run_org_sync(self.org_id, SyncTrigger::Manual, now())
            .await
            .unwrap()
    }

    async fn events(&self) -> Vec<event::Model> {
        event::Entity::find()
            .filter(event::Column::OrganizationId.eq(self.org_id))
            .all(self.store.db())
            .await
            .unwrap()
    }

    async fn description(&self, event: &event::Model) -> Option<String> {
        crate::store::descriptions::of_event(self.store.db(), event)
            .await
            .unwrap()
    }

    async fn live(&self) -> usize {
        self.events()
            .await
            .iter()
            .filter(|e| e.removed_at.is_none())
            .count()
    }
}

#[tokio::test]
async fn the_first_sync_imports_every_event_with_its_description() {
    let world = world(120).await;
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.created, 120);
    assert_eq!(report.counts.pages_fetched, 3);
    assert_eq!(world.fake.event_gets(KEY), 120);
    assert_eq!(
        report.counts.requests_made, 123,
        "pages plus one events/get per new event"
    );

    let events = world.events().await;
    assert_eq!(events.len(), 120);
    let first = events.iter().find(|e| e.external_id == "evt-0000").unwrap();
    assert_eq!(
        world.description(first).await.as_deref(),
        Some("Details of meetup 0")
    );
    assert_eq!(first.source, EventSource::LumaApi);
    assert_eq!(first.tags, r#"["Talks"]"#);

    let org = organization::Entity::find_by_id(world.org_id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.events_last_synced_at, Some(now()));
    assert_eq!(org.last_sync_outcome, Some(SyncOutcome::Ok));
    let run = sync_run::Entity::find_by_id(report.run_id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (run.outcome.as_str(), run.events_created, run.requests_made),
        ("ok", 120, 123)
    );
}

#[tokio::test]
async fn a_second_sync_changes_nothing_and_fetches_no_descriptions() {
    let world = world(60).await;
    world.sync().await;
    let gets_before = world.fake.event_gets(KEY);
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok);
    assert_eq!(
        (
            report.counts.created,
            report.counts.updated,
            report.counts.removed,
            report.counts.unchanged
        ),
        (0, 0, 0, 60)
    );
    assert_eq!(
        world.fake.event_gets(KEY),
        gets_before,
        "no events/get for unchanged events"
    );
    assert_eq!(report.counts.requests_made, 2, "two pages, nothing else");
}

#[tokio::test]
async fn upstream_cancellations_and_edits_are_reconciled() {
    let world = world(10).await;
    world.sync().await;
    world.fake.remove_event(KEY, "evt-0005");
    let mut edited = sample_event(now(), 6, "cal-berlin");
    edited["name"] = json!("Meetup 6 (moved to the big room)");
    world.fake.upsert_event(KEY, edited);

    let report = world.sync().await;
    assert_eq!(
        (
            report.counts.created,
            report.counts.updated,
            report.counts.removed,
            report.counts.unchanged
        ),
        (0, 1, 1, 8)
    );
    let events = world.events().await;
    let removed = events.iter().find(|e| e.external_id == "evt-0005").unwrap();
    assert_eq!(removed.removed_at, Some(now()), "kept, marked removed");
    let renamed = events.iter().find(|e| e.external_id == "evt-0006").unwrap();
    assert_eq!(renamed.title, "Meetup 6 (moved to the big room)");

    // It comes back: live again, counted as an update.
    world
        .fake
        .upsert_event(KEY, sample_event(now(), 5, "cal-berlin"));
    let report = world.sync().await;
    assert_eq!(report.counts.updated, 1);
    assert_eq!(world.live().await, 10);
}

#[tokio::test]
async fn every_fault_keeps_every_stored_event_and_records_why() {
    let world = world(10).await;
    world.sync().await;
    let before = world.events().await;
    // Each fault, the words the run records and the kind it is filed under.
    let faults: [(Vec<Fault>, &str, SyncFailure); 4] = [
        (
            vec![Fault::ServerError, Fault::ServerError],
            "server error",
            SyncFailure::LumaUnavailable,
        ),
        (
            vec![Fault::MalformedJson],
            "malformed lu.ma response",
            SyncFailure::LumaAnswer,
        ),
        (
            vec![
                Fault::Stall(StdDuration::from_secs(2)),
                Fault::Stall(StdDuration::from_secs(2)),
            ],
            "did not answer within",
            SyncFailure::LumaUnavailable,
        ),
        (
            vec![
                Fault::RateLimited {
                    retry_after_secs: 0,
                },
                Fault::ServerError,
            ],
            "server error",
            SyncFailure::LumaUnavailable,
        ),
    ];
    for (queue, expected, kind) in faults {
        for fault in queue {
            world.fake.push_fault(KEY, fault);
        }
        let report = world.sync().await;
        assert_eq!(report.outcome, SyncOutcome::Failed);
        assert_eq!(report.failure, Some(kind), "{:?}", report.message);
        let message = report.message.unwrap();
        assert!(message.contains(expected), "{message}");
        let run = sync_run::Entity::find_by_id(report.run_id)
            .one(world.store.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            run.failure,
            Some(kind),
            "stored, so runs can be found by kind"
        );
        assert_eq!(
            world.events().await,
            before,
            "stored events untouched after: {message}"
        );
        let org = organization::Entity::find_by_id(world.org_id)
            .one(world.store.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(org.last_sync_outcome, Some(SyncOutcome::Failed));
        assert_eq!(
            org.events_last_synced_at,
            Some(now()),
            "the last success stays on record"
        );
    }
}

#[tokio::test]
async fn a_rejected_key_fails_clearly_without_retrying_and_is_never_recorded() {
    let world = world(3).await;
    world.sync().await;
    let wrong = "sk-WRONG-very-secret-key";
    connect(&world.store, world.org_id, &world.secret, wrong).await;
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Failed);
    assert_eq!(
        report.message.as_deref(),
        Some("key rejected: the calendar needs Luma Plus, or the key was revoked")
    );
    assert_eq!(report.failure, Some(SyncFailure::KeyRejected));
    assert_eq!(world.fake.requests(wrong), 1, "a 401 is not retried");
    assert_eq!(world.live().await, 3);
    let runs = sync_run::Entity::find()
        .all(world.store.db())
        .await
        .unwrap();
    for run in runs {
        let recorded = format!("{run:?}");
        assert!(
            !recorded.contains(wrong) && !recorded.contains(KEY),
            "{recorded}"
        );
    }
}

#[tokio::test]
async fn a_suddenly_empty_calendar_removes_nothing() {
    let world = world(5).await;
    world.sync().await;
    for n in 0..5 {
        world.fake.remove_event(KEY, &format!("evt-{n:04}"));
    }
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Partial);
    assert_eq!(report.failure, Some(SyncFailure::Suspicious));
    assert!(report.message.unwrap().contains("nothing was removed"));
    assert_eq!(world.live().await, 5);
}

#[tokio::test]
async fn only_the_last_50_runs_are_kept() {
    let world = world(1).await;
    for _ in 0..53 {
        world.sync().await;
    }
    let runs = sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(world.org_id))
        .count(world.store.db())
        .await
        .unwrap();
    assert_eq!(runs, RUNS_KEPT);
}

#[tokio::test]
async fn london_events_keep_their_wall_clock_time_across_the_october_change() {
    let world = world(0).await;
    // 2026's change is on Sunday 25 October: Saturday is BST (UTC+1), Monday GMT (UTC+0).
    let saturday = json!({"id": "evt-sat", "name": "Saturday social", "start_at": "2026-10-24T17:00:00.000Z",
        "end_at": "2026-10-24T19:00:00.000Z", "timezone": "Europe/London"});
    let monday = json!({"id": "evt-mon", "name": "Monday talk", "start_at": "2026-10-26T18:00:00.000Z",
        "end_at": "2026-10-26T20:00:00.000Z", "timezone": "Europe/London"});
    world.fake.upsert_event(KEY, saturday);
    world.fake.upsert_event(KEY, monday);
    let report = world
        .importer
        .run_org_sync(
            world.org_id,
            SyncTrigger::Cli,
            Utc.with_ymd_and_hms(2026, 10, 20, 0, 0, 0).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(report.counts.created, 2, "{:?}", report.message);
    for stored in world.events().await {
        let zone: chrono_tz::Tz = stored.timezone.parse().unwrap();
        let local = stored.start_at.with_timezone(&zone);
        assert_eq!(
            (local.hour(), local.minute()),
            (18, 0),
            "{} at {local}",
            stored.external_id
        );
    }
}

#[test]
fn a_repeated_id_in_one_fetch_is_kept_once_the_later_copy_winning() {
    let event = |id: &str, title: &str| {
        let mut event = crate::import::luma::model::parse_event_page(
            &json!({"entries": [sample_event(now(), 0, "cal-1")]}).to_string(),
        )
        .unwrap()
        .events
        .remove(0);
        event.external_id = id.into();
        event.title = title.into();
        event
    };
    let kept = super::plan::last_copy_of_each(vec![
        event("evt-a", "first page"),
        event("evt-b", "only copy"),
        event("evt-a", "second page"),
    ]);
    let kept: Vec<(&str, &str)> = kept
        .iter()
        .map(|e| (e.external_id.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(kept, [("evt-a", "second page"), ("evt-b", "only copy")]);
}

#[tokio::test]
async fn lu_mas_privacy_is_kept_private_events_left_out_addresses_and_join_links_never_stored() {
    let world = world(0).await;
    let mut members = sample_event(now(), 1, "cal-berlin");
    members["visibility"] = json!("members-only");
    members["location_visibility"] = json!("guests-only");
    members["geo_address_json"] = json!({
        "address": "Hinterhof 3, Secret Street 12", "city": "Berlin", "region": "Berlin",
        "country": "Germany", "full_address": "Hinterhof 3, Secret Street 12, 10115 Berlin"
    });
    let mut private = sample_event(now(), 2, "cal-berlin");
    private["visibility"] = json!("private");
    let mut online = sample_event(now(), 3, "cal-berlin");
    online["location_type"] = json!("zoom");
    online["geo_address_json"] = json!(null);
    online["meeting_url"] = json!("https://zoom.us/j/123?pwd=secret");
    for event in [
        sample_event(now(), 0, "cal-berlin"),
        members,
        private,
        online,
    ] {
        world.fake.upsert_event(KEY, event);
    }

    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok);
    assert_eq!(report.counts.created, 3);
    assert_eq!(report.counts.skipped_private, 1);
    let run = sync_run::Entity::find_by_id(report.run_id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.events_skipped_private, 1);

    let stored = world.events().await;
    let by_id = |id: &str| stored.iter().find(|e| e.external_id == id).unwrap();
    assert!(
        stored.iter().all(|e| e.external_id != "evt-0002"),
        "private: never stored"
    );
    let members = by_id("evt-0001");
    assert_eq!(members.visibility, Visibility::MembersOnly);
    assert_eq!(
        members.location_text.as_deref(),
        Some("Berlin, Berlin, Germany")
    );
    assert!(members.address_hidden);
    let online = by_id("evt-0003");
    assert_eq!(online.location_type, LocationType::Online);
    assert!(stored.iter().all(|e| e.meeting_url.is_none()));
    let everything = format!("{stored:?}");
    assert!(!everything.contains("Secret Street") && !everything.contains("zoom.us"));
    let public_ids: std::collections::HashSet<_> = stored
        .iter()
        .map(|e| e.public_id.clone().unwrap())
        .collect();
    assert_eq!(public_ids.len(), 3, "each has its own public id");
    assert!(public_ids.iter().all(|id| id.len() == 24));

    // An event made private on lu.ma leaves Convene's pages at the next sync.
    let mut now_private = sample_event(now(), 0, "cal-berlin");
    now_private["visibility"] = json!("private");
    world.fake.upsert_event(KEY, now_private);
    let report = world.sync().await;
    assert_eq!(report.counts.skipped_private, 2);
    assert_eq!(report.counts.removed, 1);
    assert_eq!(world.live().await, 2);
    let kept = world.events().await;
    assert_eq!(
        kept.iter()
            .find(|e| e.external_id == "evt-0001")
            .unwrap()
            .public_id,
        by_id("evt-0001").public_id,
        "a published address never changes"
    );
}

#[tokio::test]
async fn cross_listed_entries_are_imported_and_marked() {
    let world = world(1).await;
    let mut external = sample_event(now(), 1, "cal-elsewhere");
    external["platform"] = json!("external");
    world.fake.upsert_event(KEY, external);
    let report = world.sync().await;
    assert_eq!(
        report.counts.created, 2,
        "lu.ma lists them only when asked for"
    );
    let stored = world.events().await;
    let listed = stored.iter().find(|e| e.external_id == "evt-0001").unwrap();
    assert!(listed.cross_listed);
    assert!(
        !stored
            .iter()
            .find(|e| e.external_id == "evt-0000")
            .unwrap()
            .cross_listed
    );
}

/// A first import stores lu.ma's list before any description: when every `events/get` fails,
/// the events are stored and shown all the same, waiting for their descriptions; the run fails
/// naming lu.ma; the next run fetches exactly the missing descriptions, and nothing else.
#[tokio::test]
async fn the_list_is_stored_first_and_descriptions_follow_even_after_a_failure() {
    let world = world(30).await;
    world.fake.push_fault(KEY, Fault::Pass);
    for _ in 0..40 {
        world.fake.push_fault(KEY, Fault::ServerError);
    }
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Failed, "{:?}", report.message);
    assert_eq!(report.failure, Some(SyncFailure::LumaUnavailable));
    let events = world.events().await;
    assert_eq!(events.len(), 30, "the list is stored");
    assert!(
        events
            .iter()
            .all(|e| e.description_pending && e.description_id.is_none())
    );
    let run = sync_run::Entity::find_by_id(report.run_id)
        .one(world.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            run.events_created,
            run.descriptions_wanted,
            run.descriptions_fetched
        ),
        (30, 30, 0)
    );

    world.fake.clear_faults(KEY);
    let gets_before = world.fake.event_gets(KEY);
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.unchanged, 30);
    assert_eq!(
        (
            report.counts.descriptions_wanted,
            report.counts.descriptions_fetched
        ),
        (30, 30)
    );
    assert_eq!(world.fake.event_gets(KEY) - gets_before, 30);
    assert_eq!(
        report.counts.requests_made, 31,
        "one page, thirty descriptions"
    );
    let events = world.events().await;
    assert!(events.iter().all(|e| !e.description_pending));
    let first = events.iter().find(|e| e.external_id == "evt-0000").unwrap();
    assert_eq!(
        world.description(first).await.as_deref(),
        Some("Details of meetup 0")
    );

    // A changed event keeps its description until the new one arrives.
    let mut edited = sample_event(now(), 3, "cal-berlin");
    edited["name"] = json!("Meetup 3, new room");
    world.fake.upsert_event(KEY, edited);
    world.fake.push_fault(KEY, Fault::Pass);
    world.fake.push_fault(KEY, Fault::ServerError);
    world.fake.push_fault(KEY, Fault::ServerError);
    let report = world.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Failed);
    let edited = world
        .events()
        .await
        .into_iter()
        .find(|e| e.external_id == "evt-0003")
        .unwrap();
    assert_eq!(edited.title, "Meetup 3, new room");
    assert!(edited.description_pending);
    assert_eq!(
        world.description(&edited).await.as_deref(),
        Some("Details of meetup 3")
    );
}

/// lu.ma lists events by start, so one that began before the window and is still going on is
/// never listed again: asked for by id, it leaves the pages once lu.ma no longer has it or it
/// turns private. One still there stays.
#[tokio::test]
async fn an_ongoing_event_that_vanishes_or_turns_private_leaves_the_pages() {
    let world = world(0).await;
    let started = now() - Duration::hours(6);
    let ongoing = |n: u32| {
        let mut event = sample_event(now(), n, "cal-berlin");
        event["start_at"] = json!(started.format("%Y-%m-%dT%H:%M:%SZ").to_string());
        event["end_at"] = json!(
            (now() + Duration::days(3))
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        );
        event
    };
    for n in 0..3 {
        world.fake.upsert_event(KEY, ongoing(n));
    }
    assert_eq!(world.sync().await.counts.created, 3);
    // Two days on, all three started before the window; lu.ma drops one and hides another.
    world.fake.remove_event(KEY, "evt-0000");
    let mut private = ongoing(1);
    private["visibility"] = json!("private");
    world.fake.upsert_event(KEY, private);
    let later = now() + Duration::days(2);
    let report = world
        .importer
        .run_org_sync(world.org_id, SyncTrigger::Manual, later)
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.removed, 2);
    let events = world.events().await;
    let live: Vec<&str> = events
        .iter()
        .filter(|e| e.removed_at.is_none())
        .map(|e| e.external_id.as_str())
        .collect();
    assert_eq!(live, ["evt-0002"], "the one lu.ma still has stays");
}
