//! Dashboard benchmark: the real server renders `/dashboard` for a member of 5 of 200
//! organizations, under `wrk` on loopback, against the same server sending the same HTML bytes
//! as a static file, in the same run. Repeated at 1,000, 20,000 and 100,000 events, to show the
//! render time stays flat as the store grows.
//!
//! Two realistic modes (issue #16): every request from another of 1,000 members (each in 1 to 8
//! organizations, taken round-robin, so no cache sees the same viewer twice in a row), and the
//! same with each member's own filters (`org=`, `q=`, `range=`, chosen from a fixed seed).
//!
//! The organizations whose own pages are measured (the events list, the filtered mode's
//! `org=`) have the same calendar at every size and the rest of the store grows around them,
//! so each mode's growth ratio compares the same answer in a small and a large store.
//!
//!     make bench-dashboard      # installs wrk (Debian) when missing
//!
//! Beside them: a visitor's dashboard, `/orgs`, an organization's events list and an event
//! page; and first, what demo mode costs the same page on the demo store.
//!
//! Settings: `BENCH_SECONDS` per measurement (default 10), `BENCH_CONNECTIONS` (default 32),
//! `BENCH_EVENTS` (default `1000,20000,100000`), `BENCH_STORES` (default `sqlite,postgres`),
//! `BENCH_DEMO=0` to skip the demo's measurement. With `TEST_DATABASE_URL` set, every size runs
//! on Postgres too. After each run it prints the process's memory (server and this driver in one
//! process; wrk is another): resident now and at its peak.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

use std::net::SocketAddr;
use std::process::Command;

use chrono::{Duration, Utc};
use convene::accounts::{DisplayName, Email, Password};
use convene::rules::access::Role;
use convene::secrets::{KeySource, SecretKey};
use convene::store::entities::{event, membership, organization, user};
use convene::store::organizations::{self, NewOrganization};
use convene::store::{memberships, users};
use convene::testing::{fresh_postgres_schema, fresh_sqlite_url, scratch_dir, store_at};
use leptos::config::LeptosOptions;
use leptos::server_fn::ServerFn;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use server::settings::{DatabaseUrl, Settings};
use server::startup::Application;

const ORGANIZATIONS: i64 = 200;
const MEMBER_OF: i64 = 5;
/// The organizations whose own pages are measured (the events list, the filtered mode) keep
/// the same calendar at every size, about three events a week, so a mode's growth compares the
/// same answer in a small and a large store: the store grows around them.
const MEASURED_ORGANIZATIONS: i64 = 4;
const MEASURED_EVENTS: i64 = 150;
const MINUTES_PER_YEAR: i64 = 365 * 24 * 60;
const PASSWORD: &str = "correct horse battery";
/// The realistic modes' members, each a member of 1 to 8 organizations.
const MEMBERS: i64 = 1_000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: {v:?} is not a number"))
        })
        .unwrap_or(default)
}

