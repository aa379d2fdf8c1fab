//! The settings page: the calendar and key form with "Test connection", "Sync now" with live
//! progress, the sync history, and disconnecting. The page renders on the server and its forms
//! are plain HTML forms: a change posts, and the page comes back with the result (or the error
//! beside its field, with what was typed). Three small islands do what needs the page to stay:
//! `ConnectionTest`, `UseLumaFeed` and `SyncNow` (progress while a sync runs).

use std::time::Duration;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use convene_types::SyncOutcome;

use super::{
    CalendarCheck, DisconnectLuma, FeedUse, IntegrationSettings, RemoveIcalFeed, RemoveLumaKey,
    SaveIcalFeed, SaveLumaSettings, StartLumaSync, SyncProgress, SyncRunView, SyncStart,
    SyncStatusView, get_luma_settings, get_sync_progress, get_sync_status, list_timezones,
    start_luma_sync, test_luma_connection,
};
use crate::error::{AppError, ErrorNotice};
use crate::forms::{Field, FormAlert, field_message, form_error, typed, url_error};

/// How often the panel asks about a running sync.
const POLL_EVERY: Duration = Duration::from_millis(800);
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
                                <a href=format!("/orgs/{}/events", settings.slug)>"events page"</a>
                                ". Their tags become topics: "
                                <a href=format!("/orgs/{}/topics", settings.slug)>"rename, merge or hide them"</a>"."
                            </p>
                        </header>
                        <CalendarPanel settings=settings.clone() />
                        <FeedPanel settings=settings.clone() timezones />
                        <section class="panel" aria-labelledby="sync-heading">
                            <h2 id="sync-heading">"Sync"</h2>
                            <SyncPanel status />
                        </section>
                        <DisconnectPanel settings />
                    })
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
                    <button type="submit" class="button button-danger">"Remove key"</button>
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
                    <button type="submit" class="button">"Save"</button>
                    <ConnectionTest slug=settings.slug.clone() />
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
    let error = move |field: &str| field_message(save_error.get_untracked(), field);
    view! {
        <section class="panel" aria-labelledby="feed-heading">
            <h2 id="feed-heading">"iCal feed (without Luma Plus)"</h2>
            <p class="connection-status" data-testid="feed-status">{status}</p>
            <ActionForm action=save_feed>
                <input type="hidden" name="slug" value=settings.slug.clone() />
                <Field
                    label="Feed address"
                    name="ical_url"
                    kind="url"
                    required=false
                    placeholder=if saved { "Saved (sealed): leave empty to keep it" } else { "https://…/calendar.ics" }
                    hint="lu.ma: the calendar's “Add iCal Subscription” link. Google Calendar: “Public address in iCal format”. Stored sealed, like a key, and never shown again: it may hold a private token."
                    error=save_error
                />
                <div class="field" class:field-invalid=error("timezone").is_some()>
                    <label for="field-timezone">"Timezone"</label>
                    <select id="field-timezone" name="timezone" aria-describedby="field-timezone-hint field-timezone-error">
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
                    <button type="submit" class="button">"Save feed"</button>
                    {settings.luma_feed_url.clone().map(|address| view! { <UseLumaFeed address /> })}
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

/// The sync's facts and its last runs, and "Sync now" with its progress (an island).
#[component]
fn SyncPanel(status: SyncStatusView) -> impl IntoView {
    let progress = progress(&status);
    view! {
        <dl class="facts">
            <dt>"Last successful sync"</dt>
            <dd>
                {match (status.last_synced_relative.clone(), status.last_synced.clone()) {
                    (Some(relative), Some(absolute)) => format!("{relative} ({absolute})"),
                    _ => "never".to_owned(),
                }}
            </dd>
            <dt>"Last outcome"</dt>
            <dd>
                {status.last_outcome.map_or("none yet", SyncOutcome::as_str)}
                {status.last_message.clone().map(|m| format!(": {m}"))}
            </dd>
            <dt>"Events stored"</dt>
            <dd data-testid="events-stored">{status.events_stored}</dd>
            <dt>"Next daily sync"</dt>
            <dd>{status.next_daily_run.clone().unwrap_or_else(|| "off (CONVENE_DAILY_SYNC=0)".into())}</dd>
        </dl>
        <SyncNow slug=status.slug.clone() can_sync=status.can_sync running=progress.running line=progress.line />
        <RunTable runs=status.runs />
    }
}

/// What the page polls while a sync runs.
pub(super) fn progress(status: &SyncStatusView) -> SyncProgress {
    SyncProgress {
        running: status.running,
        line: status.runs.first().map(live_line),
    }
}

/// "Sync now" and the newest run's line, kept up to date every [`POLL_EVERY`] while a sync
/// runs; once a run it watched ends, the page reloads to show the new facts and history.
/// Without JavaScript the button posts and the page comes back with the run started.
#[island]
fn SyncNow(slug: String, can_sync: bool, running: bool, line: Option<String>) -> impl IntoView {
    crate::mark_hydrated();
    let progress = RwSignal::new(SyncProgress { running, line });
    let start = Action::new({
        let slug = slug.clone();
        move |_: &()| start_luma_sync(slug.clone())
    });
    let poll = {
        let slug = slug.clone();
        move || {
            let slug = slug.clone();
            leptos::task::spawn_local(async move {
                match get_sync_progress(slug).await {
                    Ok(fresh) => progress.set(fresh),
                    Err(err) => leptos::logging::warn!("could not check the sync: {err}"),
                }
            });
        }
    };
    // The end of a run this page started or saw running reloads the page.
    let saw_running = StoredValue::new(false);
    // A started sync is polled from its start (it may even be over by then).
    Effect::new({
        let poll = poll.clone();
        move |previous: Option<usize>| {
            let version = start.version().get();
            if previous.is_some_and(|previous| previous != version) {
                if matches!(start.value().get_untracked(), Some(Ok(_))) {
                    saw_running.set_value(true);
                }
                poll();
            }
            version
        }
    });
    // One poll in flight at a time.
    let poll_scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let running = progress.with(|progress| progress.running);
        if !running {
            if saw_running.get_value()
                && let Err(err) = window().location().reload()
            {
                leptos::logging::warn!("could not reload after the sync: {err:?}");
            }
            return;
        }
        saw_running.set_value(true);
        if !poll_scheduled.get_value() {
            poll_scheduled.set_value(true);
            let poll = poll.clone();
            set_timeout(
                move || {
                    poll_scheduled.set_value(false);
                    poll();
                },
                POLL_EVERY,
            );
        }
    });
    // Without JavaScript the form posts and the page comes back with the error in its URL.
    let url_problem = url_error(StartLumaSync::PATH);
    let problem = Memo::new(move |_| match start.value().get() {
        Some(Ok(SyncStart::AlreadyRunning)) => {
            Some("A sync was already running; showing its progress.".to_owned())
        }
        Some(Ok(_)) => None,
        Some(Err(err)) => Some(err.to_string()),
        None => url_problem.as_ref().map(AppError::to_string),
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        start.dispatch(());
    };
    let running = move || progress.with(|progress| progress.running);

    view! {
        <form method="post" action=StartLumaSync::url() on:submit=on_submit>
            <input type="hidden" name="slug" value=slug />
            <button
                type="submit"
                class="button"
                disabled=move || running() || !can_sync || start.pending().get()
            >
                {move || if running() { "Syncing…" } else { "Sync now" }}
            </button>
        </form>
        <p class="sync-live" role="status" aria-live="polite">
            {move || progress.with(|progress| progress.line.clone())}
        </p>
        <p class="notice notice-error" role="alert" hidden=move || problem.read().is_none()>
            {problem}
        </p>
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
        // The events are stored once the pages are in; descriptions follow.
        SyncOutcome::Running if run.descriptions_wanted > 0 => format!(
            "Syncing… {} events stored from {}; descriptions {} of {}.",
            run.created + run.updated + run.unchanged,
            pages(run.pages),
            run.descriptions_fetched,
            run.descriptions_wanted
        ),
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

#[cfg(test)]
mod tests {
    use super::{SyncOutcome, SyncRunView, live_line};

    fn running(pages: i32, stored: i32, wanted: i32, fetched: i32) -> SyncRunView {
        SyncRunView {
            id: 1,
            trigger: convene_types::SyncTrigger::Manual,
            started: String::new(),
            started_relative: "just now".into(),
            duration: None,
            outcome: SyncOutcome::Running,
            failure: None,
            pages,
            created: stored,
            updated: 0,
            removed: 0,
            unchanged: 0,
            requests: 0,
            skipped_private: 0,
            descriptions_wanted: wanted,
            descriptions_fetched: fetched,
            message: None,
        }
    }

    #[test]
    fn a_running_sync_says_what_is_stored_and_how_many_descriptions_follow() {
        assert_eq!(
            live_line(&running(3, 0, 0, 0)),
            "Syncing… 3 pages fetched so far."
        );
        assert_eq!(
            live_line(&running(10, 500, 500, 125)),
            "Syncing… 500 events stored from 10 pages; descriptions 125 of 500."
        );
    }
}
