//! `/status`, public: each organization's source and how fresh its events are (the read model
//! `convene::read_models::status`). It names no event.
//!
//! Access matrix addition: `get_status` answers everyone, signed in or not.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, ErrorNotice};
pub use convene_types::ImportSource;
pub use convene_types::views::{OrganizationFreshness, StatusPage};

#[server]
pub async fn get_status() -> Result<StatusPage, AppError> {
    use crate::state::AppState;

    let state = AppState::current()?;
    Ok(convene::read_models::status::page(&state.db, chrono::Utc::now()).await?)
}

#[component]
pub fn StatusPageView() -> impl IntoView {
    let page = Resource::new(|| (), |()| get_status());
    view! {
        <Title text="Status" />
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let page = page.await?;
                    Ok::<_, AppError>(view! { <StatusView page /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn StatusView(page: StatusPage) -> impl IntoView {
    let summary = match page.stale {
        0 => "Every connected organization's events are fresh.".to_owned(),
        1 => "1 organization's events are stale.".to_owned(),
        n => format!("{n} organizations' events are stale."),
    };
    let left_out = page.left_out;
    let rows = page
        .organizations
        .into_iter()
        .map(|org| {
            view! {
                <tr data-stale=org.stale.to_string()>
                    <th scope="row">
                        <a href=format!("/orgs/{}", org.slug)>{org.name}</a>
                    </th>
                    <td>{org.source.label()} {org.webhooks.then_some(" + webhooks")}</td>
                    <td title=org
                        .last_import_at>{org.last_import.unwrap_or_else(|| "never".into())}</td>
                    <td>{org.last_webhook.unwrap_or_else(|| "—".into())}</td>
                    <td>
                        {if org.source == ImportSource::NotConnected {
                            view! { <span class="card-meta">"not imported"</span> }.into_any()
                        } else if org.stale {
                            view! { <span class="badge badge-failed">"stale"</span> }.into_any()
                        } else if org.last_attempt_failed {
                            view! { <span class="badge badge-partial">"last attempt failed"</span> }
                                .into_any()
                        } else {
                            view! { <span class="badge badge-ok">"fresh"</span> }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>"Status"</h1>
        <p class="status-summary">{summary}</p>
        <p class="card-meta">
            "Events are imported daily and when a page shows data older than an hour; "
            "organizations with lu.ma webhooks get changes within seconds. An import older than "
            {page.stale_after} " is stale. As of " {page.generated_at} "."
        </p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Organizations' freshness">
            <table class="runs">
                <caption>"Each organization's events"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Organization"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Last import"</th>
                        <th scope="col">"Last webhook"</th>
                        <th scope="col">"State"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(left_out > 0)
            .then(|| {
                view! {
                    <p class="card-meta">
                        {format!("… and {left_out} more organizations, not listed.")}
                    </p>
                }
            })}
    }
}
