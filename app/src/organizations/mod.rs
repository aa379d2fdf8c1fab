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
//! | follow_organization    | 401       | yes       | 409    | yes             | 409       | yes        |
//! | request_membership     | 401       | yes       | 409    | yes             | 409       | yes        |
//! | leave_organization     | 401       | 404       | yes    | 404             | 409 last  | 404        |
//! | list_members           | 401       | 403       | 403    | 403             | yes       | yes        |
//! | set_member_role        | 401       | 403       | 403    | 403             | yes       | yes        |
//! | remove_member          | 401       | 403       | 403    | 403             | yes       | yes        |
//! | get_membership_settings| 401       | 403       | 403    | 403             | yes       | yes        |
//! | answer_membership_request | 401    | 403       | 403    | 403             | 404 none  | 404 none   |
//! | save_join_policy       | 401       | 403       | 403    | 403             | yes       | yes        |
//! | create_invitation      | 401       | 403       | 403    | 403             | yes       | yes        |
//! | withdraw_invitation    | 401       | 403       | 403    | 403             | 404 none  | 404 none   |
//! | accept_invitation      | 401       | 422       | 422    | 422             | 422       | 422        |
//!
//! "409" is the business rule answering (already following or a member; the last admin cannot
//! leave), not a permission: the caller was allowed to ask. Following and asking to join need a
//! confirmed address (422 otherwise); the matrix's people have confirmed theirs.

mod directory;
mod filter;
mod invitation;
mod members;
mod page;

use leptos::prelude::*;

use crate::error::AppError;
pub use convene_types::Role;
pub use convene_types::views::{
    JoinOffer, MemberRow, MembershipSettings, OrganizationDetails, OrganizationSummary, Standing,
};
pub use directory::DirectoryPage;
pub use filter::matches_filter;
pub use invitation::InvitationPage;
pub use members::MembersPage;
pub use page::OrganizationPage;

#[cfg(feature = "ssr")]
pub(crate) use ssr::org_request;

#[cfg(feature = "ssr")]
mod ssr {
    use convene::read_models::organizations::{self, OrgRequest};

    use crate::auth::session;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The signed-in caller's account (401 when signed out).
    pub async fn signed_in_person(
        state: &AppState,
        request: &OrgRequest,
    ) -> Result<convene::store::users::User, AppError> {
        let actor = request.viewer.require_signed_in()?;
        Ok(convene::store::users::find_by_id(&state.db, actor.user_id)
            .await?
            .ok_or(convene::Error::NotSignedIn)?)
    }

    /// The request's state, and the organization with the caller (404 when unknown).
    pub async fn org_request(slug: &str) -> Result<(AppState, OrgRequest), AppError> {
        let state = AppState::current()?;
        let actor = session::actor(&state).await?;
        let request = organizations::org_request(&state.db, slug, actor).await?;
        Ok((state, request))
    }
}

/// Every organization, alphabetically, with member counts (two queries, whatever the size).
#[server]
pub async fn list_organizations() -> Result<Vec<OrganizationSummary>, AppError> {
    let state = crate::state::AppState::current()?;
    let directory =
        convene::read_models::organizations::directory(&state.db, state.reads().await?).await?;
    Ok(Vec::clone(&directory))
}

#[server]
pub async fn create_organization(
    slug: String,
    name: String,
    description: String,
) -> Result<(), AppError> {
    use convene::rules::access::require_site_admin;
    use convene::store::organizations::{self, NewOrganization};

    use leptos::server_fn::ServerFn;

    use crate::auth::session;
    use crate::state::AppState;

    let created = async {
        let state = AppState::current()?;
        let actor = require_site_admin(session::actor(&state).await?)?;
        let new = NewOrganization::parse(&slug, &name, &description)?;
        let org = organizations::create_with_admin(&state.db, new, actor.user_id).await?;
        tracing::info!(user_id = actor.user_id, org = %org.slug, "organization created");
        leptos_axum::redirect(&format!("/orgs/{}", org.slug));
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(
        created,
        CreateOrganization::PATH,
        &[
            ("slug", slug.as_str()),
            ("name", name.as_str()),
            ("description", description.as_str()),
        ],
    )
}

#[server]
pub async fn get_organization(slug: String) -> Result<OrganizationDetails, AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    Ok(convene::read_models::organizations::details(
        &state.db,
        &state.site,
        &request,
        chrono::Utc::now(),
    )
    .await?)
}

/// Follows the organization (its public events), for anyone with a confirmed address.
#[server]
pub async fn follow_organization(slug: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let person = ssr::signed_in_person(&state, &request).await?;
    convene::accounts::joining::follow(&state.db, &person, &request.organization).await?;
    tracing::info!(user_id = person.id, org = %request.organization.slug, "followed");
    Ok(())
}

