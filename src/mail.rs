//! Email: every message is written to a durable outbox (`outbox`) in the same transaction as the
//! fact that caused it, under an idempotency key, and sent later by one background sender across
//! replicas (`sender`) over real SMTP (`smtp`). Each message's plain-text and HTML parts are
//! rendered from the same data (`compose`). Without an SMTP server the messages stay in the
//! outbox, where a site admin reads them (`/admin/mail`).

pub mod alerts;
pub mod compose;
pub mod digest;
pub mod jobs;
pub mod lists;
pub mod member;
pub mod news;
pub mod outbox;
pub mod sender;
pub mod smtp;

use std::fmt;

use url::Url;

use crate::Error;

/// The address people reach Convene at: every link in a message starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(Url);

impl PublicUrl {
    /// An `http`/`https` base address; a path of its own (`/convene`) is kept.
    pub fn new(mut url: Url) -> Result<Self, Error> {
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::Internal(format!(
                "the public address must be http(s)://host…, not {url}"
            )));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self(url))
    }

    /// The absolute link to `path_and_query` (which starts with `/`).
    pub fn link(&self, path_and_query: &str) -> String {
        let base = self.0.as_str().trim_end_matches('/');
        format!("{base}{path_and_query}")
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or("localhost")
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_join_the_base_and_keep_its_path() {
        let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
        assert_eq!(
            site.link("/login/reset?token=ab"),
            "https://events.example.org/login/reset?token=ab"
        );
        let under = PublicUrl::new("https://example.org/convene?x=1".parse().unwrap()).unwrap();
        assert_eq!(
            under.link("/account"),
            "https://example.org/convene/account"
        );
        assert!(PublicUrl::new("ftp://example.org".parse().unwrap()).is_err());
    }
}
