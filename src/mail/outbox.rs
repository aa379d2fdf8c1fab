//! The outbox's rows: writing a message once (its idempotency key decides), what is due, and
//! recording each attempt's outcome.

use chrono::{DateTime, Duration, Utc};
use convene_types::{MailKind, MailStatus};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult, sea_query::Expr,
};

use crate::Error;
use crate::mail::compose::Composed;
use crate::store::entities::mail_message;

pub use mail_message::Model as StoredMail;

/// A message to send, rendered.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// Writing a message with a key already in the outbox does nothing: a retried request, a
    /// re-run job or a second replica never queues it twice.
    pub idempotency_key: String,
    pub kind: MailKind,
    pub recipient: String,
    pub user_id: Option<i64>,
    pub content: Composed,
    /// The one-click unsubscribe address (member mail; account mail has none).
    pub unsubscribe_url: Option<String>,
}

/// The longest idempotency key stored (the column's width).
const KEY_MAX_LEN: usize = 200;

/// Writes the message unless one with its key exists; true when written. Give it the
/// transaction that records the fact behind the message, so both happen or neither.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    mail: OutgoingMail,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    insert_once(db, row(mail, now)?).await
}

/// [`enqueue`] for account mail carrying a single-use link that works until
/// `link_expires_at`: `/admin/mail` shows that, never the link.
pub async fn enqueue_with_link(
    db: &impl ConnectionTrait,
    mail: OutgoingMail,
    link_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let mut row = row(mail, now)?;
    row.link_expires_at = Set(Some(link_expires_at));
    insert_once(db, row).await
}

async fn insert_once(
    db: &impl ConnectionTrait,
    row: mail_message::ActiveModel,
) -> Result<bool, Error> {
    let written = mail_message::Entity::insert(row)
        .on_conflict_do_nothing_on([mail_message::Column::IdempotencyKey])
        .exec(db)
        .await?;
    Ok(matches!(written, TryInsertResult::Inserted(_)))
}

/// Whether a message with this key is in the outbox (written within [`KEPT_FOR`]).
pub async fn exists(db: &impl ConnectionTrait, idempotency_key: &str) -> Result<bool, Error> {
    Ok(mail_message::Entity::find()
        .select_only()
        .column(mail_message::Column::Id)
        .filter(mail_message::Column::IdempotencyKey.eq(idempotency_key))
        .into_tuple::<i64>()
        .one(db)
        .await?
        .is_some())
}

/// Messages written per statement by [`enqueue_many`].
const PER_STATEMENT: usize = 50;

/// [`enqueue`] for many messages, a few statements instead of one each (on Postgres through
/// sqlx, a statement carrying more than about 8 kB waits some 20 ms for a delayed ACK, so one
/// statement per 15 kB digest made 10,000 digests take minutes). Returns how many were written.
pub async fn enqueue_many(
    db: &impl ConnectionTrait,
    mails: Vec<OutgoingMail>,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let rows = mails
        .into_iter()
        .map(|mail| row(mail, now))
        .collect::<Result<Vec<_>, _>>()?;
    let mut written = 0;
    for chunk in rows.chunks(PER_STATEMENT) {
        let result = mail_message::Entity::insert_many(chunk.to_vec())
            .on_conflict_do_nothing_on([mail_message::Column::IdempotencyKey])
            .exec_without_returning(db)
            .await?;
        if let TryInsertResult::Inserted(rows) = result {
            written += rows;
        }
    }
    Ok(written)
}

fn row(mail: OutgoingMail, now: DateTime<Utc>) -> Result<mail_message::ActiveModel, Error> {
    if mail.idempotency_key.len() > KEY_MAX_LEN {
        return Err(Error::Internal(format!(
            "mail idempotency key longer than {KEY_MAX_LEN} bytes: {}",
            mail.idempotency_key
        )));
    }
    Ok(mail_message::ActiveModel {
        idempotency_key: Set(mail.idempotency_key),
        kind: Set(mail.kind),
        recipient: Set(mail.recipient),
        user_id: Set(mail.user_id),
        subject: Set(mail.content.subject),
        text_body: Set(mail.content.text),
        html_body: Set(mail.content.html),
        unsubscribe_url: Set(mail.unsubscribe_url),
        status: Set(MailStatus::Queued),
        attempts: Set(0),
        // Due at once, by the clock too (a job may write for a moment of its choosing).
        next_attempt_at: Set(now.min(Utc::now())),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    })
}

