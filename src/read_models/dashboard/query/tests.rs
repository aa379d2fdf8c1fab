//! The dashboard's reads on a seeded store: filters, keyset pages, statements and query plans.

use chrono::{Duration, TimeZone};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, QueryTrait, Statement};

use super::*;
use crate::accounts::{DisplayName, Email, Password};
use crate::read_models::dashboard::load;
use crate::rules::access::Role;
use crate::store::organizations::Organization;
use crate::store::organizations::{self, NewOrganization};
use crate::store::{memberships, users};
use crate::testing::{TestStore, fresh_store};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap()
}

fn row(org: i64, n: i64, start: DateTime<Utc>, title: &str, online: bool) -> event::ActiveModel {
    event::ActiveModel {
        organization_id: Set(org),
        source: Set(convene_types::EventSource::LumaApi),
        external_id: Set(format!("evt-{org}-{n}")),
        title: Set(title.into()),
        description_id: Set(None),
        start_at: Set(start),
        end_at: Set(start + Duration::hours(2)),
        timezone: Set("Europe/Berlin".into()),
        cover_url: Set(None),
        event_url: Set(None),
        location_text: Set((!online).then(|| format!("Hall {n}, Berlin"))),
        meeting_url: Set(None),
        location_type: Set(if online {
            convene_types::LocationType::Online
        } else {
            convene_types::LocationType::InPerson
        }),
        visibility: Set(convene_types::Visibility::Public),
        tags: Set("[]".into()),
        content_hash: Set(String::new()),
        synced_at: Set(start),
        removed_at: Set(None),
        ..Default::default()
    }
}

async fn org(store: &TestStore, slug: &str) -> Organization {
    organizations::create(store.db(), NewOrganization::parse(slug, slug, "").unwrap())
        .await
        .unwrap()
}

async fn member(store: &TestStore) -> users::User {
    user_at(store, "m@example.org").await
}

async fn user_at(store: &TestStore, email: &str) -> users::User {
    users::create(
        store.db(),
        users::NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse("M").unwrap(),
            password: Password::parse_new("correct horse battery".into()).unwrap(),
            is_site_admin: false,
        },
    )
    .await
    .unwrap()
}

async fn titles(store: &TestStore, query: &DashboardQuery) -> Vec<String> {
    upcoming(store.db(), query)
        .await
        .unwrap()
        .events
        .into_iter()
        .map(|e| e.title)
        .collect()
}

