//! Caches never cross people and never outlive a change (issue #16): two servers on one store
//! (two replicas behind a load balancer), warm caches, and every change a person or a sync
//! makes. Each replica must show a change on its next request; the issue allows another
//! replica 2 s, and the tests poll that long, though the counters make it the next request too.
//! Runs on SQLite, and on Postgres when `TEST_DATABASE_URL` is set.

use std::time::{Duration, Instant};

use app::auth::{SignIn, SignOut};
use app::organizations::{
    AnswerMembershipRequest, LeaveOrganization, ListMembers, RequestMembership, SetMemberRole,
};
use convene::import::luma::fake::{FakeCalendar, FakeLuma};
use convene::import::sync::{Importer, SyncOutcome, SyncTrigger};
use convene::rules::access::Role;
use convene::secrets::SecretKey;
use convene::store::{self, memberships, organizations, users};
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};

use crate::access_matrix::{PASSWORD, create_user};
use crate::helpers::{
    Seed, TestApp, connect_to_fake_luma, session_cookie, spawn_app_with, spawn_replica,
};

const KEY: &str = "key-caching";
const PUBLIC: &str = "Open meetup";
const MEMBERS_ONLY: &str = "Members planning";
const NEW_EVENT: &str = "Freshly announced talk";

fn luma_event(id: &str, name: &str, days: i64, visibility: &str) -> Value {
    let start = chrono::Utc::now() + chrono::Duration::days(days);
    json!({
        "id": id, "name": name, "timezone": "Europe/Berlin",
        "start_at": start.to_rfc3339(),
        "end_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
        "url": format!("https://luma.com/{id}"),
        "visibility": visibility, "location_type": "offline",
        "geo_address_json": {"address": "Hall 1", "city": "Berlin"},
    })
}

struct World {
    first: TestApp,
    second: TestApp,
    fake: FakeLuma,
    importer: Importer,
    berlin: i64,
    /// Ada is a member of Rust Berlin, Bob of nothing yet, Cleo an admin of Rust Berlin.
    ada: String,
    bob: String,
    cleo: String,
    ada_id: i64,
}

impl World {
    async fn new() -> Self {
        let fake = FakeLuma::start(
            0,
            vec![(
                KEY.into(),
                FakeCalendar {
                    id: "cal-berlin".into(),
                    name: "Rust Berlin".into(),
                    slug: "rust-berlin".into(),
                    timezone: "Europe/Berlin".into(),
                    events: vec![
                        luma_event("evt-open", PUBLIC, 1, "public"),
                        luma_event("evt-members", MEMBERS_ONLY, 2, "members-only"),
                    ],
                    legacy_shape: false,
                },
            )],
        )
        .await
        .unwrap();
        let first = spawn_app_with(Seed::Organizations).await;
        let second = spawn_replica(&first).await;
        let db = store::connect(&first.database_url).await.unwrap();
        let berlin = organizations::find_by_slug(&db, "rust-berlin")
            .await
            .unwrap()
            .unwrap()
            .id;
        // The sync runs here, outside both servers, as the daily import on a third replica
        // would: only the store tells the servers about it.
        let importer = connect_to_fake_luma(&db, berlin, &fake, KEY, SecretKey::generate()).await;
        let world_importer = importer.clone();
        let report = importer
            .run_org_sync(berlin, SyncTrigger::Cli, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);

        let ada_id = create_user(&db, "ada@example.org", false).await;
        memberships::add(&db, ada_id, berlin, Role::Member)
            .await
            .unwrap();
        create_user(&db, "bob@example.org", false).await;
        let cleo_id = create_user(&db, "cleo@example.org", false).await;
        memberships::add(&db, cleo_id, berlin, Role::Admin)
            .await
            .unwrap();
        // Ada signs in on the first server, Bob and Cleo on the second: sessions live in the
        // store, so each cookie works on both.
        let ada = sign_in(&first, "ada@example.org").await;
        let bob = sign_in(&second, "bob@example.org").await;
        let cleo = sign_in(&second, "cleo@example.org").await;
        Self {
            first,
            second,
            fake,
            importer: world_importer,
            berlin,
            ada,
            bob,
            cleo,
            ada_id,
        }
    }

