//! Invitation links: an organization's admins hand one out for some days and some people; whoever
//! follows it (signed in, address confirmed) becomes a member. The link's token is the
//! invitation's id and a MAC under the secret key, so a link nobody issued opens nothing.

use chrono::{DateTime, Duration, Utc};
use convene_types::{InputField, Role};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

use crate::Error;
use crate::secrets::SecretKey;
use crate::site::PublicUrl;
use crate::store::entities::membership_invitation;
use crate::store::memberships;
use crate::store::organizations::Organization;
use crate::store::users::User;

use super::{make_member, require_confirmed};

/// Invitation links work for at most this many days, and this many people.
pub const INVITATION_MAX_DAYS: u32 = 90;
pub const INVITATION_MAX_USES: u32 = 500;

/// Open invitation links one organization may have at once.
pub const INVITATIONS_MAX: usize = 50;

/// An invitation link's terms, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationTerms {
    pub days: u32,
    pub uses: u32,
}

impl InvitationTerms {
    pub fn parse(days: &str, uses: &str) -> Result<Self, Error> {
        let number = |text: &str, max: u32, what: &str| {
            text.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    Error::invalid(
                        InputField::Invitation,
                        format!("{what} must be a whole number from 1 to {max}"),
                    )
                })
        };
        Ok(Self {
            days: number(days, INVITATION_MAX_DAYS, "the days it works")?,
            uses: number(uses, INVITATION_MAX_USES, "the number of people")?,
        })
    }
}

/// One open invitation, as its organization's admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: i64,
    pub link: String,
    pub expires_at: DateTime<Utc>,
    pub uses_left: i32,
}

const INVITATION_MAC_CONTEXT: &str = "convene/invitation";

/// 128 bits of the MAC: guessing one is out of reach.
const INVITATION_MAC_HEX_LEN: usize = 32;

fn invitation_token(key: &SecretKey, row: &membership_invitation::Model) -> String {
    let message = format!("{}.{}", row.id, row.nonce);
    let mac = hex::encode(key.mac(INVITATION_MAC_CONTEXT, &message));
    format!("{}.{}", row.id, &mac[..INVITATION_MAC_HEX_LEN])
}

fn invitation_of(
    key: &SecretKey,
    site: &PublicUrl,
    slug: &str,
    row: &membership_invitation::Model,
) -> Invitation {
    Invitation {
        id: row.id,
        link: site.link(&format!(
            "/orgs/{slug}/join?invitation={}",
            invitation_token(key, row)
        )),
        expires_at: row.expires_at,
        uses_left: row.uses_left,
    }
}

/// A new invitation link.
pub async fn create_invitation(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    site: &PublicUrl,
    org: &Organization,
    created_by: i64,
    terms: InvitationTerms,
    now: DateTime<Utc>,
) -> Result<Invitation, Error> {
    if open_invitations(db, org.id, now).await?.len() >= INVITATIONS_MAX {
        return Err(Error::invalid(
            InputField::Invitation,
            format!(
                "{INVITATIONS_MAX} invitation links are open already: withdraw one you no longer need"
            ),
        ));
    }
    let row = membership_invitation::ActiveModel {
        organization_id: Set(org.id),
        nonce: Set(crate::secrets::random_token()),
        created_by: Set(Some(created_by)),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(i64::from(terms.days))),
        uses_left: Set(i32::try_from(terms.uses).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(invitation_of(key, site, &org.slug, &row))
}

async fn open_invitations(
    db: &impl ConnectionTrait,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<membership_invitation::Model>, Error> {
    Ok(membership_invitation::Entity::find()
        .filter(membership_invitation::Column::OrganizationId.eq(organization_id))
        .filter(membership_invitation::Column::ExpiresAt.gt(now))
        .filter(membership_invitation::Column::UsesLeft.gt(0))
        .order_by_asc(membership_invitation::Column::ExpiresAt)
        .all(db)
        .await?)
}

/// The organization's invitation links that still work, soonest to expire first.
pub async fn invitations(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    site: &PublicUrl,
    org: &Organization,
    now: DateTime<Utc>,
) -> Result<Vec<Invitation>, Error> {
    Ok(open_invitations(db, org.id, now)
        .await?
        .iter()
        .map(|row| invitation_of(key, site, &org.slug, row))
        .collect())
}

/// Withdraws one of the organization's invitation links.
pub async fn withdraw_invitation(
    db: &impl ConnectionTrait,
    organization_id: i64,
    invitation_id: i64,
) -> Result<(), Error> {
    let gone = membership_invitation::Entity::delete_many()
        .filter(membership_invitation::Column::Id.eq(invitation_id))
        .filter(membership_invitation::Column::OrganizationId.eq(organization_id))
        .exec(db)
        .await?;
    if gone.rows_affected == 0 {
        return Err(Error::NotFound("Invitation".into()));
    }
    Ok(())
}

fn no_such_invitation() -> Error {
    Error::invalid(
        InputField::Invitation,
        "this invitation link does not work (it expired, was used up or withdrawn, or was copied wrong): ask the organization's admins for a new one",
    )
}

/// The invitation a link's token names, when its MAC holds and it still works.
async fn invitation_for(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    organization_id: i64,
    token: &str,
    now: DateTime<Utc>,
) -> Result<membership_invitation::Model, Error> {
    if token.len() > 64 {
        return Err(no_such_invitation());
    }
    let id: i64 = token
        .split_once('.')
        .and_then(|(id, _)| id.parse().ok())
        .ok_or_else(no_such_invitation)?;
    let row = membership_invitation::Entity::find_by_id(id)
        .filter(membership_invitation::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .ok_or_else(no_such_invitation)?;
    let expected = invitation_token(key, &row);
    if !crate::secrets::signatures_equal(token, &expected)
        || row.expires_at <= now
        || row.uses_left <= 0
    {
        return Err(no_such_invitation());
    }
    Ok(row)
}

/// Whether an invitation link would work now (its page offers to accept it, or says why not).
pub async fn check_invitation(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    organization_id: i64,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    invitation_for(db, key, organization_id, token, now)
        .await
        .map(|_| ())
}

/// Accepts an invitation: the person becomes a member and the link has one use fewer.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    key: &SecretKey,
    person: &User,
    org: &Organization,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    require_confirmed(person)?;
    let txn = crate::store::begin_write(db).await?;
    let row = invitation_for(&txn, key, org.id, token, now).await?;
    if memberships::role_of(&txn, person.id, org.id)
        .await?
        .is_some_and(Role::is_member)
    {
        return Ok(());
    }
    // Spent atomically: two people on the last use cannot both pass.
    let spent = membership_invitation::Entity::update_many()
        .col_expr(
            membership_invitation::Column::UsesLeft,
            Expr::col(membership_invitation::Column::UsesLeft).sub(1),
        )
        .filter(membership_invitation::Column::Id.eq(row.id))
        .filter(membership_invitation::Column::UsesLeft.gt(0))
        .exec(&txn)
        .await?;
    if spent.rows_affected == 0 {
        return Err(no_such_invitation());
    }
    make_member(&txn, person.id, org.id).await?;
    txn.commit().await?;
    Ok(())
}
