//! An organization's members page for its admins: requests to approve or decline, members and
//! followers (promote, demote, remove), how the organization takes members, invitation links.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    AnswerMembershipRequest, CreateInvitation, MemberRow, MembershipSettings, RemoveMember, Role,
    SaveJoinPolicy, SetMemberRole, WithdrawInvitation, get_membership_settings,
};
use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;
use convene_types::JoinPolicy;
use convene_types::views::{InvitationRow, JoinRequestRow};

/// The members page's actions, passed down together.
#[derive(Clone, Copy)]
struct Actions {
    set_role: ServerAction<SetMemberRole>,
    remove: ServerAction<RemoveMember>,
    answer: ServerAction<AnswerMembershipRequest>,
    policy: ServerAction<SaveJoinPolicy>,
    invite: ServerAction<CreateInvitation>,
    withdraw: ServerAction<WithdrawInvitation>,
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let actions = Actions {
        set_role: ServerAction::new(),
        remove: ServerAction::new(),
        answer: ServerAction::new(),
        policy: ServerAction::new(),
        invite: ServerAction::new(),
        withdraw: ServerAction::new(),
    };
    let settings = Resource::new(
        move || {
            (
                slug.get(),
                actions.set_role.version().get(),
                actions.remove.version().get(),
                actions.answer.version().get(),
                actions.policy.version().get(),
                actions.invite.version().get(),
                actions.withdraw.version().get(),
            )
        },
        |(slug, ..)| get_membership_settings(slug),
    );
    let errors = [
        form_error(actions.set_role),
        form_error(actions.remove),
        form_error(actions.answer),
        form_error(actions.policy),
        form_error(actions.invite),
        form_error(actions.withdraw),
    ];
    let error = move || {
        errors
            .iter()
            .find_map(|error| error.get())
            .map(|e| e.to_string())
    };