#[tokio::test]
async fn the_window_filters_and_removed_events_decide_what_shows() {
    let store = fresh_store().await;
    let berlin = org(&store, "berlin").await;
    let lisbon = org(&store, "lisbon").await;
    let now = now();
    let rows = vec![
        row(berlin.id, 1, now - Duration::hours(5), "Ended", false),
        row(
            berlin.id,
            2,
            now - Duration::hours(1),
            "Ongoing talk",
            false,
        ),
        row(
            berlin.id,
            3,
            now + Duration::hours(3),
            "Rust hack night",
            false,
        ),
        row(
            lisbon.id,
            4,
            now + Duration::days(2),
            "Online rust workshop",
            true,
        ),
        row(lisbon.id, 5, now + Duration::days(40), "Too far", false),
        {
            let mut cancelled = row(lisbon.id, 6, now + Duration::days(1), "Cancelled", false);
            cancelled.removed_at = Set(Some(now));
            cancelled
        },
    ];
    event::Entity::insert_many(rows)
        .exec(store.db())
        .await
        .unwrap();
    let window = DashboardQuery::new(now, now + Duration::days(30)).unwrap();

    assert_eq!(
        titles(&store, &window).await,
        ["Ongoing talk", "Rust hack night", "Online rust workshop"]
    );
    let mut only_lisbon = window.clone();
    only_lisbon.organizations = vec!["lisbon".into()];
    assert_eq!(titles(&store, &only_lisbon).await, ["Online rust workshop"]);

    let rust = window.clone().with_text("  RUST ").unwrap();
    assert_eq!(
        titles(&store, &rust).await,
        ["Rust hack night", "Online rust workshop"]
    );
    // The location counts too; LIKE's wildcards in the text are taken literally.
    let hall = window.clone().with_text("hall 3").unwrap();
    assert_eq!(titles(&store, &hall).await, ["Rust hack night"]);
    let wildcard = window.clone().with_text("%").unwrap();
    assert!(titles(&store, &wildcard).await.is_empty());

    let mut online = window.clone();
    online.attendance = Attendance::Online;
    assert_eq!(titles(&store, &online).await, ["Online rust workshop"]);
    let mut in_person = window.clone();
    in_person.attendance = Attendance::InPerson;
    assert_eq!(
        titles(&store, &in_person).await,
        ["Ongoing talk", "Rust hack night"]
    );

    let err = window.clone().with_text(&"x".repeat(101)).unwrap_err();
    assert!(err.to_string().starts_with("q: "), "{err}");
    let err = DashboardQuery::new(now, now).unwrap_err();
    assert!(err.to_string().starts_with("to: "), "{err}");
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats_even_at_equal_times() {
    let store = fresh_store().await;
    let berlin = org(&store, "berlin").await;
    let now = now();
    // Pairs of events at the same minute: the id breaks the tie.
    let rows: Vec<_> = (0..25)
        .map(|n| {
            row(
                berlin.id,
                n,
                now + Duration::hours(1 + n / 2),
                &format!("E{n:02}"),
                false,
            )
        })
        .collect();
    event::Entity::insert_many(rows)
        .exec(store.db())
        .await
        .unwrap();
    let mut query = DashboardQuery::new(now, now + Duration::days(30)).unwrap();
    query.limit = 10;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = upcoming(store.db(), &query).await.unwrap();
        pages += 1;
        seen.extend(page.events.into_iter().map(|e| e.title));
        match page.next {
            Some(next) => {
                let round_trip = Cursor::decode(&next.encode()).unwrap();
                assert_eq!(round_trip, next);
                query.after = Some(round_trip);
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..25).map(|n| format!("E{n:02}")).collect();
    assert_eq!(seen, expected);
    assert!(Cursor::decode("nonsense").is_err());
}

#[tokio::test]
async fn the_change_marker_moves_only_with_changes() {
    let store = fresh_store().await;
    let berlin = org(&store, "berlin").await;
    let _lisbon = org(&store, "lisbon").await;
    let user = member(&store).await;
    memberships::add(store.db(), user.id, berlin.id, Role::Member)
        .await
        .unwrap();
    let mine: Vec<(String, Role)> = memberships::organizations_of(store.db(), user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|(o, role)| (o.slug, role))
        .collect();
    assert_eq!(mine, [("berlin".to_owned(), Role::Member)]);

    assert_eq!(change_marker(store.db()).await.unwrap(), 0);
    let run = |created: i32| sync_run::ActiveModel {
        organization_id: Set(berlin.id),
        trigger: Set(convene_types::SyncTrigger::Daily),
        started_at: Set(now()),
        outcome: Set(convene_types::SyncOutcome::Ok),
        events_created: Set(created),
        ..Default::default()
    };
    let changed = sync_run::Entity::insert(run(3))
        .exec(store.db())
        .await
        .unwrap();
    assert_eq!(
        change_marker(store.db()).await.unwrap(),
        changed.last_insert_id
    );
    // A run that changed nothing does not move the marker.
    sync_run::Entity::insert(run(0))
        .exec(store.db())
        .await
        .unwrap();
    assert_eq!(
        change_marker(store.db()).await.unwrap(),
        changed.last_insert_id
    );
}

#[tokio::test]
async fn the_window_query_is_an_index_range_scan() {
    let store = fresh_store().await;
    let berlin = org(&store, "berlin").await;
    let lisbon = org(&store, "lisbon").await;
    let now = now();
    // Three years of events, so a 30-day window is a small slice the planner reads by index.
    for chunk in (0..3_000_i64).collect::<Vec<_>>().chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|&n| {
                let org = if n % 2 == 0 { berlin.id } else { lisbon.id };
                row(
                    org,
                    n,
                    now - Duration::days(365) + Duration::hours(n * 9),
                    "E",
                    n % 3 == 0,
                )
            })
            .collect();
        event::Entity::insert_many(rows)
            .exec(store.db())
            .await
            .unwrap();
    }
    let db = store.db();
    let backend = db.get_database_backend();
    db.execute_unprepared("ANALYZE").await.unwrap();

    let query = DashboardQuery::new(now, now + Duration::days(30)).unwrap();
    // The statement `upcoming` sends, with its values inlined for EXPLAIN.
    let sql = statement(&query).build(backend).to_string();
    let explain = match backend {
        DbBackend::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
        _ => format!("EXPLAIN {sql}"),
    };
    let plan: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, explain))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            row.try_get_by_index::<String>(if backend == DbBackend::Sqlite { 3 } else { 0 })
                .unwrap()
        })
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("events_live_start") || plan.contains("events_live_org_start"),
        "the window is read through a start-time index over live events:\n{plan}"
    );
    assert!(
        !plan.contains("SCAN events\n") && !plan.contains("Seq Scan on events"),
        "no full scan of events:\n{plan}"
    );
    // Same answer as the function itself.
    assert_eq!(
        upcoming(db, &query).await.unwrap().events.len() as u64,
        Ord::min(query.limit, 80)
    );
}

