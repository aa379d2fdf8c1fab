//! Memberships: joining and leaving organizations, and admins managing their members.
//! Rule: an organization always keeps at least one admin.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::Error;
use crate::error::is_unique_violation;
use crate::rules::access::Role;
use crate::store::entities::{event, membership, organization, user};
use convene_types::InputField;

const LAST_ADMIN: &str =
    "an organization keeps at least one admin: make another member admin first";
const UNCONFIRMED: &str = "this account's email address is not confirmed yet: only a confirmed address can be made a member or admin";

/// Whether the account's address is confirmed: only then can it be made a member or admin.
pub async fn is_confirmed(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, Error> {
    Ok(user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|person| person.email_confirmed_at.is_some()))
}

/// One member as an organization's member list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

/// The user's role in the organization, if they are a member.
pub async fn role_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
) -> Result<Option<Role>, Error> {
    Ok(membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .map(|m| m.role))
}

/// Adds the user with `role`; joining twice is a [`Error::Conflict`].
pub async fn add(
    db: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
    role: Role,
) -> Result<(), Error> {
    // A newcomer hears of events added from now on, not of every event already there.
    let newest_event: Option<i64> = event::Entity::find()
        .select_only()
        .column_as(event::Column::Id.max(), "newest")
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    membership::ActiveModel {
        user_id: Set(user_id),
        organization_id: Set(organization_id),
        role: Set(role),
        created_at: Set(Utc::now()),
        new_event_mail: Set(true),
        new_events_after_id: Set(newest_event.unwrap_or(0)),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|err| {
        if is_unique_violation(&err) {
            Error::Conflict {
                field: InputField::Membership,
                message: "already a member of this organization".into(),
            }
        } else {
            Error::Database(err)
        }
    })?;
    Ok(())
}

/// Removes the membership (leaving, or an admin removing someone), unless it is the last admin.
pub async fn remove(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
) -> Result<(), Error> {
    let txn = crate::store::begin_write(db).await?;
    lock_organization(&txn, organization_id).await?;
    let current = find(&txn, user_id, organization_id).await?;
    if current.role == Role::Admin && admin_count(&txn, organization_id).await? <= 1 {
        return Err(Error::Conflict {
            field: InputField::Role,
            message: LAST_ADMIN.into(),
        });
    }
    membership::Entity::delete_by_id(current.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Promotes or demotes a member; demoting the last admin is refused.
pub async fn set_role(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
    role: Role,
) -> Result<(), Error> {
    let txn = crate::store::begin_write(db).await?;
    lock_organization(&txn, organization_id).await?;
    let current = find(&txn, user_id, organization_id).await?;
    if role.is_member() && !is_confirmed(&txn, user_id).await? {
        return Err(Error::invalid(InputField::Role, UNCONFIRMED));
    }
    if current.role == Role::Admin
        && role != Role::Admin
        && admin_count(&txn, organization_id).await? <= 1
    {
        return Err(Error::Conflict {
            field: InputField::Role,
            message: LAST_ADMIN.into(),
        });
    }
    let mut row: membership::ActiveModel = current.into();
    row.role = Set(role);
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Members of the organization, admins first, then by name.
pub async fn list(db: &impl ConnectionTrait, organization_id: i64) -> Result<Vec<Member>, Error> {
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .find_also_related(user::Entity)
        .order_by_asc(membership::Column::Role)
        .all(db)
        .await?;
    let mut members = rows
        .into_iter()
        .filter_map(|(membership, user)| {
            let user = user?;
            Some(Member {
                user_id: user.id,
                display_name: user.display_name,
                email: user.email,
                role: membership.role,
            })
        })
        .collect::<Vec<_>>();
    members.sort_by(|a, b| {
        (b.role == Role::Admin)
            .cmp(&(a.role == Role::Admin))
            .then_with(|| {
                a.display_name
                    .to_lowercase()
                    .cmp(&b.display_name.to_lowercase())
            })
    });
    Ok(members)
}

/// How many members (and admins; not followers) each organization has, in one grouped query
/// (for the directory).
pub async fn counts_by_organization(db: &impl ConnectionTrait) -> Result<Vec<(i64, i64)>, Error> {
    Ok(membership::Entity::find()
        .filter(membership::Column::Role.ne(Role::Follower))
        .select_only()
        .column(membership::Column::OrganizationId)
        .column_as(membership::Column::Id.count(), "members")
        .group_by(membership::Column::OrganizationId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?)
}

/// The organizations the user belongs to, with their role in each, by organization name.
pub async fn organizations_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(organization::Model, Role)>, Error> {
    let rows = organization::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .order_by_asc(organization::Column::Name)
        .find_also_related(membership::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(org, membership)| membership.map(|m| (org, m.role)))
        .collect())
}

/// Members and admins of the organization (not followers).
pub async fn count(db: &impl ConnectionTrait, organization_id: i64) -> Result<u64, Error> {
    Ok(membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.ne(Role::Follower))
        .count(db)
        .await?)
}

async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
) -> Result<membership::Model, Error> {
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("Membership".into()))
}

