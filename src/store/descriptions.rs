//! Event descriptions, each distinct text stored once per organization (issue #27): the
//! occurrences of a series, and events copied from one another, point to one row. Texts no
//! event points to any more are deleted by the housekeeping.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::store::entities::{event, event_description};
use crate::store::events::Event;

/// Ids or digests per statement: well under every backend's limit on bound values.
const PER_STATEMENT: usize = 500;
/// Texts inserted per statement (each at most [`crate::rules::bounds::DESCRIPTION_MAX_BYTES`]).
const INSERTED_PER_STATEMENT: usize = 100;

/// How a text is known in the store.
pub fn digest(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// Digests computed once per text in memory: the occurrences of a series share one copy of
/// their description, which is hashed once, not once per occurrence.
#[derive(Debug, Default)]
pub struct Digests(HashMap<(usize, usize), String>);

impl Digests {
    pub fn of(&mut self, text: &str) -> String {
        self.0
            .entry((text.as_ptr() as usize, text.len()))
            .or_insert_with(|| digest(text))
            .clone()
    }
}

/// The row ids of these texts for the organization, by digest; texts not yet stored are
/// stored. Run inside the write transaction that points events to them.
pub async fn intern<'a>(
    db: &impl ConnectionTrait,
    organization_id: i64,
    bodies: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, i64>, Error> {
    let mut digests = Digests::default();
    let mut by_digest: HashMap<String, &str> = HashMap::new();
    for body in bodies {
        by_digest.entry(digests.of(body)).or_insert(body);
    }
    let digests: Vec<&String> = by_digest.keys().collect();
    let mut ids = stored_ids(db, organization_id, &digests).await?;
    let missing: Vec<event_description::ActiveModel> = by_digest
        .iter()
        .filter(|(digest, _)| !ids.contains_key(*digest))
        .map(|(digest, body)| event_description::ActiveModel {
            organization_id: sea_orm::ActiveValue::Set(organization_id),
            digest: sea_orm::ActiveValue::Set(digest.clone()),
            body: sea_orm::ActiveValue::Set((*body).to_owned()),
            ..Default::default()
        })
        .collect();
    if missing.is_empty() {
        return Ok(ids);
    }
    let missing_digests: Vec<String> = missing
        .iter()
        .filter_map(|row| match &row.digest {
            sea_orm::ActiveValue::Set(digest) => Some(digest.clone()),
            _ => None,
        })
        .collect();
    for chunk in missing.chunks(INSERTED_PER_STATEMENT) {
        // Another writer may have stored the same text meanwhile: theirs is as good.
        event_description::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([
                event_description::Column::OrganizationId,
                event_description::Column::Digest,
            ])
            .exec(db)
            .await?;
    }
    let digests: Vec<&String> = missing_digests.iter().collect();
    ids.extend(stored_ids(db, organization_id, &digests).await?);
    Ok(ids)
}

async fn stored_ids(
    db: &impl ConnectionTrait,
    organization_id: i64,
    digests: &[&String],
) -> Result<HashMap<String, i64>, Error> {
    let mut ids = HashMap::with_capacity(digests.len());
    for chunk in digests.chunks(PER_STATEMENT) {
        let rows: Vec<(String, i64)> = event_description::Entity::find()
            .select_only()
            .column(event_description::Column::Digest)
            .column(event_description::Column::Id)
            .filter(event_description::Column::OrganizationId.eq(organization_id))
            .filter(event_description::Column::Digest.is_in(chunk.iter().map(|d| d.as_str())))
            .into_tuple()
            .all(db)
            .await?;
        ids.extend(rows);
    }
    Ok(ids)
}

/// The digests of stored texts, by row id.
pub async fn digests(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, Error> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(PER_STATEMENT) {
        let rows: Vec<(i64, String)> = event_description::Entity::find()
            .select_only()
            .column(event_description::Column::Id)
            .column(event_description::Column::Digest)
            .filter(event_description::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The descriptions of some events, each read once however many events share it.
#[derive(Debug, Default, Clone)]
pub struct Descriptions(HashMap<i64, String>);

impl Descriptions {
    /// Texts by description id, as the store would give them.
    pub fn from_texts(texts: HashMap<i64, String>) -> Self {
        Self(texts)
    }

    /// The event's description, unless it has none or only blanks.
    pub fn of(&self, event: &Event) -> Option<&str> {
        event
            .description_id
            .and_then(|id| self.0.get(&id))
            .map(String::as_str)
            .filter(|text| !text.trim().is_empty())
    }

    /// These and `more`'s (another read of other events).
    pub fn extend(&mut self, more: Descriptions) {
        self.0.extend(more.0);
    }

    /// Bytes held: what a cache of these weighs.
    pub fn bytes(&self) -> usize {
        self.0.values().map(String::len).sum()
    }
}

/// The descriptions of `events`; with `cut`, each only its first `cut` characters, cut in the
/// store, so a long list never holds more than it will show.
pub async fn of_events(
    db: &impl ConnectionTrait,
    events: &[Event],
    cut: Option<u32>,
) -> Result<Descriptions, Error> {
    let ids: Vec<i64> = events
        .iter()
        .filter_map(|event| event.description_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(PER_STATEMENT) {
        let body = Expr::col(event_description::Column::Body);
        let body = match cut {
            // An `int` each: Postgres has no SUBSTR taking a `bigint` length.
            Some(cut) => Func::cust("SUBSTR")
                .arg(body)
                .arg(1_i32)
                .arg(i32::try_from(cut).unwrap_or(i32::MAX))
                .into(),
            None => body,
        };
        let rows: Vec<(i64, String)> = event_description::Entity::find()
            .select_only()
            .column(event_description::Column::Id)
            .column_as(body, "body")
            .filter(event_description::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(Descriptions(found))
}

/// One event's description, unless it has none or only blanks.
pub async fn of_event(db: &impl ConnectionTrait, event: &Event) -> Result<Option<String>, Error> {
    let Some(id) = event.description_id else {
        return Ok(None);
    };
    Ok(event_description::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|row| row.body)
        .filter(|text| !text.trim().is_empty()))
}

/// Deletes the texts no event points to any more (after an edit, or once their events were
/// purged); returns how many.
pub async fn forget_unused(db: &impl ConnectionTrait) -> Result<u64, Error> {
    let used = event::Entity::find()
        .select_only()
        .column(event::Column::DescriptionId)
        .filter(event::Column::DescriptionId.is_not_null())
        .into_query();
    Ok(event_description::Entity::delete_many()
        .filter(event_description::Column::Id.not_in_subquery(used))
        .exec(db)
        .await?
        .rows_affected)
}

/// The bytes of those texts the organization does not store yet (each counted once).
pub async fn unstored_bytes<'a>(
    db: &impl ConnectionTrait,
    organization_id: i64,
    bodies: impl IntoIterator<Item = &'a str>,
) -> Result<u64, Error> {
    let mut digests = Digests::default();
    let mut by_digest: HashMap<String, u64> = HashMap::new();
    for body in bodies {
        by_digest.insert(digests.of(body), body.len() as u64);
    }
    let digests: Vec<&String> = by_digest.keys().collect();
    let stored = stored_ids(db, organization_id, &digests).await?;
    Ok(by_digest
        .iter()
        .filter(|(digest, _)| !stored.contains_key(*digest))
        .map(|(_, bytes)| bytes)
        .sum())
}

#[cfg(test)]
mod tests {
    use migration::MigratorTrait;
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;
    use crate::store;

    /// Stores as they were before descriptions moved to their own table keep every text, once
    /// per organization.
    #[tokio::test]
    async fn the_migration_moves_each_text_once_and_points_events_to_it() {
        let url = crate::testing::fresh_database_url().await;
        let db = store::connect(&url).await.unwrap();
        // Every migration before the one that moves the texts (later ones follow it).
        let before = migration::Migrator::migrations()
            .iter()
            .position(|step| step.name() == "m20261206_000004_event_descriptions")
            .unwrap();
        let before = u32::try_from(before).unwrap();
        store::apply_migrations(&db, Some(before)).await.unwrap();
        let backend = db.get_database_backend();
        for statement in [
            "INSERT INTO organizations (slug, name, description, created_at) VALUES ('a', 'A', '', CURRENT_TIMESTAMP)",
            "INSERT INTO organizations (slug, name, description, created_at) VALUES ('b', 'B', '', CURRENT_TIMESTAMP)",
        ] {
            db.execute_unprepared(statement).await.unwrap();
        }
        let texts = [
            (1, "e1", Some("Shared")),
            (1, "e2", Some("Shared")),
            (1, "e3", Some("Own")),
            (1, "e4", None),
            (2, "e5", Some("Shared")),
        ];
        for (org, id, text) in texts {
            let sql = format!(
                "INSERT INTO events (organization_id, source, external_id, title, description_md, start_at, end_at, timezone, location_type, visibility, tags, content_hash, synced_at, all_day, address_hidden, cross_listed, description_pending) \
                 VALUES ({org}, 'ical', '{id}', 'T', {}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'UTC', 'unknown', 'public', '[]', '', CURRENT_TIMESTAMP, false, false, false, false)",
                text.map_or("NULL".to_owned(), |t| format!("'{t}'"))
            );
            db.execute_raw(Statement::from_string(backend, sql))
                .await
                .unwrap();
        }
        store::migrate(&db).await.unwrap();

        let events = event::Entity::find().all(&db).await.unwrap();
        let text_of = |external: &str| {
            events
                .iter()
                .find(|e| e.external_id == external)
                .unwrap()
                .description_id
        };
        assert_eq!(text_of("e1"), text_of("e2"), "one text for both");
        assert_ne!(text_of("e1"), text_of("e3"));
        assert_ne!(
            text_of("e1"),
            text_of("e5"),
            "organizations never share texts"
        );
        assert_eq!(text_of("e4"), None);
        let bodies = of_events(&db, &events, None).await.unwrap();
        for (external, text) in [("e1", "Shared"), ("e3", "Own"), ("e5", "Shared")] {
            let event = events.iter().find(|e| e.external_id == external).unwrap();
            assert_eq!(bodies.of(event), Some(text));
        }
        assert_eq!(
            event_description::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .len(),
            3
        );
        // Cut in the store to the characters asked for, not bytes.
        let cut = of_events(&db, &events, Some(3)).await.unwrap();
        let shared = events.iter().find(|e| e.external_id == "e1").unwrap();
        assert_eq!(cut.of(shared), Some("Sha"));
    }
}
