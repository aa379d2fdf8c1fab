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
    QuerySelect, QueryTrait,
};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::accounts::{DisplayName, Email, Password};
use crate::error::is_unique_violation;
use crate::mail::outbox::{self, OutgoingMail};
use crate::store::entities::{account_token, user};
use crate::store::sessions;
use crate::store::users::{self, User};
use crate::{mail::compose, site::PublicUrl};

/// How long a sign-up's confirmation link works.
pub const CONFIRM_VALID_FOR: Duration = Duration::days(7);
/// How long a password reset link works.
pub const RESET_VALID_FOR: Duration = Duration::hours(1);

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
    /// Address changes per client ([`crate::accounts::client_limit::ClientLimit::email_changes`]).
    pub client_limit: &'a crate::accounts::client_limit::ClientLimit,
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
    let txn = crate::store::begin_write(db).await?;
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

/// Moves the account to the address the link was sent to (confirmed by following it); the old
/// address is told, in the same transaction.
pub async fn confirm_email_change(
    db: &DatabaseConnection,
    token: &str,
    site: &PublicUrl,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let txn = crate::store::begin_write(db).await?;
    let row = spend(&txn, token, TokenPurpose::ChangeEmail, now).await?;
    let new_email = row.new_email.clone().ok_or_else(spent_link)?;
    let mut account = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(spent_link)?;
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
    let old_address = std::mem::replace(&mut account.email, new_email.clone());
    account.email_confirmed_at = Some(now);
    outbox::enqueue(
        &txn,
        OutgoingMail {
            idempotency_key: format!("address-changed:{}", row.id),
            kind: MailKind::AddressChanged,
            recipient: old_address,
            user_id: Some(account.id),
            content: compose::address_changed(&account.display_name, &new_email, &site.link("/")),
            unsubscribe_url: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(account)
}

/// One confirmation link per account per this long: signing up again sooner sends nothing.
pub const CONFIRMATION_EVERY: Duration = Duration::minutes(5);

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

    #[tokio::test]
    async fn only_accounts_whose_links_all_expired_unconfirmed_are_forgotten() {
        let store = fresh_store().await;
        let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
        let start = Utc::now();
        let sign = |email: &str, at| {
            sign_up(
                store.db(),
                SignUp {
                    email: Email::parse(email).unwrap(),
                    display_name: DisplayName::parse("Someone").unwrap(),
                },
                &site,
                at,
            )
        };
        assert!(matches!(
            sign("early@example.org", start).await.unwrap(),
            SignUpOutcome::Created { .. }
        ));
        // Signed up early, asked again six days later: the second link still works at day 8.
        sign("renewed@example.org", start).await.unwrap();
        let renewed = sign("renewed@example.org", start + Duration::days(6))
            .await
            .unwrap();
        assert!(matches!(
            renewed,
            SignUpOutcome::LinkSentAgain { sent: true, .. }
        ));
        let too_soon = sign("renewed@example.org", start + Duration::days(6))
            .await
            .unwrap();
        assert!(matches!(
            too_soon,
            SignUpOutcome::LinkSentAgain { sent: false, .. }
        ));
        users::create(
            store.db(),
            crate::store::users::tests::new_user("kept@example.org"),
        )
        .await
        .unwrap();
        let at_day_8 = start + Duration::days(8);
        assert_eq!(
            forget_unconfirmed_accounts(store.db(), start)
                .await
                .unwrap(),
            0,
            "nothing before the links expire"
        );
        assert_eq!(
            forget_unconfirmed_accounts(store.db(), at_day_8)
                .await
                .unwrap(),
            1
        );
        let left: Vec<String> = user::Entity::find()
            .all(store.db())
            .await
            .unwrap()
            .into_iter()
            .map(|user| user.email)
            .collect();
        assert_eq!(left.len(), 2);
        assert!(left.contains(&"renewed@example.org".to_owned()));
        assert!(left.contains(&"kept@example.org".to_owned()));
    }

    /// The token in each queued reset message, oldest first.
    async fn reset_tokens(db: &DatabaseConnection) -> Vec<String> {
        use crate::store::entities::mail_message;
        use sea_orm::QueryOrder;
        mail_message::Entity::find()
            .filter(mail_message::Column::Kind.eq(MailKind::PasswordReset))
            .order_by_asc(mail_message::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|mail| {
                let (_, rest) = mail.text_body.split_once("token=").unwrap();
                rest.split_whitespace().next().unwrap().to_owned()
            })
            .collect()
    }

    #[tokio::test]
    async fn a_reset_spends_the_accounts_other_reset_links() {
        let store = fresh_store().await;
        let email = Email::parse("ada@example.org").unwrap();
        users::create(
            store.db(),
            crate::store::users::tests::new_user("ada@example.org"),
        )
        .await
        .unwrap();
        let site = PublicUrl::new("https://events.example.org".parse().unwrap()).unwrap();
        let start = Utc::now();
        for at in [start, start + Duration::minutes(6)] {
            assert_eq!(
                request_password_reset(store.db(), &email, &site, at)
                    .await
                    .unwrap(),
                ResetRequest::Queued
            );
        }
        let tokens = reset_tokens(store.db()).await;
        assert_eq!(tokens.len(), 2);
        let later = start + Duration::minutes(7);
        let db = store.db();
        let usable_now = |token: String| async move {
            token_is_usable(db, &token, TokenPurpose::ResetPassword, later)
                .await
                .unwrap()
        };
        assert!(usable_now(tokens[0].clone()).await);
        reset_password(
            store.db(),
            &tokens[1],
            Password::parse_new("a new password".into()).unwrap(),
            later,
        )
        .await
        .unwrap();
        assert!(
            !usable_now(tokens[0].clone()).await,
            "the older link no longer sets a password"
        );
    }
}
