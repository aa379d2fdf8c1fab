//! lu.ma organization keys (issue #32): one key for every calendar of a lu.ma organization.
//! `luma_networks` holds the key sealed like a calendar key; an organization connected through
//! one names it in `organizations.luma_network_id` (its own key, if any, still comes first).
//! Its webhooks (`/webhooks/luma/network`) are signed with `webhook_secret_sealed`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LumaNetworks::Table)
                    .if_not_exists()
                    .col(big_pk_auto(LumaNetworks::Id))
                    .col(text(LumaNetworks::ApiKeySealed))
                    .col(string_len(LumaNetworks::ApiKeyLastFour, 8))
                    .col(string_len_null(LumaNetworks::LumaApiBase, 300))
                    .col(timestamp_with_time_zone(LumaNetworks::CreatedAt))
                    .col(timestamp_with_time_zone_null(LumaNetworks::LastRunAt))
                    .col(string_len_null(LumaNetworks::LastOutcome, 16))
                    .col(text_null(LumaNetworks::LastMessage))
                    .col(text_null(LumaNetworks::WebhookSecretSealed))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(big_integer_null(Organization::LumaNetworkId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organization::LumaNetworkId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LumaNetworks::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    LumaNetworkId,
}

#[derive(DeriveIden)]
enum LumaNetworks {
    Table,
    Id,
    ApiKeySealed,
    ApiKeyLastFour,
    LumaApiBase,
    CreatedAt,
    LastRunAt,
    LastOutcome,
    LastMessage,
    WebhookSecretSealed,
}
