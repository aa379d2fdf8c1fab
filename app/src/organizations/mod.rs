//! Organizations and membership: the directory, each organization's page, and its member list.
//! Server functions live here, each authorizing itself; the pages are in the submodules.
//!
//! Access matrix (tested in `server/tests/api/access_matrix.rs`):
//!
//! | server function        | anonymous | signed in | member | admin elsewhere | org admin | site admin |
//! |------------------------|-----------|-----------|--------|-----------------|-----------|------------|
//! | list_organizations     | yes       | yes       | yes    | yes             | yes       | yes        |
//! | get_organization       | yes       | yes       | yes    | yes             | yes       | yes        |
//! | create_organization    | 401       | 403       | 403    | 403             | 403       | yes        |
//! | join_organization      | 401       | yes       | 409    | yes             | 409       | yes        |
//! | leave_organization     | 401       | 404       | yes    | 404             | 409 last  | 404        |
//! | list_members           | 401       | 403       | 403    | 403             | yes       | yes        |
//! | set_member_role        | 401       | 403       | 403    | 403             | yes       | yes        |
//! | remove_member          | 401       | 403       | 403    | 403             | yes       | yes        |
//!
//! "409" is the business rule answering (already a member; the last admin cannot leave), not a
//! permission: the caller was allowed to ask.

mod directory;
mod filter;
mod members;
mod page;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
pub use directory::DirectoryPage;
pub use filter::matches_filter;
pub use members::MembersPage;
pub use page::OrganizationPage;

/// One organization as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub member_count: i64,
    /// A lu.ma calendar is set, so the events page has something to show.
    pub calendar_connected: bool,
}

/// A member's role, as the browser sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberRole {
    Member,
    Admin,
}

/// An organization's page, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDetails {
    pub organization: OrganizationSummary,
    pub signed_in: bool,
    /// The viewer's own role there, if they are a member.
    pub viewer_role: Option<MemberRole>,
    /// Org admins and site admins manage members (and, later, settings).
    pub viewer_can_manage: bool,
}

/// One row of an organization's member list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: MemberRole,
}

#[cfg(feature = "ssr")]
pub(crate) use ssr::org_request;

#[cfg(feature = "ssr")]
mod ssr {
    use convene::access::{Actor, Role};
    use convene::store::memberships;
    use convene::store::organizations::{self, Organization};

    use super::{MemberRole, OrganizationSummary};
    use crate::auth::session;
    use crate::error::{AppError, respond_with};
    use crate::state::AppState;

    impl From<Role> for MemberRole {
        fn from(role: Role) -> Self {
            match role {
                Role::Member => MemberRole::Member,
                Role::Admin => MemberRole::Admin,
            }
        }
    }

    impl From<MemberRole> for Role {
        fn from(role: MemberRole) -> Self {
            match role {
                MemberRole::Member => Role::Member,
                MemberRole::Admin => Role::Admin,
            }
        }
    }

    /// Everything an organization-scoped server function decides with.
    pub struct OrgRequest {
        pub state: AppState,
        pub organization: Organization,
        pub actor: Option<Actor>,
        pub role: Option<Role>,
    }

    /// Loads the organization (404 when unknown), the caller and their role there.
    pub async fn org_request(slug: &str) -> Result<OrgRequest, AppError> {
        let state = AppState::current().map_err(respond_with)?;
        let actor = session::actor(&state).await.map_err(respond_with)?;
        let organization = organizations::find_by_slug(&state.db, slug.trim())
            .await
            .map_err(respond_with)?
            .ok_or_else(|| respond_with(AppError::NotFound("Organization".into())))?;
        let role = match actor {
            Some(actor) => memberships::role_of(&state.db, actor.user_id, organization.id)
                .await
                .map_err(respond_with)?,
            None => None,
        };
        Ok(OrgRequest {
            state,
            organization,
            actor,
            role,
        })
    }

    pub fn summary(org: Organization, member_count: i64) -> OrganizationSummary {
        OrganizationSummary {
            calendar_connected: org.calendar_source().shows_events(),
            slug: org.slug,
            name: org.name,
            description: org.description,
            member_count,
        }
    }
}

