//! The sync's part of the settings page: its facts, "Sync now" with live progress (an island
//! that polls while a run goes on) and the last runs.

use std::time::Duration;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use convene_types::SyncOutcome;

use super::super::{
    StartLumaSync, SyncProgress, SyncRunView, SyncStart, SyncStatusView, get_sync_progress,
    start_luma_sync,
};
use crate::error::AppError;
use crate::forms::url_error;

/// How often the panel asks about a running sync.
const POLL_EVERY: Duration = Duration::from_millis(800);

/// The sync's facts and its last runs, and "Sync now" with its progress (an island).
#[component]
pub(super) fn SyncPanel(status: SyncStatusView) -> impl IntoView {
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
            <dd>
                {status
                    .next_daily_run
                    .clone()
                    .unwrap_or_else(|| "off (CONVENE_DAILY_SYNC=0)".into())}
            </dd>
        </dl>
        <SyncNow
            slug=status.slug.clone()
            can_sync=status.can_sync
            running=progress.running
            line=progress.line
        />
        <RunTable runs=status.runs />
    }
}

/// What the page polls while a sync runs.
pub(in crate::integration) fn progress(status: &SyncStatusView) -> SyncProgress {
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
                        <span class=format!(
                            "badge badge-{}",
                            run.outcome,
                        )>{run.outcome.as_str()}</span>
                        {run
                            .message
                            .clone()
                            .map(|m| view! { <span class="run-message">{m}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // Focusable, so a keyboard can scroll it where the screen is narrower than the table.
        <div class="table-scroll" tabindex="0" role="region" aria-label="Last 10 syncs">
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
