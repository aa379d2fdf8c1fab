//! Cross-listed events: entries a calendar lists but another calendar (or site) manages (lu.ma's
//! `platform: external`), labelled as such on pages.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_events_and_sync_runs::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(boolean(Event::CrossListed).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Event::CrossListed)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Event {
    CrossListed,
}
