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

/// The events of `html` near a title: whether the page lists it at all.
fn listed(html: &str) -> Vec<&'static str> {
    titles_in(&html.replace("<!>", ""))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_and_the_atom_feed_keep_the_events_near_a_city() {
    let (app, _fake) = world().await;
    // Signed out: public events only.
    let (status, near) = app.get_html("/dashboard?near=Berlin").await;
    assert_eq!(status, 200);
    assert_eq!(listed(&near), [BERLIN, POTSDAM, GUESTS_ONLY]);
    assert!(near.contains("near Berlin (50 km)"), "the filter is named");
    assert!(
        near.contains(r#"/events.atom?near=Berlin""#),
        "the page's Atom feed is of the same place"
    );
    let (_, lisbon) = app.get_html("/dashboard?near=Lisboa&layout=day").await;
    assert_eq!(listed(&lisbon), [LISBON]);
    let (_, close) = app.get_html("/dashboard?near=Berlin&km=10&online=1").await;
    assert_eq!(listed(&close), [BERLIN, ONLINE, GUESTS_ONLY]);
    let (_, refused) = app.get_html("/dashboard?near=Atlantis").await;
    assert!(
        refused.contains("no event is in a city called"),
        "a refusal the person can act on"
    );
    assert!(listed(&refused).is_empty());

    // A member of the organization sees its members-only event near its town; a visitor
    // cannot even name the town.
    let member = crate::helpers::person_in(
        &app,
        "rust-berlin",
        "member@example.org",
        Some(convene::rules::access::Role::Member),
    )
    .await;
    let members_town = app
        .page_as("/dashboard?near=Hiddenburg", Some(&member))
        .await;
    assert!(
        members_town.contains("Board retreat"),
        "the member's own event"
    );
    let (_, visitor) = app.get_html("/dashboard?near=Hiddenburg").await;
    assert!(!visitor.contains("Board retreat"));
    assert!(visitor.contains("no event is in a city called"));
    assert!(
        !visitor.contains("Hiddenburg\u{2019}") && !visitor.contains("events are in Hiddenburg")
    );

    // Atom: the same cities, public events only, and a refusal for an unknown one.
    let atom = async |query: &str| {
        let response = app.get(&format!("/events.atom{query}")).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    let (status, berlin) = atom("?near=Berlin").await;
    assert_eq!(status, 200);
    assert_eq!(titles_in(&berlin), [BERLIN, POTSDAM, GUESTS_ONLY]);
    assert!(
        berlin.contains("near Berlin (50 km)"),
        "the feed's title says where"
    );
    let (_, lisbon) = atom("?near=lisbon").await;
    assert_eq!(titles_in(&lisbon), [LISBON]);
    let (_, everywhere) = atom("").await;
    assert_eq!(titles_in(&everywhere).len(), 5);
    let (status, refused) = atom("?near=Hiddenburg").await;
    assert_eq!(
        status, 400,
        "known only from a members-only event: {refused}"
    );
    assert!(!refused.contains("Board retreat"));
    let (status, refused) = atom("?near=Berlin&km=0").await;
    assert_eq!(status, 400);
    assert!(refused.contains("km:"), "{refused}");
}

/// The local date (Europe/Berlin, the events' zone) `days` from now, as `YYYY-MM-DD`, and its
/// month.
fn local_day(days: i64) -> (String, String) {
    let day = (chrono::Utc::now() + chrono::Duration::days(days))
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive();
    (
        day.format("%Y-%m-%d").to_string(),
        day.format("%Y-%m").to_string(),
    )
}

/// The cell of `date` in a month grid's HTML: from its `<time>` to the next cell.
fn cell<'a>(html: &'a str, date: &str) -> &'a str {
    let start = html
        .find(&format!(r#"datetime="{date}""#))
        .unwrap_or_else(|| panic!("no cell for {date}"));
    let rest = &html[start..];
    &rest[..rest.find("<td").unwrap_or(rest.len())]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_month_grid_holds_the_months_events_on_their_own_days() {
    let (app, _fake) = world().await;
    let (berlin_day, berlin_month) = local_day(1);
    let (lisbon_day, lisbon_month) = local_day(3);
    let (status, grid) = app
        .get_html(&format!("/dashboard?layout=month&month={berlin_month}"))
        .await;
    assert_eq!(status, 200);
    let grid = grid.replace("<!>", "");
    assert!(grid.contains(r#"<table class="month-grid">"#), "a table");
    assert!(grid.contains(r#"<th scope="col"><abbr title="Monday">Mon</abbr></th>"#));
    assert!(cell(&grid, &berlin_day).contains(BERLIN), "on its own day");
    assert!(!cell(&grid, &berlin_day).contains(LISBON));
    if lisbon_month == berlin_month {
        assert!(cell(&grid, &lisbon_day).contains(LISBON));
    }
    assert!(
        !grid.contains("Board retreat"),
        "members-only: not a visitor's"
    );
    assert!(grid.contains(r#"rel="prev""#) && grid.contains(r#"rel="next""#));
    let this_month = chrono::Utc::now().format("%Y-%m").to_string();
    if berlin_month == this_month {
        assert_eq!(
            crate::helpers::occurrences(&grid, r#"aria-current="date""#),
            1,
            "today is marked"
        );
    }

    // Another month holds none of this month's events, and no today.
    let later = (chrono::Utc::now() + chrono::Duration::days(70))
        .format("%Y-%m")
        .to_string();
    let (_, empty) = app
        .get_html(&format!("/dashboard?layout=month&month={later}"))
        .await;
    assert!(listed(&empty).is_empty(), "{later}");
    assert!(empty.contains("No events this month match these filters."));
    assert!(!empty.contains(r#"aria-current="date""#));

    // Filters apply to the month too; a bad month is named.
    let (_, lisbon) = app
        .get_html(&format!(
            "/dashboard?layout=month&month={lisbon_month}&near=Lisbon"
        ))
        .await;
    assert_eq!(listed(&lisbon), [LISBON]);
    let (_, refused) = app.get_html("/dashboard?layout=month&month=2026-13").await;
    assert!(
        refused.contains("month: must be a month written YYYY-MM"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_map_carries_the_venues_but_never_a_guests_only_one() {
    let (app, _fake) = world().await;
    let (status, map) = app.get_html("/dashboard?layout=map").await;
    assert_eq!(status, 200);
    let map = map.replace("<!>", "");
    for (title, latitude, longitude) in [
        (BERLIN, "52.520000", "13.405000"),
        (POTSDAM, "52.390600", "13.064500"),
        (LISBON, "38.722300", "-9.139300"),
    ] {
        assert!(
            map.contains(&format!(
                r#"data-lat="{latitude}" data-lon="{longitude}" data-title="{title}""#
            )),
            "{title}'s pin"
        );
    }
    assert!(
        !map.contains(ONLINE),
        "online events have no place on a map"
    );
    // The guests-only event is listed by its city, without its venue anywhere in the page.
    assert!(map.contains(GUESTS_ONLY));
    assert!(
        !map.contains("52.53") && !map.contains("13.38"),
        "a guests-only venue"
    );
    assert!(!map.contains("Board retreat") && !map.contains("50.000000"));
    assert!(
        map.contains("/vendor/leaflet/leaflet.js"),
        "Leaflet, on this layout only"
    );
    assert!(map.contains(r#"data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png""#));
    assert!(map.contains("© OpenStreetMap contributors"));
    let (_, list) = app.get_html("/dashboard").await;
    assert!(!list.contains("leaflet"), "the other layouts load no map");

    // Near Lisbon: Lisbon's pin alone.
    let (_, lisbon) = app.get_html("/dashboard?layout=map&near=Lisbon").await;
    assert_eq!(listed(&lisbon), [LISBON]);
    // A member sees their members-only event's pin.
    let member = crate::helpers::person_in(
        &app,
        "rust-berlin",
        "member@example.org",
        Some(convene::rules::access::Role::Member),
    )
    .await;
    let theirs = app.page_as("/dashboard?layout=map", Some(&member)).await;
    assert!(
        theirs.contains(r#"data-lat="50.000000" data-lon="10.000000" data-title="Board retreat""#)
    );
}

/// The digest mail queued for `email` (the newest), as text.
async fn digest_text(db: &sea_orm::DatabaseConnection, email: &str) -> Option<String> {
    use sea_orm::EntityTrait;
    convene::store::entities::mail_message::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .rfind(|mail| mail.recipient == email && mail.kind == convene_types::MailKind::WeeklyDigest)
        .map(|mail| mail.text_body)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_trip_brings_the_citys_events_to_that_member_and_to_no_one_else() {
    use app::account::{AddTrip, RemoveTrip};
    use app::dashboard::GetPersonalFeed;
    use leptos::server_fn::ServerFn;

    let (app, _fake) = world().await;
    let traveller = app.browser(Some(
        app.sign_up("traveller@example.org", "Tess", "correct horse battery")
            .await,
    ));
    let homebody = app.browser(Some(
        app.sign_up("homebody@example.org", "Hal", "correct horse battery")
            .await,
    ));
    let today = chrono::Utc::now().date_naive();
    let day = |offset: i64| {
        (today + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    // Refused in words, nothing stored: a trip that is over.
    let refused = traveller
        .call(
            AddTrip::PATH,
            &[("city", "Lisbon"), ("from", &day(-9)), ("to", &day(-8))],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("this trip is over already")
    );
    let added = traveller
        .call(
            AddTrip::PATH,
            &[("city", "Lisbon"), ("from", &day(0)), ("to", &day(6))],
        )
        .await;
    assert!(added.status().is_success() || added.status().is_redirection());

    // The traveller's dashboard opens with Lisbon's events (a public one, from an organization
    // they do not belong to); the homebody's has no such section.
    let dashboard = traveller.page("/dashboard").await.replace("<!>", "");
    let section = &dashboard[dashboard
        .find("While you&#x27;re in Lisbon")
        .or_else(|| dashboard.find("While you're in Lisbon"))
        .expect("the trip's section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(LISBON), "{section}");
    assert!(!section.contains(BERLIN));
    let home = homebody.page("/dashboard").await;
    assert!(!home.contains("While you"), "nobody else's dashboard");
    assert!(
        !homebody
            .page("/account")
            .await
            .replace("<!>", "")
            .contains("<strong>Lisbon</strong>"),
        "trips are private"
    );
    let account = traveller.page("/account").await.replace("<!>", "");
    assert!(
        account.contains("<strong>Lisbon</strong>"),
        "the traveller's own"
    );

    // The personal feed: the traveller's holds Lisbon's event; the homebody's does not.
    let feed_of = async |browser: &crate::helpers::Browser<'_>| {
        let path: String = browser
            .call(GetPersonalFeed::PATH, &[])
            .await
            .json()
            .await
            .unwrap();
        app.get(&path).await.text().await.unwrap()
    };
    let travelling = feed_of(&traveller).await;
    assert!(travelling.contains(LISBON), "{travelling}");
    assert!(!travelling.contains(BERLIN), "not a member of Rust Berlin");
    assert!(!feed_of(&homebody).await.contains(LISBON));

    // The digest: the traveller's has a section for the trip.
    let db = store::connect(&app.database_url).await.unwrap();
    let site = convene::site::PublicUrl::new(app.url("/").parse().unwrap()).unwrap();
    for email in ["traveller@example.org", "homebody@example.org"] {
        let user =
            store::users::find_by_email(&db, &convene::accounts::Email::parse(email).unwrap())
                .await
                .unwrap()
                .unwrap();
        convene::mail::digest::queue_now(&db, &site, &app.secret_key, user.id, chrono::Utc::now())
            .await
            .unwrap();
    }
    let digest = digest_text(&db, "traveller@example.org").await.unwrap();
    assert!(digest.contains("While you're in Lisbon"), "{digest}");
    assert!(digest.contains(LISBON));
    let home_digest = digest_text(&db, "homebody@example.org")
        .await
        .unwrap_or_default();
    assert!(!home_digest.contains("While you're in"), "{home_digest}");

    // Someone else's trip cannot be removed; one's own can.
    let trip_id = convene::places::trips::ahead(
        &db,
        {
            store::users::find_by_email(
                &db,
                &convene::accounts::Email::parse("traveller@example.org").unwrap(),
            )
            .await
            .unwrap()
            .unwrap()
            .id
        },
        today,
    )
    .await
    .unwrap()[0]
        .id
        .to_string();
    let theirs = homebody.call(RemoveTrip::PATH, &[("trip", &trip_id)]).await;
    assert_eq!(theirs.status().as_u16(), 404);
    let mine = traveller
        .call(RemoveTrip::PATH, &[("trip", &trip_id)])
        .await;
    assert!(mine.status().is_success() || mine.status().is_redirection());
    assert!(!traveller.page("/dashboard").await.contains("While you"));

    // A town known only from a members-only event: named nowhere, its event not shown.
    traveller
        .call(
            AddTrip::PATH,
            &[("city", "Hiddenburg"), ("from", &day(0)), ("to", &day(9))],
        )
        .await;
    let dashboard = traveller.page("/dashboard").await;
    assert!(dashboard.contains("No event of the network names this city yet."));
    assert!(!dashboard.contains("Board retreat"));
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_digest_keeps_the_other_events_near_the_members_city() {
    use app::account::SaveMailSettings;
    use leptos::server_fn::ServerFn;

    let (app, _fake) = world().await;
    let reader = app.browser(Some(
        app.sign_up("reader@example.org", "Rae", "correct horse battery")
            .await,
    ));
    let refused = reader
        .call(
            SaveMailSettings::PATH,
            &[
                ("weekday", "1"),
                ("digest", "on"),
                ("digest_near", "Atlantis"),
                ("digest_km", "50"),
            ],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("no event is in a city called")
    );
    let saved = reader
        .call(
            SaveMailSettings::PATH,
            &[
                ("weekday", "1"),
                ("digest", "on"),
                ("digest_near", "Lisboa"),
                ("digest_km", "50"),
            ],
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    assert!(reader.page("/account").await.contains(r#"value="Lisboa""#));

    let db = store::connect(&app.database_url).await.unwrap();
    let site = convene::site::PublicUrl::new(app.url("/").parse().unwrap()).unwrap();
    let user = store::users::find_by_email(
        &db,
        &convene::accounts::Email::parse("reader@example.org").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    convene::mail::digest::queue_now(&db, &site, &app.secret_key, user.id, chrono::Utc::now())
        .await
        .unwrap();
    let digest = digest_text(&db, "reader@example.org").await.unwrap();
    assert!(
        digest.contains("Elsewhere in the network, near Lisboa (50 km)"),
        "{digest}"
    );
    assert!(digest.contains(LISBON));
    assert!(
        !digest.contains(BERLIN) && !digest.contains(POTSDAM),
        "{digest}"
    );
    db.close().await.unwrap();
}
