//! `/admin/mail`: the outbox for site admins: what went to whom, what is retrying and why.
//! Account mail's single-use links are never shown (only what kind of link, and until when it
//! works); reading a message is written to the audit log, naming the admin.

use chrono::{DateTime, Utc};
use convene_types::views::{Outbox, OutboxMessage, OutboxMessageBody};
use convene_types::{MailKind, MailStatus};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::Error;
use crate::mail::outbox::{self, StoredMail};
use crate::rules::access::{Actor, require_site_admin};

/// The newest messages shown.
pub const SHOWN: u64 = 100;

pub async fn outbox(
    db: &DatabaseConnection,
    actor: Option<Actor>,
    sends_mail: bool,
) -> Result<Outbox, Error> {
    require_site_admin(actor)?;
    let messages = outbox::recent(db, SHOWN)
        .await?
        .into_iter()
        .map(|mail| message(mail, sends_mail))
        .collect();
    Ok(Outbox {
        sends_mail,
        messages,
    })
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%a %-d %b, %H:%M UTC").to_string()
}

/// One message with its text, for the site admin `actor`; the read goes to the audit log.
pub async fn read_message(
    db: &DatabaseConnection,
    actor: Option<Actor>,
    id: i64,
    sends_mail: bool,
) -> Result<OutboxMessageBody, Error> {
    let admin = require_site_admin(actor)?;
    let mail = crate::store::entities::mail_message::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound("Message".into()))?;
    tracing::info!(
        target: "audit",
        by = %crate::import::integration::ChangedBy::User(admin.user_id),
        mail_id = mail.id,
        kind = %mail.kind,
        recipient = %mail.recipient,
        "site admin read a message"
    );
    let (text_body, html_body) = match link_note(&mail) {
        Some(note) => {
            let text = format!(
                "Not shown: this message carries a single-use link that opens someone's account ({note})."
            );
            let html = format!("<p>{}</p>", crate::mail::compose::escape(&text));
            (text, html)
        }
        None => (mail.text_body.clone(), mail.html_body.clone()),
    };
    Ok(OutboxMessageBody {
        summary: message(mail, sends_mail),
        text_body,
        html_body,
    })
}

/// The single-use link a message carries, described without it: "Confirmation link, works
/// until Mon 7 Dec, 09:00 UTC".
fn link_note(mail: &StoredMail) -> Option<String> {
    if !mail.kind.carries_a_secret_link() {
        return None;
    }
    let kind = match mail.kind {
        MailKind::ConfirmEmail => "Confirmation link",
        MailKind::PasswordReset => "Password reset link",
        MailKind::ChangeEmail => "New address link",
        // A kind that carries a link but has no name here yet is still withheld.
        _ => "Single-use link",
    };
    Some(match mail.link_expires_at {
        Some(until) => format!("{kind}, works until {}", when(until)),
        None => kind.to_owned(),
    })
}

fn message(mail: StoredMail, sends_mail: bool) -> OutboxMessage {
    let status_line = match (mail.status, mail.sent_at) {
        (MailStatus::Sent, Some(sent)) => format!("Sent {}", when(sent)),
        (MailStatus::Sent, None) => "Sent".to_owned(),
        (MailStatus::Failed, _) => "Not sent".to_owned(),
        (MailStatus::Queued, _) if !sends_mail => {
            "Kept here: no SMTP server is configured (CONVENE_SMTP_URL)".to_owned()
        }
        (MailStatus::Queued, _) if mail.attempts > 0 => {
            format!("Next try {}", when(mail.next_attempt_at))
        }
        (MailStatus::Queued, _) => "Waiting to be sent".to_owned(),
    };
    let link = link_note(&mail);
    OutboxMessage {
        id: mail.id,
        kind: mail.kind,
        recipient: mail.recipient,
        subject: mail.subject,
        status: mail.status,
        status_line,
        attempts: mail.attempts,
        last_error: mail.last_error,
        created: when(mail.created_at),
        link,
    }
}
