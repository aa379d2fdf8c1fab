//! A new address, confirmed from that address before the account moves to it.

use chrono::{DateTime, Duration, Utc};
use convene_types::{InputField, MailKind, TokenPurpose};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::Error;
use crate::accounts::{Email, Password};
use crate::error::is_unique_violation;
use crate::mail::outbox::{self, OutgoingMail};
use crate::store::entities::user;
use crate::store::users::{self, User};
use crate::{mail::compose, site::PublicUrl};

use super::{LinkMail, issued_since, mail_link, spend, spent_link};

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
