//! A first import stores lu.ma's list pages at once and fetches descriptions afterwards
//! (issue #16): an event waits for its description with `description_pending`, and a run counts
//! the descriptions it wanted and got, for the settings panel's progress.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_events_and_sync_runs::{Events, SyncRuns};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(boolean(Later::DescriptionPending).default(false))
                    .to_owned(),
            )
            .await?;
        for column in [Later::DescriptionsWanted, Later::DescriptionsFetched] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncRuns::Table)
                        .add_column(integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Later::DescriptionsWanted, Later::DescriptionsFetched] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SyncRuns::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Later::DescriptionPending)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Later {
    DescriptionPending,
    DescriptionsWanted,
    DescriptionsFetched,
}