#[tokio::test]
async fn a_render_costs_the_same_few_statements_however_much_there_is() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn statements_for_a_render(orgs: usize, events_each: i64) -> (usize, usize, usize) {
        let store = fresh_store().await;
        let user = member(&store).await;
        for o in 0..orgs {
            let org = org(&store, &format!("org-{o}")).await;
            if o % 2 == 0 {
                memberships::add(store.db(), user.id, org.id, Role::Member)
                    .await
                    .unwrap();
            }
            let rows: Vec<_> = (0..events_each)
                .map(|n| row(org.id, n, now() + Duration::hours(n + 1), "E", false))
                .collect();
            event::Entity::insert_many(rows)
                .exec(store.db())
                .await
                .unwrap();
        }
        let mut counted = crate::store::connect(store.url()).await.unwrap();
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let mut query = DashboardQuery::new(now(), now() + Duration::days(30)).unwrap();
        let data = load(
            &counted,
            None,
            Some(crate::rules::access::Actor {
                user_id: user.id,
                is_site_admin: false,
            }),
            &query,
        )
        .await
        .unwrap();
        assert_eq!(data.mine.len(), orgs.div_ceil(2));
        assert!(data.chosen.is_empty());
        assert!(!data.page.events.is_empty());
        let unfiltered = statements.swap(0, Ordering::Relaxed);

        // A slug, a name typed in another case, and a word that names nothing.
        query.organizations = vec!["org-1".into(), "ORG-0".into(), "no-such-org".into()];
        let data = load(
            &counted,
            None,
            Some(crate::rules::access::Actor {
                user_id: user.id,
                is_site_admin: false,
            }),
            &query,
        )
        .await
        .unwrap();
        let chosen: Vec<_> = data.chosen.iter().map(|org| org.slug.as_str()).collect();
        assert_eq!(chosen, ["org-0", "org-1"]);
        assert!(
            data.page
                .events
                .iter()
                .all(|item| chosen.contains(&item.org_slug.as_str()))
        );
        let filtered = statements.swap(0, Ordering::Relaxed);

        let visitor = load(&counted, None, None, &query).await.unwrap();
        assert!(visitor.mine.is_empty());
        (unfiltered, filtered, statements.load(Ordering::Relaxed))
    }

    // Events with their organizations; memberships; the change marker; and the chosen
    // organizations when the filter names some.
    assert_eq!(statements_for_a_render(2, 3).await, (3, 4, 3));
    assert_eq!(statements_for_a_render(12, 30).await, (3, 4, 3));
}

