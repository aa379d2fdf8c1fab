//! The settings page: the calendar and key form with "Test connection", "Sync now" with live
//! progress, the sync history, and disconnecting. The page renders on the server; the panels are
//! one island (`SettingsPanels`), hydrated from the data they were rendered with. Each form also
//! works as a plain HTML form before (or without) hydration.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use convene_types::SyncOutcome;

use super::{
    CalendarCheck, DisconnectLuma, FeedUse, IntegrationSettings, RemoveIcalFeed, RemoveLumaKey,
    SaveIcalFeed, SaveLumaSettings, StartLumaSync, SyncRunView, SyncStart, SyncStatusView,
    TestLumaConnection, get_luma_settings, get_sync_status, list_timezones,
};
use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, field_message, form_error};

/// How often the panel asks about a running sync.
const POLL_EVERY: Duration = Duration::from_millis(800);

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let page = Resource::new(
        move || slug.get(),
        |slug| async move {
            let settings = get_luma_settings(slug.clone()).await?;
            let timezones = list_timezones().await?;
            let status = get_sync_status(slug).await?;
            Ok::<_, AppError>((settings, timezones, status))
        },
    );

    view! {
        <Title text="lu.ma settings" />
        <Transition fallback=|| view! { <p class="loading">"Loading settings…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let (settings, timezones, status) = page.await?;
                    Ok::<_, AppError>(view! {
                        <header class="page-intro">
                            <p class="breadcrumb">
                                <a href=format!("/orgs/{}", settings.slug)>
                                    {settings.organization_name.clone()}
                                </a>
                            </p>
                            <h1>"lu.ma settings"</h1>
                            <p class="lede">
                                "Connect "{settings.organization_name.clone()}
                                "'s lu.ma calendar: its events are imported every day and shown on the "
                                <a href=format!("/orgs/{}/events", settings.slug)>"events page"</a>"."
                            </p>
                        </header>
                        <SettingsPanels settings timezones status />
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Every panel of the page. A change that succeeds reloads what it changed (the form only when
/// it was changed, so polling never interrupts typing); the status is polled while a sync runs.
#[island]
fn SettingsPanels(
    settings: IntegrationSettings,
    timezones: Vec<String>,
    status: SyncStatusView,
) -> impl IntoView {
    crate::mark_hydrated();
    let slug = settings.slug.clone();
    let settings = RwSignal::new(settings);
    let status = RwSignal::new(status);
    let save = ServerAction::<SaveLumaSettings>::new();
    let remove_key = ServerAction::<RemoveLumaKey>::new();
    let disconnect = ServerAction::<DisconnectLuma>::new();
    let start_sync = ServerAction::<StartLumaSync>::new();
    let save_feed = ServerAction::<SaveIcalFeed>::new();
    let remove_feed = ServerAction::<RemoveIcalFeed>::new();

    let reload_settings = {
        let slug = slug.clone();
        move || {
            let slug = slug.clone();
            leptos::task::spawn_local(async move {
                match get_luma_settings(slug).await {
                    Ok(fresh) => settings.set(fresh),
                    Err(err) => leptos::logging::warn!("could not reload the settings: {err}"),
                }
            });
        }
    };
    let reload_status = move || {
        let slug = slug.clone();
        leptos::task::spawn_local(async move {
            match get_sync_status(slug).await {
                Ok(fresh) => status.set(fresh),
                Err(err) => leptos::logging::warn!("could not reload the sync status: {err}"),
            }
        });
    };
    after_success(save, reload_settings.clone());
    after_success(remove_key, reload_settings.clone());
    after_success(disconnect, reload_settings.clone());
    after_success(save_feed, reload_settings.clone());
    after_success(remove_feed, reload_settings);
    for action_version in [
        save.version(),
        disconnect.version(),
        save_feed.version(),
        start_sync.version(),
    ] {
        let reload_status = reload_status.clone();
        Effect::new(move |previous: Option<usize>| {
            let version = action_version.get();
            if previous.is_some_and(|previous| previous != version) {
                reload_status();
            }
            version
        });
    }
    Effect::new({
        let reload_status = reload_status.clone();
        move |_| {
            if status.with(|status| status.running) {
                let reload_status = reload_status.clone();
                set_timeout(reload_status, POLL_EVERY);
            }
        }
    });

    view! {
        {move || {
            let settings = settings.get();
            view! {
                <CalendarPanel settings=settings.clone() save remove_key />
                <FeedPanel settings timezones=timezones.clone() save_feed remove_feed />
            }
        }}
        <SyncPanel status start_sync />
        {move || view! { <DisconnectPanel settings=settings.get() disconnect status /> }}
    }
}

/// Runs `then` each time `action` completes without an error.
fn after_success<S>(action: ServerAction<S>, then: impl Fn() + 'static)
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            then();
        }
    });
}

#[component]
fn CalendarPanel(
    settings: IntegrationSettings,
    save: ServerAction<SaveLumaSettings>,
    remove_key: ServerAction<RemoveLumaKey>,
) -> impl IntoView {
    let test = ServerAction::<TestLumaConnection>::new();
    let save_error = form_error(save);
    let remove_error = form_error(remove_key);
    let key_input = NodeRef::<leptos::html::Input>::new();
    let has_key = settings.key_last_four.is_some();
    let (replacing_key, set_replacing_key) = signal(!has_key);
    let slug = settings.slug.clone();
    let test_slug = slug.clone();
    let run_test = move |_| {
        let api_key = key_input
            .get()
            .map(|input| input.value())
            .unwrap_or_default();
        test.dispatch(TestLumaConnection {
            slug: test_slug.clone(),
            api_key,
        });
    };
    let test_result = move || {
        test.value().get().map(|result| match result {
            Ok(CalendarCheck { name, id }) => view! {
                <p class="notice notice-ok" role="status">
                    "Connected to “"{name}"” ("<code>{id}</code>")."
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
    let connection = settings.connection.clone();
    let key_status = settings.key_last_four.clone().map(|last_four| {
        let remove_slug = slug.clone();
        view! {
            <div class="key-status">
                <p>"API key configured, ends in …"<code>{last_four}</code></p>
                <button
                    type="button"
                    class="button button-secondary"
                    on:click=move |_| set_replacing_key.update(|on| *on = !*on)
                >
                    {move || if replacing_key.get() { "Keep this key" } else { "Replace key" }}
                </button>
                <ActionForm action=remove_key>
                    <input type="hidden" name="slug" value=remove_slug />
                    <button type="submit" class="button button-danger">"Remove key"</button>
                </ActionForm>
            </div>
        }
    });

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
            <p class="connection-status">{connection}</p>
            {key_status}
            <FormAlert error=remove_error fields=&[] />
            <ActionForm action=save>
                <input type="hidden" name="slug" value=slug.clone() />
                <Field
                    label="lu.ma calendar"
                    name="calendar_url"
                    value=settings.calendar_input.clone()
                    required=false
                    hint="Its page (https://lu.ma/your-calendar), its cal-… id or its iCal link. Optional with an API key."
                    error=save_error
                />
                <div class="field" class:field-invalid=move || field_message(save_error.get(), "api_key").is_some() hidden=move || !replacing_key.get()>
                    <label for="field-api_key">{if has_key { "New API key" } else { "API key" }}</label>
                    <input
                        id="field-api_key"
                        name="api_key"
                        type="password"
                        autocomplete="off"
                        node_ref=key_input
                        aria-describedby="field-api_key-hint field-api_key-error"
                    />
                    <p class="field-hint" id="field-api_key-hint">
                        "From lu.ma: your calendar's Settings → Developer (needs Luma Plus). Stored encrypted; never shown again."
                    </p>
                    <p class="field-error" id="field-api_key-error" role="alert">
                        {move || field_message(save_error.get(), "api_key")}
                    </p>
                </div>
                <FormAlert error=save_error fields=&["calendar_url", "api_key"] />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Checking with lu.ma…" } else { "Save" }}
                    </button>
                    <button
                        type="button"
                        class="button button-secondary"
                        on:click=run_test
                        disabled=move || test.pending().get()
                    >
                        {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                    </button>
                </div>
            </ActionForm>
            {test_result}
        </section>
    }
}

/// Importing from the calendar's public iCal feed: no Luma Plus needed, and any calendar's feed
/// works (Google Calendar, Nextcloud…). Used while there is no API key.
#[component]
fn FeedPanel(
    settings: IntegrationSettings,
    timezones: Vec<String>,
    save_feed: ServerAction<SaveIcalFeed>,
    remove_feed: ServerAction<RemoveIcalFeed>,
) -> impl IntoView {
    let save_error = form_error(save_feed);
    let remove_error = form_error(remove_feed);
    let feed = RwSignal::new(settings.feed_url.clone().unwrap_or_default());
    let chosen_zone = settings
        .display_timezone
        .clone()
        .unwrap_or_else(|| "UTC".to_owned());
    let luma_feed = settings.luma_feed_url.clone().map(|address| {
        view! {
            <button
                type="button"
                class="button button-secondary"
                on:click=move |_| feed.set(address.clone())
            >
                "Use this calendar's lu.ma feed"
            </button>
        }
    });
    let url = settings.feed_url.clone().unwrap_or_default();
    let status = match settings.feed_use {
        FeedUse::Imported => format!("Importing from {url}."),
        FeedUse::StandingBy => format!("Saved: {url}. The API key is used while it is set."),
        FeedUse::NotSaved => "No feed saved.".to_owned(),
    };
    let remove = settings.feed_url.is_some().then(|| {
        let slug = settings.slug.clone();
        view! {
            <ActionForm action=remove_feed>
                <input type="hidden" name="slug" value=slug />
                <button type="submit" class="button button-danger">"Remove feed"</button>
            </ActionForm>
        }
    });
    let zones = timezones
        .into_iter()
        .map(|zone| {
            let selected = zone == chosen_zone;
            let label = zone.clone();
            view! { <option value=zone selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="feed-heading">
            <h2 id="feed-heading">"iCal feed (without Luma Plus)"</h2>
            <p class="connection-status" data-testid="feed-status">{status}</p>
            <ActionForm action=save_feed>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <div class="field" class:field-invalid=move || field_message(save_error.get(), "ical_url").is_some()>
                    <label for="field-ical_url">"Feed address"</label>
                    <input
                        id="field-ical_url"
                        name="ical_url"
                        type="url"
                        prop:value=move || feed.get()
                        on:input=move |ev| feed.set(event_target_value(&ev))
                        placeholder="https://…/calendar.ics"
                        aria-describedby="field-ical_url-hint field-ical_url-error"
                    />
                    <p class="field-hint" id="field-ical_url-hint">
                        "lu.ma: the calendar's “Add iCal Subscription” link. Google Calendar: “Public address in iCal format”."
                    </p>
                    <p class="field-error" id="field-ical_url-error" role="alert">
                        {move || field_message(save_error.get(), "ical_url")}
                    </p>
                </div>
                <div class="field" class:field-invalid=move || field_message(save_error.get(), "timezone").is_some()>
                    <label for="field-timezone">"Timezone"</label>
                    <select id="field-timezone" name="timezone" aria-describedby="field-timezone-hint field-timezone-error">
                        {zones}
                    </select>
                    <p class="field-hint" id="field-timezone-hint">
                        "Where the events happen. Used for times a feed gives in UTC only (lu.ma's), for all-day events and times without a zone, and for zone names the feed does not explain; times with their own zone (Google, Outlook) keep it."
                    </p>
                    <p class="field-error" id="field-timezone-error" role="alert">
                        {move || field_message(save_error.get(), "timezone")}
                    </p>
                </div>
                <FormAlert error=save_error fields=&["ical_url", "timezone"] />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || save_feed.pending().get()>
                        {move || if save_feed.pending().get() { "Reading the feed…" } else { "Save feed" }}
                    </button>
                    {luma_feed}
                </div>
            </ActionForm>
            {remove}
            <FormAlert error=remove_error fields=&[] />
        </section>
    }
}

#[component]
fn SyncPanel(
    status: RwSignal<SyncStatusView>,
    start_sync: ServerAction<StartLumaSync>,
) -> impl IntoView {
    let sync_error = form_error(start_sync);
    let already = move || {
        matches!(
            start_sync.value().get(),
            Some(Ok(SyncStart::AlreadyRunning))
        )
        .then_some("A sync was already running; showing its progress.")
    };
    view! {
        <section class="panel" aria-labelledby="sync-heading">
            <h2 id="sync-heading">"Sync"</h2>
                {move || {
                    let settings = status.get();
                    let running = settings.running;
                    let slug = settings.slug.clone();
                    let can_sync = settings.can_sync;
                    view! {
                        <dl class="facts">
                            <dt>"Last successful sync"</dt>
                            <dd>
                                {match (settings.last_synced_relative.clone(), settings.last_synced.clone()) {
                                    (Some(relative), Some(absolute)) => format!("{relative} ({absolute})"),
                                    _ => "never".to_owned(),
                                }}
                            </dd>
                            <dt>"Last outcome"</dt>
                            <dd>
                                {settings.last_outcome.map_or("none yet", SyncOutcome::as_str)}
                                {settings.last_message.clone().map(|m| format!(": {m}"))}
                            </dd>
                            <dt>"Events stored"</dt>
                            <dd data-testid="events-stored">{settings.events_stored}</dd>
                            <dt>"Next daily sync"</dt>
                            <dd>{settings.next_daily_run.clone().unwrap_or_else(|| "off (CONVENE_DAILY_SYNC=0)".into())}</dd>
                        </dl>
                        <ActionForm action=start_sync>
                            <input type="hidden" name="slug" value=slug />
                            <button
                                type="submit"
                                class="button"
                                disabled=move || running || !can_sync || start_sync.pending().get()
                            >
                                {if running { "Syncing…" } else { "Sync now" }}
                            </button>
                        </ActionForm>
                        <p class="sync-live" role="status" aria-live="polite">
                            {settings.runs.first().map(live_line)}
                        </p>
                        <RunTable runs=settings.runs.clone() />
                    }
                }}
            <p class="field-hint" hidden=move || already().is_none()>{already}</p>
            <FormAlert error=sync_error fields=&[] />
        </section>
    }
}

/// The newest run in one line: progress while it runs, then its result.
fn live_line(run: &SyncRunView) -> String {
    let pages = |n: i32| {
        if n == 1 {
            "1 page".to_owned()
        } else {
            format!("{n} pages")
        }
    };
    // Said on every finished run that left private events out, so admins know why they
    // are missing from Convene.
    let private = match run.skipped_private {
        0 => String::new(),
        1 => " 1 private event was left out: lu.ma lists private events for nobody, so Convene does not show them.".to_owned(),
        n => format!(" {n} private events were left out: lu.ma lists private events for nobody, so Convene does not show them."),
    };
    match run.outcome {
        SyncOutcome::Running => format!("Syncing… {} fetched so far.", pages(run.pages)),
        SyncOutcome::Ok => format!(
            "Synced {}: {} created, {} updated, {} removed, {} unchanged ({} fetched{}).{private}",
            run.started_relative,
            run.created,
            run.updated,
            run.removed,
            run.unchanged,
            pages(run.pages),
            run.duration
                .as_deref()
                .map(|d| format!(", {d}"))
                .unwrap_or_default(),
        ),
        SyncOutcome::Interrupted => {
            "The last sync was interrupted (the server stopped); sync again.".to_owned()
        }
        outcome @ (SyncOutcome::Partial | SyncOutcome::Failed) => format!(
            "Sync {outcome} {}: {}",
            run.started_relative,
            run.message.as_deref().unwrap_or("no details")
        ),
    }
}

#[component]
fn RunTable(runs: Vec<SyncRunView>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="card-meta">"No syncs yet."</p> }.into_any();
    }
    let rows = runs
        .into_iter()
        .map(|run| {
            view! {
                <tr data-outcome=run.outcome.as_str()>
                    <td title=run.started.clone()>{run.started_relative.clone()}</td>
                    <td>{run.trigger.as_str().replace('_', " ")}</td>
                    <td>{run.duration.clone().unwrap_or_else(|| "…".into())}</td>
                    <td>{run.pages}</td>
                    <td>{run.created}</td>
                    <td>{run.updated}</td>
                    <td>{run.removed}</td>
                    <td>{run.unchanged}</td>
                    <td>
                        <span class=format!("badge badge-{}", run.outcome)>{run.outcome.as_str()}</span>
                        {run.message.clone().map(|m| view! { <span class="run-message">{m}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="runs">
                <caption>"Last 10 syncs"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Trigger"</th>
                        <th scope="col">"Took"</th>
                        <th scope="col">"Pages"</th>
                        <th scope="col">"New"</th>
                        <th scope="col">"Updated"</th>
                        <th scope="col">"Removed"</th>
                        <th scope="col">"Unchanged"</th>
                        <th scope="col">"Outcome"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn DisconnectPanel(
    settings: IntegrationSettings,
    disconnect: ServerAction<DisconnectLuma>,
    status: RwSignal<SyncStatusView>,
) -> impl IntoView {
    let error = form_error(disconnect);
    if !settings.luma_connected {
        return ().into_any();
    }
    // From the status, which follows syncs; the form's copy is as old as the last change.
    let count = move || status.with(|status| status.events_stored);
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
                    " Yes, disconnect "{settings.organization_name.clone()}" from lu.ma"
                </label>
                <p class="field-error" role="alert">
                    {move || field_message(error.get(), "confirmed").or(field_message(error.get(), "events"))}
                </p>
                <FormAlert error fields=&["confirmed", "events"] />
                <div class="form-actions">
                    <button type="submit" class="button button-danger">"Disconnect"</button>
                </div>
            </ActionForm>
        </section>
    }
    .into_any()
}
