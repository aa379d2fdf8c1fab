//! lu.ma's visibility on every surface: each kind of event (public, members-only, private, a
//! guests-only address, online with a join link) × each viewer (visitor, member of the
//! organization, member of another, org admin, site admin, and three who are not members: a
//! follower, one whose request to join waits, an account whose address is not confirmed) × each
//! surface (dashboard, events
//! list, organization feed, personal feed, single-event file, event page and its markup, the
//! sitemap, the weekly digest). Events come in through the real
//! import from the fake lu.ma, the way lu.ma's API sends them: with everything.

use app::auth::SignIn;
use app::dashboard::{Dashboard, GetDashboard, GetPersonalFeed};
use app::organizations::{FollowOrganization, RequestMembership};
use convene::import::luma::fake::{FakeCalendar, FakeLuma};
use convene::import::sync::{SyncOutcome, SyncTrigger};
use convene::rules::access::Role;
use convene::secrets::SecretKey;
use convene::store::entities::event;
use convene::store::{self, memberships, organizations};
use leptos::server_fn::ServerFn;
use sea_orm::EntityTrait;
use serde_json::json;

use crate::access_matrix::{PASSWORD, create_user};
use crate::helpers::{Seed, TestApp, connect_to_fake_luma, session_cookie, spawn_app_adjusted};

const KEY: &str = "key-visibility";
const STREET: &str = "Hinterhof 3, Secret Street 12";
const JOIN_LINK: &str = "https://zoom.us/j/987654321";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewer {
    Visitor,
    Member,
    MemberElsewhere,
    OrgAdmin,
    SiteAdmin,
    /// Follows Rust Berlin: its public events, never its members-only ones.
    Follower,
    /// Follows Rust Berlin and asked to join; the admins have not answered.
    Requester,
    /// Signed up and signed in, address never confirmed; pressed Follow and Request to join.
    Unconfirmed,
}

const VIEWERS: [Viewer; 8] = [
    Viewer::Visitor,
    Viewer::Member,
    Viewer::MemberElsewhere,
    Viewer::OrgAdmin,
    Viewer::SiteAdmin,
    Viewer::Follower,
    Viewer::Requester,
    Viewer::Unconfirmed,
];

/// The events of Rust Berlin's lu.ma calendar, by title.
const PUBLIC: &str = "Public meetup";
const MEMBERS_ONLY: &str = "Members planning";
const PRIVATE: &str = "Private call";
const GUESTS_ONLY: &str = "Flat party";
const ONLINE: &str = "Online talk";

fn luma_event(id: &str, name: &str, days: i64) -> serde_json::Value {
    let start = chrono::Utc::now() + chrono::Duration::days(days);
    json!({
        "id": id, "name": name, "timezone": "Europe/Berlin",
        "start_at": start.to_rfc3339(),
        "end_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
        "url": format!("https://luma.com/{id}"),
        "visibility": "public", "location_type": "offline",
        "geo_address_json": {"address": "Public Hall", "city": "Berlin"},
    })
}

fn calendar() -> FakeCalendar {
    let mut members = luma_event("evt-members", MEMBERS_ONLY, 2);
    members["visibility"] = json!("members-only");
    // One topic on a public and a members-only event: topic pages and feeds apply the rules.
    // And one only a members-only event has: its name and its page are the members' alone.
    members["tags"] = json!([
        {"id": "tag-1", "name": "Planning"},
        {"id": "tag-2", "name": "Board matters"}
    ]);
    let mut private = luma_event("evt-private", PRIVATE, 3);
    private["visibility"] = json!("private");
    let mut guests = luma_event("evt-guests", GUESTS_ONLY, 4);
    guests["location_visibility"] = json!("guests-only");
    // lu.ma sends the venue's coordinates too: they must never reach a map.
    guests["coordinate"] = json!({"latitude": 52.5311, "longitude": 13.3844});
    guests["geo_address_json"] = json!({
        "address": STREET, "city": "Berlin", "region": "Berlin", "country": "Germany",
        "full_address": format!("{STREET}, 10115 Berlin"),
    });
    let mut online = luma_event("evt-online", ONLINE, 5);
    online["location_type"] = json!("zoom");
    online["geo_address_json"] = json!(null);
    online["meeting_url"] = json!(JOIN_LINK);
    FakeCalendar {
        id: "cal-berlin".into(),
        name: "Rust Berlin".into(),
        slug: "rust-berlin".into(),
        timezone: "Europe/Berlin".into(),
        events: vec![
            {
                let mut public = luma_event("evt-public", PUBLIC, 1);
                public["tags"] = json!([{"id": "tag-1", "name": "Planning"}]);
                public
            },
            members,
            private,
            guests,
            online,
        ],
        legacy_shape: false,
    }
}