#[tokio::test]
async fn a_filter_finds_organizations_by_name_and_unknown_ones_show_nothing() {
    let store = fresh_store().await;
    let berlin = organizations::create(
        store.db(),
        NewOrganization::parse("berlin", "Rust Berlin", "").unwrap(),
    )
    .await
    .unwrap();
    event::Entity::insert(row(berlin.id, 1, now() + Duration::hours(2), "Talk", false))
        .exec(store.db())
        .await
        .unwrap();
    let mut query = DashboardQuery::new(now(), now() + Duration::days(30)).unwrap();
    query.organizations = vec![" rust BERLIN ".into()];
    let data = load(store.db(), None, None, &query).await.unwrap();
    assert_eq!(data.chosen.len(), 1);
    assert_eq!(data.page.events.len(), 1);

    query.organizations = vec!["atlantis".into()];
    let data = load(store.db(), None, None, &query).await.unwrap();
    assert!(data.chosen.is_empty());
    assert!(
        data.page.events.is_empty(),
        "not every organization's events"
    );
}

#[tokio::test]
async fn choices_list_every_organization_by_name() {
    let store = fresh_store().await;
    org(&store, "zeta").await;
    org(&store, "alpha").await;
    let choices = organizations::choices(store.db()).await.unwrap();
    assert_eq!(
        choices,
        [
            ("alpha".to_owned(), "alpha".to_owned()),
            ("zeta".to_owned(), "zeta".to_owned())
        ]
    );
}

#[test]
fn one_lu_ma_event_listed_by_two_organizations_is_one_card() {
    let card = |id: &str, org: i64, name: &str, cross_listed: bool| DashboardEvent {
        id: org * 100,
        external_id: id.into(),
        title: "Rust Nation".into(),
        start_at: chrono::Utc::now(),
        end_at: chrono::Utc::now(),
        all_day: false,
        timezone: "UTC".into(),
        cover_url: None,
        event_url: None,
        location_text: None,
        address_hidden: false,
        cross_listed,
        location_type: convene_types::LocationType::Online,
        city: None,
        latitude_e6: None,
        longitude_e6: None,
        visibility: convene_types::Visibility::Public,
        public_id: None,
        organization_id: org,
        org_slug: name.to_lowercase(),
        org_name: name.into(),
        org_connected: true,
        org_synced_at: None,
    };
    let merged = merge_cross_listed(vec![
        card("evt-nation", 2, "Rust London", true),
        card("weekly@google.com/1", 3, "Rust Oslo", false),
        card("evt-nation", 1, "Rust Berlin", false),
        card("evt-nation", 4, "Rust Lisbon", true),
        card("weekly@google.com/1", 5, "Rust Paris", false),
    ]);
    assert_eq!(merged.len(), 3, "feed events are never merged");
    assert_eq!(
        merged[0].event.org_name, "Rust Berlin",
        "the managing calendar leads"
    );
    assert_eq!(
        merged[0].also_listed_by,
        [(2, "Rust London".to_owned()), (4, "Rust Lisbon".to_owned())]
    );
    assert!(merged[1].also_listed_by.is_empty());
}

