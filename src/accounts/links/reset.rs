//! "Forgot password?": a single-use link, valid for an hour, that sets a new password.

use chrono::{DateTime, Duration, Utc};
use convene_types::TokenPurpose;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::Error;
use crate::accounts::{Email, Password};
use crate::store::entities::{account_token, user};
use crate::store::sessions;
use crate::store::users::{self, User};
use crate::{mail::compose, site::PublicUrl};

use super::{LinkMail, issued_since, mail_link, spend, spent_link, usable};

/// How long a password reset link works.
pub const RESET_VALID_FOR: Duration = Duration::hours(1);

/// What "forgot password?" did; the page says the same whatever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetRequest {
    /// A link is in the outbox.
    Queued,
    /// No account has this address: nothing is sent.
    NoAccount,
    /// A link was sent less than [`RESET_EVERY`] ago (that one is still good), or
    /// [`RESETS_A_DAY`] were sent today.
    TooSoon,
}

/// One reset link per account per this long: asking again sooner sends nothing.
pub const RESET_EVERY: Duration = Duration::minutes(5);

/// Reset links one account gets in a day at most, however they are spaced.
pub const RESETS_A_DAY: usize = 3;

/// Queues a single-use link to set a new password.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    email: &Email,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<ResetRequest, Error> {
    let Some(owner) = users::find_by_email(db, email).await? else {
        return Ok(ResetRequest::NoAccount);
    };
    // Anyone may ask for anyone: an address gets one link per 5 minutes and a few a day.
    let today = issued_since(
        db,
        owner.id,
        TokenPurpose::ResetPassword,
        now - Duration::days(1),
    )
    .await?;
    if today.len() >= RESETS_A_DAY || today.iter().any(|at| *at > now - RESET_EVERY) {
        return Ok(ResetRequest::TooSoon);
    }
    // An unconfirmed account's name was written by whoever signed up, maybe not the owner.
    let greeting = match owner.email_confirmed_at {
        Some(_) => owner.display_name.as_str(),
        None => "",
    };
    let txn = crate::store::begin_write(db).await?;
    mail_link(
        &txn,
        LinkMail {
            user_id: owner.id,
            recipient: &owner.email,
            purpose: TokenPurpose::ResetPassword,
            new_email: None,
            expires_at: now + RESET_VALID_FOR,
        },
        |link| compose::password_reset(greeting, link, RESET_VALID_FOR.num_minutes()),
        site,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ResetRequest::Queued)
}

/// True when `token` would open `purpose` now (the page shows its form, or says the link is
/// spent). Opening it is [`reset_password`] or [`confirm_email`].
pub async fn token_is_usable(
    db: &DatabaseConnection,
    token: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    Ok(usable(db, token, purpose, now).await?.is_some())
}

/// Sets a new password with a reset link, which is spent; every session of the account ends
/// (the caller then signs in afresh). Also confirms the address: the link proved it. The token
/// is looked up before the password is hashed, so a made-up token costs a lookup, not a hash.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    password: Password,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    if usable(db, token, TokenPurpose::ResetPassword, now)
        .await?
        .is_none()
    {
        return Err(spent_link());
    }
    let password_hash = password.hash_off_thread().await?;
    let txn = crate::store::begin_write(db).await?;
    let row = spend(&txn, token, TokenPurpose::ResetPassword, now).await?;
    let mut account = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(spent_link)?;
    let confirmed = account.email_confirmed_at.unwrap_or(now);
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::EmailConfirmedAt, Expr::value(confirmed))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let ended = sessions::delete_all_of_user(&txn, account.id).await?;
    // The account's other reset links open nothing now: one reset, one new password.
    account_token::Entity::update_many()
        .col_expr(account_token::Column::UsedAt, Expr::value(now))
        .filter(account_token::Column::UserId.eq(account.id))
        .filter(account_token::Column::Purpose.eq(TokenPurpose::ResetPassword))
        .filter(account_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(
        user_id = account.id,
        sessions_ended = ended,
        "password reset"
    );
    account.email_confirmed_at = Some(confirmed);
    Ok(account)
}
