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
use crate::i18n::{Arg, t, t_with};
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
        <Transition fallback=|| view! { <p class="loading">{t("org-loading")}</p> }>
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
                    {t("org-follow")}
                </button>
            </ActionForm>
        }
    };
    let join_button = |slug: String, offer: JoinOffer| match offer {
        JoinOffer::InvitationOnly => {
            view! { <p class="card-meta">{t("org-join-by-invitation")}</p> }.into_any()
        }
        JoinOffer::Request | JoinOffer::AtOnce => view! {
            <ActionForm action=join>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-secondary">
                    {if offer == JoinOffer::AtOnce {
                        t("org-join-at-once")
                    } else {
                        t("org-request-to-join")
                    }}
                </button>
            </ActionForm>
        }
        .into_any(),
    };
    let leave_button = |slug: String, label: String| {
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
                <a href="/login">{t("nav-sign-in")}</a>
                " "
                {t_with("org-sign-in-to-follow", &[("name", Arg::from(&org.name))])}
            </p>
        }
        .into_any(),
        Standing::Visitor { requested: false } => view! {
            <div class="membership">
                <p>{t("org-follow-why")}</p>
                {follow_button(slug.clone())}
                {join_button(slug.clone(), offer)}
            </div>
        }
        .into_any(),
        Standing::Follower { requested: false } => view! {
            <div class="membership">
                <p>{t("org-you-follow")}</p>
                {join_button(slug.clone(), offer)}
                {leave_button(slug.clone(), t("org-unfollow"))}
            </div>
        }
        .into_any(),
        Standing::Visitor { requested: true } | Standing::Follower { requested: true } => view! {
            <div class="membership">
                <p>{t("org-request-waits")}</p>
                {leave_button(slug.clone(), t("org-withdraw"))}
            </div>
        }
        .into_any(),
        Standing::Member | Standing::Admin => view! {
            <div class="membership">
                <p>
                    {if details.standing == Standing::Admin {
                        t("org-you-are-admin")
                    } else {
                        t("org-you-are-member")
                    }}
                </p>
                {leave_button(slug.clone(), t("org-leave"))}
            </div>
        }
        .into_any(),
    };

    let description = if org.description.is_empty() {
        t_with("org-preview-description", &[("name", Arg::from(&org.name))])
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
            title=format!("{} · {}", org.name, t("event-breadcrumb-events"))
            path=format!("/orgs/{}/events.atom", org.slug)
        />
        <article class="organization-page">
            <header class="page-intro">
                <p class="breadcrumb">
                    <a href="/orgs">{t("nav-organizations")}</a>
                </p>
                <h1>{org.name.clone()}</h1>
                <p class="card-meta">{member_count_label(org.member_count)}</p>
            </header>
            <p class="org-links">
                <a class="button" href=format!("/orgs/{}/events", org.slug)>
                    {t("org-see-events")}
                </a>
            </p>
            <section aria-labelledby="about-heading">
                <h2 id="about-heading">{t("org-about")}</h2>
                <p>
                    {if org.description.is_empty() {
                        t("org-no-description")
                    } else {
                        org.description.clone()
                    }}
                </p>
            </section>
            <section class="panel" aria-label=t("org-membership")>
                {membership}
                <p class="notice notice-error" role="alert" hidden=move || error().is_none()>
                    {error}
                </p>
            </section>
            <section class="embed-snippet" aria-labelledby="embed-heading">
                <h2 id="embed-heading">{t("org-embed-heading")}</h2>
                <p>
                    {t_with("org-embed-how", &[("name", Arg::from(&org.name))])} " "
                    {t("org-embed-options")} " " <code>"&topic=…"</code> ", "
                    <code>"&limit=…"</code> " (≤ 20), " <code>"&theme=dark"</code>
                </p>
                <pre class="snippet" tabindex="0" aria-label=t("org-embed-code")>
                    <code>{details.widget_snippet.clone()}</code>
                </pre>
                <p>
                    <a href=details.widget_url.clone() target="_blank" rel="noopener">
                        {t("org-embed-preview")}
                    </a>
                </p>
            </section>
            {details
                .clashes
                .clone()
                .map(|radar| view! { <ClashSummary radar slug=org.slug.clone() /> })}
            <Show when=move || details.viewer_can_manage>
                <nav class="admin-links" aria-label=t("org-admin-links")>
                    <a href=format!("/orgs/{}/members", org.slug)>{t("org-manage-members")}</a>
                    <a href=format!("/orgs/{}/settings", org.slug)>{t("org-luma-settings")}</a>
                    <a href=format!("/orgs/{}/topics", org.slug)>{t("org-topics")}</a>
                    <a href=format!("/orgs/{}/insights", org.slug)>{t("org-insights")}</a>
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
