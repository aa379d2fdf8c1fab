//! Account mail: sign-up that confirms the address (`sign_up`), without telling anyone whether
//! an address is registered; "forgot password?" with single-use links valid for an hour
//! (`reset`); a new address confirmed from that address (`email_change`). Each message is
//! written to the outbox in the transaction that records what it is about (the account, the
//! token), so both happen or neither. Tokens are random, stored as their SHA-256, and each
//! opens one thing once: this module keeps them.

mod email_change;
mod reset;
mod sign_up;
#[cfg(test)]
mod tests;

pub use email_change::{
    Asker, CHANGE_VALID_FOR, EMAIL_CHANGES_A_DAY, EmailChange, confirm_email_change,
    request_email_change,
};
pub use reset::{
    RESET_EVERY, RESET_VALID_FOR, RESETS_A_DAY, ResetRequest, request_password_reset,
    reset_password, token_is_usable,
};
pub use sign_up::{
    CONFIRM_VALID_FOR, CONFIRMATION_EVERY, Confirmation, NO_PASSWORD, SignUp, SignUpOutcome,
    confirm_email, confirmation_for, sign_up,
};

use chrono::{DateTime, Duration, Utc};
use convene_types::{InputField, MailKind, TokenPurpose};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, QueryTrait,
};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::mail::outbox::{self, OutgoingMail};
use crate::store::entities::{account_token, user};
use crate::{mail::compose, site::PublicUrl};

/// Deletes accounts whose address was never confirmed once no link that could confirm it
/// works any more (a confirmation or reset link, unused and unexpired): nobody can open
/// them, and their address is free for its owner. Two statements in one transaction, each
/// asking the question afresh, so an account whose link was followed or sent meanwhile stays.
/// Returns how many went.
pub async fn forget_unconfirmed_accounts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let abandoned = || {
        let live_links = account_token::Entity::find()
            .select_only()
            .column(account_token::Column::UserId)
            .filter(account_token::Column::UsedAt.is_null())
            .filter(account_token::Column::ExpiresAt.gt(now))
            .into_query();
        user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::EmailConfirmedAt.is_null())
            .filter(user::Column::CreatedAt.lt(now - CONFIRM_VALID_FOR))
            .filter(user::Column::Id.not_in_subquery(live_links))
            .into_query()
    };
    let txn = crate::store::begin_write(db).await?;
    crate::store::entities::session::Entity::delete_many()
        .filter(crate::store::entities::session::Column::UserId.in_subquery(abandoned()))
        .exec(&txn)
        .await?;
    let forgotten = user::Entity::delete_many()
        .filter(user::Column::Id.in_subquery(abandoned()))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok(forgotten)
}

/// Forgets tokens that expired more than a day ago (used or not): they open nothing.
pub async fn forget_expired_tokens(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    Ok(account_token::Entity::delete_many()
        .filter(account_token::Column::ExpiresAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?
        .rows_affected)
}

fn spent_link() -> Error {
    Error::invalid(
        InputField::Token,
        "this link has expired or was already used: ask for a new one",
    )
}

/// What the store keeps of a token: its SHA-256, so a copy of the store opens nothing.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Longer than any token we issue; anything longer is not one of ours.
const TOKEN_MAX_LEN: usize = 128;

async fn usable(
    db: &impl sea_orm::ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<account_token::Model>, Error> {
    if token.is_empty() || token.len() > TOKEN_MAX_LEN {
        return Ok(None);
    }
    Ok(account_token::Entity::find()
        .filter(account_token::Column::TokenHash.eq(token_hash(token)))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::UsedAt.is_null())
        .filter(account_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?)
}

/// Marks the token used, once: of two requests racing with one link, one wins.
async fn spend(
    txn: &impl sea_orm::ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<account_token::Model, Error> {
    let row = usable(txn, token, purpose, now)
        .await?
        .ok_or_else(spent_link)?;
    let spent = account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::Id.eq(row.id))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected;
    if spent != 1 {
        return Err(spent_link());
    }
    Ok(row)
}

/// A single-use link to mail: whose, to which address, for what, until when.
struct LinkMail<'a> {
    user_id: i64,
    recipient: &'a str,
    purpose: TokenPurpose,
    /// The address being confirmed, for [`TokenPurpose::ChangeEmail`].
    new_email: Option<&'a str>,
    expires_at: DateTime<Utc>,
}

/// The page a link leads to, and the kind of the message carrying it.
fn page_and_mail(purpose: TokenPurpose) -> (&'static str, MailKind) {
    match purpose {
        TokenPurpose::ConfirmEmail => ("/account/confirm", MailKind::ConfirmEmail),
        TokenPurpose::ResetPassword => ("/login/reset", MailKind::PasswordReset),
        TokenPurpose::ChangeEmail => ("/account/email", MailKind::ChangeEmail),
    }
}

/// Stores a fresh token's hash and queues the message carrying its link (`content` writes the
/// message around the link), both in the caller's transaction.
async fn mail_link(
    txn: &impl sea_orm::ConnectionTrait,
    mail: LinkMail<'_>,
    content: impl FnOnce(&str) -> compose::Composed,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let token = crate::secrets::random_token();
    let row = account_token::ActiveModel {
        user_id: Set(mail.user_id),
        purpose: Set(mail.purpose),
        token_hash: Set(token_hash(&token)),
        new_email: Set(mail.new_email.map(str::to_owned)),
        expires_at: Set(mail.expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let (page, kind) = page_and_mail(mail.purpose);
    let link = site.link(&format!("{page}?token={token}"));
    outbox::enqueue_with_link(
        txn,
        OutgoingMail {
            idempotency_key: format!("{kind}:{}", row.id),
            kind,
            recipient: mail.recipient.to_owned(),
            user_id: Some(mail.user_id),
            content: content(&link),
            unsubscribe_url: None,
        },
        mail.expires_at,
        now,
    )
    .await?;
    Ok(())
}

/// When the account's links for `purpose` were issued since `since`.
async fn issued_since(
    db: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, Error> {
    Ok(account_token::Entity::find()
        .select_only()
        .column(account_token::Column::CreatedAt)
        .filter(account_token::Column::UserId.eq(user_id))
        .filter(account_token::Column::Purpose.eq(purpose))
        .filter(account_token::Column::CreatedAt.gt(since))
        .into_tuple()
        .all(db)
        .await?)
}
