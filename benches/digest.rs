//! Digest benchmark: builds and queues the weekly digest for MEMBERS members of ORGS
//! organizations with EVENTS upcoming events (10,000 × 200 × 20,000 by default), on SQLite and,
//! when `TEST_DATABASE_URL` is set, on Postgres, and compares the rate with a raw `insert_many`
//! of the same messages into the outbox in the same process (the write alone).
//!
//!     make bench-digest                                        # the network
//!     BENCH_MEMBERS=1000 BENCH_EVENTS=2000 make bench-digest   # a quick look
//!
//! Every member is due at the moment measured (Monday 07:00 UTC, their zone). The peak memory
//! is the process's resident peak during the pass alone (reset before it, `/proc/self/clear_refs`).
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use convene::mail::digest;
use convene::secrets::SecretKey;
use convene::site::PublicUrl;
use convene::store::entities::{event, mail_message, membership, organization, user};
use convene::testing::{TestStore, fresh_postgres_schema, fresh_sqlite_url, store_at};
use convene_types::{EventSource, LocationType, MailKind, MailStatus, Role, Visibility};
use sea_orm::{ActiveValue::Set, EntityTrait, PaginatorTrait, TransactionTrait};

const CHUNK: usize = 500;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}: {v:?} is not a number"))
        })
        .unwrap_or(default)
}

/// Monday 7 December 2026, 07:00 UTC.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap()
}

