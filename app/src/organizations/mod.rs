//! The organizations directory: the home page lists every organization, with a filter that works
//! as a plain GET form before hydration and filters live (keeping `?q=` in the URL) after it.

mod filter;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorNotice};
pub use filter::matches_filter;

/// One organization as the directory shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSummary {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// Every organization, alphabetically.
///
/// Access: public. The directory is what visitors see first, signed in or not, and holds
/// nothing private (names and descriptions only).
#[server]
pub async fn list_organizations() -> Result<Vec<OrganizationSummary>, AppError> {
    use crate::error::respond_with;
    use crate::state::AppState;

    let state = AppState::current().map_err(respond_with)?;
    let organizations = convene::store::organizations::list_all(&state.db)
        .await
        .map_err(respond_with)?;
    Ok(organizations
        .into_iter()
        .map(|org| OrganizationSummary {
            slug: org.slug,
            name: org.name,
            description: org.description,
        })
        .collect())
}

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
    }
}

/// A search box bound to `?q=`. Without JavaScript, submitting reloads the page filtered by the
/// server; after hydration every keystroke filters in place and rewrites the URL (no reload).
#[component]
fn FilterBox(filter: Memo<String>) -> impl IntoView {
    let navigate = use_navigate();
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        let mut params = ParamsMap::new();
        if !text.trim().is_empty() {
            params.insert("q", text);
        }
        navigate(
            &format!("/{}", params.to_query_string()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };

    view! {
        <form class="filter" method="get" action="/" role="search" on:submit=|ev| ev.prevent_default()>
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
                        <h2>{org.name}</h2>
                        <p>{org.description}</p>
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
