//! Why a sync run failed, by kind (configuration, lu.ma's answers, the feed, the store), so the
//! history and any alert can tell a revoked key from an unreachable feed. Older runs have none.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_events_and_sync_runs::SyncRuns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SyncRuns::Table)
                    .add_column(string_null(SyncRun::Failure))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SyncRuns::Table)
                    .drop_column(SyncRun::Failure)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SyncRun {
    Failure,
}