/// 200 organizations with a calendar and fresh data (so no page load refreshes), `events`
/// events spread over the next year (the measured organizations' same calendars, and the rest),
/// and a member of the first five.
async fn seed(database_url: &str, events: i64) {
    let store = store_at(database_url.to_owned()).await;
    let db = store.db();
    let now = Utc::now();
    let member = users::create(
        db,
        users::NewUser {
            email: Email::parse("member@example.org").unwrap(),
            display_name: DisplayName::parse("Member").unwrap(),
            password: Password::parse_new(PASSWORD.into()).unwrap(),
            is_site_admin: false,
        },
    )
    .await
    .unwrap();
    let mut org_ids = Vec::new();
    for n in 0..ORGANIZATIONS {
        let org = organizations::create(
            db,
            NewOrganization::parse(&format!("org-{n:03}"), &format!("Organization {n:03}"), "")
                .unwrap(),
        )
        .await
        .unwrap();
        organization::Entity::update(organization::ActiveModel {
            id: Set(org.id),
            luma_calendar_id: Set(Some(format!("cal-bench{n}"))),
            events_last_synced_at: Set(Some(now)),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
        if n < MEMBER_OF {
            memberships::add(db, member.id, org.id, Role::Member)
                .await
                .unwrap();
        }
        org_ids.push(org.id);
    }
    // The measured organizations' calendars first, the same at every size; then the rest of
    // the store, spread over the other organizations.
    let minute_of_year = |n: i64, of: i64| now + Duration::minutes(1 + n * MINUTES_PER_YEAR / of);
    let measured = (0..MEASURED_ORGANIZATIONS)
        .flat_map(|org| (0..MEASURED_EVENTS).map(move |k| (org, format!("evt-m{org}-{k}"), k, k)));
    let others = events - MEASURED_ORGANIZATIONS * MEASURED_EVENTS;
    assert!(
        others >= 0,
        "BENCH_EVENTS below {} leaves no room for the measured organizations' calendars",
        MEASURED_ORGANIZATIONS * MEASURED_EVENTS
    );
    let spread = ORGANIZATIONS - MEASURED_ORGANIZATIONS;
    let rest = (0..others).map(|n| {
        (
            MEASURED_ORGANIZATIONS + n % spread,
            format!("evt-{n}"),
            n,
            n,
        )
    });
    let rows: Vec<event::ActiveModel> = measured
        .map(|(org, id, number, slot)| {
            let start = minute_of_year(slot, MEASURED_EVENTS);
            event_row(
                org_ids[usize::try_from(org).unwrap()],
                id,
                number,
                start,
                now,
            )
        })
        .chain(rest.map(|(org, id, number, slot)| {
            let start = minute_of_year(slot, others.max(1));
            event_row(
                org_ids[usize::try_from(org).unwrap()],
                id,
                number,
                start,
                now,
            )
        }))
        .collect();
    let txn = db.begin().await.unwrap();
    for chunk in rows.chunks(500) {
        event::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
}

/// One event as a sync stores it (every listed event has its own page), `number` naming it.
fn event_row(
    organization_id: i64,
    external_id: String,
    number: i64,
    start: chrono::DateTime<Utc>,
    synced_at: chrono::DateTime<Utc>,
) -> event::ActiveModel {
    let in_person = number % 4 != 0;
    event::ActiveModel {
        organization_id: Set(organization_id),
        source: Set(convene_types::EventSource::LumaApi),
        external_id: Set(external_id),
        title: Set(format!("Meetup number {number}")),
        description_id: Set(None),
        start_at: Set(start),
        end_at: Set(start + Duration::hours(2)),
        timezone: Set(["Europe/Berlin", "America/New_York", "Asia/Tokyo"]
            [usize::try_from(number % 3).unwrap()]
        .into()),
        cover_url: Set(Some(format!("https://images.example.org/{number}.png"))),
        event_url: Set(Some(format!("https://luma.com/e{number}"))),
        location_text: Set(in_person.then(|| format!("Hall {}, Berlin", number % 50))),
        meeting_url: Set(None),
        location_type: Set(if in_person {
            convene_types::LocationType::InPerson
        } else {
            convene_types::LocationType::Online
        }),
        visibility: Set(convene_types::Visibility::Public),
        tags: Set("[]".into()),
        content_hash: Set(String::new()),
        synced_at: Set(synced_at),
        removed_at: Set(None),
        public_id: Set(Some(convene::import::sync::new_public_id())),
        ..Default::default()
    }
}

/// The realistic modes' members: `count` accounts sharing one password hash (hashing a
/// thousand times would make the seeding slow, not the pages), member `i` of `1 + i % 8`
/// organizations spread over all of them (fewer when there are fewer). Returns their emails.
async fn seed_members(database_url: &str, count: i64) -> Vec<String> {
    let store = store_at(database_url.to_owned()).await;
    let db = store.db();
    let now = Utc::now();
    let password_hash = Password::parse_new(PASSWORD.into())
        .unwrap()
        .hash()
        .unwrap();
    let emails: Vec<String> = (0..count)
        .map(|i| format!("viewer-{i:04}@example.org"))
        .collect();
    let users: Vec<user::ActiveModel> = emails
        .iter()
        .enumerate()
        .map(|(i, email)| user::ActiveModel {
            email: Set(email.clone()),
            display_name: Set(format!("Viewer {i}")),
            password_hash: Set(password_hash.clone()),
            is_site_admin: Set(false),
            created_at: Set(now),
            // Confirmed, as `convene user add` makes them: an unconfirmed account cannot sign in.
            email_confirmed_at: Set(Some(now)),
            ..Default::default()
        })
        .collect();
    let txn = db.begin().await.unwrap();
    for chunk in users.chunks(200) {
        user::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    let user_ids: Vec<i64> = user::Entity::find()
        .all(&txn)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.email.starts_with("viewer-"))
        .map(|u| u.id)
        .collect();
    let org_ids: Vec<i64> = organization::Entity::find()
        .all(&txn)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    let rows: Vec<membership::ActiveModel> = user_ids
        .iter()
        .enumerate()
        .flat_map(|(i, &user_id)| {
            let org_ids = &org_ids;
            let memberships = (1 + i % 8).min(org_ids.len());
            (0..memberships).map(move |k| membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(org_ids[(i * 7 + k * 29) % org_ids.len()]),
                role: Set(Role::Member),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        membership::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    use sea_orm::ConnectionTrait;
    // As joining does (`memberships::add`), every member has been told of the events stored
    // before; left at 0, the server's first new-events pass would write a thousand messages
    // about a hundred thousand events through the first measurements.
    txn.execute_unprepared(
        "UPDATE memberships SET new_events_after_id = (SELECT COALESCE(MAX(id), 0) FROM events)",
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    emails
}

/// A member's own filters for the filtered mode, from a fixed seed: one organization, maybe a
/// word, and a range.
fn filtered_path(viewer: usize) -> String {
    // A small LCG: the same paths on every run.
    let mut state = (viewer as u64).wrapping_mul(6_364_136_223_846_793_005) ^ 0x2545_f491;
    let mut next = |bound: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    let org = next(MEASURED_ORGANIZATIONS as u64);
    let range = ["week", "30", "90"][usize::try_from(next(3)).unwrap()];
    let q = ["", "meetup", "number+1", "hall"][usize::try_from(next(4)).unwrap()];
    format!("/dashboard?org=org-{org:03}&range={range}&q={q}")
}

/// A wrk script that sends each request as the next of `cookies` (round-robin, the two threads
/// starting half-way apart), to the matching path of `paths`.
fn round_robin_script(cookies: &[String], paths: &[String]) -> std::path::PathBuf {
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|item| format!("{item:?}"))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let script = format!(
        "local cookies = {{\n{}\n}}\nlocal paths = {{\n{}\n}}\n\
         local threads = 0\n\
         function setup(thread)\n  thread:set(\"viewer\", threads * {})\n  threads = threads + 1\nend\n\
         function request()\n  viewer = (viewer or 0) % #cookies + 1\n  \
         return wrk.format(\"GET\", paths[viewer], {{ [\"Cookie\"] = cookies[viewer] }})\nend\n",
        quoted(cookies),
        quoted(paths),
        cookies.len() / 2,
    );
    let path = scratch_dir("bench-wrk").join("round-robin.lua");
    std::fs::write(&path, script).unwrap();
    path
}

struct Measured {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// The average answer, headers included (wrk's transfer rate over its request rate): a
    /// mode whose pages grow with the store shows it here.
    bytes_per_answer: f64,
}

/// `wrk --latency` against `url`; its "Requests/sec" and the 50% and 99% latencies.
fn wrk(url: &str, cookie: &str, seconds: u64, connections: u64) -> Measured {
    wrk_with(
        url,
        &["-H".to_owned(), format!("Cookie: {cookie}")],
        seconds,
        connections,
    )
}

/// `wrk --latency` with `extra` arguments (a header, a script).
fn wrk_with(url: &str, extra: &[String], seconds: u64, connections: u64) -> Measured {
    let output = Command::new("wrk")
        .args([
            "-t2".to_owned(),
            format!("-c{connections}"),
            format!("-d{seconds}s"),
            "--latency".to_owned(),
        ])
        .args(extra)
        .arg(url)
        .output()
        .expect("wrk runs (make bench-dashboard installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("Non-2xx"),
        "every answer must be a success:\n{text}"
    );
    let number_after = |label: &str| -> &str {
        text.lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {label:?} in wrk's output:\n{text}"))
    };
    let millis = |value: &str| -> f64 {
        let (number, factor) = if let Some(us) = value.strip_suffix("us") {
            (us, 0.001)
        } else if let Some(ms) = value.strip_suffix("ms") {
            (ms, 1.0)
        } else if let Some(s) = value.strip_suffix('s') {
            (s, 1000.0)
        } else {
            panic!("unknown latency unit in {value:?}")
        };
        number.parse::<f64>().unwrap() * factor
    };
    let bytes = |value: &str| -> f64 {
        let units = [
            ("GB", 1e9_f64),
            ("MB", 1_048_576.0),
            ("KB", 1024.0),
            ("B", 1.0),
        ];
        let (number, factor) = units
            .iter()
            .find_map(|(unit, factor)| value.strip_suffix(unit).map(|n| (n, *factor)))
            .unwrap_or_else(|| panic!("unknown transfer unit in {value:?}"));
        number.parse::<f64>().unwrap() * factor
    };
    let requests_per_second: f64 = number_after("Requests/sec:").parse().unwrap();
    Measured {
        bytes_per_answer: bytes(number_after("Transfer/sec:")) / requests_per_second,
        requests_per_second,
        p50_ms: millis(number_after("50%")),
        p99_ms: millis(number_after("99%")),
    }
}

/// The session cookie a sign-in answered with (`name=value`).
fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("convene_session="))
        .and_then(|v| v.split(';').next())
        .expect("a sign-in sets the session cookie")
        .to_owned()
}

/// Each of `emails` signed in once (the benchmark's password), as a browser would: their
/// session cookies, in order.
async fn sign_in_each(
    client: &reqwest::Client,
    address: SocketAddr,
    emails: &[String],
) -> Vec<String> {
    let mut cookies = Vec::with_capacity(emails.len());
    for email in emails {
        let signed_in = client
            .post(format!("http://{address}{}", app::auth::SignIn::PATH))
            .form(&[("email", email.as_str()), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        cookies.push(session_cookie(&signed_in));
    }
    cookies
}

/// The process's resident memory now and at its peak, in MB (`/proc/self/status`).
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |field: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (kb("VmRSS:") / 1024, kb("VmHWM:") / 1024)
}

/// The server's settings for a benchmark: nothing in the background that is not asked for (no
/// daily import, no mail), lu.ma unreachable.
fn settings(
    database_url: &str,
    site_root: &std::path::Path,
    secret_key: &SecretKey,
    demo: bool,
) -> Settings {
    let listen: SocketAddr = "127.0.0.1:0".parse().unwrap();
    Settings {
        listen,
        database_url: DatabaseUrl::parse(database_url).unwrap(),
        data_dir: scratch_dir("bench-data"),
        secret_key: secret_key.clone(),
        secret_key_source: KeySource::Setting,
        luma_api_base: "http://127.0.0.1:9/".parse().unwrap(),
        demo,
        demo_live_changes: false,
        secure_cookies: false,
        public_url: None,
        trusted_proxies: Default::default(),
        allow_private_feeds: demo,
        map_tiles: Default::default(),
        daily_sync: None,
        luma_requests_per_minute: 180,
        refresh_ttl: Duration::hours(1),
        mail: Default::default(),
        leptos_options: LeptosOptions::builder()
            .output_name("convene")
            .site_root(site_root.display().to_string())
            .site_addr(listen)
            .build(),
        metrics_addr: None,
    }
}

/// One mode's figures in one run.
struct ModeFigures {
    name: &'static str,
    /// Requests a second.
    rate: f64,
    /// The rate over the same run's static file's.
    share_of_static: f64,
    bytes_per_answer: f64,
}

/// One size on one store: prints each mode's figures and returns each mode's rate (requests a
/// second), its share of the same run's static file and its average answer (bytes), by name.
async fn run(
    backend: &str,
    database_url: String,
    events: i64,
    seconds: u64,
    connections: u64,
    profile_this_run: bool,
) -> Vec<ModeFigures> {
    seed(&database_url, events).await;
    let viewers = seed_members(&database_url, MEMBERS).await;
    if database_url.starts_with("postgres") {
        // A store that grew over months has been vacuumed and analysed; a freshly loaded one
        // would leave autovacuum running through the first measurements.
        use sea_orm::ConnectionTrait;
        let store = store_at(database_url.clone()).await;
        store
            .db()
            .execute_unprepared(
                "VACUUM ANALYZE events, event_topics, users, memberships, organizations, \
                 change_counters, sessions",
            )
            .await
            .unwrap();
        // The load's write-ahead log written out now, not by the checkpointer during the
        // measurements (it took a core through the first ones at 100,000 events).
        store.db().execute_unprepared("CHECKPOINT").await.unwrap();
    } else {
        use sea_orm::ConnectionTrait;
        let store = store_at(database_url.clone()).await;
        store
            .db()
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
    }
    let site_root = scratch_dir("bench-site");
    let key = SecretKey::generate();
    let app = Application::build(&settings(&database_url, &site_root, &key, false))
        .await
        .unwrap();
    let address = app.local_addr();
    tokio::spawn(app.run_until_stopped(std::future::pending()));

    let client = reqwest::Client::new();
    let signed_in = client
        .post(format!("http://{address}{}", app::auth::SignIn::PATH))
        .form(&[("email", "member@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&signed_in);
    let page = client
        .get(format!("http://{address}/dashboard"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Your orgs") && page.contains("dash-card"),
        "a real dashboard"
    );
    std::fs::write(site_root.join("dashboard.html"), &page).unwrap();

    // The realistic modes' sessions: each member signs in once, as a browser would.
    let cookies = sign_in_each(&client, address, &viewers).await;
    let everyone = round_robin_script(&cookies, &vec!["/dashboard".to_owned(); cookies.len()]);
    let filtered = round_robin_script(
        &cookies,
        &(0..cookies.len()).map(filtered_path).collect::<Vec<_>>(),
    );
    let scripted = |script: std::path::PathBuf| {
        tokio::task::spawn_blocking(move || {
            let script = ["-s".to_owned(), script.display().to_string()];
            wrk_with(
                &format!("http://{address}/dashboard"),
                &script,
                seconds,
                connections,
            )
        })
    };
    // `BENCH_PROFILE=<file>`: perf samples this process (the server) through the 1,000-member
    // mode at the largest size, for `make profile-dashboard`'s flame graph.
    let profiler = std::env::var("BENCH_PROFILE")
        .ok()
        .filter(|_| profile_this_run)
        .map(|file| {
            Command::new("perf")
                .args([
                    "record",
                    "-F",
                    "997",
                    "--call-graph",
                    "dwarf,32768",
                    "-o",
                    &file,
                ])
                .args(["-p", &std::process::id().to_string()])
                .args(["--", "sleep", &seconds.to_string()])
                .spawn()
                .expect("perf runs (Debian's linux-perf)")
        });
    let realistic = scripted(everyone).await.unwrap();
    if let Some(mut profiler) = profiler {
        assert!(profiler.wait().unwrap().success(), "perf record failed");
    }
    let realistic_filtered = scripted(filtered).await.unwrap();

    let dashboard = tokio::task::spawn_blocking({
        let cookie = cookie.clone();
        move || {
            wrk(
                &format!("http://{address}/dashboard"),
                &cookie,
                seconds,
                connections,
            )
        }
    })
    .await
    .unwrap();
    // For scale: the same page for a visitor (no session to load), a page listing every
    // organization, and the smallest server-rendered page (the floor any page pays).
    let anonymous = tokio::task::spawn_blocking(move || {
        wrk(
            &format!("http://{address}/dashboard"),
            "",
            seconds,
            connections,
        )
    })
    .await
    .unwrap();
    let directory = tokio::task::spawn_blocking({
        let cookie = cookie.clone();
        move || {
            wrk(
                &format!("http://{address}/orgs"),
                &cookie,
                seconds,
                connections,
            )
        }
    })
    .await
    .unwrap();
    let events_list = tokio::task::spawn_blocking({
        let cookie = cookie.clone();
        move || {
            wrk(
                &format!("http://{address}/orgs/org-000/events?view=list"),
                &cookie,
                seconds,
                connections,
            )
        }
    })
    .await
    .unwrap();
    // An event page: the first upcoming event of the member's first organization.
    let event_path = {
        let store = store_at(database_url.clone()).await;
        let public_id: Option<String> = event::Entity::find()
            .select_only()
            .column(event::Column::PublicId)
            .filter(event::Column::OrganizationId.eq(first_org_id(store.db()).await))
            .order_by_asc(event::Column::StartAt)
            .into_tuple()
            .one(store.db())
            .await
            .unwrap()
            .flatten();
        format!("/events/{}", public_id.expect("seeded events have a page"))
    };
    let event_page = tokio::task::spawn_blocking({
        let cookie = cookie.clone();
        move || {
            wrk(
                &format!("http://{address}{event_path}"),
                &cookie,
                seconds,
                connections,
            )
        }
    })
    .await
    .unwrap();
    let sign_in_page = tokio::task::spawn_blocking(move || {
        wrk(&format!("http://{address}/login"), "", seconds, connections)
    })
    .await
    .unwrap();
    // The ceiling: the same bytes from memory, on a bare axum server in this process (no
    // session layer, no file system).
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_address = bare.local_addr().unwrap();
    let bytes = axum::body::Bytes::from(page.clone());
    let bare_router = axum::Router::new().route(
        "/dashboard.html",
        axum::routing::get(move || {
            let bytes = bytes.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    bytes,
                )
            }
        }),
    );
    tokio::spawn(async move { axum::serve(bare, bare_router).await.unwrap() });
    let in_memory = tokio::task::spawn_blocking({
        let cookie = cookie.clone();
        move || {
            wrk(
                &format!("http://{bare_address}/dashboard.html"),
                &cookie,
                seconds,
                connections,
            )
        }
    })
    .await
    .unwrap();
    let fixed = tokio::task::spawn_blocking(move || {
        wrk(
            &format!("http://{address}/dashboard.html"),
            &cookie,
            seconds,
            connections,
        )
    })
    .await
    .unwrap();
    let pages = [
        ("/dashboard (SSR)", &dashboard),
        ("/dashboard, 1,000 members", &realistic),
        ("  …with their filters", &realistic_filtered),
        ("/dashboard, visitor", &anonymous),
        ("/orgs (SSR, 200 orgs)", &directory),
        ("an events list (member)", &events_list),
        ("an event page (member)", &event_page),
    ];
    let references = [
        ("/login (SSR, a form)", &sign_in_page),
        ("same bytes, static", &fixed),
        ("same bytes, memory", &in_memory),
    ];
    for (name, m) in pages.iter().chain(&references) {
        println!(
            "  {backend:<8} {events:>7} events  {name:<26} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  {:>5.0}% of static  {:>7.0} B/answer",
            m.requests_per_second,
            m.p50_ms,
            m.p99_ms,
            100.0 * m.requests_per_second / fixed.requests_per_second,
            m.bytes_per_answer
        );
    }
    let (resident, peak) = memory_mb();
    println!(
        "  {backend:<8} {events:>7} events  page {} bytes; memory {resident} MB resident, {peak} MB peak",
        page.len()
    );
    pages
        .into_iter()
        .map(|(name, m)| ModeFigures {
            name,
            rate: m.requests_per_second,
            share_of_static: m.requests_per_second / fixed.requests_per_second,
            bytes_per_answer: m.bytes_per_answer,
        })
        .collect()
}

/// The id of `org-000`, the organization every page above is about.
async fn first_org_id(db: &sea_orm::DatabaseConnection) -> i64 {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq("org-000"))
        .one(db)
        .await
        .unwrap()
        .expect("org-000 was seeded")
        .id
}

/// What demo mode costs a page (issue #29): the demo store (`make run`) with 150 members of its
/// organizations, each request from the next of them, served with demo mode on, then by a
/// server on the same store with it off, then on again.
async fn demo_cost(seconds: u64, connections: u64) {
    const DEMO_MEMBERS: i64 = 150;
    let database_url = fresh_sqlite_url();
    let site_root = scratch_dir("bench-demo-site");
    let key = SecretKey::generate();
    let mut script = None;
    let mut rates = Vec::new();
    for demo in [true, false, true] {
        let app = Application::build(&settings(&database_url, &site_root, &key, demo))
            .await
            .unwrap();
        let address = app.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        if script.is_none() {
            let viewers = seed_members(&database_url, DEMO_MEMBERS).await;
            let cookies = sign_in_each(&reqwest::Client::new(), address, &viewers).await;
            script = Some(round_robin_script(
                &cookies,
                &vec!["/dashboard".to_owned(); cookies.len()],
            ));
        }
        let script = script.clone().unwrap();
        let measured = tokio::task::spawn_blocking(move || {
            wrk_with(
                &format!("http://{address}/dashboard"),
                &["-s".to_owned(), script.display().to_string()],
                seconds,
                connections,
            )
        })
        .await
        .unwrap();
        println!(
            "  demo store, {DEMO_MEMBERS} members, demo mode {}: {:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            if demo { "on " } else { "off" },
            measured.requests_per_second,
            measured.p50_ms,
            measured.p99_ms
        );
        rates.push(measured.requests_per_second);
        stop.send(()).unwrap();
        served.await.unwrap().unwrap();
    }
    println!(
        "  demo store: demo mode on serves {:.2}x the rate of demo mode off",
        (rates[0] + rates[2]) / 2.0 / rates[1]
    );
}

/// How much slower each mode is at the largest size than at the smallest (issue #29 asks for
/// at most 1.5): by rate, and by share of the same run's static file (which takes out what the
/// machine itself did between the two runs), beside how the answers grew.
fn print_growth(backend: &str, runs: &[(i64, Vec<ModeFigures>)]) {
    let (Some((smallest, first)), Some((largest, last))) = (runs.first(), runs.last()) else {
        return;
    };
    if smallest == largest {
        return;
    }
    println!(
        "  {backend}: growth from {smallest} to {largest} events (how many times slower by rate, and by share of the static file; the answer's size at {largest} / at {smallest})"
    );
    for (small, large) in first.iter().zip(last) {
        println!(
            "  {backend:<8} {:<26} {:>5.2}x slower, {:>5.2}x by share of static, answers {:>5.2}x the size",
            small.name,
            small.rate / large.rate,
            small.share_of_static / large.share_of_static,
            large.bytes_per_answer / small.bytes_per_answer
        );
    }
}

#[tokio::main]
async fn main() {
    let seconds = env_number("BENCH_SECONDS", 10);
    let connections = env_number("BENCH_CONNECTIONS", 32);
    println!(
        "dashboard of a member of {MEMBER_OF} of {ORGANIZATIONS} organizations, wrk -t2 -c{connections} -d{seconds}s"
    );
    // `BENCH_STORES=postgres` (or `sqlite`) measures one store only.
    let stores = std::env::var("BENCH_STORES").unwrap_or_else(|_| "sqlite,postgres".into());
    let postgres = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty() && stores.contains("postgres"));
    let on_sqlite = stores.contains("sqlite");
    if env_number("BENCH_DEMO", 1) == 1 {
        demo_cost(seconds, connections).await;
    }
    let sizes: Vec<i64> = std::env::var("BENCH_EVENTS")
        .map(|list| list.split(',').map(|n| n.trim().parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![1_000, 20_000, 100_000]);
    let (mut sqlite, mut on_postgres) = (Vec::new(), Vec::new());
    let largest = sizes.iter().copied().max().unwrap_or_default();
    for events in sizes {
        let profile = events == largest;
        if on_sqlite {
            sqlite.push((
                events,
                run(
                    "SQLite",
                    fresh_sqlite_url(),
                    events,
                    seconds,
                    connections,
                    profile,
                )
                .await,
            ));
        }
        if let Some(base) = &postgres {
            let url = fresh_postgres_schema(base).await;
            on_postgres.push((
                events,
                run(
                    "Postgres",
                    url,
                    events,
                    seconds,
                    connections,
                    profile && !on_sqlite,
                )
                .await,
            ));
        }
    }
    print_growth("SQLite", &sqlite);
    print_growth("Postgres", &on_postgres);
}