    fn servers(&self) -> [&TestApp; 2] {
        [&self.first, &self.second]
    }
}

async fn sign_in(app: &TestApp, email: &str) -> String {
    let response = app
        .call(
            SignIn::PATH,
            &[("email", email), ("password", PASSWORD)],
            None,
        )
        .await;
    session_cookie(&response).expect("signed in")
}

/// The page of the event titled `title`, `/events/<public id>`.
async fn event_page_path(app: &TestApp, title: &str) -> String {
    use convene::store::entities::event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = store::connect(&app.database_url).await.unwrap();
    let found = event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(&db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no event {title:?}"));
    format!(
        "/events/{}",
        found.public_id.expect("a synced event has a page")
    )
}

/// Whether the members-only event's page shows it to `cookie` (else it answers with only whose
/// event it is: 401 for a visitor, 403 for a signed-in non-member).
async fn sees_event_page(app: &TestApp, path: &str, cookie: Option<&str>) -> bool {
    let answer = app.get_as(path, cookie).await;
    let status = answer.status().as_u16();
    let body = answer.text().await.unwrap();
    match status {
        200 => {
            assert!(body.contains(MEMBERS_ONLY), "{path}");
            true
        }
        401 | 403 => {
            assert!(
                !body.contains(MEMBERS_ONLY),
                "{path} ({status}) names the event"
            );
            assert_eq!(status == 401, cookie.is_none(), "{path}: {status}");
            false
        }
        other => panic!("{path}: {other}"),
    }
}

/// What a dashboard says about who is looking and what they may see.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    /// The name in the header (the display name is the email here).
    signed_in_as: Option<&'static str>,
    members_only: bool,
    new_event: bool,
}

async fn dashboard(app: &TestApp, cookie: Option<&str>) -> Seen {
    let body = app.page_as("/dashboard", cookie).await;
    assert!(
        body.contains(PUBLIC),
        "every dashboard lists the public event"
    );
    let names: Vec<&'static str> = ["ada@example.org", "bob@example.org", "cleo@example.org"]
        .into_iter()
        .filter(|name| body.contains(&format!(">{name}<")))
        .collect();
    assert!(names.len() <= 1, "one person's page names {names:?}");
    Seen {
        signed_in_as: names.first().copied(),
        members_only: body.contains(MEMBERS_ONLY),
        new_event: body.contains(NEW_EVENT),
    }
}

