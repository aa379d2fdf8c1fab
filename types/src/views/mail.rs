//! The outbox a site admin reads (`/admin/mail`).

use serde::{Deserialize, Serialize};

use crate::{MailKind, MailStatus};

/// The outbox as a site admin reads it at `/admin/mail`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbox {
    /// False: no SMTP server is configured, so queued messages wait here to be read.
    pub sends_mail: bool,
    pub messages: Vec<OutboxMessage>,
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub subject: String,
    pub status: MailStatus,
    /// "Sent Mon 30 Nov, 18:40 UTC", "Waiting: no SMTP server is configured", "Next try …".
    pub status_line: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// "Mon 30 Nov, 18:39 UTC".
    pub created: String,
    /// For account mail: the kind of single-use link it carries and until when it works (the
    /// link itself is never shown).
    pub link: Option<String>,
}

/// One message as a site admin reads it (each read is audited). Account mail's text is
/// replaced by a note: it carries a key to someone's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessageBody {
    pub summary: OutboxMessage,
    pub text_body: String,
    pub html_body: String,
}
