//! An organization's iCal feed, for calendars imported without an API key: the feed's URL, the
//! validators of its last answer (for conditional GET), and the zone its events show in when
//! the feed gives only UTC times.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            string_len_null(Organization::IcalUrl, 2000),
            string_len_null(Organization::IcalEtag, 300),
            string_len_null(Organization::IcalLastModified, 100),
            string_len_null(Organization::DisplayTimezone, 64),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organizations::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Organization::DisplayTimezone,
            Organization::IcalLastModified,
            Organization::IcalEtag,
            Organization::IcalUrl,
        ] {
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
    IcalUrl,
    IcalEtag,
    IcalLastModified,
    DisplayTimezone,
}
