//! `/admin/luma`, for site admins: the network's lu.ma organization key (write-only, like a
//! calendar key), its webhook secret, a run now, and the organizations connected through it.
//! The same core calls as `convene network luma` and `convene network sync`.
//!
//! Access matrix addition: every server function here is for site admins only (401 signed
//! out, 403 for anyone else); saving an empty key or secret is refused by the rule (422), and
//! a run without a saved key is not found (404).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, form_error};
pub use convene_types::views::{NetworkCalendar, NetworkSettings};

#[cfg(feature = "ssr")]
mod ssr {
    use convene::rules::access::{Actor, require_site_admin};

    use crate::auth::session;
    use crate::error::AppError;
    use crate::state::AppState;

    /// The state and the signed-in site admin, or the refusal.
    pub async fn site_admin() -> Result<(AppState, Actor), AppError> {
        let state = AppState::current()?;
        let actor = require_site_admin(session::actor(&state).await?)?;
        Ok((state, actor))
    }
}

#[server]
pub async fn get_network_settings() -> Result<NetworkSettings, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    Ok(
        convene::read_models::network::settings(&state.db, &state.site, actor, chrono::Utc::now())
            .await?,
    )
}

/// Saves the organization key (checked by listing its calendars) and links every calendar.
#[server]
pub async fn save_network_key(#[server(default)] api_key: String) -> Result<(), AppError> {
    use convene::import::integration::ChangedBy;
    use leptos::server_fn::ServerFn;

    let saved = async {
        let (state, actor) = ssr::site_admin().await?;
        convene::import::network::connect(
            state.refresher.importer(),
            &api_key,
            None,
            ChangedBy::User(actor.user_id),
            chrono::Utc::now(),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    // The key is a secret: it never goes back in the URL.
    crate::forms::keep_typed(saved, SaveNetworkKey::PATH, &[])
}

#[server]
pub async fn save_network_webhook_secret(
    #[server(default)] webhook_secret: String,
) -> Result<(), AppError> {
    use convene::import::integration::ChangedBy;
    use leptos::server_fn::ServerFn;

    let saved = async {
        let (state, actor) = ssr::site_admin().await?;
        convene::import::network::save_webhook_secret(
            state.refresher.importer(),
            &webhook_secret,
            ChangedBy::User(actor.user_id),
        )
        .await?;
        Ok::<(), AppError>(())
    }
    .await;
    crate::forms::keep_typed(saved, SaveNetworkWebhookSecret::PATH, &[])
}

/// Starts a run over the key in the background; the page shows its result once done.
#[server]
pub async fn sync_network() -> Result<(), AppError> {
    let (state, actor) = ssr::site_admin().await?;
    convene::import::network::start_run(
        state.refresher.importer(),
        convene_types::SyncTrigger::Manual,
    )
    .await?;
    tracing::info!(target: "audit", by = %format!("user:{}", actor.user_id), "lu.ma organization run started");
    Ok(())
}

#[component]
pub fn NetworkPage() -> impl IntoView {
    let save_key = ServerAction::<SaveNetworkKey>::new();
    let save_secret = ServerAction::<SaveNetworkWebhookSecret>::new();
    let sync = ServerAction::<SyncNetwork>::new();
    let page = Resource::new(
        move || {
            (
                save_key.version().get(),
                save_secret.version().get(),
                sync.version().get(),
            )
        },
        |_| get_network_settings(),
    );
    view! {
        <Title text="lu.ma organization" />
        <header class="page-intro">
            <h1>"lu.ma organization"</h1>
            <p class="lede">
                "One lu.ma organization key connects every calendar of the network's lu.ma organization: "
                "each calendar is linked to its organization here (by calendar id, then slug; missing ones are created), "
                "and one run imports them all."
            </p>
        </header>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let settings = page.await?;
                    Ok::<_, AppError>(view! { <NetworkView settings save_key save_secret sync /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn NetworkView(
    settings: NetworkSettings,
    save_key: ServerAction<SaveNetworkKey>,
    save_secret: ServerAction<SaveNetworkWebhookSecret>,
    sync: ServerAction<SyncNetwork>,
) -> impl IntoView {
    let key_error = form_error(save_key);
    let secret_error = form_error(save_secret);
    let sync_error = form_error(sync);
    let status = match (&settings.key_last_four, &settings.last_run) {
        (None, _) => "No organization key is saved.".to_owned(),
        (Some(last_four), None) => format!("Key saved, ends in …{last_four}; not run yet."),
        (Some(last_four), Some(when)) => format!(
            "Key saved, ends in …{last_four}; last run {when} ({}).",
            settings
                .last_outcome
                .map_or("-", |outcome| outcome.as_str())
        ),
    };
    let rows = settings
        .calendars
        .iter()
        .map(|calendar| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!(
                            "/orgs/{}/settings",
                            calendar.slug,
                        )>{calendar.name.clone()}</a>
                    </th>
                    <td>
                        <code>{calendar.calendar_id.clone()}</code>
                    </td>
                    <td>{if calendar.own_key { "its own calendar key" } else { "this key" }}</td>
                    <td>{calendar.last_import.clone().unwrap_or_else(|| "never".into())}</td>
                    <td>
                        {if calendar.stale {
                            view! { <span class="badge badge-failed">"stale"</span> }.into_any()
                        } else {
                            view! { <span class="badge badge-ok">"fresh"</span> }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="key-heading">
            <h2 id="key-heading">"Organization key"</h2>
            <p class="connection-status">{status}</p>
            {settings
                .last_message
                .clone()
                .map(|message| view! { <p class="notice notice-info">{message}</p> })}
            <ActionForm action=save_key>
                <Field
                    label=if settings.key_last_four.is_some() { "New key" } else { "Key" }
                    name="api_key"
                    kind="password"
                    autocomplete="off"
                    required=true
                    hint="From lu.ma: the organization's Settings → Developer → API keys (needs Luma Plus). Stored encrypted; never shown again."
                    error=key_error
                />
                <FormAlert error=key_error fields=&["api_key"] />
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save and link calendars"
                    </button>
                </div>
            </ActionForm>
            <ActionForm action=sync>
                <FormAlert error=sync_error fields=&[] />
                <button type="submit" class="button button-secondary">
                    "Import every calendar now"
                </button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="network-webhook-heading">
            <h2 id="network-webhook-heading">"Webhooks"</h2>
            <p>"On lu.ma, add the organization's webhook with this address:"</p>
            <p>
                <code class="webhook-url">{settings.webhook_url.clone()}</code>
            </p>
            {settings
                .webhook_secret_saved
                .then(|| view! { <p>"Signing secret saved: changes arrive within seconds."</p> })}
            <ActionForm action=save_secret>
                <Field
                    label="Signing secret"
                    name="webhook_secret"
                    kind="password"
                    autocomplete="off"
                    required=true
                    hint="lu.ma shows it when the webhook is made (whsec_…)."
                    error=secret_error
                />
                <FormAlert error=secret_error fields=&["webhook_secret"] />
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save secret"
                    </button>
                </div>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="calendars-heading">
            <h2 id="calendars-heading">"Calendars"</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Linked calendars">
                <table class="runs">
                    <thead>
                        <tr>
                            <th scope="col">"Organization"</th>
                            <th scope="col">"lu.ma calendar"</th>
                            <th scope="col">"Imports with"</th>
                            <th scope="col">"Last import"</th>
                            <th scope="col">"State"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
