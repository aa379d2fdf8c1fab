//! Binding secrets sealed before they were bound to their row: each is opened and sealed again
//! for its place (`secrets::Purpose`), so a value copied elsewhere no longer opens. Runs at
//! start-up; idempotent (bound values are left alone).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::Error;
use crate::secrets::{Purpose, SecretKey, UNBOUND_PREFIX};
use crate::store::entities::{feed_token, organization};

/// Re-seals every unbound lu.ma key and feed token; returns how many it bound.
pub async fn bind_legacy(db: &impl ConnectionTrait, key: &SecretKey) -> Result<u64, Error> {
    let mut bound = 0;
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
}
