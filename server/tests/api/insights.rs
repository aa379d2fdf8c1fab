//! Seeing the network (issue #33): the clash radar between organizations' events, the network
//! view for site admins, an organization's insights for its admins, and their CSV downloads.
//! Events come in through the real import from the fake lu.ma, places and all.

use app::insights::{
    ClashRadar, ClashingEvent, GetClashRadar, GetNetworkView, GetOrganizationInsights, MarkClash,
    SaveClashWindow,
};
use convene::import::luma::fake::{FakeCalendar, FakeLuma};
use convene::import::sync::{SyncOutcome, SyncTrigger};
use convene::rules::access::Role;
use convene::secrets::SecretKey;
use convene::store::entities::event;
use convene::store::{self, memberships, organizations};
use leptos::server_fn::ServerFn;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::access_matrix::{PASSWORD, create_user};
use crate::helpers::{Seed, TestApp, connect_to_fake_luma, session_cookie, spawn_app_adjusted};

/// When the evening everything happens on starts: three days from the test's now.
fn evening() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() + chrono::Duration::days(3)
}

fn luma_event(
    id: &str,
    name: &str,
    start: chrono::DateTime<chrono::Utc>,
    venue: &str,
    city: &str,
) -> serde_json::Value {
    json!({
        "id": id, "name": name, "timezone": "Europe/Berlin",
        "start_at": start.to_rfc3339(),
        "end_at": (start + chrono::Duration::hours(2)).to_rfc3339(),
        "url": format!("https://luma.com/{id}"),
        "visibility": "public", "location_type": "offline",
        "geo_address_json": {"address": venue, "city": city},
    })
}

fn calendar(id: &str, name: &str, events: Vec<serde_json::Value>) -> FakeCalendar {
    FakeCalendar {
        id: format!("cal-{id}"),
        name: name.into(),
        slug: id.into(),
        timezone: "Europe/Berlin".into(),
        events,
        legacy_shape: false,
    }
}

const A_MEETUP: &str = "A Rust meetup";
const A_LATER: &str = "A hack day";
const B_POLICY: &str = "Hidden B policy meetup";
const B_MEMBERS: &str = "B members night";
const B_NEXT_DAY: &str = "B next-day walk";
const C_LISBON: &str = "C Lisbon meetup";

struct World {
    app: TestApp,
    /// An admin of Rust Berlin who follows Hidden B (following is not membership).
    a_admin: String,
    /// An admin of Hidden B.
    b_admin: String,
    /// An admin of Rust Lisbon, whose event is in another city.
    c_admin: String,
    site_admin: String,
    member: String,
    _fake: FakeLuma,
}

