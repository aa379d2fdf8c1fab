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
