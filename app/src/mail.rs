//! `/admin/mail`: the outbox for site admins: what was sent to whom, what is retrying and why;
//! `/admin/mail/:id` shows one message (each read is audited). Account mail's single-use links
//! are never shown: only their kind and until when they work.
//!
//! Access: `get_outbox` and `get_outbox_message` are for site admins only (401 signed out,
//! 403 for anyone else).

use convene_types::views::{Outbox, OutboxMessage, OutboxMessageBody};
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

#[server]
pub async fn get_outbox_message(id: i64) -> Result<OutboxMessageBody, AppError> {
    use crate::auth::session;
    use crate::state::AppState;

    let state = AppState::current()?;
    let actor = session::actor(&state).await?;
    Ok(convene::read_models::mail::read_message(&state.db, actor, id, state.sends_mail).await?)
}

fn kind_label(kind: MailKind) -> &'static str {
    match kind {
        MailKind::ConfirmEmail => "Address confirmation",
        MailKind::AccountExists => "Sign-up with a registered address",
        MailKind::PasswordReset => "Password reset",
        MailKind::ChangeEmail => "New address confirmation",
        MailKind::AddressChanged => "Address changed",
        MailKind::WeeklyDigest => "Weekly digest",
        MailKind::NewEvents => "New events",
        MailKind::ImportFailing => "Import failing",
        MailKind::ImportRecovered => "Import working again",
        MailKind::ImportCheck => "Is this right?",
        MailKind::NetworkReport => "Network report",
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
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
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
                "), so nothing leaves this server: messages wait here. The links in account mail (confirming an address, resetting a password) are never shown, so without SMTP people cannot finish signing up: create their accounts with "
                <code>"convene user add"</code>"."
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

fn status_class(status: MailStatus) -> &'static str {
    match status {
        MailStatus::Queued => "mail-status mail-queued",
        MailStatus::Sent => "mail-status mail-sent",
        MailStatus::Failed => "mail-status mail-failed",
    }
}

/// What the list and the message page both show of a message.
#[component]
fn MessageFacts(message: OutboxMessage) -> impl IntoView {
    let error = message
        .last_error
        .map(|error| view! { <p class="mail-error">"Last error: " {error}</p> });
    let link = message
        .link
        .map(|link| view! { <p class="mail-link-note">{link}</p> });
    view! {
        <p class="mail-status-line">
            <span class=status_class(message.status)>{message.status.as_str()}</span>
            " "
            {message.status_line}
            {(message.attempts > 0).then(|| format!(" (tries: {})", message.attempts))}
        </p>
        {link}
        {error}
    }
}

#[component]
fn OutboxEntry(message: OutboxMessage) -> impl IntoView {
    let id = message.id;
    let href = format!("/admin/mail/{id}");
    view! {
        <li class="outbox-message" data-mail=id>
            <a class="mail-subject" href=href>
                {message.subject.clone()}
            </a>
            " to "
            <span class="mail-recipient">{message.recipient.clone()}</span>
            <span class="mail-meta">
                {format!(" · {} · {}", kind_label(message.kind), message.created)}
            </span>
            <MessageFacts message />
        </li>
    }
}

/// `/admin/mail/:id`: one message as it was written (account mail's link withheld).
#[component]
pub fn OutboxMessagePage() -> impl IntoView {
    use leptos_router::hooks::use_params_map;

    let params = use_params_map();
    let message = Resource::new(
        move || {
            params
                .read()
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
        },
        |id| async move {
            match id {
                Some(id) => get_outbox_message(id).await,
                None => Err(AppError::NotFound("Message".into())),
            }
        },
    );
    view! {
        <Title text="Mail" />
        <p class="breadcrumb">
            <a href="/admin/mail">"All mail"</a>
        </p>
        <Suspense fallback=|| view! { <p class="loading">"Loading the message…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! { <ErrorNotice errors /> }
            }>
                {move || Suspend::new(async move {
                    let message = message.await?;
                    Ok::<_, AppError>(view! { <MessageView message /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn MessageView(message: OutboxMessageBody) -> impl IntoView {
    let summary = message.summary;
    view! {
        <header class="page-intro">
            <h1 class="mail-subject">{summary.subject.clone()}</h1>
            <p class="lede">
                "To " <span class="mail-recipient">{summary.recipient.clone()}</span>
                {format!(" · {} · {}", kind_label(summary.kind), summary.created)}
            </p>
        </header>
        <MessageFacts message=summary />
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
