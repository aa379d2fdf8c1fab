//! Personal feeds: `/feeds/<token>.ics` holds the events of every organization a member belongs
//! to, and the network's public events where their trips take them (`crate::places::trips`). The token is the only key, so it is long and random, stored hashed (for lookup) and sealed
//! (to show its owner again), and regenerating it revokes the old address at once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::publish::ics::{FEED_DESCRIPTION_CHARS, FEED_EVENTS_MAX, RECENT, events_since, render};
use crate::rules::visibility::Audience;
use crate::secrets::{SecretKey, random_token};
use crate::store::entities::feed_token;
use crate::store::{memberships, users};

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The member's feed token, created on first use.
pub async fn token(
    db: &impl ConnectionTrait,
    secret: &SecretKey,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    if let Some(row) = feed_token::Entity::find_by_id(user_id).one(db).await? {
        return secret
            .open(
                &row.token_sealed,
                crate::secrets::Purpose::FeedToken { user_id },
            )
            .map_err(|err| Error::Internal(format!("the feed token cannot be read: {err}")));
    }
    regenerate(db, secret, user_id, now).await
}

/// A new token for the member; the old address stops working.
pub async fn regenerate(
    db: &impl ConnectionTrait,
    secret: &SecretKey,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let token = random_token();
    let sealed = secret
        .seal(&token, crate::secrets::Purpose::FeedToken { user_id })
        .map_err(|err| Error::Internal(format!("sealing the feed token failed: {err}")))?;
    feed_token::Entity::insert(feed_token::ActiveModel {
        user_id: Set(user_id),
        token_hash: Set(token_hash(&token)),
        token_sealed: Set(sealed),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(feed_token::Column::UserId)
            .update_columns([
                feed_token::Column::TokenHash,
                feed_token::Column::TokenSealed,
                feed_token::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    tracing::info!(target: "audit", user_id, "personal feed address issued");
    Ok(token)
}

/// The member whose feed `token` opens; `None` for a token that is unknown or was replaced.
pub async fn owner_of(db: &impl ConnectionTrait, token: &str) -> Result<Option<i64>, Error> {
    Ok(feed_token::Entity::find()
        .filter(feed_token::Column::TokenHash.eq(token_hash(token)))
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// The member's feed: their organizations' upcoming and recent events.
pub async fn feed_of(
    db: &impl ConnectionTrait,
    user: &users::User,
    now: DateTime<Utc>,
) -> Result<String, Error> {
    let standings = memberships::organizations_of(db, user.id).await?;
    let organizations: Vec<i64> = standings.iter().map(|(org, _)| org.id).collect();
    // The organizations followed, and the members-only events of those the person is a member of.
    let audience = Audience::member_of(crate::rules::visibility::members_of(&standings));
    let (mut events, mut descriptions) =
        events_since(db, &organizations, &audience, now - RECENT).await?;
    // The network's public events where the member travels, during each trip.
    let travel: Vec<_> = crate::places::trips::public_events_during(db, user.id, now)
        .await?
        .into_iter()
        .filter(|event| !events.iter().any(|known| known.id == event.id))
        .collect();
    if !travel.is_empty() {
        descriptions.extend(
            crate::store::descriptions::of_events(db, &travel, Some(FEED_DESCRIPTION_CHARS))
                .await?,
        );
        events.extend(travel);
        events.sort_by_key(|event| (event.start_at, event.id));
        events.truncate(usize::try_from(FEED_EVENTS_MAX).unwrap_or(usize::MAX));
    }
    render(
        format!("Convene: {}'s organizations", user.display_name),
        events,
        descriptions,
    )
    .await
}

#[cfg(test)]
mod tests {
    /// The feed behind `token`, as `/feeds/<token>.ics` answers it.
    async fn feed_for_token(
        db: &impl ConnectionTrait,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, Error> {
        let Some(user_id) = owner_of(db, token).await? else {
            return Ok(None);
        };
        match users::find_by_id(db, user_id).await? {
            Some(user) => Ok(Some(feed_of(db, &user, now).await?)),
            None => Ok(None),
        }
    }

    use chrono::{Duration, TimeZone};
    use sea_orm::ActiveValue::Set;

    use super::*;
    use crate::accounts::{DisplayName, Email, Password};
    use crate::rules::access::Role;
    use crate::store::entities::event;
    use crate::store::organizations::{self, NewOrganization};
    use crate::testing::fresh_store;

    #[tokio::test]
    async fn a_token_opens_its_owners_organizations_until_it_is_replaced() {
        let store = fresh_store().await;
        let db = store.db();
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let user = users::create(
            db,
            users::NewUser {
                email: Email::parse("ada@example.org").unwrap(),
                display_name: DisplayName::parse("Ada").unwrap(),
                password: Password::parse_new("correct horse battery".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap();
        let mut orgs = Vec::new();
        for slug in ["mine", "theirs"] {
            let org = organizations::create(db, NewOrganization::parse(slug, slug, "").unwrap())
                .await
                .unwrap();
            let start = now + Duration::days(2);
            event::Entity::insert(event::ActiveModel {
                organization_id: Set(org.id),
                source: Set(convene_types::EventSource::Ical),
                external_id: Set(format!("{slug}-1")),
                title: Set(format!("Event of {slug}")),
                start_at: Set(start),
                end_at: Set(start + Duration::hours(2)),
                timezone: Set("UTC".into()),
                location_type: Set(convene_types::LocationType::Unknown),
                visibility: Set(convene_types::Visibility::Public),
                tags: Set("[]".into()),
                content_hash: Set(String::new()),
                synced_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await
            .unwrap();
            orgs.push(org);
        }
        memberships::add(db, user.id, orgs[0].id, Role::Member)
            .await
            .unwrap();
        let secret = SecretKey::generate();

        let first = token(db, &secret, user.id, now).await.unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(
            token(db, &secret, user.id, now).await.unwrap(),
            first,
            "stable"
        );
        let feed = feed_for_token(db, &first, now).await.unwrap().unwrap();
        assert!(feed.contains("SUMMARY:Event of mine"));
        assert!(
            !feed.contains("Event of theirs"),
            "only the member's organizations"
        );
        assert!(feed.contains("Ada's organizations"));

        let second = regenerate(db, &secret, user.id, now).await.unwrap();
        assert_ne!(first, second);
        assert_eq!(
            feed_for_token(db, &first, now).await.unwrap(),
            None,
            "revoked"
        );
        assert!(feed_for_token(db, &second, now).await.unwrap().is_some());
        assert_eq!(feed_for_token(db, "guess", now).await.unwrap(), None);
    }
}
