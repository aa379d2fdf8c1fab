//! Change counters: one row per topic, bumped by triggers in the same transaction as the change,
//! so every writer (a page, the CLI, a sync, another replica) moves them and a reader that sees a
//! counter also sees the rows it counts. Caches compare them on every request (issue #16).
//!
//! - `catalog`: organizations, events and sync runs (what pages list);
//! - `people`: users and memberships (who sees what);
//! - `sessions`: a session changed or ended (sign-out, rotation, expiry).
//!
//! SQLite has only row triggers; Postgres gets statement triggers, one bump per statement.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, topic, the changes that count).
const WATCHED: [(&str, &str, &[&str]); 6] = [
    ("organizations", "catalog", &["INSERT", "UPDATE", "DELETE"]),
    ("events", "catalog", &["INSERT", "UPDATE", "DELETE"]),
    ("sync_runs", "catalog", &["INSERT", "UPDATE", "DELETE"]),
    ("users", "people", &["INSERT", "UPDATE", "DELETE"]),
    ("memberships", "people", &["INSERT", "UPDATE", "DELETE"]),
    // A new session changes no cached one; an update or a delete may.
    ("sessions", "sessions", &["UPDATE", "DELETE"]),
];

fn trigger_name(table: &str, change: &str) -> String {
    format!("bump_{table}_{}", change.to_lowercase())
}

/// A trigger bumping `topic` after each `change` (`INSERT`, `UPDATE`, `DELETE`) of `table`:
/// per statement on Postgres, per row on SQLite. Later migrations watch their tables with it.
pub(crate) async fn create_trigger(
    db: &SchemaManagerConnection<'_>,
    postgres: bool,
    table: &str,
    topic: &str,
    change: &str,
) -> Result<(), DbErr> {
    let name = trigger_name(table, change);
    let sql = if postgres {
        format!(
            "CREATE TRIGGER {name} AFTER {change} ON {table} FOR EACH STATEMENT \
             EXECUTE FUNCTION bump_change_counter('{topic}')"
        )
    } else {
        format!(
            "CREATE TRIGGER {name} AFTER {change} ON {table} FOR EACH ROW BEGIN \
             UPDATE change_counters SET value = value + 1 WHERE topic = '{topic}'; END"
        )
    };
    db.execute_unprepared(&sql).await?;
    Ok(())
}

pub(crate) async fn drop_trigger(
    db: &SchemaManagerConnection<'_>,
    postgres: bool,
    table: &str,
    change: &str,
) -> Result<(), DbErr> {
    let name = trigger_name(table, change);
    let sql = if postgres {
        format!("DROP TRIGGER IF EXISTS {name} ON {table}")
    } else {
        format!("DROP TRIGGER IF EXISTS {name}")
    };
    db.execute_unprepared(&sql).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeCounters::Table)
                    .if_not_exists()
                    .col(string_len(ChangeCounters::Topic, 32).primary_key())
                    .col(big_integer(ChangeCounters::Value).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO change_counters (topic, value) VALUES ('catalog', 0), ('people', 0), ('sessions', 0)",
        )
        .await?;
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        if postgres {
            db.execute_unprepared(
                "CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE change_counters SET value = value + 1 WHERE topic = TG_ARGV[0]; \
                 RETURN NULL; END $$",
            )
            .await?;
        }
        for (table, topic, changes) in WATCHED {
            for change in changes {
                create_trigger(db, postgres, table, topic, change).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for (table, _, changes) in WATCHED {
            for change in changes {
                drop_trigger(db, postgres, table, change).await?;
            }
        }
        if postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS bump_change_counter()")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ChangeCounters::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChangeCounters {
    Table,
    Topic,
    Value,
}
