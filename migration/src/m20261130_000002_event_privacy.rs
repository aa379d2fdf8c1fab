//! lu.ma's privacy rules, stored: join links are dropped (never kept again), guests-only
//! addresses are marked (only their city is kept from now on), each event gets a random public
//! id for the addresses we publish (row ids can be counted through), and a run records how many
//! private events it left out.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_events_and_sync_runs::{Events, SyncRuns};

#[derive(DeriveMigrationName)]
pub struct Migration;

const PUBLIC_ID_INDEX: &str = "events_public_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            boolean(Privacy::AddressHidden).default(false).to_owned(),
            string_len_null(Privacy::PublicId, 32),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SyncRuns::Table)
                    .add_column(integer(Privacy::EventsSkippedPrivate).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE events SET meeting_url = NULL")
            .await?;
        // 96 random bits each, from the database's own generator.
        let backfill = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "UPDATE events SET public_id = substr(replace(gen_random_uuid()::text, '-', ''), 1, 24)"
            }
            _ => "UPDATE events SET public_id = lower(hex(randomblob(12)))",
        };
        db.execute_unprepared(backfill).await?;
        manager
            .create_index(
                Index::create()
                    .name(PUBLIC_ID_INDEX)
                    .table(Events::Table)
                    .col(Privacy::PublicId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(PUBLIC_ID_INDEX)
                    .table(Events::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Privacy::PublicId, Privacy::AddressHidden] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SyncRuns::Table)
                    .drop_column(Privacy::EventsSkippedPrivate)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Privacy {
    AddressHidden,
    PublicId,
    EventsSkippedPrivate,
}