    view! {
        <Title text="Members" />
        <header class="page-intro">
            <p class="breadcrumb">
                <a href=move || format!("/orgs/{}", slug.get())>"Back to the organization"</a>
            </p>
            <h1>"Members"</h1>
        </header>
        <p class="notice notice-error" role="alert" hidden=move || error().is_none()>
            {error}
        </p>
        <Transition fallback=|| view! { <p class="loading">"Loading members…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let settings = settings.await?;
                    Ok::<
                        _,
                        AppError,
                    >(view! { <MembershipView settings slug=slug.get_untracked() actions /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn MembershipView(settings: MembershipSettings, slug: String, actions: Actions) -> impl IntoView {
    view! {
        <Requests requests=settings.requests slug=slug.clone() actions />
        <MemberTable members=settings.members slug=slug.clone() actions />
        <JoiningForm
            policy=settings.policy
            member_domain=settings.member_domain
            slug=slug.clone()
            actions
        />
        <Invitations invitations=settings.invitations slug actions />
    }
}

#[component]
fn Requests(requests: Vec<JoinRequestRow>, slug: String, actions: Actions) -> impl IntoView {
    if requests.is_empty() {
        return view! {
            <section aria-labelledby="requests-heading">
                <h2 id="requests-heading">"Requests to join"</h2>
                <p>"No one is waiting."</p>
            </section>
        }
        .into_any();
    }
    let rows = requests
        .into_iter()
        .map(|request| {
            let (slug, user_id) = (slug.clone(), request.user_id.to_string());
            let answer = move |approve: bool, label: &'static str, class: &'static str| {
                let (slug, user_id) = (slug.clone(), user_id.clone());
                view! {
                    <ActionForm action=actions.answer>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="user_id" value=user_id />
                        <input type="hidden" name="approve" value=approve.to_string() />
                        <button type="submit" class=class>
                            {label}
                        </button>
                    </ActionForm>
                }
            };
            view! {
                <tr data-request=request.user_id.to_string()>
                    <td>{request.display_name}</td>
                    <td>{request.email}</td>
                    <td>{request.asked}</td>
                    <td class="actions">
                        {answer(true, "Approve", "button")}
                        {answer(false, "Decline", "button button-secondary")}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="requests-heading">
            <h2 id="requests-heading">"Requests to join"</h2>
            <p>
                "Members see the organization's members-only events: approve only people you know belong."
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Requests to join">
                <table class="members">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Asked"</th>
                            <th scope="col">"Answer"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn MemberTable(members: Vec<MemberRow>, slug: String, actions: Actions) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|member| {
            let (new_role, label) = match member.role {
                Role::Admin => (Role::Member, "Make member"),
                Role::Member => (Role::Admin, "Make admin"),
                Role::Follower => (Role::Member, "Make member"),
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
                            Role::Follower => "Follower",
                        }}
                    </td>
                    <td class="actions">
                        <ActionForm action=actions.set_role>
                            <input type="hidden" name="slug" value=role_slug />
                            <input type="hidden" name="user_id" value=role_user />
                            <input type="hidden" name="role" value=new_role.as_str() />
                            <button type="submit" class="button button-secondary">
                                {label}
                            </button>
                        </ActionForm>
                        <ActionForm action=actions.remove>
                            <input type="hidden" name="slug" value=remove_slug />
                            <input type="hidden" name="user_id" value=remove_user />
                            <button type="submit" class="button button-danger">
                                "Remove"
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">"Members and followers"</h2>
            <p>"Followers see the public events; members and admins also the members-only ones."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Members and followers">
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
            </div>
        </section>
    }
}

#[component]
fn JoiningForm(
    policy: JoinPolicy,
    member_domain: String,
    slug: String,
    actions: Actions,
) -> impl IntoView {
    view! {
        <section aria-labelledby="joining-heading">
            <h2 id="joining-heading">"How people become members"</h2>
            <ActionForm action=actions.policy>
                <input type="hidden" name="slug" value=slug />
                <fieldset>
                    <legend>"New members"</legend>
                    <label>
                        <input
                            type="radio"
                            name="policy"
                            value=JoinPolicy::Request.as_str()
                            checked=policy == JoinPolicy::Request
                        />
                        " Anyone may ask to join; admins approve or decline"
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="policy"
                            value=JoinPolicy::Invitation.as_str()
                            checked=policy == JoinPolicy::Invitation
                        />
                        " Only by an invitation link"
                    </label>
                </fieldset>
                <label for="member-domain">"Member domain (optional)"</label>
                <input
                    id="member-domain"
                    name="member_domain"
                    value=member_domain
                    placeholder="uni.example"
                    autocomplete="off"
                />
                <p class="card-meta">
                    "People whose confirmed address is at this domain become members when they ask, without waiting."
                </p>
                <button type="submit" class="button">
                    "Save"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Invitations(invitations: Vec<InvitationRow>, slug: String, actions: Actions) -> impl IntoView {
    let rows = invitations
        .into_iter()
        .map(|invitation| {
            let slug = slug.clone();
            view! {
                <li>
                    <input
                        class="snippet"
                        readonly
                        value=invitation.link
                        aria-label="Invitation link"
                    />
                    <span class="card-meta">
                        {format!(
                            " Works until {} for {} more {}.",
                            invitation.expires,
                            invitation.uses_left,
                            if invitation.uses_left == 1 { "person" } else { "people" },
                        )}
                    </span>
                    <ActionForm action=actions.withdraw>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="invitation_id" value=invitation.id.to_string() />
                        <button type="submit" class="button button-secondary">
                            "Withdraw"
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="invitations-heading">
            <h2 id="invitations-heading">"Invitation links"</h2>
            <p>"Whoever opens a link (signed in, with a confirmed address) becomes a member."</p>
            <ul class="invitations">{rows}</ul>
            <ActionForm action=actions.invite>
                <input type="hidden" name="slug" value=slug />
                <label for="invitation-days">"Works for (days)"</label>
                <input id="invitation-days" name="days" type="number" min="1" max="90" value="14" />
                <label for="invitation-uses">"For how many people"</label>
                <input
                    id="invitation-uses"
                    name="uses"
                    type="number"
                    min="1"
                    max="500"
                    value="10"
                />
                <button type="submit" class="button">
                    "Make a link"
                </button>
            </ActionForm>
        </section>
    }
}
