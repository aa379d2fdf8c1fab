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

use crate::error::AppError;
pub use convene_types::Role;
pub use convene_types::views::{MemberRow, OrganizationDetails, OrganizationSummary};
pub use directory::DirectoryPage;
pub use filter::matches_filter;
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
    use convene::access::require_site_admin;
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
    Ok(convene::read_models::organizations::details(&state.db, &state.site, &request).await?)
}

#[server]
pub async fn join_organization(slug: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_signed_in()?;
    convene::store::memberships::add(
        &state.db,
        actor.user_id,
        request.organization.id,
        Role::Member,
    )
    .await?;
    tracing::info!(user_id = actor.user_id, org = %request.organization.slug, "joined");
    Ok(())
}

#[server]
pub async fn leave_organization(slug: String) -> Result<(), AppError> {
    let (state, request) = ssr::org_request(&slug).await?;
    let actor = request.viewer.require_signed_in()?;
    convene::store::memberships::remove(&state.db, actor.user_id, request.organization.id).await?;
    tracing::info!(user_id = actor.user_id, org = %request.organization.slug, "left");
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
