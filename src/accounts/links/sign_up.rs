//! Sign-up: an unconfirmed account without a password, and its confirmation link, whose
//! follower chooses the name and password.

use chrono::{DateTime, Duration, Utc};
use convene_types::{MailKind, TokenPurpose};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};

use crate::Error;
use crate::accounts::{DisplayName, Email, Password};
use crate::error::is_unique_violation;
use crate::mail::outbox::{self, OutgoingMail};
use crate::store::entities::user;
use crate::store::sessions;
use crate::store::users::{self, User};
use crate::{mail::compose, site::PublicUrl};

use super::{LinkMail, issued_since, mail_link, spend, spent_link, usable};

/// How long a sign-up's confirmation link works.
pub const CONFIRM_VALID_FOR: Duration = Duration::days(7);

/// What a sign-up did. The page says the same for each ("check your email"); only the mail
/// differs, and it goes to the address's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpOutcome {
    /// A new, unconfirmed account; its confirmation link is in the outbox.
    Created { user_id: i64 },
    /// The address has an unconfirmed account (someone signed up and never followed the link,
    /// or typed another person's address): a fresh link goes to the address, unless one went
    /// less than [`CONFIRMATION_EVERY`] ago. The link's follower chooses name and password.
    LinkSentAgain { user_id: i64, sent: bool },
    /// The address has a confirmed account; its owner is told (at most once an hour).
    AddressTaken { user_id: i64 },
}

/// A sign-up's fields, parsed. No password: whoever follows the mailed link sets it, so an
/// account is never opened with a password chosen by someone who does not own the address.
#[derive(Debug)]
pub struct SignUp {
    pub email: Email,
    pub display_name: DisplayName,
}

/// What the password hash of an account that has none holds: it matches no password. An
/// account has none from sign-up until its address is confirmed.
pub const NO_PASSWORD: &str = "";

/// Creates an unconfirmed account without a password and queues its confirmation link; or,
/// when the address has an account, queues a fresh link (unconfirmed) or a note (confirmed) to
/// the address. No password is hashed, so sign-up costs a few statements, not a hash.
pub async fn sign_up(
    db: &DatabaseConnection,
    new: SignUp,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<SignUpOutcome, Error> {
    let txn = crate::store::begin_write(db).await?;
    if let Some(owner) = users::find_by_email(&txn, &new.email).await? {
        let outcome = answer_taken_address(&txn, &owner, site, now).await?;
        txn.commit().await?;
        return Ok(outcome);
    }
    let inserted = user::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        password_hash: Set(NO_PASSWORD.to_owned()),
        is_site_admin: Set(false),
        created_at: Set(now),
        email_confirmed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        // Two sign-ups with one address at once: the second finds the first's account.
        Err(err) if is_unique_violation(&err) => {
            drop(txn);
            let owner = users::find_by_email(db, &new.email)
                .await?
                .ok_or_else(|| Error::Internal("an address both taken and free".into()))?;
            let txn = crate::store::begin_write(db).await?;
            let outcome = answer_taken_address(&txn, &owner, site, now).await?;
            txn.commit().await?;
            return Ok(outcome);
        }
        Err(err) => return Err(err.into()),
    };
    queue_confirmation(&txn, &user, site, now).await?;
    txn.commit().await?;
    Ok(SignUpOutcome::Created { user_id: user.id })
}

/// A sign-up with an address that has an account: a fresh confirmation link while it is
/// unconfirmed (one per [`CONFIRMATION_EVERY`]), else a note to its owner.
async fn answer_taken_address(
    txn: &impl sea_orm::ConnectionTrait,
    owner: &User,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<SignUpOutcome, Error> {
    if owner.email_confirmed_at.is_some() {
        queue_account_exists(txn, owner, site, now).await?;
        return Ok(SignUpOutcome::AddressTaken { user_id: owner.id });
    }
    let recent = issued_since(
        txn,
        owner.id,
        TokenPurpose::ConfirmEmail,
        now - CONFIRMATION_EVERY,
    )
    .await?;
    let sent = recent.is_empty();
    if sent {
        queue_confirmation(txn, owner, site, now).await?;
    }
    Ok(SignUpOutcome::LinkSentAgain {
        user_id: owner.id,
        sent,
    })
}

/// A new confirmation link for an account (sign-up, or "send it again").
async fn queue_confirmation(
    txn: &impl sea_orm::ConnectionTrait,
    user: &User,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    mail_link(
        txn,
        LinkMail {
            user_id: user.id,
            recipient: &user.email,
            purpose: TokenPurpose::ConfirmEmail,
            new_email: None,
            expires_at: now + CONFIRM_VALID_FOR,
        },
        |link| compose::confirm_email(link, CONFIRM_VALID_FOR.num_days()),
        site,
        now,
    )
    .await
}

/// Tells an address's owner that someone signed up with it; once an hour at most, so the
/// sign-up form cannot be used to flood someone's inbox.
async fn queue_account_exists(
    txn: &impl sea_orm::ConnectionTrait,
    owner: &User,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    outbox::enqueue(
        txn,
        OutgoingMail {
            idempotency_key: format!("account-exists:{}:{}", owner.id, now.format("%Y-%m-%dT%H")),
            kind: MailKind::AccountExists,
            recipient: owner.email.clone(),
            user_id: Some(owner.id),
            content: compose::account_exists(
                &owner.display_name,
                &site.link("/login"),
                &site.link("/login/forgot"),
            ),
            unsubscribe_url: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The account a confirmation link would open, for its page: the name given at sign-up.
pub async fn confirmation_for(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<DisplayName>, Error> {
    let Some(row) = usable(db, token, TokenPurpose::ConfirmEmail, now).await? else {
        return Ok(None);
    };
    let account = user::Entity::find_by_id(row.user_id).one(db).await?;
    Ok(account.and_then(|account| DisplayName::parse(&account.display_name).ok()))
}

/// What the person following a confirmation link gives: the name to go by and a password.
#[derive(Debug)]
pub struct Confirmation {
    pub display_name: DisplayName,
    pub password: Password,
}

/// Confirms the address a sign-up link was sent to, with the name and password its follower
/// chose; the link is spent and every other session of the account ends, so whoever signed up
/// with someone else's address keeps nothing once its owner confirms. The token is looked up
/// before the password is hashed.
pub async fn confirm_email(
    db: &DatabaseConnection,
    token: &str,
    confirmation: Confirmation,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    if usable(db, token, TokenPurpose::ConfirmEmail, now)
        .await?
        .is_none()
    {
        return Err(spent_link());
    }
    let password_hash = confirmation.password.hash_off_thread().await?;
    let txn = crate::store::begin_write(db).await?;
    let row = spend(&txn, token, TokenPurpose::ConfirmEmail, now).await?;
    let mut account = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(spent_link)?;
    let confirmed = account.email_confirmed_at.unwrap_or(now);
    let display_name = confirmation.display_name.as_str().to_owned();
    user::Entity::update_many()
        .col_expr(user::Column::EmailConfirmedAt, Expr::value(confirmed))
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::DisplayName, Expr::value(display_name.clone()))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let ended = sessions::delete_all_of_user(&txn, account.id).await?;
    txn.commit().await?;
    tracing::info!(
        user_id = account.id,
        sessions_ended = ended,
        "email address confirmed"
    );
    account.email_confirmed_at = Some(confirmed);
    account.display_name = display_name;
    Ok(account)
}

/// One confirmation link per account per this long: signing up again sooner sends nothing.
pub const CONFIRMATION_EVERY: Duration = Duration::minutes(5);
