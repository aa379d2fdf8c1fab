//! One organization's page: about, member count, Follow / Request to join / Leave, and a link
//! for its admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::directory::member_count_label;
use super::{
    FollowOrganization, JoinOffer, LeaveOrganization, OrganizationDetails, RequestMembership,
    Standing, get_organization,
};
use crate::auth::AuthActions;
use crate::error::{AppError, ErrorNotice};
use crate::forms::form_error;
use crate::previews::{AtomFeedLink, PagePreview, absolute};

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let follow = ServerAction::<FollowOrganization>::new();
    let join = ServerAction::<RequestMembership>::new();
    let leave = ServerAction::<LeaveOrganization>::new();
    let auth = AuthActions::expect();
    let details = Resource::new(
        move || {
            (
                slug.get(),
                follow.version().get(),
                join.version().get(),
                leave.version().get(),
                auth.version(),
            )
        },
        |(slug, ..)| get_organization(slug),
    );

    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let details = details.await?;
                    Ok::<_, AppError>(view! { <OrganizationView details follow join leave /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn OrganizationView(
    details: OrganizationDetails,
    follow: ServerAction<FollowOrganization>,
    join: ServerAction<RequestMembership>,
    leave: ServerAction<LeaveOrganization>,
) -> impl IntoView {
    let org = details.organization;
    let slug = org.slug.clone();
    let follow_error = form_error(follow);
    let join_error = form_error(join);
    let leave_error = form_error(leave);
    let error = move || {
        follow_error
            .get()
            .or(join_error.get())
            .or(leave_error.get())
            .map(|e| e.to_string())
    };
    let follow_button = |slug: String| {
        view! {
            <ActionForm action=follow>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button">
                    "Follow"
                </button>
            </ActionForm>
        }
    };
    let join_button = |slug: String, offer: JoinOffer| {
        match offer {
        JoinOffer::InvitationOnly => view! { <p class="card-meta">"Members join by invitation: ask its admins for a link."</p> }
        .into_any(),
        JoinOffer::Request | JoinOffer::AtOnce => view! {
            <ActionForm action=join>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-secondary">
                    {if offer == JoinOffer::AtOnce {
                        "Join as a member"
                    } else {
                        "Request to join"
                    }}
                </button>
            </ActionForm>
        }
        .into_any(),
    }
    };
    let leave_button = |slug: String, label: &'static str| {
        view! {
            <ActionForm action=leave>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-secondary">
                    {label}
                </button>
            </ActionForm>
        }
    };
    let offer = details.join_offer;
    let membership = match details.standing {
        Standing::SignedOut => view! {
            <p class="membership">
                <a href="/login">"Sign in"</a>
                " to follow or join "
                {org.name.clone()}
                "."
            </p>
        }
        .into_any(),
        Standing::Visitor { requested: false } => view! {
            <div class="membership">
                <p>
                    "Follow to see its events on your dashboard; members also see its members-only events."
                </p>
                {follow_button(slug.clone())}
                {join_button(slug.clone(), offer)}
            </div>
        }
        .into_any(),
        Standing::Follower { requested: false } => view! {
            <div class="membership">
                <p>"You follow its public events."</p>
                {join_button(slug.clone(), offer)}
                {leave_button(slug.clone(), "Unfollow")}
            </div>
        }
        .into_any(),
        Standing::Visitor { requested: true } | Standing::Follower { requested: true } => view! {
            <div class="membership">
                <p>"Your request to join waits for the admins' answer; we will email you."</p>
                {leave_button(slug.clone(), "Withdraw and leave")}
            </div>
        }
        .into_any(),
        Standing::Member | Standing::Admin => view! {
            <div class="membership">
                <p>
                    {if details.standing == Standing::Admin {
                        "You are an admin of this organization."
                    } else {
                        "You are a member."
                    }}
                </p>
                {leave_button(slug.clone(), "Leave")}
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
                <a class="button" href=format!("/orgs/{}/events", org.slug)>
                    "See events"
                </a>
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
                <p class="notice notice-error" role="alert" hidden=move || error().is_none()>
                    {error}
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
            {details
                .clashes
                .clone()
                .map(|radar| view! { <ClashSummary radar slug=org.slug.clone() /> })}
            <Show when=move || details.viewer_can_manage>
                <nav class="admin-links" aria-label="Organization admin">
                    <a href=format!("/orgs/{}/members", org.slug)>"Manage members"</a>
                    <a href=format!("/orgs/{}/settings", org.slug)>"lu.ma settings"</a>
                    <a href=format!("/orgs/{}/topics", org.slug)>"Topics"</a>
                    <a href=format!("/orgs/{}/insights", org.slug)>"Insights"</a>
                </nav>
            </Show>
        </article>
    }
}

/// For the organization's admins: the clashes ahead they have not marked "we know".
#[component]
fn ClashSummary(radar: convene_types::views::ClashRadar, slug: String) -> impl IntoView {
    /// Clashes the page lists; the insights page has them all.
    const SHOWN: usize = 5;
    let open: Vec<_> = radar
        .clashes
        .into_iter()
        .filter(|clash| !clash.known)
        .collect();
    let heading = match open.len() {
        0 => "No clashes ahead".to_owned(),
        1 => "1 clash ahead".to_owned(),
        n => format!("{n} clashes ahead"),
    };
    let items = open
        .iter()
        .take(SHOWN)
        .map(|clash| {
            view! {
                <li>
                    <strong>{clash.event_title.clone()}</strong>
                    " ("
                    {clash.event_when.clone()}
                    "): "
                    {clash.summary.clone()}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel clash-summary" aria-labelledby="clash-summary-heading">
            <h2 id="clash-summary-heading">{heading}</h2>
            <ul>{items}</ul>
            <p class="card-meta">
                "Only this organization's admins see this. "
                <a href=format!("/orgs/{slug}/insights")>"All clashes and insights"</a>
            </p>
        </section>
    }
}
