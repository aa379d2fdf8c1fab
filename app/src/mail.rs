//! `/admin/mail`: the outbox for site admins. Without an SMTP server this is where mail is read
//! (the demo's included); with one, it shows what was sent, what is retrying and why.
//!
//! Access: `get_outbox` is for site admins only (401 signed out, 403 for anyone else).

use convene_types::views::{Outbox, OutboxMessage};
use convene_types::{MailKind, MailStatus};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::{AppError, ErrorNotice};

#[server]
pub async fn get_outbox() -> Result<Outbox, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    Ok(convene::read_models::mail::outbox(&state.db, actor, state.sends_mail).await?)
}

fn kind_label(kind: MailKind) -> &'static str {
    match kind {
        MailKind::ConfirmEmail => "Address confirmation",
        MailKind::AccountExists => "Sign-up with a registered address",
        MailKind::PasswordReset => "Password reset",
        MailKind::ChangeEmail => "New address confirmation",
        MailKind::WeeklyDigest => "Weekly digest",
        MailKind::NewEvents => "New events",
        MailKind::ImportFailing => "Import failing",
        MailKind::ImportRecovered => "Import working again",
        MailKind::JoinRequested => "Request to join",
        MailKind::JoinAnswered => "Answer to a request to join",
    }
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let outbox = Resource::new(|| (), |_| get_outbox());
    view! {
        <Title text="Mail" />
        <header class="page-intro">
            <h1>"Mail"</h1>
            <p class="lede">"Every message Convene sends, newest first (the last 100)."</p>
        </header>
        <Suspense fallback=|| view! { <p class="loading">"Loading mail…"</p> }>
            <ErrorBoundary fallback=|errors| view! { <ErrorNotice errors /> }>
                {move || Suspend::new(async move {
                    let outbox = outbox.await?;
                    Ok::<_, AppError>(view! { <OutboxList outbox /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn OutboxList(outbox: Outbox) -> impl IntoView {
    let notice = (!outbox.sends_mail).then(|| {
        view! {
            <p class="notice notice-info">
                "No SMTP server is configured ("<code>"CONVENE_SMTP_URL"</code>
                "), so nothing leaves this server: messages are kept here to be read."
            </p>
        }
    });
    let empty = outbox
        .messages
        .is_empty()
        .then(|| view! { <p>"No mail yet."</p> });
    let messages = outbox
        .messages
        .into_iter()
        .map(|message| view! { <OutboxEntry message /> })
        .collect_view();
    view! {
        {notice}
        {empty}
        <ol class="outbox">{messages}</ol>
    }
}

#[component]
fn OutboxEntry(message: OutboxMessage) -> impl IntoView {
    let status_class = match message.status {
        MailStatus::Queued => "mail-status mail-queued",
        MailStatus::Sent => "mail-status mail-sent",
        MailStatus::Failed => "mail-status mail-failed",
    };
    let error = message
        .last_error
        .map(|error| view! { <p class="mail-error">"Last error: " {error}</p> });
    view! {
        <li class="outbox-message" data-mail=message.id>
            <details>
                <summary>
                    <span class=status_class>{message.status.as_str()}</span>
                    " "
                    <strong class="mail-subject">{message.subject}</strong>
                    " to "
                    <span class="mail-recipient">{message.recipient}</span>
                    <span class="mail-meta">
                        {format!(" · {} · {}", kind_label(message.kind), message.created)}
                    </span>
                </summary>
                <p class="mail-status-line">
                    {message.status_line}
                    {(message.attempts > 0).then(|| format!(" (tries: {})", message.attempts))}
                </p>
                {error}
                <h2 class="mail-part">"Plain text"</h2>
                <pre class="mail-text">{message.text_body}</pre>
                <h2 class="mail-part">"HTML"</h2>
                // No scripts, no same origin: the message is shown, never run.
                <iframe
                    class="mail-html"
                    title="The message as HTML"
                    sandbox=""
                    srcdoc=message.html_body
                ></iframe>
            </details>
        </li>
    }
}

/// What an unsubscribe link switches off, for its page ("the weekly digest"); 422 for a link
/// Convene did not write. Access: anyone holding the link (its signature is the authority).
#[server]
pub async fn describe_unsubscribe(t: String) -> Result<String, AppError> {
    use crate::state::AppState;
    let state = AppState::current()?;
    let (_, list) = convene::mail::lists::verify(state.refresher.importer().secret_key(), &t)?;
    Ok(list.description().to_owned())
}

/// `/mail/unsubscribe?t=…`: the page behind every message's unsubscribe link. Opening it
/// changes nothing (mail scanners open links); its button posts the one-click request.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    use crate::forms::url_param;

    let token = url_param("t").unwrap_or_default();
    let done = url_param("done").is_some();
    let list = {
        let token = token.clone();
        Resource::new(|| (), move |_| describe_unsubscribe(token.clone()))
    };
    view! {
        <Title text="Unsubscribe" />
        <section class="auth-card" aria-labelledby="unsubscribe-heading">
            <h1 id="unsubscribe-heading">"Unsubscribe"</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match list.await {
                            Err(err) => {
                                view! {
                                    <p class="notice notice-error" role="alert">
                                        {err.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) if done => {
                                view! {
                                    <p class="notice notice-ok" role="status">
                                        {format!("Done: you will no longer get {list}.")}
                                    </p>
                                    <p>
                                        "Changed your mind? Switch it on again in your "
                                        <a href="/account">"mail settings"</a> "."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                let action = format!("/mail/unsubscribe?t={token}");
                                view! {
                                    <p class="lede">{format!("Stop getting {list}?")}</p>
                                    <form method="post" action=action>
                                        <input
                                            type="hidden"
                                            name="List-Unsubscribe"
                                            value="One-Click"
                                        />
                                        <button type="submit" class="button">
                                            "Unsubscribe"
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
