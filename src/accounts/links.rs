//! Account mail: sign-up that confirms the address, without telling anyone whether an address
//! is registered; "forgot password?" with single-use links valid for an hour. Each message is
//! written to the outbox in the transaction that records what it is about (the account, the
//! token), so both happen or neither. Tokens are random, stored as their SHA-256, and each
//! opens one thing once.

use chrono::{DateTime, Duration, Utc};
use convene_types::{InputField, MailKind, TokenPurpose};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::accounts::{DisplayName, Email, Password};
use crate::error::is_unique_violation;
use crate::mail::outbox::{self, OutgoingMail};
use crate::mail::{PublicUrl, compose};
use crate::store::entities::{account_token, user};
use crate::store::sessions;
use crate::store::users::{self, User};

/// How long a sign-up's confirmation link works.
pub const CONFIRM_VALID_FOR: Duration = Duration::days(7);
/// How long a password reset link works.
pub const RESET_VALID_FOR: Duration = Duration::hours(1);

/// What a sign-up did. The page says the same for both ("check your email"); only the mail
/// differs, and it goes to the address's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUpOutcome {
    /// A new, unconfirmed account; its confirmation link is in the outbox.
    Created { user_id: i64 },
    /// The address already has an account; its owner is told (at most once an hour).
    AddressTaken { user_id: i64 },
}

/// A sign-up's fields, parsed.
#[derive(Debug)]
pub struct SignUp {
    pub email: Email,
    pub display_name: DisplayName,
    pub password: Password,
}

