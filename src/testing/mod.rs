//! Test support for every crate of the workspace: fresh, migrated stores on SQLite (default)
//! or on Postgres when `TEST_DATABASE_URL` is set, each test on its own schema.
#![expect(clippy::expect_used, reason = "test helpers fail the test loudly")]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::store;

pub mod smtp;

static COUNTER: AtomicU32 = AtomicU32::new(0);
/// Stale schemas are swept once per test process, not by every test.
static SWEPT: AtomicBool = AtomicBool::new(false);
/// Advisory lock key: one process sweeps at a time; the others skip.
const SWEEP_LOCK_KEY: i64 = 0x0c0_17e5e;
/// Schemas left by earlier runs are dropped once they are this old.
const STALE_SCHEMA_SECS: u64 = 3_600;

/// The variables that move this process's clock (Debian's faketime, as `make
/// test-rust-moved-clock` preloads it), for a child started with a cleared environment: the
/// server or command a test starts keeps the test's clock. Empty on the real clock.
pub fn moved_clock_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(name, _)| name == "LD_PRELOAD" || name.starts_with("FAKETIME"))
        .collect()
}

/// A fresh empty directory under the system temp dir, unique to this call.
pub fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("convene-test-{label}-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn unique_suffix() -> String {
    format!(
        "{}_{}_{}",
        unix_now(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database URL for a store nobody else uses, not yet migrated.
pub async fn fresh_database_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => fresh_postgres_schema(&base).await,
        _ => fresh_sqlite_url(),
    }
}

/// A new SQLite file in a scratch directory.
pub fn fresh_sqlite_url() -> String {
    let file = scratch_dir("store").join("convene.db");
    format!("sqlite://{}?mode=rwc", file.display())
}

/// A new schema on the Postgres at `base_url`, as a URL whose search path is that schema.
pub async fn fresh_postgres_schema(base_url: &str) -> String {
    // One connection: the advisory lock and its release must run on the same session.
    let mut options = ConnectOptions::new(base_url);
    options.max_connections(1).sqlx_logging(false);
    let admin = Database::connect(options)
        .await
        .expect("TEST_DATABASE_URL must point at a reachable Postgres");
    if !SWEPT.swap(true, Ordering::SeqCst) {
        drop_stale_schemas(&admin).await;
    }
    let schema = format!("convene_t_{}", unique_suffix());
    admin
        .execute_unprepared(&format!("CREATE SCHEMA \"{schema}\""))
        .await
        .expect("create test schema");
    admin.close().await.expect("close admin connection");
    let separator = if base_url.contains('?') { '&' } else { '?' };
    format!("{base_url}{separator}options[search_path]={schema}")
}

async fn drop_stale_schemas(admin: &DatabaseConnection) {
    let backend = admin.get_database_backend();
    let locked = admin
        .query_one_raw(sea_orm::Statement::from_string(
            backend,
            format!("SELECT pg_try_advisory_lock({SWEEP_LOCK_KEY}) AS locked"),
        ))
        .await
        .expect("advisory lock")
        .and_then(|row| row.try_get::<bool>("", "locked").ok())
        .unwrap_or(false);
    if !locked {
        return; // another test process is sweeping right now
    }
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'convene_t_%'",
        ))
        .await
        .expect("list test schemas");
    let cutoff = unix_now().saturating_sub(STALE_SCHEMA_SECS);
    for row in rows {
        let name: String = row.try_get("", "nspname").expect("schema name");
        let created: u64 = name
            .trim_start_matches("convene_t_")
            .split('_')
            .next()
            .and_then(|secs| secs.parse().ok())
            .unwrap_or(u64::MAX);
        if created < cutoff {
            // Another run may drop it at the same moment; either way it is gone.
            let _ = admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                .await;
        }
    }
    admin
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({SWEEP_LOCK_KEY})"))
        .await
        .expect("advisory unlock");
}

/// A migrated store of its own, for tests of the store and the layers above it.
pub struct TestStore {
    db: DatabaseConnection,
    url: String,
}

impl TestStore {
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

pub async fn fresh_store() -> TestStore {
    store_at(fresh_database_url().await).await
}

/// Connects to and migrates the store at `url` (one from the functions above).
pub async fn store_at(url: String) -> TestStore {
    let db = store::connect(&url).await.expect("connect to test store");
    store::migrate(&db).await.expect("migrate test store");
    TestStore { db, url }
}

/// What connecting `organization_id` to lu.ma with `key` stores: the key sealed with `secret`
/// for that organization, nothing else (tests add the calendar's details with `..`).
pub fn luma_key(
    secret: &crate::secrets::SecretKey,
    organization_id: i64,
    key: &str,
) -> crate::store::organizations::LumaConnection {
    crate::store::organizations::LumaConnection {
        calendar_url: None,
        calendar_id: None,
        calendar_name: None,
        sealed_api_key: Some(
            secret
                .seal(key, crate::secrets::Purpose::LumaApiKey { organization_id })
                .expect("sealed"),
        ),
        api_key_last_four: None,
    }
}
