//! "Is this right?" (issue #32): once a month, an organization's admins get the next 30 days as
//! Convene imported them. `users.import_check_mail` switches it off (on `/account`, or by the
//! message's one-click link).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(User::ImportCheckMail).default(true).to_owned())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(User::ImportCheckMail)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    ImportCheckMail,
}
