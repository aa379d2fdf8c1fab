//! lu.ma webhooks (issue #32): an organization's signing secret, sealed like its API key, and the
//! deliveries received, one row per `webhook-id` (the unique index is what applies each once,
//! whichever replica receives it). A row waits with `applied_at` empty until its change is in the
//! store, so a delivery received just before a crash is applied after it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(text_null(Organization::LumaWebhookSecretSealed))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LumaWebhookDeliveries::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LumaWebhookDeliveries::Id))
                    .col(big_integer(LumaWebhookDeliveries::OrganizationId))
                    .col(string_len(LumaWebhookDeliveries::WebhookId, 128))
                    .col(timestamp_with_time_zone(LumaWebhookDeliveries::SentAt))
                    .col(timestamp_with_time_zone(LumaWebhookDeliveries::ReceivedAt))
                    .col(string_len(LumaWebhookDeliveries::Kind, 32))
                    .col(string_len_null(LumaWebhookDeliveries::EventId, 128))
                    .col(text(LumaWebhookDeliveries::Payload))
                    .col(timestamp_with_time_zone_null(
                        LumaWebhookDeliveries::ClaimedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        LumaWebhookDeliveries::AppliedAt,
                    ))
                    .col(string_len_null(LumaWebhookDeliveries::Outcome, 16))
                    .col(text_null(LumaWebhookDeliveries::Message))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                LumaWebhookDeliveries::Table,
                                LumaWebhookDeliveries::OrganizationId,
                            )
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("luma_webhook_deliveries_once")
                    .table(LumaWebhookDeliveries::Table)
                    .col(LumaWebhookDeliveries::OrganizationId)
                    .col(LumaWebhookDeliveries::WebhookId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("luma_webhook_deliveries_by_event")
                    .table(LumaWebhookDeliveries::Table)
                    .col(LumaWebhookDeliveries::OrganizationId)
                    .col(LumaWebhookDeliveries::EventId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LumaWebhookDeliveries::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organization::LumaWebhookSecretSealed)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    LumaWebhookSecretSealed,
}

#[derive(DeriveIden)]
enum LumaWebhookDeliveries {
    Table,
    Id,
    OrganizationId,
    WebhookId,
    SentAt,
    ReceivedAt,
    Kind,
    EventId,
    Payload,
    ClaimedAt,
    AppliedAt,
    Outcome,
    Message,
}