/// The shared windows give every viewer exactly the page their own statement gives: members
/// of different organizations, a visitor and a site admin, with members-only events enough to
/// push some viewers past a window's end (they go to the store), at several moments inside
/// one cached minute, over every page.
#[tokio::test]
async fn cached_pages_equal_each_viewers_own_statement() {
    use crate::cache::{CachedReads, Caches, Counters};
    use crate::rules::access::Actor;

    let store = fresh_store().await;
    let db = store.db();
    let orgs = [
        org(&store, "alpha").await,
        org(&store, "beta").await,
        org(&store, "gamma").await,
    ];
    let mut rows = Vec::new();
    for n in 0..150_i64 {
        // Alpha a quarter of the rows, beta half, gamma a quarter.
        let org = &orgs[[0, 1, 2, 1][usize::try_from(n % 4).unwrap()]];
        let mut row = row(
            org.id,
            n,
            now() + Duration::minutes(17 * n - 90),
            &format!("E{n}"),
            n % 5 == 0,
        );
        // Beta's and gamma's first 120 rows are members-only: a visitor's first window holds
        // only alpha's 20 public rows, one short of a page, so the visitor reads their own.
        if org.slug != "alpha" && n < 120 {
            row.visibility = Set(Visibility::MembersOnly);
        }
        rows.push(row);
    }
    event::Entity::insert_many(rows).exec(db).await.unwrap();
    let mut viewers: Vec<Option<Actor>> = vec![None];
    for (i, memberships_of) in [vec![0], vec![1], vec![0, 2], vec![]].iter().enumerate() {
        let user = users::create(
            db,
            users::NewUser {
                email: Email::parse(&format!("v{i}@example.org")).unwrap(),
                display_name: DisplayName::parse("V").unwrap(),
                password: Password::parse_new("correct horse battery".into()).unwrap(),
                is_site_admin: i == 3,
            },
        )
        .await
        .unwrap();
        for &o in memberships_of {
            memberships::add(db, user.id, orgs[o].id, Role::Member)
                .await
                .unwrap();
        }
        viewers.push(Some(Actor {
            user_id: user.id,
            is_site_admin: i == 3,
        }));
    }
    let caches = Caches::default();
    let counters = Counters::read(db).await.unwrap();
    let reads = CachedReads {
        caches: &caches,
        counters,
    };
    let mut several_pages = 0;
    for seconds in [0, 25, 59] {
        let at = now() + Duration::seconds(seconds);
        for filter in [
            vec![],
            vec!["beta".to_owned()],
            vec!["alpha".into(), "gamma".into()],
        ] {
            for viewer in &viewers {
                let mut query = DashboardQuery::new(at, at + Duration::days(30)).unwrap();
                query.organizations = filter.clone();
                let mut pages = 0;
                loop {
                    let cached = load(db, Some(reads), *viewer, &query).await.unwrap();
                    let own = load(db, None, *viewer, &query).await.unwrap();
                    assert_eq!(cached, own, "viewer {viewer:?}, {filter:?}, page {pages}");
                    pages += 1;
                    match cached.page.next {
                        Some(next) => query.after = Some(next),
                        None => break,
                    }
                }
                several_pages += usize::from(pages > 1);
            }
        }
    }
    assert!(
        several_pages > 10,
        "{several_pages} walks had more than one page"
    );
    assert!(
        !caches
            .kept::<crate::read_models::dashboard::window::Windows>()
            .is_empty()
    );
}

/// A warm render reads nothing; a change anywhere in the store (here, a new membership
/// written on another connection) makes the next render read again.
#[tokio::test]
async fn a_warm_render_reads_nothing_until_the_store_changes() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::cache::{CachedReads, Caches, Counters};
    use crate::rules::access::Actor;

    let store = fresh_store().await;
    let user = member(&store).await;
    let berlin = org(&store, "berlin").await;
    let lisbon = org(&store, "lisbon").await;
    memberships::add(store.db(), user.id, berlin.id, Role::Member)
        .await
        .unwrap();
    let rows: Vec<_> = (0..30)
        .map(|n| row(berlin.id, n, now() + Duration::hours(n + 1), "E", false))
        .collect();
    event::Entity::insert_many(rows)
        .exec(store.db())
        .await
        .unwrap();
    let mut counted = crate::store::connect(store.url()).await.unwrap();
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    counted.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let viewer = Some(Actor {
        user_id: user.id,
        is_site_admin: false,
    });
    let query = DashboardQuery::new(now(), now() + Duration::days(30)).unwrap();
    let caches = Caches::default();
    let render = |counters| {
        let (counted, caches, query) = (&counted, &caches, &query);
        async move {
            let reads = CachedReads { caches, counters };
            load(counted, Some(reads), viewer, query).await.unwrap()
        }
    };
    let counters = Counters::read(&counted).await.unwrap();
    statements.store(0, Ordering::Relaxed);
    let cold = render(counters).await;
    assert!(statements.swap(0, Ordering::Relaxed) >= 3);
    let warm = render(counters).await;
    assert_eq!(warm, cold);
    assert_eq!(statements.swap(0, Ordering::Relaxed), 0, "a warm render");

    memberships::add(store.db(), user.id, lisbon.id, Role::Member)
        .await
        .unwrap();
    let moved = Counters::read(&counted).await.unwrap();
    assert!(moved.people > counters.people, "{counters:?} → {moved:?}");
    assert_eq!(moved.catalog, counters.catalog);
    statements.store(0, Ordering::Relaxed);
    let after = render(moved).await;
    assert_eq!(after.mine.len(), 2, "the new membership shows");
    assert_eq!(
        statements.swap(0, Ordering::Relaxed),
        2,
        "only the viewer (user and organizations) is read again"
    );
}

