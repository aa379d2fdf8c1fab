//! Trips (issue #34): a member's stays in other cities (city, first and last day), private to
//! them, so the dashboard, the digest and their personal feed can offer the network's events
//! there while they travel; and the digest's place (`digest_near`, `digest_near_km`): its list of
//! the network's other events keeps those near that city. A change bumps the `people` counter: a personal feed kept in memory
//! includes the trips' events.

use sea_orm_migration::{prelude::*, schema::*};

use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::m20261124_000001_create_accounts::Users;
use crate::m20261130_000005_change_counters::{create_trigger, drop_trigger};

const CHANGES: [&str; 3] = ["INSERT", "UPDATE", "DELETE"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Trips::Table)
                    .if_not_exists()
                    .col(big_pk_auto(Trips::Id))
                    .col(big_integer(Trips::UserId))
                    .col(string_len(Trips::City, 100))
                    .col(date(Trips::StartsOn))
                    .col(date(Trips::EndsOn))
                    .col(timestamp_with_time_zone(Trips::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Trips::Table, Trips::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("trips_by_user")
                    .table(Trips::Table)
                    .col(Trips::UserId)
                    .col(Trips::EndsOn)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters one at a time.
        for column in [
            string_len_null(User::DigestNear, 100),
            integer(User::DigestNearKm).default(50).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for change in CHANGES {
            create_trigger(
                manager.get_connection(),
                postgres,
                "trips",
                "people",
                change,
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let postgres = manager.get_database_backend() == DatabaseBackend::Postgres;
        for change in CHANGES {
            drop_trigger(manager.get_connection(), postgres, "trips", change).await?;
        }
        for column in [User::DigestNear, User::DigestNearKm] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Trips::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Trips {
    Table,
    Id,
    UserId,
    City,
    StartsOn,
    EndsOn,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    DigestNear,
    DigestNearKm,
}
