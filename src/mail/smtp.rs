//! The SMTP connection, from `CONVENE_SMTP_URL`, and turning a stored message into MIME.
//!
//! - `smtps://user:pass@host:465`: TLS from the first byte;
//! - `smtp://user:pass@host:587`: STARTTLS, required (the default for `smtp://`);
//! - `smtp://host:25?tls=none`: no TLS at all, for a relay on the same machine or network (and
//!   the test suite's receiver). User and password are percent-decoded.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};
use url::Url;

use crate::mail::outbox::StoredMail;

/// A setting that cannot be used, in words naming what to change.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct SmtpSettingError(String);

/// How to reach the SMTP server, checked.
#[derive(Clone)]
pub struct SmtpServer {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpServer {
    /// Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} {}:{}{}",
            self.security,
            self.host,
            self.port,
            if self.credentials.is_some() {
                " with a login"
            } else {
                ""
            }
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    ImplicitTls,
    StartTls,
    None,
}

impl SmtpServer {
    pub fn parse(text: &str) -> Result<Self, SmtpSettingError> {
        let bad = |message: String| SmtpSettingError(message);
        let url = Url::parse(text.trim()).map_err(|err| {
            bad(format!(
                "not an address ({err}): use smtp://host:587 or smtps://host:465"
            ))
        })?;
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => Security::ImplicitTls,
            ("smtp", None | Some("required")) => Security::StartTls,
            ("smtp", Some("none")) => Security::None,
            ("smtp", Some(other)) => {
                return Err(bad(format!(
                    "tls={other} is not understood: leave it out for STARTTLS, or tls=none for a local relay"
                )));
            }
            ("smtps", Some(_)) => {
                return Err(bad("smtps:// always uses TLS: drop the tls= part".into()));
            }
            (scheme, _) => {
                return Err(bad(format!(
                    "{scheme}:// is not SMTP: use smtp://host:587 (STARTTLS) or smtps://host:465"
                )));
            }
        };
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| bad("names no host: use smtp://host:587".into()))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port().unwrap_or(match security {
            Security::ImplicitTls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        });
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| bad("the user or password is not UTF-8 once percent-decoded".into()))
        };
        let credentials = if url.username().is_empty() {
            None
        } else {
            Some((
                decode(url.username())?,
                decode(url.password().unwrap_or_default())?,
            ))
        };
        Ok(Self {
            host,
            port,
            security,
            credentials,
        })
    }

    /// True when mail would cross the network in the clear.
    pub fn is_unencrypted(&self) -> bool {
        self.security == Security::None
    }

    fn transport(
        &self,
        timeout: Duration,
    ) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        let mut builder = match self.security {
            Security::ImplicitTls => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
                    .tls(Tls::Wrapper(TlsParameters::new(self.host.clone())?))
            }
            Security::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
                    .tls(Tls::Required(TlsParameters::new(self.host.clone())?))
            }
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host),
        }
        .port(self.port)
        .timeout(Some(timeout));
        if let Some((user, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

/// The address messages come from (`CONVENE_MAIL_FROM`): `Convene <events@example.org>` or a
/// bare address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromAddress(Mailbox);

impl FromAddress {
    pub fn parse(text: &str) -> Result<Self, SmtpSettingError> {
        text.trim().parse().map(Self).map_err(|err| {
            SmtpSettingError(format!(
                "{text:?} is not an address ({err}): use Convene <events@example.org>"
            ))
        })
    }

    /// `Convene <convene@host>`, when no address is configured.
    pub fn default_for(host: &str) -> Self {
        // A host that is no mail domain (an IP address, say) falls back to localhost.
        let address = lettre::Address::new("convene", host)
            .unwrap_or_else(|_| lettre::Address::new_dangerous("convene", "localhost"));
        Self(Mailbox::new(Some("Convene".into()), address))
    }
}

impl std::fmt::Display for FromAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Sends stored messages through one SMTP server, from one address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Why one message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: a 4xx answer, a connection or TLS failure, a timeout.
    #[error("{0}")]
    Temporary(String),
    /// Never going to work: a 5xx answer, an address that cannot be written.
    #[error("{0}")]
    Permanent(String),
}

impl Mailer {
    /// `timeout` bounds one SMTP conversation; past it the try counts as a temporary failure.
    pub fn new(
        server: &SmtpServer,
        from: &FromAddress,
        timeout: Duration,
    ) -> Result<Self, SmtpSettingError> {
        let transport = server.transport(timeout).map_err(|err| {
            SmtpSettingError(format!("cannot set up TLS for {}: {err}", server.host))
        })?;
        Ok(Self {
            transport,
            from: from.0.clone(),
        })
    }

    /// One SMTP conversation for one message; the server's answer decides what happens next.
    pub async fn send(&self, mail: &StoredMail) -> Result<(), SendError> {
        let message = self.message(mail)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|err| {
                if err.is_permanent() {
                    SendError::Permanent(format!("the SMTP server refused it: {err}"))
                } else {
                    SendError::Temporary(err.to_string())
                }
            })
    }

    fn message(&self, mail: &StoredMail) -> Result<Message, SendError> {
        let to: Mailbox = mail.recipient.parse().map_err(|err| {
            SendError::Permanent(format!(
                "the address {:?} cannot be used: {err}",
                mail.recipient
            ))
        })?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(self.message_id(&mail.idempotency_key)));
        if let Some(url) = &mail.unsubscribe_url {
            // RFC 8058: mail clients offer "unsubscribe" and POST to the link themselves.
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                mail.text_body.clone(),
                mail.html_body.clone(),
            ))
            .map_err(|err| SendError::Permanent(format!("the message cannot be built: {err}")))
    }

    /// The same for every try of one message, so that a message sent again after a crash
    /// between the server's "250" and our record of it is recognisably the same message.
    fn message_id(&self, idempotency_key: &str) -> String {
        let digest = hex::encode(Sha256::digest(idempotency_key.as_bytes()));
        format!("<{}@{}>", &digest[..32], self.from.email.domain())
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            text.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link works by one POST.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_addresses_choose_tls_and_ports() {
        let starttls =
            SmtpServer::parse("smtp://mailer%40example.org:p%3Ass@mail.example.org").unwrap();
        assert_eq!(starttls.security, Security::StartTls);
        assert_eq!(starttls.port, 587);
        assert_eq!(
            starttls.credentials,
            Some(("mailer@example.org".into(), "p:ss".into()))
        );
        assert!(!format!("{starttls:?}").contains("p:ss"));
        let implicit = SmtpServer::parse("smtps://mail.example.org").unwrap();
        assert_eq!(
            (implicit.security, implicit.port),
            (Security::ImplicitTls, 465)
        );
        let local = SmtpServer::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((local.security, local.port), (Security::None, 2525));
        assert!(local.is_unencrypted());
    }

    #[test]
    fn unusable_smtp_addresses_say_what_to_write() {
        for (given, says) in [
            ("mail.example.org", "not an address"),
            ("http://mail.example.org", "http:// is not SMTP"),
            (
                "smtp://mail.example.org?tls=maybe",
                "tls=maybe is not understood",
            ),
            ("smtps://mail.example.org?tls=none", "always uses TLS"),
        ] {
            let err = SmtpServer::parse(given).unwrap_err().to_string();
            assert!(err.contains(says), "{given}: {err}");
        }
    }
}