/// The user ids of the organization's admins.
pub async fn admin_ids(db: &impl ConnectionTrait, organization_id: i64) -> Result<Vec<i64>, Error> {
    Ok(membership::Entity::find()
        .select_only()
        .column(membership::Column::UserId)
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.eq(Role::Admin))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

async fn admin_count(db: &impl ConnectionTrait, organization_id: i64) -> Result<u64, Error> {
    Ok(membership::Entity::find()
        .filter(membership::Column::OrganizationId.eq(organization_id))
        .filter(membership::Column::Role.eq(Role::Admin))
        .count(db)
        .await?)
}

/// On Postgres, two admins demoting each other at once must not both pass the "another admin
/// remains" check: lock the organization row for the transaction. SQLite already runs one
/// writer at a time.
async fn lock_organization(db: &impl ConnectionTrait, organization_id: i64) -> Result<(), Error> {
    if db.get_database_backend() == DbBackend::Postgres {
        organization::Entity::find_by_id(organization_id)
            .lock_exclusive()
            .one(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{DisplayName, Email, Password};
    use crate::store::organizations::{self, NewOrganization};
    use crate::store::users::{self, NewUser};
    use crate::testing::{TestStore, fresh_store};

    async fn user(store: &TestStore, name: &str) -> i64 {
        users::create(
            store.db(),
            NewUser {
                email: Email::parse(&format!("{}@example.org", name.to_lowercase())).unwrap(),
                display_name: DisplayName::parse(name).unwrap(),
                password: Password::parse_new("correct horse".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap()
        .id
    }

    async fn org(store: &TestStore, slug: &str) -> i64 {
        organizations::create(store.db(), NewOrganization::parse(slug, slug, "").unwrap())
            .await
            .unwrap()
            .id
    }

    #[tokio::test]
    async fn join_twice_is_a_conflict_and_roles_are_reported() {
        let store = fresh_store().await;
        let (ada, berlin) = (user(&store, "Ada").await, org(&store, "berlin").await);
        assert_eq!(role_of(store.db(), ada, berlin).await.unwrap(), None);
        add(store.db(), ada, berlin, Role::Member).await.unwrap();
        assert_eq!(
            role_of(store.db(), ada, berlin).await.unwrap(),
            Some(Role::Member)
        );
        let err = add(store.db(), ada, berlin, Role::Member)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Conflict {
                field: InputField::Membership,
                ..
            }
        ));
        assert_eq!(count(store.db(), berlin).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn the_last_admin_can_neither_leave_nor_be_demoted() {
        let store = fresh_store().await;
        let (ada, bob, berlin) = (
            user(&store, "Ada").await,
            user(&store, "Bob").await,
            org(&store, "berlin").await,
        );
        add(store.db(), ada, berlin, Role::Admin).await.unwrap();
        add(store.db(), bob, berlin, Role::Member).await.unwrap();

        let err = remove(store.db(), ada, berlin).await.unwrap_err();
        assert!(err.to_string().contains("at least one admin"), "{err}");
        let err = set_role(store.db(), ada, berlin, Role::Member)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("at least one admin"), "{err}");
        assert_eq!(
            role_of(store.db(), ada, berlin).await.unwrap(),
            Some(Role::Admin)
        );

        // With a second admin, the first may step down and leave.
        set_role(store.db(), bob, berlin, Role::Admin)
            .await
            .unwrap();
        set_role(store.db(), ada, berlin, Role::Member)
            .await
            .unwrap();
        remove(store.db(), ada, berlin).await.unwrap();
        assert_eq!(role_of(store.db(), ada, berlin).await.unwrap(), None);
    }

    #[tokio::test]
    async fn listing_puts_admins_first_and_counts_group_by_organization() {
        let store = fresh_store().await;
        let (zed, amy, berlin, lisbon) = (
            user(&store, "Zed").await,
            user(&store, "Amy").await,
            org(&store, "berlin").await,
            org(&store, "lisbon").await,
        );
        add(store.db(), amy, berlin, Role::Member).await.unwrap();
        add(store.db(), zed, berlin, Role::Admin).await.unwrap();
        add(store.db(), amy, lisbon, Role::Member).await.unwrap();
        let names: Vec<_> = list(store.db(), berlin)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.display_name, m.role))
            .collect();
        assert_eq!(
            names,
            [("Zed".into(), Role::Admin), ("Amy".into(), Role::Member)]
        );

        let mut counts = counts_by_organization(store.db()).await.unwrap();
        counts.sort();
        assert_eq!(counts, [(berlin, 2), (lisbon, 1)]);

        let amy_orgs: Vec<_> = organizations_of(store.db(), amy)
            .await
            .unwrap()
            .into_iter()
            .map(|(org, role)| (org.slug, role))
            .collect();
        assert_eq!(
            amy_orgs,
            [
                ("berlin".into(), Role::Member),
                ("lisbon".into(), Role::Member)
            ]
        );
    }

    #[tokio::test]
    async fn removing_someone_who_is_not_a_member_is_not_found() {
        let store = fresh_store().await;
        let (ada, berlin) = (user(&store, "Ada").await, org(&store, "berlin").await);
        let err = remove(store.db(), ada, berlin).await.unwrap_err();
        assert!(matches!(err, Error::NotFound(_)), "{err:?}");
    }
}
