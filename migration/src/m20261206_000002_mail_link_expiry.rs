//! Account mail carries a single-use link, which `/admin/mail` never shows (issue #26): it
//! shows the link's kind and until when it works, kept beside the message as
//! `link_expires_at` (empty for mail without such a link).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000007_mail::MailOutbox;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(timestamp_with_time_zone_null(Mail::LinkExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .drop_column(Mail::LinkExpiresAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Mail {
    LinkExpiresAt,
}