async fn insert_in_chunks<A>(store: &TestStore, rows: Vec<A>)
where
    A: sea_orm::ActiveModelTrait + Clone + Send,
{
    let txn = store.db().begin().await.unwrap();
    for chunk in rows.chunks(CHUNK) {
        A::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
}

/// The network: organizations, events over the next year, confirmed members in 1 to 8 orgs.
async fn seed(store: &TestStore, orgs: usize, events: usize, members: usize) {
    let now = monday();
    insert_in_chunks(
        store,
        (0..orgs)
            .map(|n| organization::ActiveModel {
                slug: Set(format!("org-{n}")),
                name: Set(format!("Organization {n}")),
                description: Set(String::new()),
                created_at: Set(now),
                ..Default::default()
            })
            .collect(),
    )
    .await;
    let org_ids: Vec<i64> = organization::Entity::find()
        .all(store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|org| org.id)
        .collect();
    let zones = [
        "Europe/Berlin",
        "Europe/London",
        "America/New_York",
        "Europe/Lisbon",
    ];
    insert_in_chunks(
        store,
        (0..events)
            .map(|n| {
                // Spread over a year: about 770 fall in a digest's two weeks.
                let start = now
                    + chrono::Duration::minutes(
                        (i64::try_from(n).unwrap() * 525_600) / i64::try_from(events).unwrap() + 60,
                    );
                event::ActiveModel {
                    organization_id: Set(org_ids[n % org_ids.len()]),
                    source: Set(EventSource::LumaApi),
                    external_id: Set(format!("evt-{n}")),
                    title: Set(format!("Meetup number {n}: talks and pizza")),
                    description_id: Set(None),
                    start_at: Set(start),
                    end_at: Set(start + chrono::Duration::hours(2)),
                    timezone: Set(zones[n % zones.len()].into()),
                    cover_url: Set(None),
                    event_url: Set(Some(format!("https://lu.ma/evt-{n}"))),
                    location_text: Set(Some(format!("Hall {}, Somewhere", n % 50))),
                    meeting_url: Set(None),
                    location_type: Set(LocationType::InPerson),
                    visibility: Set(if n % 10 == 0 {
                        Visibility::MembersOnly
                    } else {
                        Visibility::Public
                    }),
                    public_id: Set(Some(format!("pub{n:020}"))),
                    tags: Set("[]".into()),
                    content_hash: Set(String::new()),
                    synced_at: Set(now),
                    removed_at: Set(None),
                    ..Default::default()
                }
            })
            .collect(),
    )
    .await;
    insert_in_chunks(
        store,
        (0..members)
            .map(|n| user::ActiveModel {
                email: Set(format!("member{n}@example.org")),
                display_name: Set(format!("Member {n}")),
                // Never used to sign in here: no need to spend Argon2 on it.
                password_hash: Set("$argon2id$unused".into()),
                is_site_admin: Set(false),
                created_at: Set(now),
                email_confirmed_at: Set(Some(now)),
                timezone: Set(Some("UTC".into())),
                ..Default::default()
            })
            .collect(),
    )
    .await;
    let user_ids: Vec<i64> = user::Entity::find()
        .all(store.db())
        .await
        .unwrap()
        .into_iter()
        .map(|user| user.id)
        .collect();
    let rows: Vec<membership::ActiveModel> = user_ids
        .iter()
        .enumerate()
        .flat_map(|(i, &user_id)| {
            let org_ids = &org_ids;
            (0..1 + i % 8).map(move |k| membership::ActiveModel {
                user_id: Set(user_id),
                organization_id: Set(org_ids[(i * 7 + k * 29) % org_ids.len()]),
                role: Set(Role::Member),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    insert_in_chunks(store, rows).await;
}

/// The process's (resident now, resident peak) in MB.
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| -> u64 {
        status
            .lines()
            .find(|line| line.starts_with(key))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse().ok())
            .unwrap_or(0)
    };
    (kb("VmRSS:") / 1024, kb("VmHWM:") / 1024)
}

/// Resets the resident peak to the current size (Linux), so the next reading is this phase's.
fn reset_peak() {
    if let Err(err) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("cannot reset the peak memory reading: {err}");
    }
}

async fn run(backend: &str, url: String, orgs: usize, events: usize, members: usize) {
    let store = store_at(url).await;
    let started = Instant::now();
    seed(&store, orgs, events, members).await;
    println!(
        "{backend}: seeded {orgs} organizations, {events} events, {members} members in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
    let key = SecretKey::generate();

    reset_peak();
    let (before, _) = memory_mb();
    let started = Instant::now();
    let pass = digest::queue_due(store.db(), &site, &key, monday())
        .await
        .unwrap();
    let digest_time = started.elapsed();
    let (_, peak) = memory_mb();
    assert_eq!(
        pass.queued, members,
        "every member has events to hear of: {pass:?}"
    );

    // The baseline: the same messages, already written, inserted raw into a second outbox.
    let written = mail_message::Entity::find().all(store.db()).await.unwrap();
    let bytes: usize = written
        .iter()
        .map(|mail| mail.text_body.len() + mail.html_body.len())
        .sum();
    let copies: Vec<mail_message::ActiveModel> = written
        .into_iter()
        .map(|mail| mail_message::ActiveModel {
            idempotency_key: Set(format!("copy:{}", mail.idempotency_key)),
            kind: Set(MailKind::WeeklyDigest),
            recipient: Set(mail.recipient),
            user_id: Set(mail.user_id),
            subject: Set(mail.subject),
            text_body: Set(mail.text_body),
            html_body: Set(mail.html_body),
            unsubscribe_url: Set(mail.unsubscribe_url),
            status: Set(MailStatus::Queued),
            attempts: Set(0),
            next_attempt_at: Set(mail.next_attempt_at),
            last_error: Set(None),
            created_at: Set(mail.created_at),
            sent_at: Set(None),
            ..Default::default()
        })
        .collect();
    let started = Instant::now();
    let txn = store.db().begin().await.unwrap();
    // 50 rows a statement, as the outbox writes them (`outbox::enqueue_many`).
    for chunk in copies.chunks(50) {
        mail_message::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let raw_time = started.elapsed();
    let total = mail_message::Entity::find()
        .count(store.db())
        .await
        .unwrap();
    assert_eq!(usize::try_from(total).unwrap(), 2 * members);

    let rate = |time: Duration| members as f64 / time.as_secs_f64();
    println!(
        "{backend}: digests built and queued: {members} in {:.2} s = {:.0} messages/s ({:.0}% of the raw insert's {:.0}/s); {:.1} kB a message; resident {before} MB before, peak {peak} MB during the pass",
        digest_time.as_secs_f64(),
        rate(digest_time),
        100.0 * rate(digest_time) / rate(raw_time),
        rate(raw_time),
        bytes as f64 / members as f64 / 1024.0,
    );
}

#[tokio::main]
async fn main() {
    let orgs = env_number("BENCH_ORGS", 200);
    let events = env_number("BENCH_EVENTS", 20_000);
    let members = env_number("BENCH_MEMBERS", 10_000);
    run("SQLite", fresh_sqlite_url(), orgs, events, members).await;
    if let Ok(base) = std::env::var("TEST_DATABASE_URL")
        && !base.is_empty()
    {
        run(
            "Postgres",
            fresh_postgres_schema(&base).await,
            orgs,
            events,
            members,
        )
        .await;
    }
}
