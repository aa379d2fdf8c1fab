//! One organization's page: about, member count, Join / Leave, and a link for its admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::directory::member_count_label;
use super::{JoinOrganization, LeaveOrganization, OrganizationDetails, Role, get_organization};
use crate::auth::AuthActions;
use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;
use crate::previews::{AtomFeedLink, PagePreview, absolute};

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let join = ServerAction::<JoinOrganization>::new();
    let leave = ServerAction::<LeaveOrganization>::new();
    let auth = AuthActions::expect();
    let details = Resource::new(
        move || {
            (
                slug.get(),
                join.version().get(),
                leave.version().get(),
                auth.version(),
            )
        },
        |(slug, ..)| get_organization(slug),
    );

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let details = details.await?;
                    Ok::<_, AppError>(view! { <OrganizationView details join leave /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn OrganizationView(
    details: OrganizationDetails,
    join: ServerAction<JoinOrganization>,
    leave: ServerAction<LeaveOrganization>,
) -> impl IntoView {
    let org = details.organization;
    let slug = org.slug.clone();
    let join_error = form_error(join);
    let leave_error = form_error(leave);
    let membership = match (details.signed_in, details.viewer_role) {
        (false, _) => view! {
            <p class="membership">
                <a href="/login">"Sign in"</a>" to join "{org.name.clone()}"."
            </p>
        }
        .into_any(),
        (true, None) => view! {
            <ActionForm action=join>
                <input type="hidden" name="slug" value=slug.clone() />
                <button type="submit" class="button">"Join"</button>
            </ActionForm>
        }
        .into_any(),
        (true, Some(role)) => view! {
            <div class="membership">
                <p>
                    {match role {
                        Role::Admin => "You are an admin of this organization.",
                        Role::Member => "You are a member.",
                    }}
                </p>
                <ActionForm action=leave>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <button type="submit" class="button button-secondary">"Leave"</button>
                </ActionForm>
            </div>
        }
        .into_any(),
    };

    let description = if org.description.is_empty() {
        format!("{} on Convene: its events and members.", org.name)
    } else {
        org.description.clone()
    };
    view! {
        <Title text=org.name.clone() />
        <PagePreview
            title=org.name.clone()
            description
            url=absolute(&format!("/orgs/{}", org.slug))
            image=None
        />
        <AtomFeedLink
            title=format!("{} · events", org.name)
            path=format!("/orgs/{}/events.atom", org.slug)
        />
        <article class="organization-page">
            <header class="page-intro">
                <p class="breadcrumb">
                    <a href="/orgs">"Organizations"</a>
                </p>
                <h1>{org.name.clone()}</h1>
                <p class="card-meta">{member_count_label(org.member_count)}</p>
            </header>
            <p class="org-links">
                <a class="button" href=format!("/orgs/{}/events", org.slug)>"See events"</a>
            </p>
            <section aria-labelledby="about-heading">
                <h2 id="about-heading">"About"</h2>
                <p>
                    {if org.description.is_empty() {
                        "No description yet.".to_owned()
                    } else {
                        org.description.clone()
                    }}
                </p>
            </section>
            <section class="panel" aria-label="Membership">
                {membership}
                <p class="notice notice-error" role="alert" hidden=move || join_error.get().is_none() && leave_error.get().is_none()>
                    {move || join_error.get().or(leave_error.get()).map(|e| e.to_string())}
                </p>
            </section>
            <section class="embed-snippet" aria-labelledby="embed-heading">
                <h2 id="embed-heading">"On your own site"</h2>
                <p>
                    "Paste this where "{org.name.clone()}
                    "'s next events should appear on your website. The list keeps itself up to date and fits its height to the events; its links open Convene or lu.ma in a new tab. Add "
                    <code>"&topic=…"</code>", "<code>"&limit=…"</code>" (up to 20) or "
                    <code>"&theme=dark"</code>" to its address to choose."
                </p>
                <pre class="snippet" tabindex="0" aria-label="Widget code to paste">
                    <code>{details.widget_snippet.clone()}</code>
                </pre>
                <p>
                    <a href=details.widget_url.clone() target="_blank" rel="noopener">
                        "Preview the widget"
                    </a>
                </p>
            </section>
            <Show when=move || details.viewer_can_manage>
                <nav class="admin-links" aria-label="Organization admin">
                    <a href=format!("/orgs/{}/members", org.slug)>"Manage members"</a>
                    <a href=format!("/orgs/{}/settings", org.slug)>"lu.ma settings"</a>
                    <a href=format!("/orgs/{}/topics", org.slug)>"Topics"</a>
                </nav>
            </Show>
        </article>
    }
}