/// 0 for account mail, 1 for the rest: what [`due`] sorts by first.
fn account_mail_first() -> Expr {
    use sea_orm::sea_query::ExprTrait;
    let account_kinds: Vec<&str> = MailKind::ALL
        .iter()
        .filter(|kind| kind.is_account_mail())
        .map(|kind| kind.as_str())
        .collect();
    Expr::case(
        Expr::col(mail_message::Column::Kind).is_in(account_kinds),
        0,
    )
    .finally(1)
    .into()
}

/// Queued messages whose time has come: account mail (confirmations, resets) first, so a
/// digest week of 10,000 messages never holds up someone's sign-in link; then oldest first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<StoredMail>, Error> {
    Ok(mail_message::Entity::find()
        .filter(mail_message::Column::Status.eq(MailStatus::Queued))
        .filter(mail_message::Column::NextAttemptAt.lte(now))
        .order_by_asc(account_mail_first())
        .order_by_asc(mail_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// What a message reads once sent or given up, when it carried a single-use link.
pub const CLEARED_BODY: &str =
    "(Cleared once sent or given up: this message held a single-use link.)";

/// Once a message that carried a single-use link is sent or given up, its stored copy keeps
/// only subject and recipient: the outbox holds no key to anyone's account.
fn clear_link(
    update: sea_orm::UpdateMany<mail_message::Entity>,
    mail: &StoredMail,
) -> sea_orm::UpdateMany<mail_message::Entity> {
    if !mail.kind.carries_a_secret_link() {
        return update;
    }
    update
        .col_expr(mail_message::Column::TextBody, Expr::value(CLEARED_BODY))
        .col_expr(
            mail_message::Column::HtmlBody,
            Expr::value(format!("<p>{CLEARED_BODY}</p>")),
        )
}

/// The SMTP server took the message. A message that carried a single-use link keeps only its
/// subject and recipient from now on.
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    mail: &StoredMail,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let update = mail_message::Entity::update_many()
        .col_expr(mail_message::Column::Status, Expr::value(MailStatus::Sent))
        .col_expr(mail_message::Column::SentAt, Expr::value(now))
        .col_expr(
            mail_message::Column::Attempts,
            Expr::value(mail.attempts.saturating_add(1)),
        )
        .col_expr(mail_message::Column::LastError, Expr::value(None::<String>));
    clear_link(update, mail)
        .filter(mail_message::Column::Id.eq(mail.id))
        .exec(db)
        .await?;
    Ok(())
}

/// After a temporary failure (the server said 4xx, or could not be reached): tries again later,
/// waiting longer each time; after [`MAX_ATTEMPTS`] the message fails for good.
pub async fn mark_retry(
    db: &impl ConnectionTrait,
    mail: &StoredMail,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<MailStatus, Error> {
    let attempts = mail.attempts.saturating_add(1);
    let Some(wait) = retry_after(attempts) else {
        let reason = format!("gave up after {attempts} attempts; the last: {reason}");
        mark_failed(db, mail, &reason).await?;
        return Ok(MailStatus::Failed);
    };
    mail_message::Entity::update_many()
        .col_expr(mail_message::Column::Attempts, Expr::value(attempts))
        .col_expr(mail_message::Column::NextAttemptAt, Expr::value(now + wait))
        .col_expr(mail_message::Column::LastError, Expr::value(reason))
        .filter(mail_message::Column::Id.eq(mail.id))
        .exec(db)
        .await?;
    Ok(MailStatus::Queued)
}

/// The server refused the message for good (5xx), or it cannot be built (a bad address). A
/// single-use link it carried is cleared, as when sent.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    mail: &StoredMail,
    reason: &str,
) -> Result<(), Error> {
    let update = mail_message::Entity::update_many()
        .col_expr(
            mail_message::Column::Status,
            Expr::value(MailStatus::Failed),
        )
        .col_expr(
            mail_message::Column::Attempts,
            Expr::value(mail.attempts.saturating_add(1)),
        )
        .col_expr(mail_message::Column::LastError, Expr::value(reason));
    clear_link(update, mail)
        .filter(mail_message::Column::Id.eq(mail.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Tries before a temporarily failing message is given up: about a day and a half in all.
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait after the `attempts`-th failed try, or `None` when it was the last.
pub fn retry_after(attempts: i32) -> Option<Duration> {
    const MINUTES: [i64; 7] = [1, 5, 30, 120, 360, 720, 1440];
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    MINUTES
        .get(index)
        .map(|minutes| Duration::minutes(*minutes))
}

/// How long the outbox keeps a message, whatever became of it.
pub const KEPT_FOR: Duration = Duration::days(30);

/// Forgets messages written more than [`KEPT_FOR`] ago (sent, failed, or never sent for lack of
/// an SMTP server): the outbox is a queue and a recent log, not an archive. Returns how many.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, Error> {
    Ok(mail_message::Entity::delete_many()
        .filter(mail_message::Column::CreatedAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?
        .rows_affected)
}

/// The newest messages first, for `/admin/mail`.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<StoredMail>, Error> {
    Ok(mail_message::Entity::find()
        .order_by_desc(mail_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fresh_store;

    fn mail(key: &str) -> OutgoingMail {
        OutgoingMail {
            idempotency_key: key.into(),
            kind: MailKind::PasswordReset,
            recipient: "ada@example.org".into(),
            user_id: None,
            content: Composed {
                subject: "Reset".into(),
                text: "https://example.org/login/reset?token=secret".into(),
                html: "<a href=\"https://example.org/login/reset?token=secret\">reset</a>".into(),
            },
            unsubscribe_url: None,
        }
    }

    #[test]
    fn retries_wait_longer_each_time_then_stop() {
        let waits: Vec<_> = (1..=MAX_ATTEMPTS).map(retry_after).collect();
        assert_eq!(waits[0], Some(Duration::minutes(1)));
        assert!(waits.windows(2).all(|w| match (w[0], w[1]) {
            (Some(a), Some(b)) => a < b,
            (_, None) => true,
            (None, Some(_)) => false,
        }));
        assert_eq!(retry_after(MAX_ATTEMPTS), None);
        assert_eq!(retry_after(0), None);
        assert_eq!(retry_after(i32::MIN), None);
    }

    #[tokio::test]
    async fn a_key_is_written_once_and_a_sent_secret_link_is_cleared() {
        let store = fresh_store().await;
        let now = Utc::now();
        assert!(enqueue(store.db(), mail("reset:1:a"), now).await.unwrap());
        assert!(!enqueue(store.db(), mail("reset:1:a"), now).await.unwrap());
        let due_now = due(store.db(), now, 10).await.unwrap();
        assert_eq!(due_now.len(), 1);
        assert!(
            due(store.db(), now - Duration::seconds(1), 10)
                .await
                .unwrap()
                .is_empty()
        );

        let status = mark_retry(store.db(), &due_now[0], "451 try later", now)
            .await
            .unwrap();
        assert_eq!(status, MailStatus::Queued);
        assert!(
            due(store.db(), now, 10).await.unwrap().is_empty(),
            "waits a minute"
        );
        let later = now + Duration::minutes(1);
        let again = due(store.db(), later, 10).await.unwrap();
        assert_eq!(again[0].attempts, 1);
        assert_eq!(again[0].last_error.as_deref(), Some("451 try later"));

        mark_sent(store.db(), &again[0], later).await.unwrap();
        let stored = recent(store.db(), 10).await.unwrap();
        assert_eq!(stored[0].status, MailStatus::Sent);
        assert_eq!(stored[0].attempts, 2);
        assert_eq!(stored[0].text_body, CLEARED_BODY);
        assert!(!stored[0].html_body.contains("secret"));
        assert!(due(store.db(), later, 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_secret_link_is_cleared_when_the_message_is_given_up_too() {
        let store = fresh_store().await;
        let now = Utc::now();
        let expires = now + Duration::hours(1);
        assert!(
            enqueue_with_link(store.db(), mail("reset:2:a"), expires, now)
                .await
                .unwrap()
        );
        let queued = due(store.db(), now, 10).await.unwrap();
        // Postgres keeps microseconds.
        assert!(
            queued[0]
                .link_expires_at
                .is_some_and(|at| (at - expires).num_milliseconds() == 0)
        );
        mark_failed(store.db(), &queued[0], "550 no such mailbox")
            .await
            .unwrap();
        let stored = recent(store.db(), 10).await.unwrap();
        assert_eq!(stored[0].status, MailStatus::Failed);
        assert_eq!(stored[0].text_body, CLEARED_BODY);
        assert!(!stored[0].html_body.contains("secret"));
        // Member mail holds no such link and keeps its text, to see what failed.
        let digest = OutgoingMail {
            kind: MailKind::WeeklyDigest,
            ..mail("digest:kept")
        };
        enqueue(store.db(), digest, now).await.unwrap();
        let queued = due(store.db(), now, 10).await.unwrap();
        mark_failed(store.db(), &queued[0], "550").await.unwrap();
        assert!(
            recent(store.db(), 10).await.unwrap()[0]
                .text_body
                .contains("token=secret")
        );
    }

    #[tokio::test]
    async fn account_mail_goes_before_a_queue_of_digests() {
        let store = fresh_store().await;
        let now = Utc::now();
        let digests = (0..30)
            .map(|n| OutgoingMail {
                kind: MailKind::WeeklyDigest,
                ..mail(&format!("digest:{n}"))
            })
            .collect();
        enqueue_many(store.db(), digests, now).await.unwrap();
        enqueue(store.db(), mail("reset:after-the-digests"), now)
            .await
            .unwrap();
        let first = due(store.db(), now, 5).await.unwrap();
        assert_eq!(first[0].idempotency_key, "reset:after-the-digests");
        assert!(first[1..].iter().all(|m| m.kind == MailKind::WeeklyDigest));
    }

    #[tokio::test]
    async fn many_at_once_write_only_the_keys_not_written_yet() {
        let store = fresh_store().await;
        let now = Utc::now();
        assert!(enqueue(store.db(), mail("k1"), now).await.unwrap());
        let many = (0..120).map(|n| mail(&format!("k{n}"))).collect();
        assert_eq!(enqueue_many(store.db(), many, now).await.unwrap(), 119);
        assert_eq!(recent(store.db(), 500).await.unwrap().len(), 120);
        assert_eq!(enqueue_many(store.db(), Vec::new(), now).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn messages_older_than_a_month_are_forgotten() {
        let store = fresh_store().await;
        let now = Utc::now();
        enqueue(
            store.db(),
            mail("old"),
            now - KEPT_FOR - Duration::minutes(1),
        )
        .await
        .unwrap();
        enqueue(
            store.db(),
            mail("recent"),
            now - KEPT_FOR + Duration::minutes(1),
        )
        .await
        .unwrap();
        assert_eq!(prune(store.db(), now).await.unwrap(), 1);
        let kept = recent(store.db(), 10).await.unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].idempotency_key, "recent");
    }

    #[tokio::test]
    async fn a_message_failing_every_try_fails_for_good_with_its_reason() {
        let store = fresh_store().await;
        let now = Utc::now();
        enqueue(store.db(), mail("k"), now).await.unwrap();
        let mut status = MailStatus::Queued;
        for _ in 0..MAX_ATTEMPTS {
            let row = recent(store.db(), 1).await.unwrap().remove(0);
            status = mark_retry(store.db(), &row, "connection refused", now)
                .await
                .unwrap();
        }
        assert_eq!(status, MailStatus::Failed);
        let row = recent(store.db(), 1).await.unwrap().remove(0);
        assert_eq!(row.attempts, MAX_ATTEMPTS);
        assert_eq!(
            row.last_error.as_deref(),
            Some("gave up after 8 attempts; the last: connection refused")
        );
    }
}