/// Polls `app` until the dashboard `cookie` gets is `expected`, for at most 2 s (the bound the
/// issue gives another replica).
async fn within_two_seconds(app: &TestApp, cookie: Option<&str>, expected: &Seen, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let seen = dashboard(app, cookie).await;
        if seen == *expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: after 2 s {} still shows {seen:?}, not {expected:?}",
            app.address
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn warm_caches_never_show_one_person_what_another_may_see() {
    let world = World::new().await;
    let ada = Seen {
        signed_in_as: Some("ada@example.org"),
        members_only: true,
        new_event: false,
    };
    let bob = Seen {
        signed_in_as: Some("bob@example.org"),
        members_only: false,
        new_event: false,
    };
    let visitor = Seen {
        signed_in_as: None,
        members_only: false,
        new_event: false,
    };
    // Interleaved, several rounds, so every cache is warm and every viewer follows another.
    for round in 0..3 {
        for app in world.servers() {
            assert_eq!(dashboard(app, Some(&world.ada)).await, ada, "round {round}");
            assert_eq!(dashboard(app, Some(&world.bob)).await, bob, "round {round}");
            assert_eq!(dashboard(app, None).await, visitor, "round {round}");
            assert_eq!(dashboard(app, Some(&world.ada)).await, ada, "round {round}");
        }
    }
    // Who may see the members-only event (Ada, a member), in an order where each viewer follows
    // another.
    let viewers = [
        (Some(world.ada.as_str()), true),
        (Some(world.bob.as_str()), false),
        (None, false),
        (Some(world.ada.as_str()), true),
    ];
    // The organization's events list, cached per audience: members see the members-only event.
    for round in 0..2 {
        for app in world.servers() {
            for (cookie, sees) in viewers {
                let list = app
                    .page_as("/orgs/rust-berlin/events?view=list", cookie)
                    .await;
                assert!(list.contains(PUBLIC), "round {round}");
                assert_eq!(list.contains(MEMBERS_ONLY), sees, "round {round}");
            }
        }
    }
    // The members-only event's page, kept per event: only its organization's members see it.
    let members_event = event_page_path(&world.first, MEMBERS_ONLY).await;
    for round in 0..2 {
        for app in world.servers() {
            for (cookie, sees) in viewers {
                assert_eq!(
                    sees_event_page(app, &members_event, cookie).await,
                    sees,
                    "round {round}"
                );
            }
        }
    }
    // The data behind the events island as well: the same filters, three people.
    let filters = json!({ "filters": {
        "orgs": [], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
    }});
    for app in world.servers() {
        for (cookie, sees) in [
            (Some(&world.ada), true),
            (Some(&world.bob), false),
            (None, false),
        ] {
            let body = app
                .call_json(
                    app::dashboard::GetDashboard::PATH,
                    &filters,
                    cookie.map(String::as_str),
                )
                .await
                .text()
                .await
                .unwrap();
            assert_eq!(body.contains(MEMBERS_ONLY), sees, "{body}");
        }
    }
}

/// Feeds anyone may download, kept in memory once written.
const PUBLIC_FEEDS: [&str; 3] = [
    "/orgs/rust-berlin/events.ics",
    "/orgs/rust-berlin/events.atom",
    "/events.atom",
];

async fn text_of(app: &TestApp, path: &str) -> String {
    let answer = app.get(path).await;
    assert_eq!(answer.status(), 200, "{path}");
    answer.text().await.unwrap()
}

/// The personal feed at `path` holds the members-only event (or not) within 2 s.
async fn feed_within_two_seconds(app: &TestApp, path: &str, members_only: bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if text_of(app, path).await.contains(MEMBERS_ONLY) == members_only {
            return;
        }
        assert!(Instant::now() < deadline, "the personal feed after {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_change_shows_on_the_next_request_and_on_the_other_replica() {
    let world = World::new().await;
    let [first, second] = world.servers();
    let mut bob = Seen {
        signed_in_as: Some("bob@example.org"),
        members_only: false,
        new_event: false,
    };
    for app in world.servers() {
        assert_eq!(dashboard(app, Some(&world.bob)).await, bob);
    }
    // The feeds are written and kept on both servers (each answer is the written copy).
    let db = store::connect(&first.database_url).await.unwrap();
    let now = chrono::Utc::now();
    let bob_id = users::find_by_email(
        &db,
        &convene::accounts::Email::parse("bob@example.org").unwrap(),
    )
    .await
    .unwrap()
    .unwrap()
    .id;
    let personal = |user_id| {
        let db = db.clone();
        let key = first.secret_key.clone();
        async move {
            let token = convene::publish::personal_feed::token(&db, &key, user_id, now)
                .await
                .unwrap();
            format!("/feeds/{token}.ics")
        }
    };
    let (bob_feed, ada_feed) = (personal(bob_id).await, personal(world.ada_id).await);
    for app in world.servers() {
        for path in PUBLIC_FEEDS {
            let feed = text_of(app, path).await;
            assert!(feed.contains(PUBLIC) && !feed.contains(NEW_EVENT), "{path}");
        }
        assert!(!text_of(app, &bob_feed).await.contains(MEMBERS_ONLY));
        assert!(
            text_of(app, &ada_feed).await.contains(MEMBERS_ONLY),
            "a member's feed is hers, never another's"
        );
    }

    // A sync elsewhere adds an event: both servers show it on their next request.
    world
        .fake
        .upsert_event(KEY, luma_event("evt-new", NEW_EVENT, 3, "public"));
    let report = world
        .importer
        .run_org_sync(world.berlin, SyncTrigger::Cli, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(report.counts.created, 1, "{report:?}");
    bob.new_event = true;
    for app in world.servers() {
        assert_eq!(dashboard(app, Some(&world.bob)).await, bob, "after a sync");
        let list = app
            .page_as("/orgs/rust-berlin/events?view=list", Some(&world.bob))
            .await;
        assert!(list.contains(NEW_EVENT), "the events list after a sync");
        for path in PUBLIC_FEEDS {
            assert!(
                text_of(app, path).await.contains(NEW_EVENT),
                "{path} after a sync"
            );
        }
    }

    // Bob asks to join on the first server and Cleo approves: there at once, on the second
    // within 2 s.
    let asked = first
        .call(
            RequestMembership::PATH,
            &[("slug", "rust-berlin")],
            Some(&world.bob),
        )
        .await;
    assert!(asked.status().is_success(), "{}", asked.status());
    assert_eq!(
        dashboard(first, Some(&world.bob)).await,
        bob,
        "a request is no membership"
    );
    let bob_id = bob_id.to_string();
    let approved = first
        .call(
            AnswerMembershipRequest::PATH,
            &[
                ("slug", "rust-berlin"),
                ("user_id", &bob_id),
                ("approve", "true"),
            ],
            Some(&world.cleo),
        )
        .await;
    assert!(approved.status().is_success(), "{}", approved.status());
    bob.members_only = true;
    assert_eq!(
        dashboard(first, Some(&world.bob)).await,
        bob,
        "after joining"
    );
    within_two_seconds(second, Some(&world.bob), &bob, "joining").await;
    for app in world.servers() {
        feed_within_two_seconds(app, &bob_feed, true, "joining").await;
    }
    let members_event = event_page_path(first, MEMBERS_ONLY).await;
    assert!(
        sees_event_page(first, &members_event, Some(&world.bob)).await,
        "the members-only event's page after joining"
    );
    assert!(sees_event_page(second, &members_event, Some(&world.bob)).await);

    // Bob leaves on the second server.
    let left = second
        .call(
            LeaveOrganization::PATH,
            &[("slug", "rust-berlin")],
            Some(&world.bob),
        )
        .await;
    assert!(left.status().is_success(), "{}", left.status());
    bob.members_only = false;
    assert_eq!(
        dashboard(second, Some(&world.bob)).await,
        bob,
        "after leaving"
    );
    within_two_seconds(first, Some(&world.bob), &bob, "leaving").await;
    for app in world.servers() {
        feed_within_two_seconds(app, &bob_feed, false, "leaving").await;
    }
    assert!(
        !sees_event_page(second, &members_event, Some(&world.bob)).await,
        "the members-only event's page after leaving"
    );
    assert!(!sees_event_page(first, &members_event, Some(&world.bob)).await);

    // Cleo (an admin) makes Ada an admin on the second server: Ada may list the members on
    // the first at once.
    async fn members(app: &TestApp, cookie: &str) -> u16 {
        app.call(ListMembers::PATH, &[("slug", "rust-berlin")], Some(cookie))
            .await
            .status()
            .as_u16()
    }
    assert_eq!(
        members(first, &world.ada).await,
        403,
        "a member may not list members"
    );
    let promoted = second
        .call(
            SetMemberRole::PATH,
            &[
                ("slug", "rust-berlin"),
                ("user_id", &world.ada_id.to_string()),
                ("role", "admin"),
            ],
            Some(&world.cleo),
        )
        .await;
    assert!(promoted.status().is_success(), "{}", promoted.status());
    assert_eq!(
        members(first, &world.ada).await,
        200,
        "the new admin lists the members"
    );
    // And the dashboard offers her the organization's settings where it would.
    let ada = users::find_by_id(&db, world.ada_id).await.unwrap().unwrap();
    assert_eq!(
        memberships::role_of(&db, ada.id, world.berlin)
            .await
            .unwrap(),
        Some(Role::Admin)
    );

    // Ada signs out on the second server: her cookie is signed out on both.
    let ada_before = dashboard(first, Some(&world.ada)).await;
    assert_eq!(ada_before.signed_in_as, Some("ada@example.org"));
    let signed_out = second.call(SignOut::PATH, &[], Some(&world.ada)).await;
    assert!(
        signed_out.status().is_success() || signed_out.status().is_redirection(),
        "{}",
        signed_out.status()
    );
    let gone = Seen {
        signed_in_as: None,
        members_only: false,
        new_event: true,
    };
    assert_eq!(
        dashboard(second, Some(&world.ada)).await,
        gone,
        "signed out"
    );
    within_two_seconds(first, Some(&world.ada), &gone, "signing out").await;
}
