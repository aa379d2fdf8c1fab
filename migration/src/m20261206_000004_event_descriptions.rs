//! A description is stored once per organization, however many events carry it (issue #27):
//! every occurrence of an hourly series used to keep its own copy, so a feed of ten series with
//! long descriptions stored hundreds of megabytes. `event_descriptions` holds each distinct text
//! once, by its SHA-256; `events.description_id` points to it. Existing descriptions move there
//! and `events.description_md` goes.

use sea_orm_migration::SchemaManagerConnection;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};
use sha2::{Digest, Sha256};

use crate::m20261123_000001_create_organizations::Organizations;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Events moved per statement batch.
const MOVED_PER_BATCH: u64 = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EventDescriptions::Table)
                    .if_not_exists()
                    .col(big_pk_auto(EventDescriptions::Id))
                    .col(big_integer(EventDescriptions::OrganizationId))
                    .col(string_len(EventDescriptions::Digest, 64))
                    .col(text(EventDescriptions::Body))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EventDescriptions::Table, EventDescriptions::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("event_descriptions_by_digest")
                    .table(EventDescriptions::Table)
                    .col(EventDescriptions::OrganizationId)
                    .col(EventDescriptions::Digest)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // A reference the store enforces (SQLite adds one only this way): a description deleted
        // while an event still points to it leaves that event without one, never dangling.
        db.execute_unprepared(
            "ALTER TABLE events ADD COLUMN description_id BIGINT \
             REFERENCES event_descriptions (id) ON DELETE SET NULL",
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("events_by_description")
                    .table(Events::Table)
                    .col(Events::DescriptionId)
                    .to_owned(),
            )
            .await?;
        move_descriptions(db).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::DescriptionMd)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .add_column(text_null(Events::DescriptionMd))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE events SET description_md = \
             (SELECT body FROM event_descriptions WHERE event_descriptions.id = events.description_id)",
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("events_by_description")
                    .table(Events::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Events::Table)
                    .drop_column(Events::DescriptionId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(EventDescriptions::Table).to_owned())
            .await
    }
}

/// Each stored description into `event_descriptions` (once per organization and text), its
/// events pointed to it; a batch at a time, so memory holds one batch whatever the store.
async fn move_descriptions(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let (p1, p2, p3) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3"),
        _ => ("?", "?", "?"),
    };
    let mut after: i64 = 0;
    loop {
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "SELECT id, organization_id, description_md FROM events \
                     WHERE description_md IS NOT NULL AND id > {p1} ORDER BY id LIMIT {MOVED_PER_BATCH}"
                ),
                [after.into()],
            ))
            .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("", "id")?;
        for row in rows {
            let id: i64 = row.try_get("", "id")?;
            let organization_id: i64 = row.try_get("", "organization_id")?;
            let body: String = row.try_get("", "description_md")?;
            let digest = hex::encode(Sha256::digest(body.as_bytes()));
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "INSERT INTO event_descriptions (organization_id, digest, body) \
                     VALUES ({p1}, {p2}, {p3}) ON CONFLICT (organization_id, digest) DO NOTHING"
                ),
                [organization_id.into(), digest.clone().into(), body.into()],
            ))
            .await?;
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "UPDATE events SET description_id = (SELECT id FROM event_descriptions \
                     WHERE organization_id = {p1} AND digest = {p2}) WHERE id = {p3}"
                ),
                [organization_id.into(), digest.into(), id.into()],
            ))
            .await?;
        }
    }
}

#[derive(DeriveIden)]
pub enum EventDescriptions {
    Table,
    Id,
    OrganizationId,
    Digest,
    Body,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    DescriptionMd,
    DescriptionId,
}
