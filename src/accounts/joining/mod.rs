//! How people become members (issue #26). Following is open to anyone with a confirmed address
//! and shows an organization's public events; membership (its members-only events too) comes
//! from the organization's admins: they approve a request, hand out an invitation link, name an
//! address domain whose owners join at once, or make someone a member directly. An account
//! whose address is not confirmed can do none of it.

use chrono::{DateTime, Utc};
use convene_types::{InputField, JoinPolicy, MailKind, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::Error;
use crate::error::is_unique_violation;
use crate::mail::compose::{self, Footer};
use crate::mail::outbox::{self, OutgoingMail};
use crate::store::entities::{membership, membership_request, user};
use crate::store::memberships;
use crate::store::organizations::Organization;
use crate::store::users::User;
use crate::{mail::member, site::PublicUrl};

/// Requests one person may have waiting across the network at once.
pub const PENDING_REQUESTS_MAX: u64 = 20;
/// The longest member domain (a DNS name).
const DOMAIN_MAX_CHARS: usize = 253;

const CONFIRM_FIRST: &str = "confirm your email address first: follow the link we sent you, or ask for a new one on your account page";

/// What asking to join did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinOutcome {
    /// A member now (an address at the member domain, or an invitation).
    Member,
    /// The request waits for the admins, who were mailed.
    Requested,
}

fn require_confirmed(person: &User) -> Result<(), Error> {
    if person.email_confirmed_at.is_none() {
        return Err(Error::invalid(InputField::Membership, CONFIRM_FIRST));
    }
    Ok(())
}

/// Follows the organization: its public events under "Your orgs", in digests and feeds.
pub async fn follow(
    db: &DatabaseConnection,
    person: &User,
    org: &Organization,
) -> Result<(), Error> {
    require_confirmed(person)?;
    memberships::add(db, person.id, org.id, Role::Follower).await
}