/// Every organization, alphabetically, with member counts (two queries, whatever the size).
#[server]
pub async fn list_organizations() -> Result<Vec<OrganizationSummary>, AppError> {
    use std::collections::HashMap;

    use convene::store::{memberships, organizations};

    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let all = organizations::list_all(&state.db)
        .await
        .map_err(respond_with)?;
    let counts: HashMap<i64, i64> = memberships::counts_by_organization(&state.db)
        .await
        .map_err(respond_with)?
        .into_iter()
        .collect();
    Ok(all
        .into_iter()
        .map(|org| {
            let count = counts.get(&org.id).copied().unwrap_or(0);
            ssr::summary(org, count)
        })
        .collect())
}

#[server]
pub async fn create_organization(
    slug: String,
    name: String,
    description: String,
) -> Result<(), AppError> {
    use convene::access::require_site_admin;
    use convene::store::organizations::{self, NewOrganization};

    use crate::auth::session;
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let actor = require_site_admin(session::actor(&state).await.map_err(respond_with)?)
        .map_err(respond_with)?;
    let new = NewOrganization::parse(&slug, &name, &description).map_err(respond_with)?;
    let org = organizations::create_with_admin(&state.db, new, actor.user_id)
        .await
        .map_err(respond_with)?;
    tracing::info!(user_id = actor.user_id, org = %org.slug, "organization created");
    leptos_axum::redirect(&format!("/orgs/{}", org.slug));
    Ok(())
}

#[server]
pub async fn get_organization(slug: String) -> Result<OrganizationDetails, AppError> {
    use convene::access::Role;
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    let count = memberships::count(&request.state.db, request.organization.id)
        .await
        .map_err(respond_with)?;
    let viewer_can_manage =
        request.actor.is_some_and(|actor| actor.is_site_admin) || request.role == Some(Role::Admin);
    Ok(OrganizationDetails {
        organization: ssr::summary(
            request.organization,
            i64::try_from(count).unwrap_or(i64::MAX),
        ),
        signed_in: request.actor.is_some(),
        viewer_role: request.role.map(MemberRole::from),
        viewer_can_manage,
    })
}

#[server]
pub async fn join_organization(slug: String) -> Result<(), AppError> {
    use convene::access::{Role, require_signed_in};
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    let actor = require_signed_in(request.actor).map_err(respond_with)?;
    memberships::add(
        &request.state.db,
        actor.user_id,
        request.organization.id,
        Role::Member,
    )
    .await
    .map_err(respond_with)?;
    tracing::info!(user_id = actor.user_id, org = %request.organization.slug, "joined");
    Ok(())
}

#[server]
pub async fn leave_organization(slug: String) -> Result<(), AppError> {
    use convene::access::require_signed_in;
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    let actor = require_signed_in(request.actor).map_err(respond_with)?;
    memberships::remove(&request.state.db, actor.user_id, request.organization.id)
        .await
        .map_err(respond_with)?;
    tracing::info!(user_id = actor.user_id, org = %request.organization.slug, "left");
    Ok(())
}

#[server]
pub async fn list_members(slug: String) -> Result<Vec<MemberRow>, AppError> {
    use convene::access::require_org_admin;
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    require_org_admin(request.actor, request.role).map_err(respond_with)?;
    let members = memberships::list(&request.state.db, request.organization.id)
        .await
        .map_err(respond_with)?;
    Ok(members
        .into_iter()
        .map(|member| MemberRow {
            user_id: member.user_id,
            display_name: member.display_name,
            email: member.email,
            role: member.role.into(),
        })
        .collect())
}

#[server]
pub async fn set_member_role(slug: String, user_id: i64, role: MemberRole) -> Result<(), AppError> {
    use convene::access::require_org_admin;
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    let actor = require_org_admin(request.actor, request.role).map_err(respond_with)?;
    memberships::set_role(
        &request.state.db,
        user_id,
        request.organization.id,
        role.into(),
    )
    .await
    .map_err(respond_with)?;
    tracing::info!(
        by = actor.user_id,
        user_id,
        org = %request.organization.slug,
        role = ?role,
        "member role changed"
    );
    Ok(())
}

#[server]
pub async fn remove_member(slug: String, user_id: i64) -> Result<(), AppError> {
    use convene::access::require_org_admin;
    use convene::store::memberships;

    use crate::error::respond_with;

    let request = ssr::org_request(&slug).await?;
    let actor = require_org_admin(request.actor, request.role).map_err(respond_with)?;
    memberships::remove(&request.state.db, user_id, request.organization.id)
        .await
        .map_err(respond_with)?;
    tracing::info!(by = actor.user_id, user_id, org = %request.organization.slug, "member removed");
    Ok(())
}
