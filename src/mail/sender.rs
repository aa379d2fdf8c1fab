//! The background sender: of all replicas on one store, the one holding the `mail_sender` lease
//! sends what is due, one message at a time, recording each outcome as soon as the server has
//! answered. A process killed mid-batch leaves the message it was sending queued (the server
//! had not accepted it, or the row would say so) and everything before it marked sent; the next
//! holder of the lease carries on from there.

use chrono::{DateTime, Duration, Utc};
use convene_types::MailStatus;
use sea_orm::DatabaseConnection;

use crate::Error;
use crate::mail::outbox;
use crate::mail::smtp::{Mailer, SendError};
use crate::store::leases;

pub const SENDER_LEASE: &str = "mail_sender";

/// How the sender paces itself.
#[derive(Debug, Clone, Copy)]
pub struct SenderPace {
    /// How long the lease is held without renewal. It is renewed before every message, and one
    /// message takes at most the SMTP timeout, so it must be longer than that.
    pub lease_ttl: Duration,
    /// How often the outbox is looked at when nothing is due.
    pub poll_every: std::time::Duration,
    /// Messages read per look.
    pub batch: u64,
}

impl SenderPace {
    /// The lease outlives one SMTP conversation (`smtp_timeout`) by a margin.
    pub fn new(smtp_timeout: std::time::Duration, poll_every: std::time::Duration) -> Self {
        let timeout = Duration::from_std(smtp_timeout).unwrap_or(Duration::minutes(5));
        Self {
            lease_ttl: timeout + Duration::seconds(5),
            poll_every,
            batch: 50,
        }
    }
}

/// What one round did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// False when another replica holds the lease.
    pub held_lease: bool,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

/// Sends what is due now, while this process holds the lease. A temporary failure ends the
/// round (the server is likely down for the rest too); the next round starts with the next
/// message due.
pub async fn send_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    owner: &str,
    pace: SenderPace,
    now: DateTime<Utc>,
) -> Result<Round, Error> {
    let mut round = Round::default();
    for mail in outbox::due(db, now, pace.batch).await? {
        // Renewed before each message: the lease outlives any one conversation, so no other
        // replica can start on this message while it is being sent.
        if !leases::try_take(db, SENDER_LEASE, owner, pace.lease_ttl, Utc::now()).await? {
            return Ok(round);
        }
        round.held_lease = true;
        match mailer.send(&mail).await {
            Ok(()) => {
                outbox::mark_sent(db, &mail, Utc::now()).await?;
                round.sent += 1;
            }
            Err(SendError::Permanent(reason)) => {
                tracing::warn!(mail_id = mail.id, kind = %mail.kind, %reason, "mail refused for good");
                outbox::mark_failed(db, &mail, &reason).await?;
                round.failed += 1;
            }
            Err(SendError::Temporary(reason)) => {
                tracing::warn!(mail_id = mail.id, kind = %mail.kind, %reason, "mail not sent; will try again");
                match outbox::mark_retry(db, &mail, &reason, Utc::now()).await? {
                    MailStatus::Failed => round.failed += 1,
                    _ => round.retrying += 1,
                }
                return Ok(round);
            }
        }
    }
    Ok(round)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::compose::Composed;
    use crate::mail::outbox::{OutgoingMail, enqueue, recent};
    use crate::mail::smtp::{FromAddress, SmtpServer};
    use crate::testing::fresh_store;
    use crate::testing::smtp::SmtpReceiver;
    use convene_types::MailKind;

    fn mail(key: &str, to: &str) -> OutgoingMail {
        OutgoingMail {
            idempotency_key: key.into(),
            kind: MailKind::AccountExists,
            recipient: to.into(),
            user_id: None,
            content: Composed {
                subject: format!("About {key}"),
                text: "Plain words.".into(),
                html: "<p>Plain words.</p>".into(),
            },
            unsubscribe_url: Some("https://example.org/mail/unsubscribe?t=1.digest.ab".into()),
        }
    }

    fn pace() -> SenderPace {
        SenderPace::new(
            std::time::Duration::from_secs(5),
            std::time::Duration::from_millis(50),
        )
    }

    #[tokio::test]
    async fn sends_over_smtp_retries_a_4xx_records_a_5xx_and_holds_the_lease() {
        let store = fresh_store().await;
        let receiver = SmtpReceiver::start().await;
        let server = SmtpServer::parse(&receiver.url()).unwrap();
        let mailer = Mailer::new(
            &server,
            &FromAddress::parse("Convene <convene@example.org>").unwrap(),
            std::time::Duration::from_secs(5),
        )
        .unwrap();
        let now = Utc::now();
        enqueue(store.db(), mail("first", "ada@example.org"), now)
            .await
            .unwrap();
        enqueue(store.db(), mail("second", "bo@example.org"), now)
            .await
            .unwrap();

        receiver.refuse_next("451 4.3.0 mailbox busy, try later");
        let round = send_due(store.db(), &mailer, "me", pace(), now)
            .await
            .unwrap();
        assert_eq!((round.sent, round.retrying), (0, 1), "a 4xx ends the round");
        let round = send_due(store.db(), &mailer, "me", pace(), now)
            .await
            .unwrap();
        assert_eq!(
            (round.sent, round.retrying),
            (1, 0),
            "the first waits its minute"
        );
        let received = receiver.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].rcpt_to, ["bo@example.org"]);
        assert_eq!(received[0].mail_from, "convene@example.org");
        let text = String::from_utf8_lossy(&received[0].data);
        assert!(text.contains("Subject: About second"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
        assert!(
            text.contains("List-Unsubscribe: <https://example.org/mail/unsubscribe?t=1.digest.ab>"),
            "{text}"
        );
        assert!(
            text.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
            "{text}"
        );

        let first = recent(store.db(), 10).await.unwrap().pop().unwrap();
        assert_eq!(first.status, MailStatus::Queued);
        assert_eq!(first.attempts, 1);
        assert!(
            first
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("451")
        );

        // Another replica gets nothing while the lease is held.
        // The retry is due a minute after it was recorded.
        let later = now + Duration::minutes(2);
        let other = send_due(store.db(), &mailer, "other", pace(), later)
            .await
            .unwrap();
        assert_eq!(other, Round::default());

        receiver.refuse_next("550 5.1.1 no such mailbox");
        let round = send_due(store.db(), &mailer, "me", pace(), later)
            .await
            .unwrap();
        assert_eq!(round.failed, 1);
        let first = recent(store.db(), 10).await.unwrap().pop().unwrap();
        assert_eq!(first.status, MailStatus::Failed);
        assert!(
            first
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("550"),
            "{:?}",
            first.last_error
        );
        assert_eq!(
            receiver.received().len(),
            1,
            "refused messages are not kept"
        );
    }

    #[tokio::test]
    async fn an_unreachable_server_is_a_temporary_failure() {
        let store = fresh_store().await;
        // A port nothing listens on: bind one, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let server = SmtpServer::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap();
        let mailer = Mailer::new(
            &server,
            &FromAddress::parse("convene@example.org").unwrap(),
            std::time::Duration::from_secs(2),
        )
        .unwrap();
        let now = Utc::now();
        enqueue(store.db(), mail("k", "ada@example.org"), now)
            .await
            .unwrap();
        let round = send_due(store.db(), &mailer, "me", pace(), now)
            .await
            .unwrap();
        assert_eq!(round.retrying, 1);
        let row = recent(store.db(), 1).await.unwrap().remove(0);
        assert_eq!((row.status, row.attempts), (MailStatus::Queued, 1));
        assert!(row.last_error.is_some());
    }
}
