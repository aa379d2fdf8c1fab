//! An invitation link's page (`/orgs/<slug>/join?invitation=…`): whoever opens it, signed in
//! with a confirmed address, becomes a member with one click. Opening it changes nothing, so a
//! link scanner cannot spend a use.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{AcceptInvitation, Standing, get_organization};
use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let invitation = move || query.read().get("invitation").unwrap_or_default();
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = form_error(accept);
    let details = Resource::new(move || slug.get(), get_organization);

    view! {
        <Title text="Invitation" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let details = details.await?;
                    let org = details.organization;
                    let body = match details.standing {
                        Standing::SignedOut => {
                            view! {
                                <p>
                                    <a href="/login">"Sign in"</a>
                                    " (or "
                                    <a href="/signup">"sign up"</a>
                                    " and confirm your address), then open this invitation link again."
                                </p>
                            }
                                .into_any()
                        }
                        Standing::Member | Standing::Admin => {
                            view! {
                                <p>
                                    "You are a member already. "
                                    <a href=format!(
                                        "/orgs/{}",
                                        org.slug,
                                    )>"Open the organization"</a>
                                </p>
                            }
                                .into_any()
                        }
                        Standing::Visitor { .. } | Standing::Follower { .. } => {
                            view! {
                                <ActionForm action=accept>
                                    <input type="hidden" name="slug" value=org.slug.clone() />
                                    <input type="hidden" name="invitation" value=invitation() />
                                    <button type="submit" class="button">
                                        "Become a member"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    };
                    Ok::<
                        _,
                        AppError,
                    >(
                        view! {
                            <header class="page-intro">
                                <h1>{format!("Join {} as a member", org.name)}</h1>
                            </header>
                            <p>
                                "Its admins invited you: members see its members-only events on their dashboard."
                            </p>
                            {body}
                            <p
                                class="notice notice-error"
                                role="alert"
                                hidden=move || error.get().is_none()
                            >
                                {move || error.get().map(|e| e.to_string())}
                            </p>
                        },
                    )
                })}
            </ErrorBoundary>
        </Transition>
    }
}
