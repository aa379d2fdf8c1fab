//! `/admin/mail`: the outbox for site admins, who read the messages there when no SMTP server
//! is configured (the demo, a first install).

use chrono::{DateTime, Utc};
use convene_types::MailStatus;
use convene_types::views::{Outbox, OutboxMessage};
use sea_orm::DatabaseConnection;

use crate::Error;
use crate::access::{Actor, require_site_admin};
use crate::mail::outbox::{self, StoredMail};

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
        text_body: mail.text_body,
        html_body: mail.html_body,
    }
}
