//! The organizations directory: every organization with its member count, a filter (a plain GET
//! form: `?q=` filters on the server, so a filtered list is a link), and for site admins a form to
//! create an organization. No island: the page loads no WebAssembly.

use leptos::prelude::*;
use leptos_meta::Title;

use super::filter::{self, matches_filter};
use super::{CreateOrganization, OrganizationSummary, list_organizations};
use crate::auth::AuthActions;
use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, form_error, typed, url_param};
use crate::i18n::{Arg, t, t_with};

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| list_organizations());
    let filter = url_param("q").unwrap_or_default();

    view! {
        <Title text=t("nav-organizations") />
        <section class="page-intro">
            <h1>{t("nav-organizations")}</h1>
            <p class="lede">{t("directory-lede")}</p>
        </section>
        <FilterBox filter=filter.clone() />
        <Transition fallback=|| view! { <p class="loading">{t("directory-loading")}</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || {
                    let filter = filter.clone();
                    Suspend::new(async move {
                        let organizations = organizations.await?;
                        Ok::<_, AppError>(view! { <OrganizationList organizations filter /> })
                    })
                }}
            </ErrorBoundary>
        </Transition>
        <CreateOrganizationPanel />
    }
}

/// A search box bound to `?q=`: submitting loads the page filtered by the server.
#[component]
fn FilterBox(filter: String) -> impl IntoView {
    view! {
        <form class="filter" method="get" role="search">
            <label for="organization-filter">{t("directory-filter-label")}</label>
            <div class="filter-row">
                <input
                    id="organization-filter"
                    type="search"
                    name="q"
                    placeholder=t("directory-filter-placeholder")
                    autocomplete="off"
                    value=filter
                />
                <button type="submit" class="button button-secondary">
                    {t("directory-filter")}
                </button>
            </div>
        </form>
    }
}

#[component]
fn OrganizationList(organizations: Vec<OrganizationSummary>, filter: String) -> impl IntoView {
    let total = organizations.len();
    let visible: Vec<_> = organizations
        .into_iter()
        .filter(|org| matches_filter(org, &filter))
        .collect();
    let count = filter::describe_count(visible.len(), total, &filter);
    let cards = (!visible.is_empty()).then(|| {
        let cards = visible
            .into_iter()
            .map(|org| {
                view! {
                    <li class="organization-card" data-slug=org.slug.clone()>
                        <h2>
                            <a href=format!("/orgs/{}", org.slug)>{org.name}</a>
                        </h2>
                        <p>{org.description}</p>
                        <p class="card-meta">
                            {member_count_label(org.member_count)}
                            {org
                                .shows_events
                                .then(|| {
                                    view! {
                                        " · "
                                        <a href=format!(
                                            "/orgs/{}/events",
                                            org.slug,
                                        )>{t("event-breadcrumb-events")}</a>
                                    }
                                })}
                        </p>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="organization-list">{cards}</ul> }
    });

    view! {
        <p class="result-count">{count}</p>
        {cards}
        {(total == 0)
            .then(|| {
                view! { <p class="empty-state">{t("directory-empty")}</p> }
            })}
    }
}

pub fn member_count_label(count: i64) -> String {
    t_with("directory-members", &[("count", Arg::from(count))])
}

/// Shown to site administrators only; the server function checks again.
#[component]
fn CreateOrganizationPanel() -> impl IntoView {
    let user = AuthActions::expect().user;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let is_site_admin = matches!(user.await, Ok(Some(ref u)) if u.is_site_admin);
                is_site_admin.then(|| view! { <CreateOrganizationForm /> })
            })}
        </Transition>
    }
}

#[component]
fn CreateOrganizationForm() -> impl IntoView {
    let action = ServerAction::<CreateOrganization>::new();
    let error = form_error(action);
    const FIELDS: &[&str] = &["slug", "name", "description"];
    view! {
        <section class="panel" aria-labelledby="create-org-heading">
            <h2 id="create-org-heading">{t("directory-create-heading")}</h2>
            <p class="lede">{t("directory-create-lede")}</p>
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <Field label=t("directory-create-name") name="name" error />
                <Field
                    label=t("directory-create-slug")
                    name="slug"
                    hint=t("directory-create-slug-hint")
                    error
                />
                <div class="field">
                    <label for="field-description">{t("directory-create-description")}</label>
                    <textarea id="field-description" name="description" rows="3">
                        {typed("description")}
                    </textarea>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t("directory-create-submit")}
                </button>
            </ActionForm>
        </section>
    }
}
