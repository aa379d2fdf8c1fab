//! What members receive (issue #17): each account's timezone and weekly digest day, each
//! membership's "new events" switch and how far it has been told, and whether an organization's
//! admins were told its import keeps failing (so recovery is told once too).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;
use crate::m20261124_000001_create_accounts::{Memberships, Users};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite takes one column per ALTER TABLE.
        for column in [
            string_len_null(User::Timezone, 64),
            boolean(User::DigestEnabled).default(true).to_owned(),
            // ISO weekday: 1 is Monday.
            small_integer(User::DigestWeekday).default(1).to_owned(),
            boolean(User::ImportAlertMail).default(true).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            boolean(Membership::NewEventMail).default(true).to_owned(),
            // Events with a higher id are news to this member (ids only grow).
            big_integer(Membership::NewEventsAfterId)
                .default(0)
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Memberships::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Members of today are not told of every event already imported.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE memberships SET new_events_after_id = (SELECT COALESCE(MAX(id), 0) FROM events)",
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(boolean(Organization::ImportAlerting).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organization::ImportAlerting)
                    .to_owned(),
            )
            .await?;
        for column in [Membership::NewEventMail, Membership::NewEventsAfterId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Memberships::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            User::Timezone,
            User::DigestEnabled,
            User::DigestWeekday,
            User::ImportAlertMail,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    Timezone,
    DigestEnabled,
    DigestWeekday,
    ImportAlertMail,
}

#[derive(DeriveIden, Clone, Copy)]
enum Membership {
    NewEventMail,
    NewEventsAfterId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    ImportAlerting,
}
