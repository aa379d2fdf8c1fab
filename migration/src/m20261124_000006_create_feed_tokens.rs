//! Personal feeds: each member's unguessable feed address. The token is kept as a SHA-256 (for
//! looking it up) and sealed (for showing it to its owner again), never in the clear.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FeedTokens::Table)
                    .if_not_exists()
                    .col(big_integer(FeedTokens::UserId).primary_key())
                    .col(string_len_uniq(FeedTokens::TokenHash, 64))
                    .col(text(FeedTokens::TokenSealed))
                    .col(timestamp_with_time_zone(FeedTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FeedTokens::Table, FeedTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FeedTokens::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum FeedTokens {
    Table,
    UserId,
    TokenHash,
    TokenSealed,
    CreatedAt,
}
