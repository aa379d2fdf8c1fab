//! `run_org_sync` for organizations importing an iCal feed, served by a local server, on a
//! fresh store; and an organization moving from its feed to the API.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::TimeZone;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};

use super::*;
use crate::import::ical::fetch::FeedClientConfig;
use crate::import::luma::client::{ClientConfig, LumaClient};
use crate::import::luma::fake::{FakeCalendar, FakeLuma, sample_event};
use crate::secrets::SecretKey;
use crate::store::entities::event;
use crate::store::organizations::{self, LumaConnection, NewOrganization};
use crate::testing::{TestStore, fresh_store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

/// A lu.ma-style feed of events `evt-0000`…, at the times the fake lu.ma gives them.
fn luma_feed(events: &[u32]) -> String {
    let mut feed = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Luma//EN\r\n");
    for n in events {
        let start =
            Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap() + Duration::days(i64::from(*n));
        feed.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:evt-{n:04}@events.lu.ma\r\nDTSTAMP:20261120T100000Z\r\n\
             DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Meetup {n}\r\nSTATUS:TENTATIVE\r\n\
             LOCATION:c-base\\, Berlin\r\n\
             DESCRIPTION:Get up-to-date information at: https://luma.com/e{n}\\n\\nDetails\r\n\
             END:VEVENT\r\n",
            start.format("%Y%m%dT%H%M%SZ"),
            (start + Duration::hours(2)).format("%Y%m%dT%H%M%SZ"),
        ));
    }
    feed.push_str("END:VCALENDAR\r\n");
    feed
}

/// Serves the current feed with an ETag of its content, answering 304 when it matches.
#[derive(Clone, Default)]
struct FeedServer {
    feed: Arc<Mutex<String>>,
    requests: Arc<Mutex<Vec<StatusCode>>>,
}

async fn serve_feed(State(server): State<FeedServer>, headers: HeaderMap) -> impl IntoResponse {
    let feed = server.feed.lock().unwrap().clone();
    let tag = format!("\"{}\"", feed.len());
    let status = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|t| *t == *tag)
    {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    server.requests.lock().unwrap().push(status);
    if status == StatusCode::NOT_MODIFIED {
        return status.into_response();
    }
    ([(header::ETAG, tag)], feed).into_response()
}

struct World {
    store: TestStore,
    server: FeedServer,
    feed_url: String,
    importer: Importer,
    org_id: i64,
}

