//! Queries and writes for organizations.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::rules::access::Role;
use crate::store::memberships;
use convene_types::InputField;

use crate::error::{Error, is_unique_violation};
use crate::store::entities::organization;
use crate::text::slug::Slug;

pub use organization::Model as Organization;

/// The longest organization name we accept; it must fit a card title.
pub const NAME_MAX_CHARS: usize = 120;
pub const DESCRIPTION_MAX_CHARS: usize = 2_000;

/// The slug part of the lu.ma organization key's webhook address (`/webhooks/luma/network`),
/// which no organization may take.
pub const NETWORK_WEBHOOK_SLUG: &str = "network";

/// A new organization, already checked: build it with [`NewOrganization::parse`].
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub slug: Slug,
    pub name: String,
    pub description: String,
}

impl NewOrganization {
    /// Trims every field and checks it; errors name the field.
    pub fn parse(slug: &str, name: &str, description: &str) -> Result<Self, Error> {
        let slug = Slug::parse(InputField::Slug, slug)?;
        if slug.as_str() == NETWORK_WEBHOOK_SLUG {
            return Err(Error::invalid(
                InputField::Slug,
                "is kept for the address of lu.ma's organization webhooks; choose another",
            ));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(InputField::Name, "must not be empty"));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(Error::invalid(
                InputField::Name,
                format!("must be at most {NAME_MAX_CHARS} characters"),
            ));
        }
        let description = description.trim();
        if description.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(Error::invalid(
                InputField::Description,
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
            ));
        }
        Ok(Self {
            slug,
            name: name.to_owned(),
            description: description.to_owned(),
        })
    }
}

/// Every organization, alphabetically by name (the directory order people expect).
pub async fn list_all(db: &impl ConnectionTrait) -> Result<Vec<Organization>, Error> {
    Ok(organization::Entity::find()
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?)
}

/// The organizations these words name, each a slug or a name (any case), by name. A picker
/// sends slugs; someone typing into it without choosing sends a name. Unknown words are skipped.
pub async fn matching(
    db: &impl ConnectionTrait,
    words: &[String],
) -> Result<Vec<Organization>, Error> {
    use sea_orm::Condition;
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let lowered: Vec<String> = words
        .iter()
        .map(|word| word.trim().to_lowercase())
        .collect();
    Ok(organization::Entity::find()
        .filter(
            Condition::any()
                .add(organization::Column::Slug.is_in(lowered.iter().cloned()))
                .add(Expr::expr(Func::lower(Expr::col(organization::Column::Name))).is_in(lowered)),
        )
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?)
}

/// Every organization's slug and name, by name: what a picker offers. Two text columns, so
/// listing hundreds stays cheap (a full row decodes a dozen mostly empty columns).
pub async fn choices(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, Error> {
    Ok(organization::Entity::find()
        .select_only()
        .column(organization::Column::Slug)
        .column(organization::Column::Name)
        .order_by_asc(organization::Column::Name)
        .order_by_asc(organization::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<Organization>, Error> {
    Ok(organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// Creates the organization and makes `creator_id` its first admin, in one transaction.
pub async fn create_with_admin(
    db: &DatabaseConnection,
    new: NewOrganization,
    creator_id: i64,
) -> Result<Organization, Error> {
    let txn = crate::store::begin_write(db).await?;
    let org = create(&txn, new).await?;
    memberships::add(&txn, creator_id, org.id, Role::Admin).await?;
    txn.commit().await?;
    Ok(org)
}

/// What connecting an organization to its lu.ma calendar stores. The key arrives sealed.
#[derive(Debug, Clone)]
pub struct LumaConnection {
    pub calendar_url: Option<String>,
    pub calendar_id: Option<String>,
    pub calendar_name: Option<String>,
    pub sealed_api_key: Option<String>,
    pub api_key_last_four: Option<String>,
}

pub async fn connect_luma(
    db: &impl ConnectionTrait,
    organization_id: i64,
    connection: LumaConnection,
) -> Result<Organization, Error> {
    let org = organization::Entity::find_by_id(organization_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("Organization".into()))?;
    let mut row: organization::ActiveModel = org.into();
    row.luma_calendar_url = Set(connection.calendar_url);
    row.luma_calendar_id = Set(connection.calendar_id);
    row.luma_calendar_name = Set(connection.calendar_name);
    row.luma_api_key_sealed = Set(connection.sealed_api_key);
    row.luma_api_key_last_four = Set(connection.api_key_last_four);
    Ok(row.update(db).await?)
}

pub async fn count(db: &impl ConnectionTrait) -> Result<u64, Error> {
    Ok(organization::Entity::find().count(db).await?)
}

/// Inserts the organization; a taken slug is a [`Error::Conflict`] naming the `slug` field.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewOrganization,
) -> Result<Organization, Error> {
    let slug = new.slug.to_string();
    let row = organization::ActiveModel {
        slug: Set(slug.clone()),
        name: Set(new.name),
        description: Set(new.description),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if is_unique_violation(&err) {
            Error::Conflict {
                field: InputField::Slug,
                message: format!("{slug} is already taken"),
            }
        } else {
            Error::Database(err)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_store;
    use convene_types::InputField;

    #[test]
    fn parse_trims_and_names_the_bad_field() {
        let org = NewOrganization::parse(" rust-oslo ", "  Rust Oslo ", " Meetups ").unwrap();
        assert_eq!(org.slug.as_str(), "rust-oslo");
        assert_eq!(org.name, "Rust Oslo");
        assert_eq!(org.description, "Meetups");

        let err = NewOrganization::parse("ok-slug", "   ", "").unwrap_err();
        assert_eq!(err.to_string(), "name: must not be empty");
        let err = NewOrganization::parse("ok-slug", &"n".repeat(121), "").unwrap_err();
        assert!(err.to_string().starts_with("name: must be at most"));
        let err = NewOrganization::parse("Bad Slug", "Name", "").unwrap_err();
        assert!(err.to_string().starts_with("slug: "));
    }

    #[tokio::test]
    async fn create_then_list_sorted_by_name() {
        let store = fresh_store().await;
        for (slug, name) in [("zz-group", "Zeta Group"), ("aa-group", "Alpha Group")] {
            create(store.db(), NewOrganization::parse(slug, name, "").unwrap())
                .await
                .unwrap();
        }
        let names: Vec<_> = list_all(store.db())
            .await
            .unwrap()
            .into_iter()
            .map(|org| org.name)
            .collect();
        assert_eq!(names, ["Alpha Group", "Zeta Group"]);
        assert_eq!(count(store.db()).await.unwrap(), 2);
    }

    #[tokio::test]
    async fn duplicate_slug_is_a_conflict_and_writes_nothing() {
        let store = fresh_store().await;
        let new = NewOrganization::parse("same", "First", "").unwrap();
        create(store.db(), new.clone()).await.unwrap();
        let err = create(store.db(), new).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Conflict {
                    field: InputField::Slug,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(count(store.db()).await.unwrap(), 1);
    }
}
