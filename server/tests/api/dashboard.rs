//! The dashboard through the real server, on the demo store (its member belongs to Rust Berlin
//! and Rust Lisbon; events are imported from the bundled fake lu.ma at start).

use app::auth::SignIn;
use app::dashboard::{Dashboard, GetDashboard, GetOrganizationOptions, OrganizationOption};
use app::error::AppError;
use convene::demo::{DEMO_MEMBER_EMAIL, DEMO_PASSWORD};
use leptos::server_fn::ServerFn;
use serde_json::json;

use crate::helpers::{Seed, TestApp, session_cookie, spawn_app_with};

async fn demo_member(app: &TestApp) -> String {
    let response = app
        .call(
            SignIn::PATH,
            &[("email", DEMO_MEMBER_EMAIL), ("password", DEMO_PASSWORD)],
            None,
        )
        .await;
    session_cookie(&response).expect("the demo member signs in")
}

fn filters(overrides: serde_json::Value) -> serde_json::Value {
    let mut filters = json!({
        "orgs": [], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    });
    if let (Some(base), Some(extra)) = (filters.as_object_mut(), overrides.as_object()) {
        base.extend(extra.clone());
    }
    json!({ "filters": filters })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_sees_their_organizations_first() {
    let app = spawn_app_with(Seed::Demo).await;
    let member = demo_member(&app).await;
    let html = app.page_as("/dashboard", Some(&member)).await;
    let yours = html.find("Your orgs").expect("a Your orgs section");
    let others = html.find("Other orgs").expect("an Other orgs section");
    let berlin = html
        .find("data-org=\"rust-berlin\"")
        .expect("Berlin events");
    let nyc = html.find("data-org=\"rust-nyc\"").expect("NYC events");
    assert!(
        yours < berlin && berlin < others && others < nyc,
        "own organizations come first"
    );
    assert!(
        html.contains("<time datetime=\""),
        "times carry datetime attributes"
    );

    let dashboard: Dashboard = app
        .call_json(GetDashboard::PATH, &filters(json!({})), Some(&member))
        .await
        .json()
        .await
        .unwrap();
    assert!(dashboard.signed_in);
    let starts: Vec<&str> = dashboard
        .events
        .iter()
        .map(|e| e.start_utc.as_str())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_by_key(|s| chrono::DateTime::parse_from_rfc3339(s).unwrap());
    assert_eq!(starts, sorted, "in start order");
    assert!(dashboard.events.iter().any(|e| e.mine) && dashboard.events.iter().any(|e| !e.mine));
    let chips: Vec<(&str, bool, bool)> = dashboard
        .organizations
        .iter()
        .map(|org| (org.slug.as_str(), org.mine, org.chosen))
        .collect();
    assert_eq!(
        chips,
        [("rust-berlin", true, false), ("rust-lisbon", true, false)],
        "the page carries the member's organizations, not every one"
    );

    // Another organization, chosen by its name as someone typing it would.
    let chosen: Dashboard = app
        .call_json(
            GetDashboard::PATH,
            &filters(json!({ "orgs": ["rust nyc"] })),
            Some(&member),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(!chosen.events.is_empty());
    assert!(chosen.events.iter().all(|e| e.org_slug == "rust-nyc"));
    let nyc = chosen
        .organizations
        .iter()
        .find(|org| org.slug == "rust-nyc")
        .expect("the chosen organization is on the page");
    assert!(nyc.chosen && !nyc.mine);

    let options: Vec<OrganizationOption> = app
        .call(GetOrganizationOptions::PATH, &[], None)
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["Rust Berlin", "Rust Lisbon", "Rust London", "Rust NYC"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_in_the_url_render_the_same_on_the_server() {
    let app = spawn_app_with(Seed::Demo).await;
    let html = app
        .page_as(
            "/dashboard?layout=day&org=rust-nyc&mode=in_person&range=90",
            None,
        )
        .await;
    assert!(html.contains("data-org=\"rust-nyc\""));
    for other in ["rust-berlin", "rust-lisbon", "rust-london"] {
        assert!(
            !html.contains(&format!("data-org=\"{other}\"")),
            "{other} filtered out"
        );
    }
    assert!(
        !html.contains("Online: Rust and databases"),
        "online events filtered out"
    );
    assert!(html.contains("Sign in"), "visitors are asked to sign in");
    assert!(!html.contains("Your orgs"));

    let searched = app.page_as("/dashboard?q=lightning", None).await;
    assert!(searched.contains("Lightning talks"));
    assert!(!searched.contains("Project night"));
}

#[tokio::test(flavor = "multi_thread")]
async fn show_more_pages_follow_on_and_bad_filters_name_their_field() {
    let app = spawn_app_with(Seed::Demo).await;
    let first: Dashboard = app
        .call_json(GetDashboard::PATH, &filters(json!({ "range": "90" })), None)
        .await
        .json()
        .await
        .unwrap();
    // 22 demo events over a page of 20: the second page holds the rest, then no more.
    assert_eq!(first.events.len(), 20);
    let cursor = first.next.clone().expect("a second page");
    let second: Dashboard = app
        .call_json(
            GetDashboard::PATH,
            &filters(json!({ "range": "90", "after": cursor })),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second.events.len(), 2);
    assert_eq!(second.next, None);
    let first_ids: Vec<String> = first.events.iter().map(|e| e.luma_id.clone()).collect();
    assert!(
        second
            .events
            .iter()
            .all(|e| !first_ids.contains(&e.luma_id)),
        "no repeats"
    );

    let response = app
        .call_json(
            GetDashboard::PATH,
            &filters(json!({ "range": "decade" })),
            None,
        )
        .await;
    assert_eq!(response.status().as_u16(), 422);
    let error: AppError = response.json().await.unwrap();
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field.as_str() == "range"),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_event_listed_by_two_organizations_is_one_card_hosted_by_one_with_the_other() {
    use convene::import::luma::client::{ClientConfig, LumaClient};
    use convene::import::luma::fake::{FakeCalendar, FakeLuma};
    use convene::import::sync::{Importer, SyncTrigger};
    use convene::secrets::SecretKey;

    use crate::helpers::store_luma_key;

    let shared = |platform: &str| {
        let start = chrono::Utc::now() + chrono::Duration::days(3);
        serde_json::json!({
            "id": "evt-shared", "platform": platform, "name": "Shared conference",
            "start_at": start.to_rfc3339(), "end_at": (start + chrono::Duration::hours(8)).to_rfc3339(),
            "timezone": "Europe/Berlin", "url": "https://luma.com/shared",
        })
    };
    let calendar = |slug: &str, platform: &str| FakeCalendar {
        id: format!("cal-{slug}"),
        name: slug.into(),
        slug: slug.into(),
        timezone: "Europe/Berlin".into(),
        events: vec![shared(platform)],
        legacy_shape: false,
    };
    let fake = FakeLuma::start(
        0,
        vec![
            ("key-berlin".into(), calendar("rust-berlin", "luma")),
            ("key-lisbon".into(), calendar("rust-lisbon", "external")),
        ],
    )
    .await
    .unwrap();
    let secret = SecretKey::generate();
    let app = crate::helpers::spawn_app().await;
    let db = convene::store::connect(&app.database_url).await.unwrap();
    let importer = Importer::new(
        db.clone(),
        LumaClient::new(ClientConfig::new(fake.base_url())).unwrap(),
        secret.clone(),
    );
    for (slug, key) in [("rust-berlin", "key-berlin"), ("rust-lisbon", "key-lisbon")] {
        let org = convene::store::organizations::find_by_slug(&db, slug)
            .await
            .unwrap()
            .unwrap();
        store_luma_key(&db, org.id, &fake, key, &secret).await;
        importer
            .run_org_sync(org.id, SyncTrigger::Cli, chrono::Utc::now())
            .await
            .unwrap();
    }

    let filters = serde_json::json!({ "filters": {
        "orgs": [], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    }});
    let dashboard: Dashboard = app
        .call_json(GetDashboard::PATH, &filters, None)
        .await
        .json()
        .await
        .unwrap();
    let cards: Vec<_> = dashboard
        .events
        .iter()
        .filter(|card| card.title == "Shared conference")
        .collect();
    assert_eq!(cards.len(), 1, "one card for the one event");
    assert_eq!(
        cards[0].org_name, "Rust Berlin",
        "the calendar that manages it"
    );
    assert_eq!(cards[0].also_listed_by, ["Rust Lisbon"]);
    let page = app.page_as("/dashboard?layout=day", None).await;
    assert!(page.contains("Hosted by "), "{page}");
    assert!(page.contains(" with Rust Lisbon"));
    let list = app
        .page_as("/orgs/rust-lisbon/events?view=list", None)
        .await;
    assert!(list.contains("Listed from another calendar"));
}