/// What `viewer` must see on a surface that shows members-only events to those allowed.
fn expected(viewer: Viewer, members_surface: bool) -> Vec<&'static str> {
    let mut titles = vec![PUBLIC, GUESTS_ONLY, ONLINE];
    let may_see_members = matches!(
        viewer,
        Viewer::Member | Viewer::OrgAdmin | Viewer::SiteAdmin
    );
    if members_surface && may_see_members {
        titles.push(MEMBERS_ONLY);
    }
    titles.sort();
    titles
}

fn titles_in(body: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = [PUBLIC, MEMBERS_ONLY, PRIVATE, GUESTS_ONLY, ONLINE]
        .into_iter()
        .filter(|title| body.contains(title))
        .collect();
    found.sort();
    found
}

fn assert_nothing_secret(surface: &str, viewer: Viewer, body: &str) {
    assert!(
        !body.contains("Secret Street"),
        "{surface} as {viewer:?}: a guests-only address"
    );
    assert!(
        !body.contains("zoom.us"),
        "{surface} as {viewer:?}: a join link"
    );
    assert!(
        !body.contains(PRIVATE),
        "{surface} as {viewer:?}: a private event"
    );
}

/// Takes the account's confirmation back, as if it had signed up and never followed the link.
async fn unconfirm(db: &store::DatabaseConnection, user_id: i64) {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    convene::store::entities::user::Entity::update_many()
        .col_expr(
            convene::store::entities::user::Column::EmailConfirmedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(convene::store::entities::user::Column::Id.eq(user_id))
        .exec(db)
        .await
        .unwrap();
}

struct World {
    app: TestApp,
    cookies: Vec<(Viewer, Option<String>)>,
    _fake: FakeLuma,
}

impl World {
    async fn new() -> Self {
        let secret = SecretKey::generate();
        let fake = FakeLuma::start(0, vec![(KEY.into(), calendar())])
            .await
            .unwrap();
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
        let lisbon = organizations::find_by_slug(&db, "rust-lisbon")
            .await
            .unwrap()
            .unwrap();
        let importer = connect_to_fake_luma(&db, berlin.id, &fake, KEY, secret).await;
        let report = importer
            .run_org_sync(berlin.id, SyncTrigger::Cli, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(report.outcome, SyncOutcome::Ok, "{:?}", report.message);
        assert_eq!(report.counts.skipped_private, 1);

        let mut cookies = Vec::new();
        for viewer in VIEWERS {
            if viewer == Viewer::Visitor {
                cookies.push((viewer, None));
                continue;
            }
            let email = format!("{viewer:?}@example.org").to_lowercase();
            let user = create_user(&db, &email, viewer == Viewer::SiteAdmin).await;
            let membership = match viewer {
                Viewer::Member => Some((berlin.id, Role::Member)),
                Viewer::OrgAdmin => Some((berlin.id, Role::Admin)),
                Viewer::MemberElsewhere => Some((lisbon.id, Role::Member)),
                Viewer::Follower | Viewer::Requester => Some((berlin.id, Role::Follower)),
                _ => None,
            };
            if let Some((org, role)) = membership {
                memberships::add(&db, user, org, role).await.unwrap();
            }
            let response = app
                .call(
                    SignIn::PATH,
                    &[("email", &email), ("password", PASSWORD)],
                    None,
                )
                .await;
            let cookie = session_cookie(&response).expect("signed in");
            match viewer {
                Viewer::Requester => {
                    let asked = app
                        .call(
                            RequestMembership::PATH,
                            &[("slug", "rust-berlin")],
                            Some(&cookie),
                        )
                        .await;
                    assert!(asked.status().is_success(), "{}", asked.status());
                }
                Viewer::Unconfirmed => {
                    // An account whose address is unconfirmed: it cannot sign in, and a session
                    // from before (when sign-up set a password) opens nothing. The attack: press
                    // Follow and Request to join with that session.
                    unconfirm(&db, user).await;
                    let refused = app
                        .call(
                            SignIn::PATH,
                            &[("email", &email), ("password", PASSWORD)],
                            None,
                        )
                        .await;
                    assert_eq!(refused.status().as_u16(), 401);
                    for path in [FollowOrganization::PATH, RequestMembership::PATH] {
                        let refused = app
                            .call(path, &[("slug", "rust-berlin")], Some(&cookie))
                            .await;
                        assert_eq!(refused.status().as_u16(), 401, "{path}");
                    }
                    assert_eq!(
                        memberships::role_of(&db, user, berlin.id).await.unwrap(),
                        None
                    );
                }
                _ => {}
            }
            cookies.push((viewer, Some(cookie)));
        }
        db.close().await.unwrap();
        Self {
            app,
            cookies,
            _fake: fake,
        }
    }

    fn cookie(&self, viewer: Viewer) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(v, _)| *v == viewer)
            .and_then(|(_, cookie)| cookie.as_deref())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_viewer_sees_on_each_surface_what_lu_ma_would_show_them() {
    let world = World::new().await;
    let app = &world.app;
    let db = store::connect(&app.database_url).await.unwrap();
    let stored = event::Entity::find().all(&db).await.unwrap();
    assert!(
        stored.iter().all(|e| e.title != PRIVATE),
        "private events are never stored"
    );
    let public_id = |title: &str| {
        stored
            .iter()
            .find(|e| e.title == title)
            .and_then(|e| e.public_id.clone())
            .unwrap()
    };

    for viewer in VIEWERS {
        let cookie = world.cookie(viewer);

        // The dashboard's data, and the page as served.
        let filters = json!({ "filters": {
            "orgs": ["rust-berlin"], "range": "", "from": "", "to": "", "q": "", "mode": "", "after": ""
        }});
        let dashboard = app.call_json(GetDashboard::PATH, &filters, cookie).await;
        let body = dashboard.text().await.unwrap();
        assert_nothing_secret("dashboard data", viewer, &body);
        let data: Dashboard = serde_json::from_str(&body).unwrap();
        let mut titles: Vec<&str> = data.events.iter().map(|e| e.title.as_str()).collect();
        titles.sort();
        assert_eq!(
            titles,
            expected(viewer, true),
            "dashboard data as {viewer:?}"
        );
        for card in &data.events {
            assert_eq!(
                card.members_only,
                card.title == MEMBERS_ONLY,
                "{}",
                card.title
            );
            assert_eq!(
                card.address_hidden,
                card.title == GUESTS_ONLY,
                "{}",
                card.title
            );
        }
        let page = app.page_as("/dashboard?org=rust-berlin", cookie).await;
        assert_nothing_secret("dashboard page", viewer, &page);
        assert_eq!(
            titles_in(&page),
            expected(viewer, true),
            "dashboard page as {viewer:?}"
        );
        assert_eq!(
            page.contains("Members only"),
            expected(viewer, true).contains(&MEMBERS_ONLY),
            "the label, as {viewer:?}"
        );
        assert!(page.contains("Address shared with registered guests on lu.ma"));

        // The dashboard as months (this one and the next: the events span a few days) and as
        // a map (in-person events only; a guests-only venue never pinned).
        // Every month the events' own days fall in (Berlin time, days 1 to 5 from now), once.
        let mut months: Vec<String> = (0..=6)
            .map(|days| {
                (chrono::Utc::now() + chrono::Duration::days(days))
                    .with_timezone(&chrono_tz::Europe::Berlin)
                    .format("%Y-%m")
                    .to_string()
            })
            .collect();
        months.dedup();
        let mut in_months = String::new();
        for month in months {
            in_months.push_str(
                &app.page_as(
                    &format!("/dashboard?layout=month&month={month}&org=rust-berlin"),
                    cookie,
                )
                .await,
            );
        }
        assert_nothing_secret("month grid", viewer, &in_months);
        assert_eq!(
            titles_in(&in_months),
            expected(viewer, true),
            "month grid as {viewer:?}"
        );
        let map = app
            .page_as("/dashboard?layout=map&org=rust-berlin", cookie)
            .await;
        assert_nothing_secret("map", viewer, &map);
        assert!(
            !map.contains("52.5311"),
            "map as {viewer:?}: a guests-only venue"
        );
        let mut in_person = expected(viewer, true);
        in_person.retain(|title| *title != ONLINE);
        assert_eq!(titles_in(&map), in_person, "map as {viewer:?}");
        let near = app.get_as("/events.atom?near=Berlin", cookie).await;
        let near = near.text().await.unwrap();
        assert_nothing_secret("Atom near Berlin", viewer, &near);
        assert_eq!(
            titles_in(&near),
            [GUESTS_ONLY, PUBLIC],
            "Atom near Berlin as {viewer:?}"
        );

        // The events list.
        let list = app
            .page_as("/orgs/rust-berlin/events?view=list", cookie)
            .await;
        assert_nothing_secret("events list", viewer, &list);
        assert_eq!(
            titles_in(&list),
            expected(viewer, true),
            "events list as {viewer:?}"
        );

        // The organization's public feed: public events only, whoever asks.
        let feed = app.get_as("/orgs/rust-berlin/events.ics", cookie).await;
        let feed = feed.text().await.unwrap();
        assert_nothing_secret("organization feed", viewer, &feed);
        assert_eq!(
            titles_in(&feed),
            expected(Viewer::Visitor, false),
            "org feed as {viewer:?}"
        );

        // Atom feeds, the organization's and the network's: public events only, whoever asks.
        for path in ["/orgs/rust-berlin/events.atom", "/events.atom"] {
            let atom = app.get_as(path, cookie).await.text().await.unwrap();
            assert_nothing_secret("Atom feed", viewer, &atom);
            assert_eq!(
                titles_in(&atom),
                expected(Viewer::Visitor, false),
                "{path} as {viewer:?}"
            );
        }

        // A topic's page, as the dashboard does; its feed and the widget, public only.
        let topic = app
            .get_as("/topics/planning", cookie)
            .await
            .text()
            .await
            .unwrap();
        assert_nothing_secret("topic page", viewer, &topic);
        let mut on_topic = vec![PUBLIC];
        if expected(viewer, true).contains(&MEMBERS_ONLY) {
            on_topic.push(MEMBERS_ONLY);
        }
        on_topic.sort();
        assert_eq!(titles_in(&topic), on_topic, "topic page as {viewer:?}");
        let members_topic = app.get_as("/topics/board-matters", cookie).await;
        let may_see_members = expected(viewer, true).contains(&MEMBERS_ONLY);
        assert_eq!(
            members_topic.status().as_u16(),
            if may_see_members { 200 } else { 404 },
            "a members-only topic's page as {viewer:?}"
        );
        assert_eq!(
            members_topic
                .text()
                .await
                .unwrap()
                .contains("Board matters"),
            may_see_members,
            "a members-only topic's name as {viewer:?}"
        );
        let offered = app
            .call(app::topics::ListTopicOptions::PATH, &[], cookie)
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(
            offered.contains("Board matters"),
            may_see_members,
            "the dashboard's topics as {viewer:?}: {offered}"
        );
        let members_feed = app
            .get_as("/topics/board-matters/events.atom", cookie)
            .await;
        assert_eq!(members_feed.status().as_u16(), 404, "public feeds only");
        for path in [
            "/topics/planning/events.atom",
            "/embed/events?topic=planning",
        ] {
            let public = app.get_as(path, cookie).await.text().await.unwrap();
            assert_eq!(titles_in(&public), [PUBLIC], "{path} as {viewer:?}");
        }
        let text = app
            .get_as("/dashboard/newsletter.txt?org=rust-berlin", cookie)
            .await
            .text()
            .await
            .unwrap();
        assert_nothing_secret("newsletter text", viewer, &text);
        assert_eq!(
            titles_in(&text),
            expected(viewer, true),
            "newsletter as {viewer:?}"
        );

        // The widget other sites frame: public events only, whoever's cookie comes along.
        let widget = app
            .get_as("/embed/events?org=rust-berlin&limit=20", cookie)
            .await
            .text()
            .await
            .unwrap();
        assert_nothing_secret("widget", viewer, &widget);
        assert_eq!(
            titles_in(&widget),
            expected(Viewer::Visitor, false),
            "widget as {viewer:?}"
        );

        // The personal feed: the viewer's organizations, members-only events included. An
        // unconfirmed account's session is anonymous: it has none.
        if viewer == Viewer::Unconfirmed {
            let refused = app
                .call(GetPersonalFeed::PATH, &[], cookie)
                .await
                .status()
                .as_u16();
            assert_eq!(refused, 401, "no personal feed for an unconfirmed account");
        } else if let Some(cookie) = cookie {
            let path: String = app
                .call(GetPersonalFeed::PATH, &[], Some(cookie))
                .await
                .json()
                .await
                .unwrap();
            let personal = app.get(&path).await.text().await.unwrap();
            assert_nothing_secret("personal feed", viewer, &personal);
            let expect_personal = match viewer {
                Viewer::Member | Viewer::OrgAdmin => expected(viewer, true),
                // Following brings the public events, never the members-only one.
                Viewer::Follower | Viewer::Requester => expected(viewer, false),
                _ => Vec::new(),
            };
            assert_eq!(
                titles_in(&personal),
                expect_personal,
                "personal feed as {viewer:?}"
            );
        }

        // Single-event files, by public id: members-only for those allowed, never by row id.
        for title in [PUBLIC, MEMBERS_ONLY, GUESTS_ONLY, ONLINE] {
            let response = app
                .get_as(&format!("/events/{}.ics", public_id(title)), cookie)
                .await;
            let allowed = expected(viewer, true).contains(&title);
            assert_eq!(
                response.status() == 200,
                allowed,
                "{title} file as {viewer:?}"
            );
            let body = response.text().await.unwrap();
            assert_nothing_secret("event file", viewer, &body);
        }

        // Event pages: the event for those allowed; for others a members-only event is only
        // whose it is (401 for a visitor, 403 for a non-member), its title never on the page.
        for title in [PUBLIC, MEMBERS_ONLY, GUESTS_ONLY, ONLINE] {
            let response = app
                .get_as(&format!("/events/{}", public_id(title)), cookie)
                .await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            assert_nothing_secret("event page", viewer, &body);
            let allowed = expected(viewer, true).contains(&title);
            let refused = if matches!(viewer, Viewer::Visitor | Viewer::Unconfirmed) {
                401
            } else {
                403
            };
            assert_eq!(
                status,
                if allowed { 200 } else { refused },
                "{title} page as {viewer:?}"
            );
            assert_eq!(
                body.contains(title),
                allowed,
                "{title} on its page as {viewer:?}"
            );
            // "More from Rust Berlin" follows the same rules.
            let shown = titles_in(&body);
            assert!(
                shown
                    .iter()
                    .all(|t| allowed && expected(viewer, true).contains(t)),
                "{title}'s page as {viewer:?} shows {shown:?}"
            );
            assert_eq!(
                body.contains("application/ld+json"),
                allowed && title != MEMBERS_ONLY,
                "{title}'s markup as {viewer:?}: public events only"
            );
        }
        let row_id = stored.iter().find(|e| e.title == PUBLIC).unwrap().id;
        assert_eq!(
            app.get_as(&format!("/events/{row_id}"), cookie)
                .await
                .status(),
            404,
            "row ids address no page"
        );

        // `/status`: every organization's freshness, and no event at all, whoever asks.
        let (status, page) = (
            app.get_as("/status", cookie).await.status().as_u16(),
            app.page_as("/status", cookie).await,
        );
        assert_eq!(status, 200, "/status as {viewer:?}");
        assert_nothing_secret("status page", viewer, &page);
        assert!(page.contains("Rust Berlin"), "/status as {viewer:?}");
        for title in [PUBLIC, MEMBERS_ONLY, GUESTS_ONLY, ONLINE] {
            assert!(!page.contains(title), "{title} on /status as {viewer:?}");
        }

        // The sitemap: public events' pages only, whoever asks.
        let sitemap = app
            .get_as("/sitemap.xml", cookie)
            .await
            .text()
            .await
            .unwrap();
        for title in [PUBLIC, MEMBERS_ONLY, GUESTS_ONLY, ONLINE] {
            assert_eq!(
                sitemap.contains(&format!("/events/{}<", public_id(title))),
                title != MEMBERS_ONLY,
                "{title} in the sitemap as {viewer:?}"
            );
        }

        assert_eq!(
            app.get_as(&format!("/events/{row_id}.ics"), cookie)
                .await
                .status(),
            404,
            "row ids address nothing"
        );

        // Insights and the network view count events and name none; their pages and CSVs
        // answer the organization's admins and site admins only.
        let manages = matches!(viewer, Viewer::OrgAdmin | Viewer::SiteAdmin);
        for (path, allowed) in [
            ("/orgs/rust-berlin/insights", manages),
            ("/orgs/rust-berlin/insights.csv", manages),
            ("/admin/network", viewer == Viewer::SiteAdmin),
            ("/admin/network.csv", viewer == Viewer::SiteAdmin),
        ] {
            let response = app.get_as(path, cookie).await;
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            assert_nothing_secret(path, viewer, &body);
            assert!(
                titles_in(&body).is_empty(),
                "{path} as {viewer:?} names an event"
            );
            let shows_numbers = body.contains("Rust Berlin,rust-berlin,")
                || body.contains("Rust Berlin: events per month");
            assert_eq!(shows_numbers, allowed, "{path} as {viewer:?} ({status})");
            if path.ends_with(".csv") {
                assert_eq!(status == 200, allowed, "{path} as {viewer:?}: {status}");
            }
        }
    }

    // Mail: each member's weekly digest, read from the outbox (no SMTP server here). Mail is
    // stricter than pages for site admins: members-only events go only to that
    // organization's members.
    let site = convene::site::PublicUrl::new(app.url("/").parse().unwrap()).unwrap();
    for viewer in VIEWERS {
        if viewer == Viewer::Visitor {
            continue;
        }
        let email = format!("{viewer:?}@example.org").to_lowercase();
        let user = convene::store::users::find_by_email(
            &db,
            &convene::accounts::Email::parse(&email).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
        let pass = convene::mail::digest::queue_now(
            &db,
            &site,
            &app.secret_key,
            user.id,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        if viewer == Viewer::Unconfirmed {
            assert_eq!(pass.queued, 0, "no member mail to an unconfirmed address");
            continue;
        }
        assert_eq!(pass.queued, 1, "a digest for {viewer:?}");
        let digest = convene::store::entities::mail_message::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .find(|mail| {
                mail.recipient == email && mail.kind == convene_types::MailKind::WeeklyDigest
            })
            .unwrap();
        for (part, body) in [
            ("digest text", &digest.text_body),
            ("digest HTML", &digest.html_body),
        ] {
            assert_nothing_secret(part, viewer, body);
            let expect_mail = match viewer {
                Viewer::Member | Viewer::OrgAdmin => expected(viewer, true),
                _ => expected(Viewer::Visitor, false),
            };
            assert_eq!(titles_in(body), expect_mail, "{part} as {viewer:?}");
        }
    }
}
