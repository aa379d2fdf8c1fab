//! Seeing the network (issue #33): each event's city and coordinates (the clash radar compares
//! places; a guests-only address gives its city only), an organization's clash window, the
//! clashes its admins marked "we know", and the site admins' monthly network report switch.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;
use crate::m20261124_000001_create_accounts::Users;
use crate::m20261124_000002_create_events_and_sync_runs::Events;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [
            string_len_null(Event::City, 100),
            integer_null(Event::LatitudeE6),
            integer_null(Event::LongitudeE6),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .add_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(
                        integer(Organization::ClashWindowMinutes)
                            .default(120)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(User::NetworkReportMail).default(true).to_owned())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(KnownClashes::Table)
                    .if_not_exists()
                    .col(big_pk_auto(KnownClashes::Id))
                    .col(big_integer(KnownClashes::OrganizationId))
                    .col(big_integer(KnownClashes::EventId))
                    .col(big_integer(KnownClashes::OtherEventId))
                    .col(big_integer_null(KnownClashes::MarkedBy))
                    .col(timestamp_with_time_zone(KnownClashes::MarkedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnownClashes::Table, KnownClashes::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnownClashes::Table, KnownClashes::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(KnownClashes::Table, KnownClashes::OtherEventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("known_clashes_once")
                    .table(KnownClashes::Table)
                    .col(KnownClashes::EventId)
                    .col(KnownClashes::OtherEventId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(KnownClashes::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(User::NetworkReportMail)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organization::ClashWindowMinutes)
                    .to_owned(),
            )
            .await?;
        for column in [Event::City, Event::LatitudeE6, Event::LongitudeE6] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Event {
    City,
    LatitudeE6,
    LongitudeE6,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organization {
    ClashWindowMinutes,
}

#[derive(DeriveIden, Clone, Copy)]
enum User {
    NetworkReportMail,
}

#[derive(DeriveIden)]
enum KnownClashes {
    Table,
    Id,
    OrganizationId,
    EventId,
    OtherEventId,
    MarkedBy,
    MarkedAt,
}