/// Asks to become a member: a request for the admins, or membership at once for an address at
/// the organization's member domain.
#[server]
pub async fn request_membership(slug: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let person = ssr::signed_in_person(&state, &request).await?;
    let outcome = convene::accounts::joining::request_to_join(
        &state.db,
        &person,
        &request.organization,
        &state.site,
        chrono::Utc::now(),
    )
    .await?;
    tracing::info!(user_id = person.id, org = %request.organization.slug, ?outcome, "asked to join");
    Ok(())
}

/// Leaves the organization (following or membership), and withdraws a waiting request.
#[server]
pub async fn leave_organization(slug: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_signed_in()?;
    convene::accounts::joining::leave(
        &state.db,
        actor.user_id,
        request.organization.id,
        request.viewer.role,
    )
    .await?;
    tracing::info!(user_id = actor.user_id, org = %request.organization.slug, "left");
    Ok(())
}

/// The members page's data: members, followers, requests, policy and invitation links.
#[server]
pub async fn get_membership_settings(slug: String) -> Result<MembershipSettings, AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    request.viewer.require_admin()?;
    Ok(convene::read_models::organizations::membership_settings(
        &state.db,
        state.refresher.importer().secret_key(),
        &state.site,
        &request.organization,
        chrono::Utc::now(),
    )
    .await?)
}

/// An admin approves (`approve=true`) or declines a request to join.
#[server]
pub async fn answer_membership_request(
    slug: String,
    user_id: i64,
    approve: bool,
) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    convene::accounts::joining::answer_request(
        &state.db,
        &request.organization,
        user_id,
        approve,
        &state.site,
        chrono::Utc::now(),
    )
    .await?;
    tracing::info!(by = actor.user_id, user_id, approve, org = %request.organization.slug, "request to join answered");
    Ok(())
}

/// How the organization takes members: on request or by invitation only, and a member domain.
#[server]
pub async fn save_join_policy(
    slug: String,
    policy: String,
    member_domain: String,
) -> Result<(), AppError> {
    use convene::Error;
    use convene_types::{InputField, JoinPolicy};

    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    let policy: JoinPolicy = policy.parse().map_err(|err: convene_types::ParseError| {
        Error::invalid(InputField::JoinPolicy, err.to_string())
    })?;
    let domain = convene::accounts::joining::parse_member_domain(&member_domain)?;
    convene::accounts::joining::set_policy(
        &state.db,
        request.organization.id,
        policy,
        domain.clone(),
    )
    .await?;
    tracing::info!(by = actor.user_id, org = %request.organization.slug, %policy, domain = domain.as_deref().unwrap_or(""), "join policy saved");
    Ok(())
}

/// A new invitation link, good for `days` days and `uses` people.
#[server]
pub async fn create_invitation(slug: String, days: String, uses: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    let terms = convene::accounts::joining::InvitationTerms::parse(&days, &uses)?;
    let invitation = convene::accounts::joining::create_invitation(
        &state.db,
        state.refresher.importer().secret_key(),
        &state.site,
        &request.organization,
        actor.user_id,
        terms,
        chrono::Utc::now(),
    )
    .await?;
    tracing::info!(by = actor.user_id, org = %request.organization.slug, invitation = invitation.id, "invitation created");
    Ok(())
}

#[server]
pub async fn withdraw_invitation(slug: String, invitation_id: i64) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    convene::accounts::joining::withdraw_invitation(
        &state.db,
        request.organization.id,
        invitation_id,
    )
    .await?;
    tracing::info!(by = actor.user_id, org = %request.organization.slug, invitation = invitation_id, "invitation withdrawn");
    Ok(())
}

/// Accepts an invitation link: the signed-in person (confirmed address) becomes a member.
#[server]
pub async fn accept_invitation(slug: String, invitation: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let person = ssr::signed_in_person(&state, &request).await?;
    convene::accounts::joining::accept_invitation(
        &state.db,
        state.refresher.importer().secret_key(),
        &person,
        &request.organization,
        &invitation,
        chrono::Utc::now(),
    )
    .await?;
    tracing::info!(user_id = person.id, org = %request.organization.slug, "invitation accepted");
    leptos_axum::redirect(&format!("/orgs/{}", request.organization.slug));
    Ok(())
}

#[server]
pub async fn list_members(slug: String) -> Result<Vec<MemberRow>, AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    request.viewer.require_admin()?;
    Ok(convene::read_models::organizations::members(&state.db, &request.organization).await?)
}

#[server]
pub async fn set_member_role(slug: String, user_id: i64, role: Role) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    convene::store::memberships::set_role(&state.db, user_id, request.organization.id, role)
        .await?;
    tracing::info!(
        by = actor.user_id,
        user_id,
        org = %request.organization.slug,
        %role,
        "member role changed"
    );
    Ok(())
}

#[server]
pub async fn remove_member(slug: String, user_id: i64) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_admin()?;
    convene::store::memberships::remove(&state.db, user_id, request.organization.id).await?;
    tracing::info!(by = actor.user_id, user_id, org = %request.organization.slug, "member removed");
    Ok(())
}
