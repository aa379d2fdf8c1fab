//! How many bytes an organization's events take in the store, as the import's ceiling
//! ([`crate::import::sync::ORGANIZATION_BYTES_MAX`]) counts them: the text of each row plus a fixed
//! allowance for its other columns and index entries, and each distinct description once.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::Error;
use crate::import::luma::model::ImportedEvent;
use crate::store::entities::event;

/// What a row costs beyond its text: ids, times, hashes and its entries in the indexes
/// (measured on SQLite: see docs/performance.md's import benchmark).
pub const ROW_OVERHEAD: u64 = 400;

/// What an organization keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Rows, removed ones included until they are purged.
    pub events: u64,
    /// Counted bytes: rows and distinct descriptions.
    pub bytes: u64,
}

fn text_bytes(text: Option<&str>) -> u64 {
    text.map_or(0, |text| text.len() as u64)
}

/// The counted bytes of an event as a run would store it (its description apart).
pub fn of_imported(event: &ImportedEvent) -> u64 {
    let tags: u64 = event.tags.iter().map(|tag| tag.len() as u64 + 3).sum();
    ROW_OVERHEAD
        + text_bytes(Some(&event.external_id))
        + text_bytes(Some(&event.title))
        + text_bytes(Some(&event.timezone))
        + text_bytes(event.cover_url.as_deref())
        + text_bytes(event.event_url.as_deref())
        + text_bytes(event.location_text.as_deref())
        + tags
        + 2
}

/// The counted bytes of a stored event (its description apart), as [`of_imported`] counts.
pub fn of_stored(event: &event::Model) -> u64 {
    ROW_OVERHEAD
        + text_bytes(Some(&event.external_id))
        + text_bytes(Some(&event.title))
        + text_bytes(Some(&event.timezone))
        + text_bytes(event.cover_url.as_deref())
        + text_bytes(event.event_url.as_deref())
        + text_bytes(event.location_text.as_deref())
        + text_bytes(Some(&event.tags))
}

/// What the organization keeps now, in two aggregate statements.
pub async fn of_organization(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Usage, Error> {
    let backend = db.get_database_backend();
    // Bytes, not characters: SQLite's LENGTH counts characters of text.
    let bytes = |column: &str| match backend {
        DbBackend::Postgres => format!("COALESCE(OCTET_LENGTH({column}), 0)"),
        _ => format!("COALESCE(LENGTH(CAST({column} AS BLOB)), 0)"),
    };
    let parameter = match backend {
        DbBackend::Postgres => "$1",
        _ => "?",
    };
    let row_text = [
        "external_id",
        "title",
        "timezone",
        "cover_url",
        "event_url",
        "location_text",
        "tags",
    ]
    .map(bytes)
    .join(" + ");
    let events = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT COUNT(*) AS events, COALESCE(SUM({row_text}), 0) AS bytes \
                 FROM events WHERE organization_id = {parameter}"
            ),
            [organization_id.into()],
        ))
        .await?;
    let descriptions = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT COALESCE(SUM({}), 0) AS bytes FROM event_descriptions \
                 WHERE organization_id = {parameter}",
                bytes("body")
            ),
            [organization_id.into()],
        ))
        .await?;
    let number = |row: &Option<sea_orm::QueryResult>, column: &str| -> Result<u64, Error> {
        let Some(row) = row else { return Ok(0) };
        let value: i64 = row.try_get("", column)?;
        Ok(u64::try_from(value).unwrap_or(0))
    };
    let rows = number(&events, "events")?;
    Ok(Usage {
        events: rows,
        bytes: rows * ROW_OVERHEAD + number(&events, "bytes")? + number(&descriptions, "bytes")?,
    })
}