async fn world(feed: String, allow_private: bool) -> World {
    let store = fresh_store().await;
    let org = organizations::create(
        store.db(),
        NewOrganization::parse("rust-berlin", "Rust Berlin", "").unwrap(),
    )
    .await
    .unwrap();
    let server = FeedServer::default();
    *server.feed.lock().unwrap() = feed;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let feed_url = format!(
        "http://localhost:{}/cal.ics",
        listener.local_addr().unwrap().port()
    );
    let app = Router::new()
        .route("/cal.ics", get(serve_feed))
        .with_state(server.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let key = SecretKey::generate();
    let feed =
        crate::import::ical::connect::SealedFeed::seal(&key, org.id, &feed_url.parse().unwrap())
            .unwrap();
    organization::ActiveModel {
        id: Set(org.id),
        ical_url_sealed: Set(Some(feed.sealed)),
        ical_url_shown: Set(Some(feed.shown)),
        display_timezone: Set(Some("Europe/Berlin".into())),
        ..Default::default()
    }
    .update(store.db())
    .await
    .unwrap();
    let importer = Importer::new(
        store.db().clone(),
        LumaClient::new(ClientConfig::new("http://127.0.0.1:9/".parse().unwrap())).unwrap(),
        key,
    )
    .with_feeds(FeedClientConfig {
        allow_private,
        ..Default::default()
    });
    World {
        store,
        server,
        feed_url,
        importer,
        org_id: org.id,
    }
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

    fn requests(&self) -> Vec<StatusCode> {
        self.server.requests.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn a_feed_imports_and_an_unchanged_feed_costs_one_304() {
    let w = world(luma_feed(&[0, 1, 2]), true).await;
    let first = w.sync().await;
    assert_eq!(first.outcome, SyncOutcome::Ok, "{:?}", first.message);
    assert_eq!(first.counts.created, 3);
    let events = w.events().await;
    let meetup = events.iter().find(|e| e.external_id == "evt-0001").unwrap();
    assert_eq!(meetup.source, EventSource::Ical);
    assert_eq!(meetup.timezone, "Europe/Berlin");
    assert_eq!(meetup.event_url.as_deref(), Some("https://luma.com/e1"));
    assert_eq!(w.description(meetup).await.as_deref(), Some("Details"));

    let second = w.sync().await;
    assert_eq!(second.outcome, SyncOutcome::Ok);
    assert_eq!(
        (
            second.counts.created,
            second.counts.updated,
            second.counts.removed
        ),
        (0, 0, 0)
    );
    assert_eq!(w.requests(), [StatusCode::OK, StatusCode::NOT_MODIFIED]);
    assert_eq!(w.events().await.len(), 3);
}

#[tokio::test]
async fn a_changed_feed_updates_and_removes_and_a_broken_one_changes_nothing() {
    let w = world(luma_feed(&[0, 1, 2]), true).await;
    w.sync().await;
    // Meetup 2 cancelled upstream (gone from the feed), meetup 1's description edited.
    *w.server.feed.lock().unwrap() = luma_feed(&[0, 1]).replace(
        "evt-0001@events.lu.ma\r\nDTSTAMP:20261120T100000Z\r\nDTSTART:20261202T180000Z\r\nDTEND:20261202T200000Z\r\nSUMMARY:Meetup 1",
        "evt-0001@events.lu.ma\r\nDTSTAMP:20261120T100000Z\r\nDTSTART:20261202T180000Z\r\nDTEND:20261202T200000Z\r\nSUMMARY:Meetup 1 (new room)",
    );
    let changed = w.sync().await;
    assert_eq!(changed.outcome, SyncOutcome::Ok);
    assert_eq!((changed.counts.updated, changed.counts.removed), (1, 1));
    let events = w.events().await;
    let removed = events.iter().find(|e| e.external_id == "evt-0002").unwrap();
    assert!(removed.removed_at.is_some(), "marked removed, not deleted");

    *w.server.feed.lock().unwrap() =
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            .into();
    let broken = w.sync().await;
    assert_eq!(broken.outcome, SyncOutcome::Failed);
    assert!(
        broken
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("it has no UID"),
        "{:?}",
        broken.message
    );
    assert_eq!(w.events().await, events, "a failed sync changes nothing");
}

#[tokio::test]
async fn with_the_guard_on_a_feed_on_a_local_address_is_refused() {
    let w = world(luma_feed(&[0]), false).await;
    let report = w.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Failed);
    assert!(
        report
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("private or local address"),
        "{:?}",
        report.message
    );
    assert!(w.requests().is_empty(), "the feed was never asked");
    assert!(w.events().await.is_empty());
    assert!(w.feed_url.starts_with("http://localhost:"));
}

#[tokio::test]
async fn moving_from_the_feed_to_the_api_keeps_one_copy_of_each_event() {
    let w = world(luma_feed(&[0, 1]), true).await;
    assert_eq!(w.sync().await.counts.created, 2);

    // The organization gets Luma Plus: the same events, now from the API.
    let calendar = FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: (0..2)
            .map(|n| sample_event(now(), n, "cal-berlin"))
            .collect(),
        legacy_shape: false,
    };
    let key = "sk-luma-berlin-0001";
    let fake = FakeLuma::start(0, vec![(key.into(), calendar)])
        .await
        .unwrap();
    let secret = SecretKey::generate();
    organizations::connect_luma(
        w.store.db(),
        w.org_id,
        LumaConnection {
            calendar_url: Some("https://luma.com/rust-berlin".into()),
            calendar_id: Some("cal-berlin".into()),
            calendar_name: Some("Rust Berlin".into()),
            api_key_last_four: Some("0001".into()),
            ..crate::testing::luma_key(&secret, w.org_id, key)
        },
    )
    .await
    .unwrap();
    let mut config = ClientConfig::new(fake.base_url());
    config.base_backoff = StdDuration::from_millis(5);
    let api = Importer::new(
        w.store.db().clone(),
        LumaClient::new(config).unwrap(),
        secret,
    );
    let report = api
        .run_org_sync(w.org_id, SyncTrigger::Manual, now())
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.created, 0, "matched by id, not duplicated");

    let events = w.events().await;
    assert_eq!(events.len(), 2);
    assert!(
        events
            .iter()
            .all(|e| e.source == EventSource::LumaApi && e.removed_at.is_none())
    );
}

