//! tower-sessions' `SessionStore` on our own database (one pool, one sqlx). Rows are keyed by
//! SHA-256 of the session id, so reading the table never yields a usable session cookie.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::error::is_unique_violation;
use crate::store::entities::session;

/// How many fresh ids `create` tries before giving up on (astronomically unlikely) collisions.
const CREATE_ATTEMPTS: usize = 3;

#[derive(Debug, Clone)]
pub struct SeaOrmSessionStore {
    db: DatabaseConnection,
}

impl SeaOrmSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes expired sessions; returns how many. Loading already ignores them.
    pub async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, sea_orm::DbErr> {
        Ok(session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}

fn id_hash(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn to_chrono(when: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(when.unix_timestamp(), when.nanosecond())
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// The key under which the app keeps the signed-in user's id in a session.
pub const USER_ID_KEY: &str = "user_id";

fn to_row(record: &Record) -> session_store::Result<session::ActiveModel> {
    let data = serde_json::to_string(&record.data)
        .map_err(|err| session_store::Error::Encode(err.to_string()))?;
    Ok(session::ActiveModel {
        id_hash: Set(id_hash(&record.id)),
        data: Set(data),
        expires_at: Set(to_chrono(record.expiry_date)),
        user_id: Set(record
            .data
            .get(USER_ID_KEY)
            .and_then(serde_json::Value::as_i64)),
    })
}

/// Ends every session of one account (a password reset: whoever else was signed in is not).
pub async fn delete_all_of_user(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
) -> Result<u64, sea_orm::DbErr> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

#[async_trait::async_trait]
impl SessionStore for SeaOrmSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        for _ in 0..CREATE_ATTEMPTS {
            match session::Entity::insert(to_row(record)?)
                .exec(&self.db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(err) if is_unique_violation(&err) => record.id = Id::default(),
                Err(err) => return Err(backend(err)),
            }
        }
        Err(backend("could not find an unused session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        session::Entity::insert(to_row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::IdHash)
                    .update_columns([
                        session::Column::Data,
                        session::Column::ExpiresAt,
                        session::Column::UserId,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(row) = session::Entity::find_by_id(id_hash(id))
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|err| session_store::Error::Decode(err.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at.timestamp())
            .map_err(|err| session_store::Error::Decode(err.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(id_hash(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_store;
    use sea_orm::PaginatorTrait;
    use tower_sessions::cookie::time::Duration;

    fn record(expires_in: Duration) -> Record {
        let mut data = std::collections::HashMap::new();
        data.insert("user_id".to_owned(), serde_json::json!(42));
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + expires_in,
        }
    }

    #[tokio::test]
    async fn create_save_load_delete_round_trip() {
        let store = fresh_store().await;
        let sessions = SeaOrmSessionStore::new(store.db().clone());
        let mut rec = record(Duration::hours(1));
        sessions.create(&mut rec).await.unwrap();
        let loaded = sessions.load(&rec.id).await.unwrap().unwrap();
        assert_eq!(loaded.data, rec.data);

        rec.data.insert("user_id".into(), serde_json::json!(7));
        sessions.save(&rec).await.unwrap();
        assert_eq!(
            sessions.load(&rec.id).await.unwrap().unwrap().data["user_id"],
            7
        );

        sessions.delete(&rec.id).await.unwrap();
        assert!(sessions.load(&rec.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn the_table_never_holds_the_session_id_itself() {
        let store = fresh_store().await;
        let sessions = SeaOrmSessionStore::new(store.db().clone());
        let mut rec = record(Duration::hours(1));
        sessions.create(&mut rec).await.unwrap();
        let rows = session::Entity::find().all(store.db()).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_ne!(rows[0].id_hash, rec.id.to_string());
        assert_eq!(rows[0].id_hash.len(), 64);
    }

    #[tokio::test]
    async fn expired_sessions_do_not_load_and_are_swept() {
        let store = fresh_store().await;
        let sessions = SeaOrmSessionStore::new(store.db().clone());
        let mut expired = record(Duration::seconds(-5));
        let mut live = record(Duration::hours(1));
        sessions.create(&mut expired).await.unwrap();
        sessions.create(&mut live).await.unwrap();
        assert!(sessions.load(&expired.id).await.unwrap().is_none());
        assert_eq!(sessions.delete_expired(Utc::now()).await.unwrap(), 1);
        assert_eq!(session::Entity::find().count(store.db()).await.unwrap(), 1);
    }
}
