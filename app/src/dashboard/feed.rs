//! "Subscribe in your calendar app": the member's personal feed address, fetched when the panel
//! is opened, with copy, webcal and Google Calendar links, and a way to revoke it.

use leptos::prelude::*;

use super::browser;
use super::{get_personal_feed, regenerate_personal_feed};

/// "Subscribe in your calendar app": the member's personal feed, fetched when opened.
#[island]
pub(super) fn PersonalFeed() -> impl IntoView {
    crate::mark_hydrated();
    remember_timezone_once();
    let link = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let load = move |regenerate: bool| {
        leptos::task::spawn_local(async move {
            let answer = if regenerate {
                regenerate_personal_feed().await
            } else {
                get_personal_feed().await
            };
            match answer {
                Ok(path) => {
                    link.set(Some(format!("{}{path}", browser::origin())));
                    copied.set(false);
                    problem.set(None);
                }
                Err(err) => problem.set(Some(err.to_string())),
            }
        });
    };
    let copy = move |_| {
        if let Some(field) = input.get() {
            field.select();
        }
        match link.get_untracked().map(|url| browser::copy_text(&url)) {
            Some(Ok(())) => copied.set(true),
            Some(Err(err)) => problem.set(Some(format!(
                "Could not copy ({err}); the link is selected for copying."
            ))),
            None => {}
        }
    };
    let links = move || {
        link.get().map(|url| {
            let webcal = url
                .split_once("://")
                .map(|(_, rest)| format!("webcal://{rest}"))
                .unwrap_or_else(|| url.clone());
            let google = format!(
                "https://calendar.google.com/calendar/r?cid={}",
                browser::encode_component(&webcal)
            );
            view! {
                <input
                    class="feed-url"
                    readonly
                    value=url
                    node_ref=input
                    aria-label="Your calendar feed address"
                />
                <div class="form-actions">
                    <button type="button" class="button" on:click=copy>
                        "Copy link"
                    </button>
                    <a class="button button-secondary" href=webcal rel="external">
                        "Subscribe (webcal)"
                    </a>
                    <a
                        class="button button-secondary"
                        href=google
                        target="_blank"
                        rel="noopener noreferrer"
                    >
                        "Add to Google Calendar"
                    </a>
                    <button type="button" class="button button-danger" on:click=move |_| load(true)>
                        "Make a new link"
                    </button>
                </div>
                {move || {
                    copied
                        .get()
                        .then(|| {
                            view! {
                                <p class="card-meta" role="status">
                                    "Copied."
                                </p>
                            }
                        })
                }}
            }
        })
    };
    view! {
        <details
            class="panel feed-panel"
            on:toggle=move |_| {
                if link.get_untracked().is_none() {
                    load(false);
                }
            }
        >
            <summary>"Subscribe in your calendar app"</summary>
            <p class="card-meta">
                "Your organizations' events in Google Calendar, Apple Calendar or Outlook. Anyone with the link can see them: make a new one to revoke it."
            </p>
            {links}
            {move || {
                problem
                    .get()
                    .map(|text| {
                        view! {
                            <p class="notice notice-error" role="alert">
                                {text}
                            </p>
                        }
                    })
            }}
        </details>
    }
}

/// The member's timezone, guessed from the browser once per browser (for digests and mail;
/// the server keeps it only while the member has chosen none on `/account`).
fn remember_timezone_once() {
    const SENT: &str = "convene.timezone-sent";
    Effect::new(move |_| {
        if browser::remembered(SENT) {
            return;
        }
        let Some(zone) = browser::timezone() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match crate::account::remember_timezone(zone).await {
                Ok(_) => browser::remember(SENT, true),
                Err(err) => leptos::logging::warn!("could not keep the browser's timezone: {err}"),
            }
        });
    });
}
