//! The settings page: the calendar and key form with "Test connection", "Sync now" with live
//! progress, the sync history, and disconnecting. The page renders on the server and its forms
//! are plain HTML forms: a change posts, and the page comes back with the result (or the error
//! beside its field, with what was typed). Three small islands do what needs the page to stay:
//! `ConnectionTest`, `UseLumaFeed` and `SyncNow` (`sync`: progress while a sync runs).

mod sync;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    CalendarCheck, DisconnectLuma, FeedUse, IntegrationSettings, RemoveIcalFeed, RemoveLumaKey,
    RemoveWebhookSecret, SaveIcalFeed, SaveLumaSettings, SaveWebhookSecret, get_luma_settings,
    get_sync_status, list_timezones, test_luma_connection,
};
use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, field_message, form_error, typed};
use crate::insights::ClashPanel;
use sync::SyncPanel;
#[cfg(feature = "ssr")]
pub(super) use sync::progress;

/// The API key field (`Field` names it `field-<name>`): "Test connection" reads what is typed in it.
const API_KEY_FIELD: &str = "field-api_key";
/// The feed address field: "Use this calendar's lu.ma feed" fills it in.
const FEED_FIELD: &str = "field-ical_url";

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let page = Resource::new(
        move || slug.get(),
        |slug| async move {
            let settings = get_luma_settings(slug.clone()).await?;
            let timezones = list_timezones().await?;
            let status = get_sync_status(slug.clone()).await?;
            let clashes = crate::insights::get_clash_radar(slug).await?;
            Ok::<_, AppError>((settings, timezones, status, clashes))
        },
    );

    view! {
        <Title text="lu.ma settings" />
        <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let (settings, timezones, status, clashes) = page.await?;
                    Ok::<
                        _,
                        AppError,
                    >(
                        view! {
                            <header class="page-intro">
                                <p class="breadcrumb">
                                    <a href=format!(
                                        "/orgs/{}",
                                        settings.slug,
                                    )>{settings.organization_name.clone()}</a>
                                </p>
                                <h1>"lu.ma settings"</h1>
                                <p class="lede">
                                    "Connect "{settings.organization_name.clone()}
                                    "'s lu.ma calendar: its events are imported every day and shown on the "
                                    <a href=format!(
                                        "/orgs/{}/events",
                                        settings.slug,
                                    )>"events page"</a> ". Their tags become topics: "
                                    <a href=format!(
                                        "/orgs/{}/topics",
                                        settings.slug,
                                    )>"rename, merge or hide them"</a>"."
                                </p>
                            </header>
                            <CalendarPanel settings=settings.clone() />
                            <WebhookPanel settings=settings.clone() />
                            <FeedPanel settings=settings.clone() timezones />
                            <section class="panel" aria-labelledby="sync-heading">
                                <h2 id="sync-heading">"Sync"</h2>
                                <SyncPanel status />
                            </section>
                            <ClashPanel radar=clashes slug=settings.slug.clone() />
                            <DisconnectPanel settings />
                        },
                    )
                })}
            </ErrorBoundary>
        </Transition>
    }
}

#[component]
fn CalendarPanel(settings: IntegrationSettings) -> impl IntoView {
    let save = ServerAction::<SaveLumaSettings>::new();
    let remove_key = ServerAction::<RemoveLumaKey>::new();
    let save_error = form_error(save);
    let remove_error = form_error(remove_key);
    let has_key = settings.key_last_four.is_some();
    let slug = settings.slug.clone();
    let key_status = settings.key_last_four.clone().map(|last_four| {
        view! {
            <div class="key-status">
                <p>"API key configured, ends in …"<code>{last_four}</code></p>
                <ActionForm action=remove_key>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <button type="submit" class="button button-danger">
                        "Remove key"
                    </button>
                </ActionForm>
            </div>
        }
    });
    let key_error = field_message(save_error.get_untracked(), "api_key");
    let key_field = view! {
        <Field
            label=if has_key { "New API key" } else { "API key" }
            name="api_key"
            kind="password"
            autocomplete="off"
            required=false
            hint="From lu.ma: your calendar's Settings → Developer (needs Luma Plus). Stored encrypted; never shown again."
            error=save_error
        />
    };
    // With a key stored, a new one is typed only on request (open when the last try failed).
    let key_field = if has_key {
        view! {
            <details class="replace-key" open=key_error.is_some()>
                <summary class="button button-secondary">"Replace key"</summary>
                {key_field}
            </details>
        }
        .into_any()
    } else {
        key_field.into_any()
    };

    view! {
        <section class="panel" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">"Calendar"</h2>
            {settings
                .is_demo
                .then(|| {
                    view! {
                        <p class="notice notice-info">
                            "Demo organization: its calendar is served by Convene's bundled fake lu.ma."
                        </p>
                    }
                })}
            <p class="connection-status">{settings.connection.clone()}</p>
            {key_status}
            <FormAlert error=remove_error fields=&[] />
            <ActionForm action=save>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <Field
                    label="lu.ma calendar"
                    name="calendar_url"
                    value=settings.calendar_input.clone()
                    required=false
                    hint="Its page (https://lu.ma/your-calendar), its cal-… id or its iCal link. Optional with an API key."
                    error=save_error
                />
                {key_field}
                <FormAlert error=save_error fields=&["calendar_url", "api_key"] />
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save"
                    </button>
                    <ConnectionTest slug=settings.slug.clone() />
                </div>
            </ActionForm>
        </section>
    }
}

