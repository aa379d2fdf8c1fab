//! Email: every message is written to a durable outbox (`outbox`) in the same transaction as the
//! fact that caused it, under an idempotency key, and sent later by one background sender across
//! replicas (`sender`) over real SMTP (`smtp`). Each message's plain-text and HTML parts are
//! rendered from the same data (`compose`). Without an SMTP server the messages stay in the
//! outbox, where a site admin reads them (`/admin/mail`).

pub mod alerts;
pub mod checks;
pub mod compose;
pub mod digest;
pub mod jobs;
pub mod lists;
pub mod member;
pub mod network_report;
pub mod news;
pub mod outbox;
pub mod sender;
pub mod smtp;

/// How often member mail is written by default: a new-event batch covers at most this long.
pub const MEMBER_MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// How this process sends mail.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `None`: nothing is sent; messages stay in the outbox for `/admin/mail`.
    pub smtp: Option<smtp::SmtpServer>,
    pub from: smtp::FromAddress,
    /// One SMTP conversation at most; longer counts as a temporary failure.
    pub smtp_timeout: std::time::Duration,
    /// How often the sender looks for due messages when there were none.
    pub poll_every: std::time::Duration,
    /// How often digests, new-event batches and import alerts are written (`None`: never,
    /// as in tests that write them at a moment of their choosing).
    pub member_mail_every: Option<std::time::Duration>,
}

impl Default for MailConfig {
    /// No SMTP server: every message is kept in the outbox.
    fn default() -> Self {
        Self {
            smtp: None,
            from: smtp::FromAddress::default_for("localhost"),
            smtp_timeout: std::time::Duration::from_secs(20),
            poll_every: std::time::Duration::from_secs(5),
            member_mail_every: Some(MEMBER_MAIL_EVERY),
        }
    }
}
