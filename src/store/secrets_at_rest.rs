//! Binding secrets sealed before they were bound to their row: each is opened and sealed again
//! for its place (`secrets::Purpose`), so a value copied elsewhere no longer opens. Runs at
//! start-up; idempotent (bound values are left alone).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::Error;
use crate::secrets::{Purpose, SecretKey, UNBOUND_PREFIX};
use crate::store::entities::{feed_token, organization};

/// Re-seals every unbound lu.ma key and feed token, and seals every feed address stored in
/// the clear; returns how many it bound or sealed.
pub async fn bind_legacy(db: &impl ConnectionTrait, key: &SecretKey) -> Result<u64, Error> {
    let mut bound = seal_feed_addresses(db, key).await?;
    let organizations = organization::Entity::find()
        .filter(organization::Column::LumaApiKeySealed.starts_with(UNBOUND_PREFIX))
        .all(db)
        .await?;
    for org in organizations {
        let Some(sealed) = org.luma_api_key_sealed.as_deref() else {
            continue;
        };
        let purpose = Purpose::LumaApiKey {
            organization_id: org.id,
        };
        let resealed = rebind(key, sealed, purpose)?;
        organization::ActiveModel {
            id: Set(org.id),
            luma_api_key_sealed: Set(Some(resealed)),
            ..Default::default()
        }
        .update(db)
        .await?;
        bound += 1;
    }
    let tokens = feed_token::Entity::find()
        .filter(feed_token::Column::TokenSealed.starts_with(UNBOUND_PREFIX))
        .all(db)
        .await?;
    for token in tokens {
        let purpose = Purpose::FeedToken {
            user_id: token.user_id,
        };
        let resealed = rebind(key, &token.token_sealed, purpose)?;
        feed_token::ActiveModel {
            user_id: Set(token.user_id),
            token_sealed: Set(resealed),
            ..Default::default()
        }
        .update(db)
        .await?;
        bound += 1;
    }
    Ok(bound)
}

/// Feed addresses from before they were sealed: each sealed for its organization, and the
/// plain copy emptied.
async fn seal_feed_addresses(db: &impl ConnectionTrait, key: &SecretKey) -> Result<u64, Error> {
    let organizations = organization::Entity::find()
        .filter(organization::Column::IcalUrlUnsealed.is_not_null())
        .all(db)
        .await?;
    let mut sealed = 0;
    for org in organizations {
        let Some(address) = org.ical_url_unsealed.as_deref() else {
            continue;
        };
        let mut row = organization::ActiveModel {
            id: Set(org.id),
            ical_url_unsealed: Set(None),
            ..Default::default()
        };
        // A stored address that no longer parses is dropped rather than kept in the clear; the
        // organization's next sync then says no feed is configured.
        match url::Url::parse(address) {
            Ok(url) => {
                let feed = crate::import::ical::connect::SealedFeed::seal(key, org.id, &url)?;
                row.ical_url_sealed = Set(Some(feed.sealed));
                row.ical_url_shown = Set(Some(feed.shown));
            }
            Err(err) => tracing::warn!(
                org = %org.slug,
                error = %err,
                "a stored feed address is not a URL: dropped instead of sealed"
            ),
        }
        row.update(db).await?;
        sealed += 1;
    }
    Ok(sealed)
}

fn rebind(key: &SecretKey, sealed: &str, purpose: Purpose) -> Result<String, Error> {
    let plain = key
        .open(sealed, purpose)
        .map_err(|err| Error::Internal(format!("an unbound secret cannot be opened: {err}")))?;
    key.seal(&plain, purpose)
        .map_err(|err| Error::Internal(format!("binding a secret failed: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::organizations::{self, LumaConnection, NewOrganization};
    use crate::testing::fresh_store;

    #[tokio::test]
    async fn unbound_keys_are_bound_to_their_organization_once() {
        let store = fresh_store().await;
        let key = SecretKey::generate();
        let mut ids = Vec::new();
        for slug in ["org-a", "org-b"] {
            let org =
                organizations::create(store.db(), NewOrganization::parse(slug, slug, "").unwrap())
                    .await
                    .unwrap();
            organizations::connect_luma(
                store.db(),
                org.id,
                LumaConnection {
                    calendar_url: None,
                    calendar_id: None,
                    calendar_name: None,
                    sealed_api_key: Some(key.seal_unbound(&format!("key-{slug}"))),
                    api_key_last_four: None,
                },
            )
            .await
            .unwrap();
            ids.push(org.id);
        }
        assert_eq!(bind_legacy(store.db(), &key).await.unwrap(), 2);
        assert_eq!(
            bind_legacy(store.db(), &key).await.unwrap(),
            0,
            "idempotent"
        );
        let a = organization::Entity::find_by_id(ids[0])
            .one(store.db())
            .await
            .unwrap()
            .unwrap();
        let sealed = a.luma_api_key_sealed.unwrap();
        assert!(!sealed.starts_with(UNBOUND_PREFIX));
        let own = Purpose::LumaApiKey {
            organization_id: ids[0],
        };
        let other = Purpose::LumaApiKey {
            organization_id: ids[1],
        };
        assert_eq!(key.open(&sealed, own).unwrap(), "key-org-a");
        assert!(
            key.open(&sealed, other).is_err(),
            "moved to another organization, it does not open"
        );
    }

    #[tokio::test]
    async fn feed_addresses_stored_in_the_clear_are_sealed_once() {
        let store = fresh_store().await;
        let key = SecretKey::generate();
        let org = organizations::create(
            store.db(),
            NewOrganization::parse("feed", "Feed", "").unwrap(),
        )
        .await
        .unwrap();
        let address = "https://calendar.google.com/calendar/ical/x/private-abc123/basic.ics";
        organization::ActiveModel {
            id: Set(org.id),
            ical_url_unsealed: Set(Some(address.to_owned())),
            ..Default::default()
        }
        .update(store.db())
        .await
        .unwrap();
        assert_eq!(bind_legacy(store.db(), &key).await.unwrap(), 1);
        assert_eq!(bind_legacy(store.db(), &key).await.unwrap(), 0, "once");
        let org = organization::Entity::find_by_id(org.id)
            .one(store.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(org.ical_url_unsealed, None);
        assert_eq!(
            org.ical_url_shown.as_deref(),
            Some("https://calendar.google.com/…")
        );
        let sealed = org.ical_url_sealed.unwrap();
        assert!(!sealed.contains("private-abc123"));
        let opened = crate::import::ical::connect::SealedFeed::open(&key, org.id, &sealed).unwrap();
        assert_eq!(opened.as_str(), address);
        assert!(
            crate::import::ical::connect::SealedFeed::open(&key, org.id + 1, &sealed).is_err(),
            "bound to its organization"
        );
    }
}