impl World {
    async fn new() -> Self {
        let at = evening();
        let mut b_members = luma_event(
            "evt-b-members",
            B_MEMBERS,
            at + chrono::Duration::hours(1),
            "Clubhaus",
            "Berlin",
        );
        b_members["visibility"] = json!("members-only");
        let fake = FakeLuma::start(
            0,
            vec![
                (
                    "key-a".into(),
                    calendar(
                        "rust-berlin",
                        "Rust Berlin",
                        vec![
                            luma_event("evt-a-meetup", A_MEETUP, at, "c-base", "Berlin"),
                            luma_event(
                                "evt-a-later",
                                A_LATER,
                                at + chrono::Duration::days(2),
                                "c-base",
                                "Berlin",
                            ),
                        ],
                    ),
                ),
                (
                    "key-b".into(),
                    calendar(
                        "hidden-b",
                        "Hidden B",
                        vec![
                            luma_event(
                                "evt-b-policy",
                                B_POLICY,
                                at + chrono::Duration::minutes(30),
                                "Betahaus",
                                "Berlin",
                            ),
                            b_members,
                            luma_event(
                                "evt-b-next-day",
                                B_NEXT_DAY,
                                at + chrono::Duration::days(1),
                                "Tempelhofer Feld",
                                "Berlin",
                            ),
                        ],
                    ),
                ),
                (
                    "key-c".into(),
                    calendar(
                        "rust-lisbon",
                        "Rust Lisbon",
                        vec![luma_event(
                            "evt-c-lisbon",
                            C_LISBON,
                            at,
                            "LX Factory",
                            "Lisboa",
                        )],
                    ),
                ),
            ],
        )
        .await
        .unwrap();
        let secret = SecretKey::generate();
        let key = secret.clone();
        let app = spawn_app_adjusted(Seed::Organizations, move |settings| {
            settings.secret_key = key;
        })
        .await;
        let db = store::connect(&app.database_url).await.unwrap();
        let hidden_b = organizations::create(
            &db,
            organizations::NewOrganization::parse("hidden-b", "Hidden B", "").unwrap(),
        )
        .await
        .unwrap();
        let mut ids = Vec::new();
        for (slug, key) in [
            ("rust-berlin", "key-a"),
            ("hidden-b", "key-b"),
            ("rust-lisbon", "key-c"),
        ] {
            let org = organizations::find_by_slug(&db, slug)
                .await
                .unwrap()
                .unwrap();
            let importer = connect_to_fake_luma(&db, org.id, &fake, key, secret.clone()).await;
            let report = importer
                .run_org_sync(org.id, SyncTrigger::Cli, chrono::Utc::now())
                .await
                .unwrap();
            assert_eq!(
                report.outcome,
                SyncOutcome::Ok,
                "{slug}: {:?}",
                report.message
            );
            ids.push(org.id);
        }
        let (berlin, lisbon) = (ids[0], ids[2]);
        let person = async |email: &str, site_admin: bool, roles: &[(i64, Role)]| {
            let user = create_user(&db, email, site_admin).await;
            for (org, role) in roles {
                memberships::add(&db, user, *org, *role).await.unwrap();
            }
            let response = app
                .call(
                    app::auth::SignIn::PATH,
                    &[("email", email), ("password", PASSWORD)],
                    None,
                )
                .await;
            session_cookie(&response).expect("signed in")
        };
        let a_admin = person(
            "a-admin@example.org",
            false,
            &[(berlin, Role::Admin), (hidden_b.id, Role::Follower)],
        )
        .await;
        let b_admin = person("b-admin@example.org", false, &[(hidden_b.id, Role::Admin)]).await;
        let c_admin = person("c-admin@example.org", false, &[(lisbon, Role::Admin)]).await;
        let site_admin = person("site@example.org", true, &[]).await;
        let member = person("member@example.org", false, &[(berlin, Role::Member)]).await;
        db.close().await.unwrap();
        Self {
            app,
            a_admin,
            b_admin,
            c_admin,
            site_admin,
            member,
            _fake: fake,
        }
    }

    async fn radar(&self, slug: &str, cookie: &str) -> ClashRadar {
        let response = self
            .app
            .call(GetClashRadar::PATH, &[("slug", slug)], Some(cookie))
            .await;
        assert_eq!(response.status().as_u16(), 200, "{slug}");
        response.json().await.unwrap()
    }
}

/// (own title, the other's title or "members-only")
fn pairs(radar: &ClashRadar) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = radar
        .clashes
        .iter()
        .map(|clash| {
            let other = match &clash.other {
                ClashingEvent::Named { title, .. } => title.clone(),
                ClashingEvent::MembersOnly => "members-only".to_owned(),
            };
            (clash.event_title.clone(), other)
        })
        .collect();
    pairs.sort();
    pairs
}

