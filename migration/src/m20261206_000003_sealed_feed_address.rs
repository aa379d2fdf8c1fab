//! An organization's iCal feed address often carries a private token (Google's "secret address
//! in iCal format"): it is sealed at rest like an API key (issue #27). `ical_url_sealed` holds
//! it sealed with the secret key, `ical_url_shown` what pages show of it (its host and "…").
//! The plain `ical_url` column is emptied at start-up, once each address is sealed (the
//! migration has no key to seal with).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            text_null(Organization::IcalUrlSealed),
            string_len_null(Organization::IcalUrlShown, 300),
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
        for column in [Organization::IcalUrlShown, Organization::IcalUrlSealed] {
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
    IcalUrlSealed,
    IcalUrlShown,
}
