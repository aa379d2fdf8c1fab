//! An organization's member list for its admins: promote, demote, remove.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{MemberRow, RemoveMember, Role, SetMemberRole, list_members};
use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;

#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let set_role = ServerAction::<SetMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let members = Resource::new(
        move || (slug.get(), set_role.version().get(), remove.version().get()),
        |(slug, ..)| list_members(slug),
    );
    let role_error = form_error(set_role);
    let remove_error = form_error(remove);

    view! {
        <Title text="Members" />
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=move || format!("/orgs/{}", slug.get())>"Back to the organization"</a>
            </p>
            <h1>"Members"</h1>
        </header>
        <p class="notice notice-error" role="alert" hidden=move || role_error.get().is_none() && remove_error.get().is_none()>
            {move || role_error.get().or(remove_error.get()).map(|e| e.to_string())}
        </p>
        <Transition fallback=|| view! { <p class="loading">"Loading members…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let members = members.await?;
                    Ok::<_, AppError>(view! {
                        <MemberTable members slug=slug.get_untracked() set_role remove />
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn MemberTable(
    members: Vec<MemberRow>,
    slug: String,
    set_role: ServerAction<SetMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|member| {
            let (new_role, label) = match member.role {
                Role::Admin => (Role::Member, "Make member"),
                Role::Member => (Role::Admin, "Make admin"),
            };
            let user_id = member.user_id.to_string();
            // Each form's children own their copies.
            let (role_slug, remove_slug) = (slug.clone(), slug.clone());
            let (role_user, remove_user) = (user_id.clone(), user_id.clone());
            view! {
                <tr data-user=user_id>
                    <td>{member.display_name}</td>
                    <td>{member.email}</td>
                    <td>
                        {match member.role {
                            Role::Admin => "Admin",
                            Role::Member => "Member",
                        }}
                    </td>
                    <td class="actions">
                        <ActionForm action=set_role>
                            <input type="hidden" name="slug" value=role_slug />
                            <input type="hidden" name="user_id" value=role_user />
                            <input type="hidden" name="role" value=new_role.as_str() />
                            <button type="submit" class="button button-secondary">{label}</button>
                        </ActionForm>
                        <ActionForm action=remove>
                            <input type="hidden" name="slug" value=remove_slug />
                            <input type="hidden" name="user_id" value=remove_user />
                            <button type="submit" class="button button-danger">"Remove"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="members">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