fn pair(own: &str, other: &str) -> (String, String) {
    (own.to_owned(), other.to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_berlin_events_clash_for_both_organizations_and_nothing_else_does() {
    let world = World::new().await;

    // Rust Berlin's admin follows Hidden B: its members-only event counts, unnamed.
    let a = world.radar("rust-berlin", &world.a_admin).await;
    assert_eq!(a.window_minutes, 120);
    assert_eq!(
        pairs(&a),
        vec![pair(A_MEETUP, B_POLICY), pair(A_MEETUP, "members-only")],
        "not the next day's, not Lisbon's, not its own"
    );
    let raw = serde_json::to_string(&a).unwrap();
    assert!(
        !raw.contains(B_MEMBERS) && !raw.contains("Clubhaus"),
        "{raw}"
    );
    let policy = a
        .clashes
        .iter()
        .find(|clash| matches!(&clash.other, ClashingEvent::Named { .. }))
        .unwrap();
    assert_eq!(
        policy.summary,
        format!("Clashes with {B_POLICY} (Hidden B), Betahaus, Berlin, 30 minutes later")
    );
    let members_only = a
        .clashes
        .iter()
        .find(|clash| clash.other == ClashingEvent::MembersOnly)
        .unwrap();
    assert_eq!(
        members_only.summary,
        "Clashes with another organization's members-only event, 1 hour later"
    );

    // Hidden B's admin sees Rust Berlin's public meetup from both of its events.
    let b = world.radar("hidden-b", &world.b_admin).await;
    assert_eq!(
        pairs(&b),
        vec![pair(B_MEMBERS, A_MEETUP), pair(B_POLICY, A_MEETUP)]
    );
    assert!(b.clashes.iter().any(|c| c.offset == "30 minutes earlier"));

    // Lisbon's event is at the same hour, in another city: no clash either way.
    let c = world.radar("rust-lisbon", &world.c_admin).await;
    assert!(c.clashes.is_empty(), "{:?}", pairs(&c));

    // A site admin may see every members-only event: named.
    let as_site_admin = world.radar("rust-berlin", &world.site_admin).await;
    assert_eq!(
        pairs(&as_site_admin),
        vec![pair(A_MEETUP, B_MEMBERS), pair(A_MEETUP, B_POLICY)]
    );

    // The organization's page shows its admins the clashes, and no one else.
    let page = world
        .app
        .page_as("/orgs/rust-berlin", Some(&world.a_admin))
        .await
        .replace("<!>", "");
    assert!(page.contains("2 clashes ahead"), "{page}");
    assert!(page.contains(B_POLICY) && !page.contains(B_MEMBERS));
    for cookie in [
        Some(world.member.as_str()),
        Some(world.c_admin.as_str()),
        None,
    ] {
        let page = world.app.page_as("/orgs/rust-berlin", cookie).await;
        assert!(!page.contains("clashes ahead") && !page.contains(B_POLICY));
    }
    // And the settings panel.
    let settings = world
        .app
        .page_as("/orgs/rust-berlin/settings", Some(&world.a_admin))
        .await
        .replace("<!>", "");
    assert!(settings.contains("Clash radar") && settings.contains(B_POLICY));
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_mark_clashes_known_and_choose_their_window() {
    let world = World::new().await;
    let app = &world.app;
    let a = world.radar("rust-berlin", &world.a_admin).await;
    let policy = a
        .clashes
        .iter()
        .find(|clash| matches!(&clash.other, ClashingEvent::Named { .. }))
        .unwrap();
    let (event_id, other_id) = (
        policy.event_id.to_string(),
        policy.other_event_id.to_string(),
    );
    let mark = |known: &'static str, cookie: String| {
        let (event_id, other_id) = (event_id.clone(), other_id.clone());
        async move {
            app.call(
                MarkClash::PATH,
                &[
                    ("slug", "rust-berlin"),
                    ("event_id", &event_id),
                    ("other_event_id", &other_id),
                    ("known", known),
                ],
                Some(&cookie),
            )
            .await
        }
    };
    // Another organization's admin cannot mark Rust Berlin's clashes.
    assert_eq!(
        mark("true", world.b_admin.clone()).await.status().as_u16(),
        403
    );
    assert_eq!(
        mark("true", world.a_admin.clone()).await.status().as_u16(),
        200
    );
    assert_eq!(
        mark("true", world.a_admin.clone()).await.status().as_u16(),
        200,
        "twice is once"
    );
    let marked = world.radar("rust-berlin", &world.a_admin).await;
    let known: Vec<bool> = marked.clashes.iter().map(|c| c.known).collect();
    assert_eq!(known.iter().filter(|k| **k).count(), 1, "{known:?}");
    // The page counts only the clashes not known.
    let page = app
        .page_as("/orgs/rust-berlin", Some(&world.a_admin))
        .await
        .replace("<!>", "");
    assert!(page.contains("1 clash ahead"), "{page}");

    // A pair that does not clash is refused, naming the problem; nothing is stored.
    let refused = app
        .call(
            MarkClash::PATH,
            &[
                ("slug", "rust-berlin"),
                ("event_id", &event_id),
                ("other_event_id", &event_id),
                ("known", "true"),
            ],
            Some(&world.a_admin),
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("do not clash"));

    assert_eq!(
        mark("false", world.a_admin.clone()).await.status().as_u16(),
        200
    );
    let unmarked = world.radar("rust-berlin", &world.a_admin).await;
    assert!(unmarked.clashes.iter().all(|c| !c.known));

    // A window of 15 minutes: B's events start 30 and 60 minutes after, no longer clashes.
    for (window, status) in [("5", 422), ("721", 422), ("soon", 422), ("15", 200)] {
        let saved = app
            .call(
                SaveClashWindow::PATH,
                &[("slug", "rust-berlin"), ("window_minutes", window)],
                Some(&world.a_admin),
            )
            .await;
        assert_eq!(saved.status().as_u16(), status, "{window}");
    }
    let narrow = world.radar("rust-berlin", &world.a_admin).await;
    assert_eq!(narrow.window_minutes, 15);
    assert!(narrow.clashes.is_empty(), "{:?}", pairs(&narrow));
    // Hidden B keeps its own window: it still sees both.
    assert_eq!(
        world.radar("hidden-b", &world.b_admin).await.clashes.len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_network_view_lists_every_organization_and_draws_for_site_admins_only() {
    let world = World::new().await;
    let app = &world.app;

    let (status, page) = {
        let response = app.get_as("/admin/network", Some(&world.site_admin)).await;
        (response.status().as_u16(), response.text().await.unwrap())
    };
    assert_eq!(status, 200);
    let text = page.replace("<!>", "");
    for (_, name) in crate::helpers::ORGANIZATIONS {
        assert!(text.contains(name), "{name} listed");
    }
    assert!(text.contains("Hidden B"));
    // Drawn on the server: the network's chart and one per organization, each with its title.
    let charts = crate::helpers::occurrences(&text, "<svg class=\"chart");
    assert_eq!(charts, 1 + 5, "the network and five organizations");
    assert!(
        text.contains("<title id=\"chart-network-title\">The network: events per month</title>")
    );
    assert!(text.contains("role=\"img\""));
    // The numbers beside the charts: this month's column counts the events imported.
    assert!(text.contains("Events per month, as numbers"));
    // Counts never name an event.
    for title in [A_MEETUP, B_POLICY, B_MEMBERS, C_LISBON] {
        assert!(!text.contains(title), "{title} on the network view");
    }
    assert!(page.len() <= 60 * 1024, "{} bytes", page.len());

    let view = app
        .call(GetNetworkView::PATH, &[], Some(&world.site_admin))
        .await;
    assert_eq!(view.status().as_u16(), 200);
    let view: app::insights::NetworkView = view.json().await.unwrap();
    assert_eq!(view.organizations.len(), 5);
    assert_eq!(view.months.len(), 15);
    // Six upcoming events, none past (they are all within the next days).
    assert_eq!(
        view.totals.events_last_12_months + view.totals.events_next_3_months,
        6
    );
    let berlin = view
        .organizations
        .iter()
        .find(|org| org.slug == "rust-berlin")
        .unwrap();
    assert_eq!(berlin.per_month.iter().sum::<u32>(), 2);
    assert!(berlin.quiet, "no event in the last 60 days");
    assert_eq!(berlin.members, 2, "its admin and its member");
    let hidden_b = view
        .organizations
        .iter()
        .find(|org| org.slug == "hidden-b")
        .unwrap();
    assert_eq!(hidden_b.followers, 1);
    assert_eq!(
        hidden_b.per_month.iter().sum::<u32>(),
        3,
        "members-only counted"
    );

    // Refusals: visitors 401, anyone but a site admin 403; a page past the last is not found.
    for (cookie, status) in [
        (None, 401),
        (Some(world.member.as_str()), 403),
        (Some(world.a_admin.as_str()), 403),
    ] {
        let refused = app.call(GetNetworkView::PATH, &[], cookie).await;
        assert_eq!(refused.status().as_u16(), status);
        let csv = app.get_as("/admin/network.csv", cookie).await;
        assert_eq!(csv.status().as_u16(), status, "csv");
    }
    let past = app
        .call(
            GetNetworkView::PATH,
            &[("page", "2")],
            Some(&world.site_admin),
        )
        .await;
    assert_eq!(past.status().as_u16(), 404);
    let nonsense = app
        .call(
            GetNetworkView::PATH,
            &[("page", "x")],
            Some(&world.site_admin),
        )
        .await;
    assert_eq!(nonsense.status().as_u16(), 422);

    // The CSV: a row per organization, the same numbers.
    let csv = app
        .get_as("/admin/network.csv", Some(&world.site_admin))
        .await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 5, "{csv}");
    assert!(lines[0].starts_with("organization,slug,"));
    let berlin_line = lines
        .iter()
        .find(|line| line.starts_with("Rust Berlin,"))
        .unwrap();
    assert!(berlin_line.ends_with(",yes,fresh,0,2,"), "{berlin_line}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_organizations_insights_are_for_its_admins() {
    let world = World::new().await;
    let app = &world.app;
    let insights = app
        .call(
            GetOrganizationInsights::PATH,
            &[("slug", "hidden-b")],
            Some(&world.b_admin),
        )
        .await;
    assert_eq!(insights.status().as_u16(), 200);
    let insights: app::insights::OrganizationInsights = insights.json().await.unwrap();
    assert_eq!(insights.activity.per_month.iter().sum::<u32>(), 3);
    assert_eq!(insights.clashes.clashes.len(), 2);
    assert!(
        insights
            .activity
            .chart_svg
            .starts_with("<svg class=\"chart chart-full\"")
    );

    let page = app
        .page_as("/orgs/hidden-b/insights", Some(&world.b_admin))
        .await
        .replace("<!>", "");
    assert!(page.contains("Hidden B: events per month"));
    assert!(page.contains("Clash radar") && page.contains(A_MEETUP));
    assert!(page.len() <= 60 * 1024, "{} bytes", page.len());

    for (cookie, status) in [
        (None, 401),
        (Some(world.member.as_str()), 403),
        (Some(world.a_admin.as_str()), 403),
        (Some(world.c_admin.as_str()), 403),
    ] {
        for path in [GetOrganizationInsights::PATH, GetClashRadar::PATH] {
            let refused = app.call(path, &[("slug", "hidden-b")], cookie).await;
            assert_eq!(refused.status().as_u16(), status, "{path}");
        }
        let csv = app.get_as("/orgs/hidden-b/insights.csv", cookie).await;
        assert_eq!(csv.status().as_u16(), status, "csv");
    }
    let csv = app
        .get_as("/orgs/hidden-b/insights.csv", Some(&world.b_admin))
        .await;
    assert_eq!(csv.status().as_u16(), 200);
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("Hidden B,hidden-b,"));
    let site = app
        .get_as("/orgs/hidden-b/insights.csv", Some(&world.site_admin))
        .await;
    assert_eq!(site.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_events_city_comes_from_the_import() {
    let world = World::new().await;
    let db = store::connect(&world.app.database_url).await.unwrap();
    let lisbon = event::Entity::find()
        .filter(event::Column::Title.eq(C_LISBON))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lisbon.city.as_deref(), Some("Lisboa"));
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admins_new_event_mail_tells_the_clashes_it_may_name() {
    use convene::store::entities::{mail_message, membership};
    use sea_orm::sea_query::Expr;

    let world = World::new().await;
    let db = store::connect(&world.app.database_url).await.unwrap();
    // As if every event arrived after everyone joined.
    membership::Entity::update_many()
        .col_expr(membership::Column::NewEventsAfterId, Expr::value(0))
        .exec(&db)
        .await
        .unwrap();
    let site = convene::site::PublicUrl::new(world.app.url("/").parse().unwrap()).unwrap();
    let pass =
        convene::mail::news::queue_batch(&db, &site, &world.app.secret_key, chrono::Utc::now())
            .await
            .unwrap();
    assert!(pass.queued >= 3, "{pass:?}");
    let mail_to = |email: &'static str| {
        let db = db.clone();
        async move {
            mail_message::Entity::find()
                .filter(mail_message::Column::Recipient.eq(email))
                .one(&db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no mail to {email}"))
        }
    };
    let a = mail_to("a-admin@example.org").await;
    assert!(
        a.text_body.contains(&format!(
            "! Clashes with {B_POLICY} (Hidden B), Betahaus, Berlin, 30 minutes later"
        )),
        "{}",
        a.text_body
    );
    assert!(
        a.text_body
            .contains("! Clashes with another organization's members-only event, 1 hour later")
    );
    for body in [&a.text_body, &a.html_body] {
        assert!(!body.contains(B_MEMBERS) && !body.contains("Clubhaus"));
    }
    // Members hear of the same events without the admins' lines.
    let member = mail_to("member@example.org").await;
    assert!(member.text_body.contains(A_MEETUP));
    assert!(
        !member.text_body.contains("Clashes with"),
        "{}",
        member.text_body
    );
    // Hidden B's admin: its members-only night clashes with Rust Berlin's public meetup, named.
    let b = mail_to("b-admin@example.org").await;
    assert!(b.text_body.contains(&format!(
        "! Clashes with {A_MEETUP} (Rust Berlin), c-base, Berlin"
    )));
    db.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_page_of_the_network_view_stays_within_the_content_pages_budget() {
    use convene::store::organizations::NAME_MAX_CHARS;

    let app = spawn_app_adjusted(Seed::Organizations, |_| {}).await;
    let db = store::connect(&app.database_url).await.unwrap();
    // Twenty-one more organizations with the longest names: two pages.
    for n in 0..21 {
        let name: String = format!("Organization {n:02} ")
            .chars()
            .chain(std::iter::repeat('x'))
            .take(NAME_MAX_CHARS)
            .collect();
        organizations::create(
            &db,
            organizations::NewOrganization::parse(&format!("org-{n:02}"), &name, "").unwrap(),
        )
        .await
        .unwrap();
    }
    create_user(&db, "site@example.org", true).await;
    db.close().await.unwrap();
    let signed_in = app
        .call(
            app::auth::SignIn::PATH,
            &[("email", "site@example.org"), ("password", PASSWORD)],
            None,
        )
        .await;
    let cookie = session_cookie(&signed_in).unwrap();
    let first = app.get_as("/admin/network", Some(&cookie)).await;
    assert_eq!(first.status().as_u16(), 200);
    let first = first.text().await.unwrap();
    assert_eq!(
        crate::helpers::occurrences(&first, "<svg class=\"chart chart-spark"),
        20
    );
    assert!(first.len() <= 60 * 1024, "{} bytes", first.len());
    assert!(first.replace("<!>", "").contains("Page 1 of 2"));
    let second = app
        .get_as("/admin/network?page=2", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        crate::helpers::occurrences(&second, "<svg class=\"chart chart-spark"),
        5
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn site_admins_switch_the_network_report_on_their_account_page() {
    use app::account::SaveMailSettings;
    use convene::store::entities::user;

    let world = World::new().await;
    let app = &world.app;
    let page = app.page_as("/account", Some(&world.site_admin)).await;
    assert!(
        page.contains("name=\"network_reports\""),
        "the box for site admins"
    );
    let member_page = app.page_as("/account", Some(&world.member)).await;
    assert!(
        !member_page.contains("network_reports"),
        "no one else's concern"
    );

    let saved = app
        .call(
            SaveMailSettings::PATH,
            &[("weekday", "1")],
            Some(&world.site_admin),
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    let db = store::connect(&app.database_url).await.unwrap();
    let report_mail = |email: &'static str| {
        let db = db.clone();
        async move {
            user::Entity::find()
                .filter(user::Column::Email.eq(email))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .network_report_mail
        }
    };
    assert!(!report_mail("site@example.org").await, "switched off");
    let saved = app
        .call(
            SaveMailSettings::PATH,
            &[("weekday", "1"), ("network_reports", "on")],
            Some(&world.site_admin),
        )
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    assert!(report_mail("site@example.org").await, "and on again");
    db.close().await.unwrap();
}