/// A render's reads do not grow with the store (issue #29): at 1,000 and at 20,000 upcoming
/// events (with their topics) a cold render of the whole dashboard, topic choice included, runs
/// the same statements, each bounded by a page, a window or the organizations' tags; a warm
/// render runs none. (Deterministic: statements, not times.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renders_reads_do_not_grow_with_the_store() {
    use std::sync::{Arc, Mutex};

    use crate::cache::{CachedReads, Caches, Counters};
    use crate::import::luma::client::{ClientConfig, LumaClient};
    use crate::import::refresh::Refresher;
    use crate::rules::access::Actor;
    use crate::store::entities::event_topic;
    use convene_types::views::DashboardFilters;

    let mut cold_renders = Vec::new();
    for upcoming_events in [1_000_i64, 20_000] {
        let store = fresh_store().await;
        let user = member(&store).await;
        let mut organizations = Vec::new();
        for n in 0..10 {
            organizations.push(org(&store, &format!("org-{n}")).await);
        }
        memberships::add(store.db(), user.id, organizations[0].id, Role::Member)
            .await
            .unwrap();
        let ids: Vec<i64> = organizations.iter().map(|org| org.id).collect();
        for chunk in (0..upcoming_events).collect::<Vec<_>>().chunks(500) {
            let rows = chunk.iter().map(|&n| {
                let organization = ids[usize::try_from(n).unwrap() % ids.len()];
                let mut row = row(
                    organization,
                    n,
                    now() + Duration::minutes(n * 30 + 60),
                    "Event",
                    n % 3 == 0,
                );
                if n % 4 == 0 {
                    row.visibility = Set(convene_types::Visibility::MembersOnly);
                }
                row
            });
            event::Entity::insert_many(rows)
                .exec(store.db())
                .await
                .unwrap();
        }
        let events = event::Entity::find().all(store.db()).await.unwrap();
        for chunk in events.chunks(500) {
            let topics = chunk.iter().map(|event| event_topic::ActiveModel {
                event_id: Set(event.id),
                slug: Set(format!("topic-{}", event.id % 25)),
                organization_id: Set(event.organization_id),
                name: Set(format!("Topic {}", event.id % 25)),
            });
            event_topic::Entity::insert_many(topics)
                .exec(store.db())
                .await
                .unwrap();
        }

        let mut counted = crate::store::connect(store.url()).await.unwrap();
        let statements = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = statements.clone();
        counted.set_metric_callback(move |info| {
            log.lock().unwrap().push(info.statement.sql.clone());
        });
        let refresher = Refresher::new(
            crate::import::sync::Importer::new(
                counted.clone(),
                LumaClient::new(ClientConfig::new("http://127.0.0.1:9/".parse().unwrap())).unwrap(),
                crate::secrets::SecretKey::generate(),
            ),
            counted.clone(),
            Duration::hours(1),
        );
        let caches = Caches::default();
        let counters = Counters::read(&counted).await.unwrap();
        let viewer = Some(Actor {
            user_id: user.id,
            is_site_admin: false,
        });
        let render = || async {
            let reads = CachedReads {
                caches: &caches,
                counters,
            };
            crate::read_models::dashboard::page(
                &counted,
                reads,
                &refresher,
                viewer,
                &DashboardFilters::default(),
                now(),
                crate::i18n::Locale::English,
            )
            .await
            .unwrap()
        };
        statements.lock().unwrap().clear();
        let cold = render().await;
        let cold_statements = std::mem::take(&mut *statements.lock().unwrap());
        assert_eq!(cold.events.len(), 20, "a full page");
        assert_eq!(cold.topics.len(), 25, "every topic the member may see");
        let warm = render().await;
        assert_eq!(warm, cold);
        assert_eq!(
            *statements.lock().unwrap(),
            Vec::<String>::new(),
            "a warm render reads nothing ({upcoming_events} events)"
        );
        cold_renders.push(cold_statements);
    }
    assert_eq!(
        cold_renders[0], cold_renders[1],
        "the same statements at 1,000 and 20,000 events"
    );
    assert!(cold_renders[0].len() <= 6, "{:#?}", cold_renders[0]);
}

