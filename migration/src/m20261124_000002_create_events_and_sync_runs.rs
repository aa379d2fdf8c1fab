//! The lu.ma import: each organization's calendar connection, the imported events, and a record
//! of every sync run.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Added to `organizations` one by one: SQLite alters one column per statement.
const ORGANIZATION_COLUMNS: [Organization; 8] = [
    Organization::LumaCalendarUrl,
    Organization::LumaCalendarId,
    Organization::LumaCalendarName,
    Organization::LumaApiKeySealed,
    Organization::LumaApiKeyLastFour,
    Organization::EventsLastSyncedAt,
    Organization::LastSyncOutcome,
    Organization::LastSyncMessage,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ORGANIZATION_COLUMNS {
            let definition = match column {
                Organization::EventsLastSyncedAt => timestamp_with_time_zone_null(column),
                Organization::LumaApiKeySealed | Organization::LastSyncMessage => text_null(column),
                _ => string_len_null(column, 300),
            };
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(definition)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Events::Id))
                    .col(big_integer(Events::OrganizationId))
                    .col(string_len(Events::Source, 16))
                    .col(string_len(Events::ExternalId, 200))
                    .col(text(Events::Title))
                    .col(text_null(Events::DescriptionMd))
                    .col(timestamp_with_time_zone(Events::StartAt))
                    .col(timestamp_with_time_zone(Events::EndAt))
                    .col(string_len(Events::Timezone, 64))
                    .col(text_null(Events::CoverUrl))
                    .col(text_null(Events::EventUrl))
                    .col(text_null(Events::LocationText))
                    .col(text_null(Events::MeetingUrl))
                    .col(string_len(Events::LocationType, 16))
                    .col(string_len(Events::Visibility, 32))
                    .col(text(Events::Tags))
                    .col(string_len(Events::ContentHash, 64))
                    .col(timestamp_with_time_zone(Events::SyncedAt))
                    .col(timestamp_with_time_zone_null(Events::RemovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Events::Table, Events::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("events_org_external_id_unique")
                    .table(Events::Table)
                    .col(Events::OrganizationId)
                    .col(Events::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The dashboard reads live events by time: partial indexes keep removed ones out.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX events_live_org_start ON events (organization_id, start_at) \
             WHERE removed_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX events_live_start ON events (start_at) WHERE removed_at IS NULL",
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SyncRuns::Table)
                    .if_not_exists()
                    .col(big_pk_auto(SyncRuns::Id))
                    .col(big_integer(SyncRuns::OrganizationId))
                    .col(string_len(SyncRuns::Trigger, 16))
                    .col(timestamp_with_time_zone(SyncRuns::StartedAt))
                    .col(timestamp_with_time_zone_null(SyncRuns::FinishedAt))
                    .col(string_len(SyncRuns::Outcome, 16))
                    .col(integer(SyncRuns::PagesFetched).default(0))
                    .col(integer(SyncRuns::EventsCreated).default(0))
                    .col(integer(SyncRuns::EventsUpdated).default(0))
                    .col(integer(SyncRuns::EventsRemoved).default(0))
                    .col(integer(SyncRuns::EventsUnchanged).default(0))
                    .col(integer(SyncRuns::RequestsMade).default(0))
                    .col(text_null(SyncRuns::ErrorMessage))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SyncRuns::Table, SyncRuns::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sync_runs_org_started")
                    .table(SyncRuns::Table)
                    .col(SyncRuns::OrganizationId)
                    .col(SyncRuns::StartedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SyncRuns::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Events::Table).to_owned())
            .await?;
        for column in ORGANIZATION_COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    LumaCalendarUrl,
    LumaCalendarId,
    LumaCalendarName,
    LumaApiKeySealed,
    LumaApiKeyLastFour,
    EventsLastSyncedAt,
    LastSyncOutcome,
    LastSyncMessage,
}

#[derive(DeriveIden)]
pub enum Events {
    Table,
    Id,
    OrganizationId,
    Source,
    ExternalId,
    Title,
    DescriptionMd,
    StartAt,
    EndAt,
    Timezone,
    CoverUrl,
    EventUrl,
    LocationText,
    MeetingUrl,
    LocationType,
    Visibility,
    Tags,
    ContentHash,
    SyncedAt,
    RemovedAt,
}

#[derive(DeriveIden)]
pub enum SyncRuns {
    Table,
    Id,
    OrganizationId,
    Trigger,
    StartedAt,
    FinishedAt,
    Outcome,
    PagesFetched,
    EventsCreated,
    EventsUpdated,
    EventsRemoved,
    EventsUnchanged,
    RequestsMade,
    ErrorMessage,
}
