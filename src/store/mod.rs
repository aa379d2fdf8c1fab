//! The store: connecting to SQLite or Postgres, applying migrations, and the queries per table.

pub mod backup;
pub mod descriptions;
pub mod entities;
pub mod events;
pub mod leases;
pub mod memberships;
pub mod organizations;
pub mod secrets_at_rest;
pub mod sessions;
pub mod sign_in;
pub mod usage;
pub mod users;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

pub use sea_orm::{DatabaseConnection, DbErr};

/// Connections a SQLite store's pool holds (SeaORM's default is one, so a long sync or export
/// made every page and sign-in wait): with write-ahead logging, readers go on beside the one
/// writer.
pub const SQLITE_CONNECTIONS: u32 = 8;
/// How long a write waits for another transaction's before it fails.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection pool. SQLite files get write-ahead logging so readers never wait on the
/// importer's writes, several connections, and a busy timeout so writers queue, not fail.
pub async fn connect(database_url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(database_url);
    // sqlx logs every statement at info; the tracing spans of our own layers are enough.
    options.sqlx_logging(false);
    // An in-memory database is one per connection: it keeps SeaORM's single connection.
    if database_url.starts_with("sqlite:") && !database_url.contains(":memory:") {
        use sea_orm::sqlx::sqlite::SqliteJournalMode;
        options
            .max_connections(SQLITE_CONNECTIONS)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|sqlite| {
                sqlite
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !database_url.contains(":memory:") {
        restrict_sqlite_files(database_url)
            .map_err(|err| DbErr::Custom(format!("cannot restrict the store's files: {err}")))?;
    }
    Ok(db)
}

/// The store's files (the database, its write-ahead log and shared memory) are readable by the
/// server's own user only (0600), whatever the umask they were created under.
fn restrict_sqlite_files(database_url: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let Some(path) = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty())
    else {
        return Ok(());
    };
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

/// How long `/healthz` waits for its connection before it says the store does not answer.
const HEALTH_CHECK_WAIT: Duration = Duration::from_secs(2);

/// A pool of one connection for health checks alone, opened when first needed: a check never
/// waits for a connection that a sync or an export holds, and gives up after
/// [`HEALTH_CHECK_WAIT`].
pub async fn connect_for_health(database_url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(database_url);
    options
        .sqlx_logging(false)
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(HEALTH_CHECK_WAIT)
        .connect_timeout(HEALTH_CHECK_WAIT)
        .connect_lazy(true);
    if database_url.starts_with("sqlite:") {
        options.map_sqlx_sqlite_opts(|sqlite| sqlite.busy_timeout(HEALTH_CHECK_WAIT));
    }
    Database::connect(options).await
}

/// Starts a transaction that writes. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a transaction that reads first and writes later could otherwise find another
/// writer's commit since its read and fail at once, busy timeout or not. Postgres starts an
/// ordinary transaction.
pub async fn begin_write<Db: TransactionTrait>(db: &Db) -> Result<Db::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Brings the schema up to date; safe to call on every start.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    apply_migrations(db, None).await
}

/// Applies the next `steps` pending migrations (all when `None`), in one transaction: all of
/// them apply or none, and servers starting at once take turns (the second finds nothing left
/// to do). SeaORM alone runs a SQLite migration outside any transaction, its statements spread
/// over the pool's connections (one whose schema was read before an index existed refused an
/// `ON CONFLICT` on it), and gives each Postgres migration its own transaction, with nothing to
/// keep two replicas from applying the same one.
pub(crate) async fn apply_migrations(
    db: &DatabaseConnection,
    steps: Option<u32>,
) -> Result<(), DbErr> {
    let transaction = begin_write(db).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Held until the transaction ends, as SQLite's write lock (`begin_write`) is; per
        // schema, so stores that share a database (tests, say) do not wait on each other.
        transaction
            .execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_CLASS}, hashtext(current_schema()))"
            ))
            .await?;
    }
    Migrator::up(&transaction, steps).await?;
    transaction.commit().await
}

/// The class of the Postgres advisory lock a migrating server holds (any number no other lock
/// of ours uses).
const MIGRATION_LOCK_CLASS: i32 = 0x636f_6e76;

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_store_files_are_the_servers_own() {
        use std::os::unix::fs::PermissionsExt;
        let url = crate::testing::fresh_sqlite_url();
        let db = super::connect(&url).await.unwrap();
        super::migrate(&db).await.unwrap();
        let path = url
            .strip_prefix("sqlite://")
            .and_then(|rest| rest.split('?').next())
            .unwrap()
            .to_owned();
        for file in [path.clone(), format!("{path}-wal")] {
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{file}");
        }
    }
}
