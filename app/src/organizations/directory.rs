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

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| list_organizations());
    let filter = url_param("q").unwrap_or_default();

    view! {
        <Title text="Organizations" />
        <section class="page-intro">
            <h1>"Organizations"</h1>
            <p class="lede">"Local groups of our community and the events they host on lu.ma."</p>
        </section>
        <FilterBox filter=filter.clone() />
        <Transition fallback=|| view! { <p class="loading">"Loading organizations…"</p> }>
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
            <label for="organization-filter">"Filter organizations"</label>
            <div class="filter-row">
                <input
                    id="organization-filter"
                    type="search"
                    name="q"
                    placeholder="Name or description"
                    autocomplete="off"
                    value=filter
                />
                <button type="submit" class="button button-secondary">
                    "Filter"
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
                                        <a href=format!("/orgs/{}/events", org.slug)>"Events"</a>
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
                view! {
                    <p class="empty-state">
                        "No organizations yet. A site administrator can add the first one."
                    </p>
                }
            })}
    }
}

pub fn member_count_label(count: i64) -> String {
    match count {
        1 => "1 member".to_owned(),
        n => format!("{n} members"),
    }
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
            <h2 id="create-org-heading">"Create an organization"</h2>
            <p class="lede">"You become its first admin."</p>
            <ActionForm action>
                <FormAlert error fields=FIELDS />
                <Field label="Name" name="name" error />
                <Field
                    label="Address (slug)"
                    name="slug"
                    hint="2 to 64 characters: a-z, 0-9 and dashes. It appears in links: /orgs/your-slug"
                    error
                />
                <div class="field">
                    <label for="field-description">"Description"</label>
                    <textarea id="field-description" name="description" rows="3">
                        {typed("description")}
                    </textarea>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Create organization"
                </button>
            </ActionForm>
        </section>
    }
}
