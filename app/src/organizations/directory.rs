//! The organizations directory: every organization with its member count, a filter that works
//! as a plain GET form before hydration and filters live (keeping `?q=` in the URL) after it, and
//! for site admins a form to create an organization.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use super::filter::{self, matches_filter};
use super::{CreateOrganization, OrganizationSummary, list_organizations};
use crate::auth::AuthActions;
use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, form_error};

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let organizations = Resource::new(|| (), |_| list_organizations());
    let query = use_query_map();
    let filter = Memo::new(move |_| query.read().get("q").unwrap_or_default());

    view! {
        <Title text="Organizations" />
        <section class="page-intro">
            <h1>"Organizations"</h1>
            <p class="lede">
                "Local groups of our community and the events they host on lu.ma."
            </p>
        </section>
        <FilterBox filter />
        <Transition fallback=|| view! { <p class="loading">"Loading organizations…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let organizations = organizations.await?;
                    Ok::<_, AppError>(view! { <OrganizationList organizations filter /> })
                })}
            </ErrorBoundary>
        </Transition>
        <CreateOrganizationPanel />
    }
}

/// A search box bound to `?q=`. Without JavaScript, submitting reloads the page filtered by the
/// server; after hydration every keystroke filters in place and rewrites the URL (no reload).
#[component]
fn FilterBox(filter: Memo<String>) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        let mut params = ParamsMap::new();
        if !text.trim().is_empty() {
            params.insert("q", text);
        }
        navigate(
            &format!(
                "{}{}",
                location.pathname.get_untracked(),
                params.to_query_string()
            ),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };

    view! {
        <form class="filter" method="get" role="search" on:submit=|ev| ev.prevent_default()>
            <label for="organization-filter">"Filter organizations"</label>
            <div class="filter-row">
                <input
                    id="organization-filter"
                    type="search"
                    name="q"
                    placeholder="Name or description"
                    autocomplete="off"
                    prop:value=move || filter.get()
                    on:input=on_input
                />
                <button type="submit" class="button button-secondary">"Filter"</button>
            </div>
        </form>
    }
}

#[component]
fn OrganizationList(
    organizations: Vec<OrganizationSummary>,
    filter: Memo<String>,
) -> impl IntoView {
    let total = organizations.len();
    let all = StoredValue::new(organizations);
    let visible = Memo::new(move |_| {
        let needle = filter.get();
        all.with_value(|all| {
            all.iter()
                .filter(|org| matches_filter(org, &needle))
                .cloned()
                .collect::<Vec<_>>()
        })
    });

    view! {
        <p class="result-count" aria-live="polite">
            {move || filter::describe_count(visible.read().len(), total, &filter.get())}
        </p>
        <Show when=move || !visible.read().is_empty()>
            <ul class="organization-list">
                <For each=move || visible.get() key=|org| org.slug.clone() let:org>
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
                </For>
            </ul>
        </Show>
        <Show when=move || total == 0>
            <p class="empty-state">
                "No organizations yet. A site administrator can add the first one."
            </p>
        </Show>
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
                    <textarea id="field-description" name="description" rows="3"></textarea>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Create organization"
                </button>
            </ActionForm>
        </section>
    }
}