/// Creates an unconfirmed account and queues its confirmation link; or, when the address is
/// taken, queues a note to its owner. The password is hashed either way, so both take as long.
pub async fn sign_up(
    db: &DatabaseConnection,
    new: SignUp,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<SignUpOutcome, Error> {
    let password_hash = new.password.hash_off_thread().await?;
    let txn = db.begin().await?;
    if let Some(owner) = users::find_by_email(&txn, &new.email).await? {
        queue_account_exists(&txn, &owner, site, now).await?;
        txn.commit().await?;
        return Ok(SignUpOutcome::AddressTaken { user_id: owner.id });
    }
    let inserted = user::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.as_str().to_owned()),
        password_hash: Set(password_hash),
        is_site_admin: Set(false),
        created_at: Set(now),
        email_confirmed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match inserted {
        Ok(user) => user,
        // Two sign-ups with one address at once: the second is the "taken" case.
        Err(err) if is_unique_violation(&err) => {
            drop(txn);
            let owner = users::find_by_email(db, &new.email)
                .await?
                .ok_or_else(|| Error::Internal("an address both taken and free".into()))?;
            let txn = db.begin().await?;
            queue_account_exists(&txn, &owner, site, now).await?;
            txn.commit().await?;
            return Ok(SignUpOutcome::AddressTaken { user_id: owner.id });
        }
        Err(err) => return Err(err.into()),
    };
    queue_confirmation(&txn, &user, site, now).await?;
    txn.commit().await?;
    Ok(SignUpOutcome::Created { user_id: user.id })
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
    let txn = db.begin().await?;
    mail_link(
        &txn,
        LinkMail {
            user_id: owner.id,
            recipient: &owner.email,
            purpose: TokenPurpose::ResetPassword,
            new_email: None,
            expires_at: now + RESET_VALID_FOR,
        },
        |link| compose::password_reset(&owner.display_name, link, RESET_VALID_FOR.num_minutes()),
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
    let txn = db.begin().await?;
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
    txn.commit().await?;
    tracing::info!(
        user_id = account.id,
        sessions_ended = ended,
        "password reset"
    );
    account.email_confirmed_at = Some(confirmed);
    Ok(account)
}

/// Confirms the address a sign-up link was sent to; the link is spent.
pub async fn confirm_email(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let txn = db.begin().await?;
    let row = spend(&txn, token, TokenPurpose::ConfirmEmail, now).await?;
    let mut account = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(spent_link)?;
    let confirmed = account.email_confirmed_at.unwrap_or(now);
    user::Entity::update_many()
        .col_expr(user::Column::EmailConfirmedAt, Expr::value(confirmed))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    account.email_confirmed_at = Some(confirmed);
    Ok(account)
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

fn token_hash(token: &str) -> String {
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
    outbox::enqueue(
        txn,
        OutgoingMail {
            idempotency_key: format!("{kind}:{}", row.id),
            kind,
            recipient: mail.recipient.to_owned(),
            user_id: Some(mail.user_id),
            content: content(&link),
            unsubscribe_url: None,
        },
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

/// How long a link confirming a new address works.
pub const CHANGE_VALID_FOR: Duration = Duration::hours(24);
/// Address changes one account may ask for in a day.
pub const EMAIL_CHANGES_A_DAY: usize = 3;

/// What asking for a new address did. The page says the same for both ("check your new
/// address"), so it never tells whether an address has an account; only the mail differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailChange {
    /// A link went to the new address.
    LinkSent,
    /// The address has an account: its owner is told (at most once an hour), nothing changes.
    AddressTaken,
}

/// Who asks for a new address, and how many such requests their network has left.
pub struct Asker<'a> {
    pub client_address: &'a str,
    /// Address changes per client ([`crate::client_limit::ClientLimit::email_changes`]).
    pub client_limit: &'a crate::client_limit::ClientLimit,
}

/// Asks to move the account to `new_email`: with the current password (checked and throttled
/// like a sign-in from the asker's address), a link goes to the new address, and the account
/// keeps the old one until it is followed. At most [`EMAIL_CHANGES_A_DAY`] a day per account,
/// and as many per client: each sends a message, so neither can be made a mail cannon.
pub async fn request_email_change(
    db: &DatabaseConnection,
    user_id: i64,
    new_email: Email,
    password: Password,
    asker: Asker<'_>,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<EmailChange, Error> {
    let client_address = asker.client_address;
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(Error::NotSignedIn)?;
    crate::store::sign_in::check_current_password(db, &account, password, client_address, now)
        .await?;
    if new_email.as_str() == account.email {
        return Err(Error::invalid(InputField::Email, "is already your address"));
    }
    let today = issued_since(
        db,
        user_id,
        TokenPurpose::ChangeEmail,
        now - Duration::days(1),
    )
    .await?;
    if today.len() >= EMAIL_CHANGES_A_DAY {
        return Err(Error::invalid(
            InputField::Email,
            format!(
                "you asked for a new address {EMAIL_CHANGES_A_DAY} times today: use one of those links, or try again tomorrow"
            ),
        ));
    }
    asker
        .client_limit
        .admit(client_address, std::time::Instant::now())
        .map_err(|retry_after_minutes| Error::TooManyTries {
            retry_after_minutes,
        })?;
    let txn = db.begin().await?;
    if let Some(owner) = users::find_by_email(&txn, &new_email).await? {
        outbox::enqueue(
            &txn,
            OutgoingMail {
                idempotency_key: format!(
                    "address-in-use:{}:{}",
                    owner.id,
                    now.format("%Y-%m-%dT%H")
                ),
                kind: MailKind::AccountExists,
                recipient: owner.email.clone(),
                user_id: Some(owner.id),
                content: compose::address_in_use(&owner.display_name, &site.link("/login")),
                unsubscribe_url: None,
            },
            now,
        )
        .await?;
        txn.commit().await?;
        return Ok(EmailChange::AddressTaken);
    }
    mail_link(
        &txn,
        LinkMail {
            user_id,
            recipient: new_email.as_str(),
            purpose: TokenPurpose::ChangeEmail,
            new_email: Some(new_email.as_str()),
            expires_at: now + CHANGE_VALID_FOR,
        },
        |link| compose::change_email(link, CHANGE_VALID_FOR.num_hours()),
        site,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(EmailChange::LinkSent)
}

/// Moves the account to the address the link was sent to (confirmed by following it).
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let txn = db.begin().await?;
    let row = spend(&txn, token, TokenPurpose::ChangeEmail, now).await?;
    let new_email = row.new_email.clone().ok_or_else(spent_link)?;
    let moved = user::Entity::update_many()
        .col_expr(user::Column::Email, Expr::value(new_email.clone()))
        .col_expr(user::Column::EmailConfirmedAt, Expr::value(now))
        .filter(user::Column::Id.eq(row.user_id))
        .exec(&txn)
        .await;
    match moved {
        Ok(_) => {}
        // Someone took the address since the link was sent.
        Err(err) if is_unique_violation(&err) => {
            return Err(Error::Conflict {
                field: InputField::Email,
                message: "another account uses this address now".into(),
            });
        }
        Err(err) => return Err(err.into()),
    }
    let account = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(spent_link)?;
    txn.commit().await?;
    Ok(account)
}

/// One confirmation link per account per this long.
pub const CONFIRMATION_EVERY: Duration = Duration::minutes(5);

/// Sends a fresh confirmation link to an unconfirmed account; false when it is confirmed or a
/// link went out less than [`CONFIRMATION_EVERY`] ago.
pub async fn resend_confirmation(
    db: &DatabaseConnection,
    user_id: i64,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<bool, Error> {
    let Some(account) = user::Entity::find_by_id(user_id).one(db).await? else {
        return Err(Error::NotSignedIn);
    };
    if account.email_confirmed_at.is_some() {
        return Ok(false);
    }
    if !issued_since(
        db,
        user_id,
        TokenPurpose::ConfirmEmail,
        now - CONFIRMATION_EVERY,
    )
    .await?
    .is_empty()
    {
        return Ok(false);
    }
    let txn = db.begin().await?;
    queue_confirmation(&txn, &account, site, now).await?;
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::users::NewUser;
    use crate::testing::fresh_store;

    #[tokio::test]
    async fn an_address_gets_one_reset_link_per_five_minutes_and_three_a_day() {
        let store = fresh_store().await;
        let email = Email::parse("ada@example.org").unwrap();
        users::create(
            store.db(),
            NewUser {
                email: email.clone(),
                display_name: DisplayName::parse("Ada").unwrap(),
                password: Password::parse_new("correct horse battery".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap();
        let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
        let start = Utc::now();
        let ask = |at| request_password_reset(store.db(), &email, &site, at);
        assert_eq!(ask(start).await.unwrap(), ResetRequest::Queued);
        assert_eq!(
            ask(start + Duration::minutes(4)).await.unwrap(),
            ResetRequest::TooSoon
        );
        assert_eq!(
            ask(start + Duration::minutes(6)).await.unwrap(),
            ResetRequest::Queued
        );
        assert_eq!(
            ask(start + Duration::minutes(12)).await.unwrap(),
            ResetRequest::Queued
        );
        assert_eq!(
            ask(start + Duration::hours(3)).await.unwrap(),
            ResetRequest::TooSoon,
            "three a day"
        );
        assert_eq!(
            ask(start + Duration::hours(25)).await.unwrap(),
            ResetRequest::Queued
        );
        let nobody = Email::parse("nobody@example.org").unwrap();
        assert_eq!(
            request_password_reset(store.db(), &nobody, &site, start)
                .await
                .unwrap(),
            ResetRequest::NoAccount
        );
    }
}