/// Whether `email` is at the organization's member domain (exactly, or a subdomain of it).
pub fn at_member_domain(org: &Organization, email: &str) -> bool {
    let Some(domain) = org.member_domain.as_deref() else {
        return false;
    };
    let Some((_, host)) = email.rsplit_once('@') else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Asks to become a member: at once for an address at the member domain, else a request the
/// admins answer (refused when the organization takes members by invitation only).
pub async fn request_to_join(
    db: &DatabaseConnection,
    person: &User,
    org: &Organization,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<JoinOutcome, Error> {
    require_confirmed(person)?;
    let current = memberships::role_of(db, person.id, org.id).await?;
    if current.is_some_and(Role::is_member) {
        return Err(Error::Conflict {
            field: InputField::Membership,
            message: "you are a member already".into(),
        });
    }
    if at_member_domain(org, &person.email) {
        let txn = crate::store::begin_write(db).await?;
        make_member(&txn, person.id, org.id).await?;
        txn.commit().await?;
        return Ok(JoinOutcome::Member);
    }
    if org.join_policy == JoinPolicy::Invitation {
        return Err(Error::invalid(
            InputField::Membership,
            format!(
                "{} takes members by invitation only: ask its admins for an invitation link",
                org.name
            ),
        ));
    }
    let waiting = membership_request::Entity::find()
        .filter(membership_request::Column::UserId.eq(person.id))
        .count(db)
        .await?;
    if waiting >= PENDING_REQUESTS_MAX {
        return Err(Error::invalid(
            InputField::Membership,
            format!(
                "you have {waiting} requests waiting; wait for their answers before asking more organizations"
            ),
        ));
    }
    let txn = crate::store::begin_write(db).await?;
    let inserted = membership_request::ActiveModel {
        organization_id: Set(org.id),
        user_id: Set(person.id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let request = match inserted {
        Ok(request) => request,
        Err(err) if is_unique_violation(&err) => {
            return Err(Error::Conflict {
                field: InputField::Membership,
                message: "your request is waiting for the admins' answer".into(),
            });
        }
        Err(err) => return Err(err.into()),
    };
    let members_url = site.link(&format!("/orgs/{}/members", org.slug));
    let why = format!(
        "You get this because you administer {} on Convene.",
        org.name
    );
    for admin in admins(&txn, org.id).await? {
        let Some(reader) = member::reader(&txn, admin).await? else {
            continue;
        };
        let footer = Footer {
            why: &why,
            links: vec![("Manage members", &members_url)],
        };
        outbox::enqueue(
            &txn,
            OutgoingMail {
                idempotency_key: format!("join-requested:{}:{admin}", request.id),
                kind: MailKind::JoinRequested,
                recipient: reader.email,
                user_id: Some(admin),
                content: compose::join_requested(
                    &reader.name,
                    &org.name,
                    &person.display_name,
                    &members_url,
                    footer,
                ),
                unsubscribe_url: None,
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(JoinOutcome::Requested)
}

/// Withdraws one's own waiting request; true when there was one.
pub async fn withdraw_request(
    db: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
) -> Result<bool, Error> {
    Ok(membership_request::Entity::delete_many()
        .filter(membership_request::Column::UserId.eq(user_id))
        .filter(membership_request::Column::OrganizationId.eq(organization_id))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Leaves the organization: a waiting request is withdrawn, and following or membership ends
/// (the last admin stays, [`memberships::remove`]). Not found when there was neither.
pub async fn leave(
    db: &DatabaseConnection,
    user_id: i64,
    organization_id: i64,
    role: Option<Role>,
) -> Result<(), Error> {
    let withdrawn = withdraw_request(db, user_id, organization_id).await?;
    if role.is_some() || !withdrawn {
        memberships::remove(db, user_id, organization_id).await?;
    }
    Ok(())
}

/// Whether the person's request to join the organization waits for an answer.
pub async fn is_pending(
    db: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
) -> Result<bool, Error> {
    Ok(membership_request::Entity::find()
        .filter(membership_request::Column::UserId.eq(user_id))
        .filter(membership_request::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
        .is_some())
}

/// One waiting request, as the members page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub asked_at: DateTime<Utc>,
}

/// The organization's waiting requests, oldest first.
pub async fn pending_requests(
    db: &impl ConnectionTrait,
    organization_id: i64,
) -> Result<Vec<PendingRequest>, Error> {
    Ok(membership_request::Entity::find()
        .filter(membership_request::Column::OrganizationId.eq(organization_id))
        .order_by_asc(membership_request::Column::CreatedAt)
        .find_also_related(user::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(request, person)| {
            let person = person?;
            Some(PendingRequest {
                user_id: person.id,
                display_name: person.display_name,
                email: person.email,
                asked_at: request.created_at,
            })
        })
        .collect())
}

/// An admin's answer to a waiting request: approved makes the person a member; either way the
/// request goes and the person is told (once).
pub async fn answer_request(
    db: &DatabaseConnection,
    org: &Organization,
    user_id: i64,
    approve: bool,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let txn = crate::store::begin_write(db).await?;
    let request = membership_request::Entity::find()
        .filter(membership_request::Column::UserId.eq(user_id))
        .filter(membership_request::Column::OrganizationId.eq(org.id))
        .one(&txn)
        .await?
        .ok_or_else(|| Error::NotFound("Request to join".into()))?;
    membership_request::Entity::delete_by_id(request.id)
        .exec(&txn)
        .await?;
    if approve {
        make_member(&txn, user_id, org.id).await?;
    }
    if let Some(reader) = member::reader(&txn, user_id).await? {
        let organization_url = site.link(&format!("/orgs/{}", org.slug));
        let why = format!(
            "You get this because you asked to join {} on Convene.",
            org.name
        );
        outbox::enqueue(
            &txn,
            OutgoingMail {
                idempotency_key: format!("join-answered:{}", request.id),
                kind: MailKind::JoinAnswered,
                recipient: reader.email,
                user_id: Some(user_id),
                content: compose::join_answered(
                    &reader.name,
                    &org.name,
                    approve,
                    &organization_url,
                    Footer {
                        why: &why,
                        links: Vec::new(),
                    },
                ),
                unsubscribe_url: None,
            },
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Makes the person a member: a follower is promoted, a stranger added; a member or admin stays
/// as they are. A waiting request is answered by it.
async fn make_member(
    txn: &impl ConnectionTrait,
    user_id: i64,
    organization_id: i64,
) -> Result<(), Error> {
    match memberships::role_of(txn, user_id, organization_id).await? {
        Some(Role::Follower) => {
            membership::Entity::update_many()
                .col_expr(membership::Column::Role, Expr::value(Role::Member.as_str()))
                .filter(membership::Column::UserId.eq(user_id))
                .filter(membership::Column::OrganizationId.eq(organization_id))
                .exec(txn)
                .await?;
        }
        Some(Role::Member | Role::Admin) => {}
        None => memberships::add(txn, user_id, organization_id, Role::Member).await?,
    }
    withdraw_request(txn, user_id, organization_id).await?;
    Ok(())
}

async fn admins(db: &impl ConnectionTrait, organization_id: i64) -> Result<Vec<i64>, Error> {
    memberships::admin_ids(db, organization_id).await
}

/// The member domain as stored: lower case, without a leading `@`; empty means none. Refused
/// unless it looks like a DNS name with a dot (`uni.example`), so it can never match everyone.
pub fn parse_member_domain(text: &str) -> Result<Option<String>, Error> {
    let domain = text.trim().trim_start_matches('@').to_ascii_lowercase();
    if domain.is_empty() {
        return Ok(None);
    }
    let refused = || {
        Error::invalid(
            InputField::MemberDomain,
            "must be an address domain like uni.example (letters, digits, dots and hyphens)",
        )
    };
    if domain.chars().count() > DOMAIN_MAX_CHARS || !domain.contains('.') {
        return Err(refused());
    }
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !labels_ok {
        return Err(refused());
    }
    Ok(Some(domain))
}

/// Saves how the organization takes members.
pub async fn set_policy(
    db: &impl ConnectionTrait,
    organization_id: i64,
    policy: JoinPolicy,
    member_domain: Option<String>,
) -> Result<(), Error> {
    use crate::store::entities::organization;
    organization::Entity::update_many()
        .col_expr(
            organization::Column::JoinPolicy,
            Expr::value(policy.as_str()),
        )
        .col_expr(
            organization::Column::MemberDomain,
            Expr::value(member_domain),
        )
        .filter(organization::Column::Id.eq(organization_id))
        .exec(db)
        .await?;
    Ok(())
}

mod invitations;
#[cfg(test)]
mod tests;

pub use invitations::{
    INVITATION_MAX_DAYS, INVITATION_MAX_USES, INVITATIONS_MAX, Invitation, InvitationTerms,
    accept_invitation, check_invitation, create_invitation, invitations, withdraw_invitation,
};