/// Cards are formatted once and shared (issue #29), yet each viewer's page marks their own
/// organizations' events only, and a changed event shows on the next render.
#[tokio::test]
async fn shared_cards_stay_each_viewers_own_and_follow_the_store() {
    use crate::cache::{CachedReads, Caches, Counters};
    use crate::import::luma::client::{ClientConfig, LumaClient};
    use crate::import::refresh::Refresher;
    use crate::rules::access::Actor;
    use convene_types::views::DashboardFilters;

    let store = fresh_store().await;
    let member_of_berlin = member(&store).await;
    let other = user_at(&store, "other@example.org").await;
    let berlin = org(&store, "berlin").await;
    memberships::add(store.db(), member_of_berlin.id, berlin.id, Role::Member)
        .await
        .unwrap();
    event::Entity::insert(row(berlin.id, 1, now() + Duration::hours(3), "Talk", false))
        .exec(store.db())
        .await
        .unwrap();
    let refresher = Refresher::new(
        crate::import::sync::Importer::new(
            store.db().clone(),
            LumaClient::new(ClientConfig::new("http://127.0.0.1:9/".parse().unwrap())).unwrap(),
            crate::secrets::SecretKey::generate(),
        ),
        store.db().clone(),
        Duration::hours(1),
    );
    let caches = Caches::default();
    let render = |user_id: i64| {
        let (caches, refresher, db) = (&caches, &refresher, store.db());
        async move {
            let reads = CachedReads {
                caches,
                counters: Counters::read(db).await.unwrap(),
            };
            let viewer = Some(Actor {
                user_id,
                is_site_admin: false,
            });
            let page = crate::read_models::dashboard::page(
                db,
                reads,
                refresher,
                viewer,
                &DashboardFilters::default(),
                now(),
                crate::i18n::Locale::English,
            )
            .await
            .unwrap();
            page.events
                .into_iter()
                .map(|card| (card.title, card.mine))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        render(member_of_berlin.id).await,
        [("Talk".to_owned(), true)]
    );
    assert_eq!(caches.cards.len(), 1, "the card was kept");
    assert_eq!(render(other.id).await, [("Talk".to_owned(), false)]);
    assert_eq!(
        render(member_of_berlin.id).await,
        [("Talk".to_owned(), true)]
    );

    event::Entity::update_many()
        .col_expr(
            event::Column::Title,
            sea_orm::sea_query::Expr::value("Talk, moved"),
        )
        .exec(store.db())
        .await
        .unwrap();
    assert_eq!(
        render(other.id).await,
        [("Talk, moved".to_owned(), false)],
        "the next render shows the change"
    );
}
