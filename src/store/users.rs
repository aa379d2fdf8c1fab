//! Users: creating accounts and finding them.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::accounts::{DisplayName, Email, Password};
use crate::error::{Error, is_unique_violation};
use crate::store::entities::user;
use convene_types::InputField;

pub use user::Model as User;

/// A new account, with every field already parsed.
#[derive(Debug)]
pub struct NewUser {
    pub email: Email,
    pub display_name: DisplayName,
    pub password: Password,
    pub is_site_admin: bool,
}

/// Creates the account, its address confirmed: an operator (or demo mode) vouches for it. People
/// signing up go through `accounts::links::sign_up`, which confirms by mail. A taken email is a
/// [`Error::Conflict`] on `email`.
pub async fn create(db: &impl ConnectionTrait, new: NewUser) -> Result<User, Error> {
    let password_hash = new.password.hash_off_thread().await?;
    let row = user::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        is_site_admin: Set(new.is_site_admin),
        created_at: Set(Utc::now()),
        email_confirmed_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if is_unique_violation(&err) {
            Error::Conflict {
                field: InputField::Email,
                message: "an account with this email already exists".into(),
            }
        } else {
            Error::Database(err)
        }
    })
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<User>, Error> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?)
}

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, Error> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::testing::fresh_store;
    use convene_types::InputField;

    pub(crate) fn new_user(email: &str) -> NewUser {
        NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse("Ada").unwrap(),
            password: Password::parse_new("correct horse".into()).unwrap(),
            is_site_admin: false,
        }
    }

    #[tokio::test]
    async fn create_stores_a_hash_and_finds_by_normalised_email() {
        let store = fresh_store().await;
        let user = create(store.db(), new_user("Ada@Example.org"))
            .await
            .unwrap();
        assert_eq!(user.email, "ada@example.org");
        assert!(user.password_hash.starts_with("$argon2id$"));
        assert!(!user.password_hash.contains("correct horse"));
        let found = find_by_email(store.db(), &Email::parse(" ADA@example.ORG").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, user.id);
    }

    #[tokio::test]
    async fn duplicate_email_is_a_conflict_on_email() {
        let store = fresh_store().await;
        create(store.db(), new_user("ada@example.org"))
            .await
            .unwrap();
        let err = create(store.db(), new_user("ADA@example.org"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Conflict {
                    field: InputField::Email,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
