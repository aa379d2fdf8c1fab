//! The directory, an organization's page and its member list.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use convene_types::views::{
    InvitationRow, JoinOffer, JoinRequestRow, MemberRow, MembershipSettings, OrganizationDetails,
    OrganizationSummary, Standing,
};
use convene_types::{JoinPolicy, Role};
use sea_orm::ConnectionTrait;

use crate::Error;
use crate::cache::CachedReads;
use crate::rules::access::{Actor, OrgViewer};
use crate::rules::visibility::Audience;
use crate::store::memberships;
use crate::store::organizations::{self, Organization};

/// An organization and the one looking at it: what every organization-scoped request starts
/// from.
#[derive(Debug, Clone)]
pub struct OrgRequest {
    pub organization: Organization,
    pub viewer: OrgViewer,
}

/// Loads the organization (not found when the slug names none) and the viewer's role there.
pub async fn org_request(
    db: &impl ConnectionTrait,
    slug: &str,
    actor: Option<Actor>,
) -> Result<OrgRequest, Error> {
    let organization = organizations::find_by_slug(db, slug.trim())
        .await?
        .ok_or_else(|| Error::NotFound("Organization".into()))?;
    let role = match actor {
        Some(actor) => memberships::role_of(db, actor.user_id, organization.id).await?,
        None => None,
    };
    Ok(OrgRequest {
        organization,
        viewer: OrgViewer { actor, role },
    })
}

pub fn summary(org: &Organization, member_count: i64) -> OrganizationSummary {
    OrganizationSummary {
        slug: org.slug.clone(),
        name: org.name.clone(),
        description: org.description.clone(),
        member_count,
        shows_events: org.calendar_source().shows_events(),
    }
}

/// Every organization, alphabetically, with member counts: two queries whatever the size, or
/// none while the caches' counters stand still.
pub async fn directory(
    db: &impl ConnectionTrait,
    reads: CachedReads<'_>,
) -> Result<Arc<Vec<OrganizationSummary>>, Error> {
    reads
        .caches
        .directory
        .get_or_read((), reads.directory_tag(), || async {
            Ok(Arc::new(read_directory(db).await?))
        })
        .await
}

async fn read_directory(db: &impl ConnectionTrait) -> Result<Vec<OrganizationSummary>, Error> {
    let all = organizations::list_all(db).await?;
    let counts: HashMap<i64, i64> = memberships::counts_by_organization(db)
        .await?
        .into_iter()
        .collect();
    Ok(all
        .iter()
        .map(|org| summary(org, counts.get(&org.id).copied().unwrap_or(0)))
        .collect())
}

/// The organization's page as this viewer sees it.
pub async fn details(
    db: &impl ConnectionTrait,
    site: &crate::site::PublicUrl,
    request: &OrgRequest,
    now: DateTime<Utc>,
) -> Result<OrganizationDetails, Error> {
    let org = &request.organization;
    let count = memberships::count(db, request.organization.id).await?;
    let viewer = match request.viewer.actor {
        Some(actor) => crate::store::users::find_by_id(db, actor.user_id).await?,
        None => None,
    };
    let requested = match &viewer {
        Some(person) => crate::accounts::joining::is_pending(db, person.id, org.id).await?,
        None => false,
    };
    let standing = match (&viewer, request.viewer.role) {
        (None, _) => Standing::SignedOut,
        (Some(person), _) if person.email_confirmed_at.is_none() => Standing::SignedOut,
        (Some(_), Some(Role::Admin)) => Standing::Admin,
        (Some(_), Some(Role::Member)) => Standing::Member,
        (Some(_), Some(Role::Follower)) => Standing::Follower { requested },
        (Some(_), None) => Standing::Visitor { requested },
    };
    let join_offer = match &viewer {
        Some(person) if crate::accounts::joining::at_member_domain(org, &person.email) => {
            JoinOffer::AtOnce
        }
        _ if org.join_policy == JoinPolicy::Invitation => JoinOffer::InvitationOnly,
        _ => JoinOffer::Request,
    };
    let clashes = if request.viewer.can_manage() {
        let audience = Audience::of(db, request.viewer.actor).await?;
        Some(crate::insights::clashes::radar(db, org, &audience, now).await?)
    } else {
        None
    };
    Ok(OrganizationDetails {
        clashes,
        organization: summary(
            &request.organization,
            i64::try_from(count).unwrap_or(i64::MAX),
        ),
        signed_in: request.viewer.actor.is_some(),
        standing,
        join_offer,
        viewer_can_manage: request.viewer.can_manage(),
        widget_snippet: crate::publish::widget::snippet(site, &org.slug, &org.name),
        widget_url: site.link(&format!("/embed/events?org={}", org.slug)),
    })
}

/// The member list (admins first); callers check that the viewer manages the organization.
pub async fn members(
    db: &impl ConnectionTrait,
    organization: &Organization,
) -> Result<Vec<MemberRow>, Error> {
    Ok(memberships::list(db, organization.id)
        .await?
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user_id,
            display_name: member.display_name,
            email: member.email,
            role: member.role,
        })
        .collect())
}

/// The members page: members and followers, waiting requests, how the organization takes
/// members and its open invitation links. Callers check that the viewer manages it.
pub async fn membership_settings(
    db: &impl ConnectionTrait,
    key: &crate::secrets::SecretKey,
    site: &crate::site::PublicUrl,
    organization: &Organization,
    now: DateTime<Utc>,
) -> Result<MembershipSettings, Error> {
    let requests = crate::accounts::joining::pending_requests(db, organization.id)
        .await?
        .into_iter()
        .map(|request| JoinRequestRow {
            user_id: request.user_id,
            display_name: request.display_name,
            email: request.email,
            asked: crate::text::timefmt::relative(
                request.asked_at,
                now,
                crate::i18n::Locale::English,
            ),
        })
        .collect();
    let invitations = crate::accounts::joining::invitations(db, key, site, organization, now)
        .await?
        .into_iter()
        .map(|invitation| InvitationRow {
            id: invitation.id,
            link: invitation.link,
            expires: crate::text::timefmt::absolute_utc(
                invitation.expires_at,
                crate::i18n::Locale::English,
            ),
            uses_left: invitation.uses_left,
        })
        .collect();
    Ok(MembershipSettings {
        members: members(db, organization).await?,
        requests,
        policy: organization.join_policy,
        member_domain: organization.member_domain.clone().unwrap_or_default(),
        invitations,
    })
}