/// lu.ma's webhooks: the address to give lu.ma, and its signing secret (write-only, like the
/// key).
#[component]
fn WebhookPanel(settings: IntegrationSettings) -> impl IntoView {
    let save = ServerAction::<SaveWebhookSecret>::new();
    let remove = ServerAction::<RemoveWebhookSecret>::new();
    let save_error = form_error(save);
    let remove_error = form_error(remove);
    let slug = settings.slug.clone();
    let saved = settings.webhook_secret_saved.then(|| {
        view! {
            <div class="key-status">
                <p>"Signing secret saved: changes on lu.ma arrive within seconds."</p>
                <ActionForm action=remove>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <button type="submit" class="button button-danger">
                        "Remove secret"
                    </button>
                </ActionForm>
            </div>
        }
    });
    view! {
        <section class="panel" aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">"Webhooks (changes within seconds)"</h2>
            <p>
                "On lu.ma, in your calendar's Settings → Developer → Webhooks, add a webhook for "
                "event.created, event.updated, event.canceled and calendar.event.added to this address:"
            </p>
            <p>
                <code class="webhook-url">{settings.webhook_url.clone()}</code>
            </p>
            {saved}
            <FormAlert error=remove_error fields=&[] />
            <ActionForm action=save>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <Field
                    label=if settings.webhook_secret_saved {
                        "New signing secret"
                    } else {
                        "Signing secret"
                    }
                    name="webhook_secret"
                    kind="password"
                    autocomplete="off"
                    required=true
                    hint="lu.ma shows it when the webhook is made (whsec_…). Stored encrypted; never shown again."
                    error=save_error
                />
                <FormAlert error=save_error fields=&["webhook_secret"] />
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save secret"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// "Test connection": asks lu.ma about the key typed (or the stored one) and says what it
/// answered, without saving anything.
#[island]
fn ConnectionTest(slug: String) -> impl IntoView {
    crate::mark_hydrated();
    let test =
        Action::new(move |api_key: &String| test_luma_connection(slug.clone(), api_key.clone()));
    let run_test = move |_| {
        use leptos::wasm_bindgen::JsCast;
        let api_key = document()
            .get_element_by_id(API_KEY_FIELD)
            .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .map(|field| field.value())
            .unwrap_or_default();
        test.dispatch(api_key);
    };
    let result = move || {
        test.value().get().map(|result| match result {
            Ok(CalendarCheck { name, id }) => view! {
                <p class="notice notice-ok" role="status">
                    "Connected to “"
                    {name}
                    "” ("
                    <code>{id}</code>
                    ")."
                </p>
            }
            .into_any(),
            Err(err) => view! {
                <p class="notice notice-error" role="alert">
                    {field_message(Some(err.clone()), "api_key").unwrap_or_else(|| err.to_string())}
                </p>
            }
            .into_any(),
        })
    };
    view! {
        <button
            type="button"
            class="button button-secondary"
            on:click=run_test
            disabled=move || test.pending().get()
        >
            {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
        </button>
        <div class="test-result">{result}</div>
    }
}

/// Importing from the calendar's public iCal feed: no Luma Plus needed, and any calendar's feed
/// works (Google Calendar, Nextcloud…). Used while there is no API key.
#[component]
fn FeedPanel(settings: IntegrationSettings, timezones: Vec<String>) -> impl IntoView {
    let save_feed = ServerAction::<SaveIcalFeed>::new();
    let remove_feed = ServerAction::<RemoveIcalFeed>::new();
    let save_error = form_error(save_feed);
    let remove_error = form_error(remove_feed);
    let chosen_zone = typed("timezone")
        .or(settings.display_timezone.clone())
        .unwrap_or_else(|| "UTC".to_owned());
    let shown = settings.feed_shown.clone().unwrap_or_default();
    let status = match settings.feed_use {
        FeedUse::Imported => format!("Importing from {shown}"),
        FeedUse::StandingBy => format!("Saved: {shown} The API key is used while it is set."),
        FeedUse::NotSaved => "No feed saved.".to_owned(),
    };
    let saved = settings.feed_shown.is_some();
    let remove = saved.then(|| {
        let slug = settings.slug.clone();
        view! {
            <ActionForm action=remove_feed>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-danger">
                    "Remove feed"
                </button>
            </ActionForm>
        }
    });
    let zones = timezones
        .into_iter()
        .map(|zone| {
            let selected = zone == chosen_zone;
            let label = zone.clone();
            view! {
                <option value=zone selected=selected>
                    {label}
                </option>
            }
        })
        .collect_view();
    let error = move |field: &str| field_message(save_error.get_untracked(), field);
    view! {
        <section class="panel" aria-labelledby="feed-heading">
            <h2 id="feed-heading">"iCal feed (without Luma Plus)"</h2>
            <p class="connection-status" data-testid="feed-status">
                {status}
            </p>
            <ActionForm action=save_feed>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <Field
                    label="Feed address"
                    name="ical_url"
                    kind="url"
                    required=false
                    placeholder=if saved {
                        "Saved (sealed): leave empty to keep it"
                    } else {
                        "https://…/calendar.ics"
                    }
                    hint="lu.ma: the calendar's “Add iCal Subscription” link. Google Calendar: “Public address in iCal format”. Stored sealed, like a key, and never shown again: it may hold a private token."
                    error=save_error
                />
                <div class="field" class:field-invalid=error("timezone").is_some()>
                    <label for="field-timezone">"Timezone"</label>
                    <select
                        id="field-timezone"
                        name="timezone"
                        aria-describedby="field-timezone-hint field-timezone-error"
                    >
                        {zones}
                    </select>
                    <p class="field-hint" id="field-timezone-hint">
                        "Where the events happen. Used for times a feed gives in UTC only (lu.ma's), for all-day events and times without a zone, and for zone names the feed does not explain; times with their own zone (Google, Outlook) keep it."
                    </p>
                    <p class="field-error" id="field-timezone-error" role="alert">
                        {error("timezone")}
                    </p>
                </div>
                <FormAlert error=save_error fields=&["ical_url", "timezone"] />
                <div class="form-actions">
                    <button type="submit" class="button">
                        "Save feed"
                    </button>
                    {settings
                        .luma_feed_url
                        .clone()
                        .map(|address| view! { <UseLumaFeed address /> })}
                </div>
            </ActionForm>
            {remove}
            <FormAlert error=remove_error fields=&[] />
        </section>
    }
}

/// "Use this calendar's lu.ma feed": fills in the feed address lu.ma gives the connected
/// calendar.
#[island]
fn UseLumaFeed(address: String) -> impl IntoView {
    crate::mark_hydrated();
    let fill_in = move |_| {
        use leptos::wasm_bindgen::JsCast;
        match document()
            .get_element_by_id(FEED_FIELD)
            .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
        {
            Some(field) => field.set_value(&address),
            None => leptos::logging::warn!("the feed address field is missing"),
        }
    };
    view! {
        <button type="button" class="button button-secondary" on:click=fill_in>
            "Use this calendar's lu.ma feed"
        </button>
    }
}

#[component]
fn DisconnectPanel(settings: IntegrationSettings) -> impl IntoView {
    let disconnect = ServerAction::<DisconnectLuma>::new();
    let error = form_error(disconnect);
    if !settings.luma_connected {
        return ().into_any();
    }
    let count = settings.status.events_stored;
    view! {
        <section class="panel panel-danger" aria-labelledby="disconnect-heading">
            <h2 id="disconnect-heading">"Disconnect"</h2>
            <p>"Removes the calendar and the API key. Imported events: " {count} " stored."</p>
            <ActionForm action=disconnect>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <fieldset>
                    <legend>"The imported events"</legend>
                    <label class="choice">
                        <input type="radio" name="events" value="keep" checked=true />
                        " Keep them, hidden from the dashboard and the events page"
                    </label>
                    <label class="choice">
                        <input type="radio" name="events" value="delete" />
                        " Delete them"
                    </label>
                </fieldset>
                <label class="choice">
                    <input type="checkbox" name="confirmed" value="yes" required=true />
                    " Yes, disconnect "
                    {settings.organization_name.clone()}
                    " from lu.ma"
                </label>
                <p class="field-error" role="alert">
                    {move || {
                        field_message(error.get(), "confirmed")
                            .or(field_message(error.get(), "events"))
                    }}
                </p>
                <FormAlert error fields=&["confirmed", "events"] />
                <div class="form-actions">
                    <button type="submit" class="button button-danger">
                        "Disconnect"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
