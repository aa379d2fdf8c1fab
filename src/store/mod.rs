//! The store: connecting to SQLite or Postgres, applying migrations, and the queries per table.

pub mod entities;
pub mod events;
pub mod leases;
pub mod memberships;
pub mod organizations;
pub mod secrets_at_rest;
pub mod sessions;
pub mod sign_in;
pub mod users;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DbBackend};

pub use sea_orm::{DatabaseConnection, DbErr};

/// Opens a connection pool. SQLite files get write-ahead logging so readers never wait on the
/// importer's writes.
pub async fn connect(database_url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(database_url);
    // sqlx logs every statement at info; the tracing spans of our own layers are enough.
    options.sqlx_logging(false);
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite && !database_url.contains(":memory:") {
        db.execute_unprepared("PRAGMA journal_mode = WAL").await?;
    }
    Ok(db)
}

/// Brings the schema up to date; safe to call on every start.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