/// Generated feeds, many of them broken or hostile: whatever a refused one holds, the stored
/// events stay exactly as they were.
#[test]
fn a_refused_feed_never_changes_stored_events() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let good = luma_feed(&[0, 1, 2]);
    let world = runtime.block_on(world(good.clone(), true));
    assert_eq!(runtime.block_on(world.sync()).outcome, SyncOutcome::Ok);
    let line = prop_oneof![
        Just("BEGIN:VEVENT".to_owned()),
        Just("END:VEVENT".to_owned()),
        Just("BEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X\r\nBEGIN:X".to_owned()),
        "UID:evt-000[0-3]@events.lu.ma",
        "DTSTART:(19900101T000000Z|99991231T000000Z|2026120[1-4]T180000Z|2026120[1-4])",
        "DURATION:P(99999999999W|1D|T2H|400D)",
        "RRULE:FREQ=(SECONDLY|HOURLY|DAILY)(;COUNT=[0-9]{1,7})?",
        "SUMMARY:.{0,20}",
        ".{0,20}",
    ];
    // Each case is two syncs against a real store: fewer cases than the pure parsers get.
    let cases = Config::default().cases.min(48);
    let mut runner = TestRunner::new(Config {
        cases,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(line, 0..12), |lines| {
        let feed = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}\r\nEND:VCALENDAR\r\n",
            lines.join("\r\n")
        );
        let sorted = |mut events: Vec<event::Model>| {
            events.sort_by_key(|event| event.id);
            events
        };
        let before = sorted(runtime.block_on(world.events()));
        *world.server.feed.lock().unwrap() = feed;
        let report = runtime.block_on(world.sync());
        if report.outcome == SyncOutcome::Ok {
            // A feed that was read may change events: put the good one back for the next case.
            *world.server.feed.lock().unwrap() = good.clone();
            prop_assert_eq!(runtime.block_on(world.sync()).outcome, SyncOutcome::Ok);
        } else {
            prop_assert!(report.message.is_some_and(|why| !why.is_empty()));
            prop_assert_eq!(&sorted(runtime.block_on(world.events())), &before);
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// A feed lists everything, and the run reads what has not ended: an event still going on
/// that the feed drops leaves the pages, even when it started before the window.
#[tokio::test]
async fn an_ongoing_event_dropped_from_the_feed_leaves_the_pages() {
    let long = "BEGIN:VEVENT\r\nUID:conference@example.org\r\nDTSTAMP:20261120T100000Z\r\n\
                DTSTART:20261201T080000Z\r\nDTEND:20261205T180000Z\r\nSUMMARY:Conference\r\n\
                END:VEVENT\r\n";
    let with_long = luma_feed(&[3]).replace("END:VCALENDAR", &format!("{long}END:VCALENDAR"));
    let w = world(with_long, true).await;
    assert_eq!(w.sync().await.counts.created, 2);
    // On its third day (it began two days before the window) the feed no longer has it.
    *w.server.feed.lock().unwrap() = luma_feed(&[3]);
    let third_day = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
    let report = w
        .importer
        .run_org_sync(w.org_id, SyncTrigger::Manual, third_day)
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.removed, 1);
    let events = w.events().await;
    let conference = events
        .iter()
        .find(|e| e.external_id == "conference@example.org")
        .unwrap();
    assert!(conference.removed_at.is_some());
}

/// A feed of one series (`UID:series`) starting on the first day after [`now`], `rule` its
/// RRULE and `description` its text.
fn series_feed(rule: &str, description: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:series\r\n\
         DTSTART:20261201T180000Z\r\nDURATION:PT1H\r\nSUMMARY:Weekly\r\nRRULE:{rule}\r\n\
         DESCRIPTION:{description}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn texts_of(w: &World) -> Vec<String> {
    crate::store::entities::event_description::Entity::find()
        .filter(crate::store::entities::event_description::Column::OrganizationId.eq(w.org_id))
        .all(w.store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.body)
        .collect()
}

#[tokio::test]
async fn a_series_stores_its_description_once_and_an_edit_leaves_the_old_text_to_housekeeping() {
    let long = "Ünïcödé words. ".repeat(1_000);
    let w = world(series_feed("FREQ=WEEKLY;COUNT=20", &long), true).await;
    let report = w.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.created, 20);
    let events = w.events().await;
    let pointed: HashSet<Option<i64>> = events.iter().map(|e| e.description_id).collect();
    assert_eq!(pointed.len(), 1, "every occurrence points to one text");
    assert_eq!(texts_of(&w).await, [long.trim_end().to_owned()]);
    assert_eq!(
        w.description(&events[0]).await.as_deref(),
        Some(long.trim_end())
    );

    *w.server.feed.lock().unwrap() = series_feed("FREQ=WEEKLY;COUNT=20", "Second words");
    let report = w.sync().await;
    assert_eq!(report.counts.updated, 20, "a new description is a change");
    let pointed: HashSet<Option<i64>> = w.events().await.iter().map(|e| e.description_id).collect();
    assert_eq!(pointed.len(), 1);
    assert_eq!(
        texts_of(&w).await.len(),
        2,
        "the old text stays until housekeeping"
    );
    let forgotten = crate::store::descriptions::forget_unused(w.store.db())
        .await
        .unwrap();
    assert_eq!(forgotten, 1);
    assert_eq!(texts_of(&w).await, ["Second words"]);
}

#[tokio::test]
async fn a_run_past_the_organizations_byte_ceiling_is_refused_and_changes_nothing() {
    let mut w = world(luma_feed(&[1, 2]), true).await;
    w.importer = w.importer.clone().with_quota(Quota {
        bytes: 4_000,
        new_events_per_day: 1_000,
    });
    let first = w.sync().await;
    assert_eq!(first.outcome, SyncOutcome::Ok, "{:?}", first.message);
    let before = w.events().await;
    let kept = crate::store::usage::of_organization(w.store.db(), w.org_id)
        .await
        .unwrap();
    assert_eq!(kept.events, 2);
    assert!(
        kept.bytes > 2 * crate::store::usage::ROW_OVERHEAD,
        "{kept:?}"
    );

    *w.server.feed.lock().unwrap() = luma_feed(&(1..=12).collect::<Vec<_>>());
    let refused = w.sync().await;
    assert_eq!(refused.outcome, SyncOutcome::Failed);
    assert_eq!(refused.failure, Some(SyncFailure::OverQuota));
    let message = refused.message.unwrap();
    assert!(
        message.contains("an organization keeps at most 3.9 KB")
            && message.contains("nothing was changed"),
        "{message}"
    );
    assert_eq!(w.events().await, before, "nothing stored changed");
}

#[tokio::test]
async fn new_events_per_day_are_bounded_so_renamed_events_cannot_grow_the_store() {
    let mut w = world(luma_feed(&[1, 2, 3]), true).await;
    w.importer = w.importer.clone().with_quota(Quota {
        bytes: ORGANIZATION_BYTES_MAX,
        new_events_per_day: 5,
    });
    assert_eq!(w.sync().await.counts.created, 3);
    // The same events under new ids: three more would make six today.
    *w.server.feed.lock().unwrap() = luma_feed(&[1, 2, 3]).replace("UID:evt-", "UID:renamed-");
    let refused = w.sync().await;
    assert_eq!(refused.failure, Some(SyncFailure::OverQuota));
    assert!(
        refused
            .message
            .as_deref()
            .is_some_and(|m| m.contains("3 new events, and 3 were added in the last 24 hours")),
        "{:?}",
        refused.message
    );
    let live = w.events().await;
    assert_eq!(live.len(), 3);
    assert!(
        live.iter()
            .all(|e| e.external_id.starts_with("evt-") && e.removed_at.is_none())
    );
}

#[tokio::test]
async fn a_large_run_is_written_in_chunks_and_stores_every_event() {
    // Three series of 400 (a feed's series expands to at most 500 occurrences).
    let one = series_feed("FREQ=HOURLY;COUNT=400", "Hourly");
    let body = one
        .split_once("BEGIN:VEVENT")
        .and_then(|(_, rest)| rest.split_once("END:VCALENDAR"))
        .map(|(event, _)| format!("BEGIN:VEVENT{event}"))
        .unwrap();
    let feed = one.replace(
        &body,
        &["a", "b", "c"]
            .map(|uid| body.replace("UID:series", &format!("UID:series-{uid}")))
            .concat(),
    );
    let w = world(feed, true).await;
    let report = w.sync().await;
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    assert_eq!(report.counts.created, 1_200);
    const {
        assert!(
            1_200 > super::write::CHANGES_PER_WRITE * 2,
            "more than two chunks"
        )
    };
    let events = w.events().await;
    assert_eq!(events.len(), 1_200);
    assert_eq!(texts_of(&w).await, ["Hourly"]);
    let run = sync_run::Entity::find_by_id(report.run_id)
        .one(w.store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((run.outcome, run.events_created), (SyncOutcome::Ok, 1_200));
}
