//! Places (issue #34): `near=<city>` on the widget, from the cities and coordinates the events
//! themselves carry, through the real import from the fake lu.ma.

use convene::import::luma::fake::{FakeCalendar, FakeLuma};
use convene::import::sync::{SyncOutcome, SyncTrigger};
use convene::secrets::SecretKey;
use convene::store::{self, organizations};
use serde_json::json;

use crate::helpers::{Seed, TestApp, connect_to_fake_luma, spawn_app_adjusted};

const BERLIN: &str = "Mitte meetup";
const POTSDAM: &str = "Potsdam hack day";
const LISBON: &str = "Lisbon evening";
const ONLINE: &str = "Online talk";
const GUESTS_ONLY: &str = "Flat party";

fn luma_event(
    id: &str,
    name: &str,
    days: i64,
    city: &str,
    at: Option<(f64, f64)>,
) -> serde_json::Value {
    let start = chrono::Utc::now() + chrono::Duration::days(days);
    json!({
        "id": id, "name": name, "timezone": "Europe/Berlin",
        "start_at": start.to_rfc3339(),
        "end_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
        "url": format!("https://luma.com/{id}"),
        "visibility": "public", "location_type": "offline",
        "geo_address_json": {"address": format!("Hall, {city}"), "city": city},
        "coordinate": at.map(|(latitude, longitude)| json!({"latitude": latitude, "longitude": longitude})),
    })
}

async fn world() -> (TestApp, FakeLuma) {
    let mut online = luma_event("evt-online", ONLINE, 4, "", None);
    online["location_type"] = json!("zoom");
    online["geo_address_json"] = json!(null);
    let mut guests = luma_event("evt-guests", GUESTS_ONLY, 5, "Berlin", Some((52.53, 13.38)));
    // The only event in its town, and members-only: its city must not show through the widget.
    let mut members = luma_event(
        "evt-members",
        "Board retreat",
        6,
        "Hiddenburg",
        Some((50.0, 10.0)),
    );
    members["visibility"] = json!("members-only");
    guests["location_visibility"] = json!("guests-only");
    let calendar = FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: vec![
            luma_event("evt-berlin", BERLIN, 1, "Berlin", Some((52.52, 13.405))),
            luma_event(
                "evt-potsdam",
                POTSDAM,
                2,
                "Potsdam",
                Some((52.3906, 13.0645)),
            ),
            luma_event("evt-lisbon", LISBON, 3, "Lisboa", Some((38.7223, -9.1393))),
            online,
            guests,
            members,
        ],
        legacy_shape: false,
    };
    let fake = FakeLuma::start(0, vec![("key-places".into(), calendar)])
        .await
        .unwrap();
    let secret = SecretKey::generate();
    let key = secret.clone();
    let app = spawn_app_adjusted(Seed::Organizations, move |settings| {
        settings.secret_key = key;
    })
    .await;
    let db = store::connect(&app.database_url).await.unwrap();
    let berlin = organizations::find_by_slug(&db, "rust-berlin")
        .await
        .unwrap()
        .unwrap();
    let importer = connect_to_fake_luma(&db, berlin.id, &fake, "key-places", secret).await;
    let report = importer
        .run_org_sync(berlin.id, SyncTrigger::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
    db.close().await.unwrap();
    (app, fake)
}

fn titles_in(body: &str) -> Vec<&'static str> {
    [BERLIN, POTSDAM, LISBON, ONLINE, GUESTS_ONLY]
        .into_iter()
        .filter(|title| body.contains(title))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_widget_keeps_the_events_near_a_city_and_drops_the_rest() {
    let (app, _fake) = world().await;
    let widget = async |query: &str| {
        let response = app.get(&format!("/embed/events?limit=20&{query}")).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let (status, all) = widget("").await;
    assert_eq!(status, 200);
    assert_eq!(titles_in(&all).len(), 5);

    // Berlin: its own events (the guests-only one by its city: its venue is never stored),
    // Potsdam's 27 km away, not Lisbon's, not the online one.
    let (status, near) = widget("near=Berlin").await;
    assert_eq!(status, 200, "{near}");
    assert_eq!(titles_in(&near), [BERLIN, POTSDAM, GUESTS_ONLY]);
    let (_, close) = widget("near=berlin&km=10").await;
    assert_eq!(titles_in(&close), [BERLIN, GUESTS_ONLY]);
    let (_, with_online) = widget("near=Berlin&km=10&online=1").await;
    assert_eq!(titles_in(&with_online), [BERLIN, ONLINE, GUESTS_ONLY]);

    // And the reverse: Lisbon, however it is spelled, keeps Lisbon's and drops Berlin's.
    for spelling in ["Lisbon", "Lisboa", "LISBOA"] {
        let (status, lisbon) = widget(&format!("near={spelling}")).await;
        assert_eq!(status, 200);
        assert_eq!(titles_in(&lisbon), [LISBON], "{spelling}");
    }

    // A city no event names is refused, naming the ones that exist; so is a bad radius.
    let (status, refused) = widget("near=Atlantis").await;
    assert_eq!(status, 400);
    assert!(
        refused.contains("no event is in a city called"),
        "{refused}"
    );
    assert!(
        refused.contains("Berlin") && refused.contains("Lisboa"),
        "{refused}"
    );
    assert!(
        !refused.contains("Hiddenburg"),
        "a members-only event's city: {refused}"
    );
    let (status, refused) = widget("near=Hiddenburg").await;
    assert_eq!(status, 400, "known only from a members-only event");
    assert!(!refused.contains("Board retreat"));
    let (status, refused) = widget("near=Berlin&km=5000").await;
    assert_eq!(status, 400);
    assert!(refused.contains("km: must be a whole number of kilometres from 1 to 500"));
}
