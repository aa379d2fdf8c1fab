//! Signing in: credential checks with throttling of repeated failures per email and per address.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::Error;
use crate::accounts::{Email, HashShare, Password};
use crate::store::entities::sign_in_failure;
use crate::store::users::{self, User};

/// Failures allowed for one email from one client, within [`THROTTLE_WINDOW_MINUTES`]. An
/// email is never throttled for every client at once: a stranger failing on purpose must not
/// lock its owner out.
pub const MAX_FAILURES: u64 = 10;
/// Failures allowed from one client whatever the emails (one client trying many accounts).
pub const MAX_FAILURES_PER_CLIENT: u64 = 30;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;

/// Compared against when the email has no account, so both paths cost one Argon2 verification
/// and timing does not reveal which emails exist. Computed once, from a password nobody knows.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(
        || match Password::for_sign_in(crate::secrets::random_token()).hash() {
            Ok(hash) => hash,
            Err(err) => {
                tracing::error!(error = %err, "cannot compute the decoy password hash");
                String::new()
            }
        },
    )
}

/// Checks email and password. Every failure reason reads the same to the caller
/// ([`Error::WrongCredentials`]), except throttling, which says when to try again.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    email_input: &str,
    password: Password,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    // An unparseable email cannot have an account; it still counts as a failure for the address.
    let email = Email::parse(email_input).ok();
    let email_key = email.as_ref().map_or_else(
        || email_key(&email_input.trim().to_lowercase()),
        |e| e.as_str().to_owned(),
    );
    let client_address = address_key(client_address);
    let client_address = client_address.as_str();
    // Recorded before the hash is checked, so concurrent tries all count (a success clears it).
    reserve_attempt(db, &email_key, client_address, now).await?;

    let user = match &email {
        Some(email) => users::find_by_email(db, email).await?,
        None => None,
    };
    // An unconfirmed account has no password of its owner's choosing yet (the link sets it):
    // it is refused like a wrong password, after as long a check.
    let user = user.filter(|user| user.email_confirmed_at.is_some());
    let matched = match &user {
        Some(user) => {
            password
                .matches_off_thread(HashShare::SignIn, &user.password_hash)
                .await
        }
        None => {
            password
                .matches_off_thread(HashShare::SignIn, decoy_hash())
                .await;
            false
        }
    };
    match user {
        Some(user) if matched => {
            clear_failures(db, &email_key).await?;
            Ok(user)
        }
        // The reservation stays: it is the failure's record.
        _ => Err(Error::WrongCredentials),
    }
}

/// Checks the password someone types to prove it is them (changing their address or password),
/// throttled like signing in: the attempt is reserved before the hash is checked, per account
/// (its address) and per client. A wrong one names the field.
pub async fn check_current_password(
    db: &impl ConnectionTrait,
    account: &User,
    password: Password,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let client_address = address_key(client_address);
    reserve_attempt(db, &account.email, &client_address, now).await?;
    if password
        .matches_off_thread(HashShare::AccountActions, &account.password_hash)
        .await
    {
        clear_failures(db, &account.email).await?;
        return Ok(());
    }
    Err(Error::invalid(
        convene_types::InputField::CurrentPassword,
        "is not your current password",
    ))
}

/// Records an attempt, then counts the window with it: one count-and-record that holds under
/// concurrency. Each attempt's row is written before it counts, so the k-th attempt to count
/// sees at least k rows, and at most the limit pass however many arrive at once. A refused
/// attempt takes its row back, so the wait it is told stays true.
async fn reserve_attempt(
    db: &impl ConnectionTrait,
    email: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let reserved = record_failure(db, email, client_address, now).await?;
    if let Err(throttled) = throttle_check(db, email, client_address, now).await {
        sign_in_failure::Entity::delete_by_id(reserved)
            .exec(db)
            .await?;
        return Err(throttled);
    }
    Ok(())
}

async fn throttle_check(
    db: &impl ConnectionTrait,
    email: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let window_start = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    let this_email_from_this_client = Condition::all()
        .add(sign_in_failure::Column::Email.eq(email))
        .add(sign_in_failure::Column::ClientAddress.eq(client_address));
    let this_client =
        Condition::all().add(sign_in_failure::Column::ClientAddress.eq(client_address));
    for (condition, limit) in [
        (this_email_from_this_client, MAX_FAILURES),
        (this_client, MAX_FAILURES_PER_CLIENT),
    ] {
        let recent = sign_in_failure::Entity::find().filter(
            Condition::all()
                .add(condition)
                .add(sign_in_failure::Column::FailedAt.gt(window_start)),
        );
        // The attempt being checked is among them.
        if recent.clone().count(db).await? > limit {
            // The window frees up when the oldest failure in it ages out.
            let oldest = recent
                .order_by_asc(sign_in_failure::Column::FailedAt)
                .one(db)
                .await?
                .map_or(now, |row| row.failed_at);
            let free_at = oldest + Duration::minutes(THROTTLE_WINDOW_MINUTES);
            let minutes = ((free_at - now).num_seconds() + 59).div_euclid(60).max(1);
            return Err(Error::Throttled {
                retry_after_minutes: minutes,
            });
        }
    }
    Ok(())
}

/// Writes an attempt's row; returns its id.
async fn record_failure(
    db: &impl ConnectionTrait,
    email: &str,
    client_address: &str,
    now: DateTime<Utc>,
) -> Result<i64, Error> {
    Ok(sign_in_failure::ActiveModel {
        email: Set(email.to_owned()),
        client_address: Set(client_address.to_owned()),
        failed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn clear_failures(db: &impl ConnectionTrait, email: &str) -> Result<(), Error> {
    sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::Email.eq(email))
        .exec(db)
        .await?;
    Ok(())
}

/// Drops failures older than the window; run periodically so the table stays small.
pub async fn forget_old_failures(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, Error> {
    let cutoff = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    Ok(sign_in_failure::Entity::delete_many()
        .filter(sign_in_failure::Column::FailedAt.lte(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Throttling keys fit their columns whatever a client sends.
fn email_key(text: &str) -> String {
    text.chars().take(crate::accounts::EMAIL_MAX_LEN).collect()
}

fn address_key(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{DisplayName, Email};
    use crate::store::users::NewUser;
    use crate::testing::fresh_store;

    async fn store_with_ada() -> crate::testing::TestStore {
        let store = fresh_store().await;
        users::create(
            store.db(),
            NewUser {
                email: Email::parse("ada@example.org").unwrap(),
                display_name: DisplayName::parse("Ada").unwrap(),
                password: Password::parse_new("correct horse".into()).unwrap(),
                is_site_admin: false,
            },
        )
        .await
        .unwrap();
        store
    }

    fn pw(text: &str) -> Password {
        Password::for_sign_in(text.into())
    }

    #[tokio::test]
    async fn right_password_signs_in_with_any_email_case() {
        let store = store_with_ada().await;
        let user = authenticate(
            store.db(),
            " ADA@example.org ",
            pw("correct horse"),
            "10.0.0.1",
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(user.email, "ada@example.org");
    }

    #[tokio::test]
    async fn wrong_password_and_unknown_email_fail_the_same_way() {
        let store = store_with_ada().await;
        let wrong = authenticate(
            store.db(),
            "ada@example.org",
            pw("nope nope"),
            "a",
            Utc::now(),
        )
        .await;
        let unknown = authenticate(
            store.db(),
            "bob@example.org",
            pw("nope nope"),
            "a",
            Utc::now(),
        )
        .await;
        assert!(matches!(wrong, Err(Error::WrongCredentials)));
        assert!(matches!(unknown, Err(Error::WrongCredentials)));
        assert_eq!(
            wrong.unwrap_err().to_string(),
            unknown.unwrap_err().to_string()
        );
    }

    #[tokio::test]
    async fn ten_failures_throttle_that_email_from_that_client_only() {
        let store = store_with_ada().await;
        let now = Utc::now();
        let stranger = "203.0.113.66";
        for _ in 0..MAX_FAILURES {
            let err = authenticate(
                store.db(),
                "ada@example.org",
                pw("bad password"),
                stranger,
                now,
            )
            .await
            .unwrap_err();
            assert!(matches!(err, Error::WrongCredentials));
        }
        let err = authenticate(
            store.db(),
            "ada@example.org",
            pw("correct horse"),
            stranger,
            now,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Throttled {
                    retry_after_minutes: 15
                }
            ),
            "{err:?}"
        );
        // The stranger cannot lock Ada out: from her own address she signs in.
        authenticate(
            store.db(),
            "ada@example.org",
            pw("correct horse"),
            "198.51.100.1",
            now,
        )
        .await
        .unwrap();
        // After the window the stranger's address may try again too.
        let later = now + Duration::minutes(THROTTLE_WINDOW_MINUTES) + Duration::seconds(1);
        let err = authenticate(
            store.db(),
            "ada@example.org",
            pw("bad password"),
            stranger,
            later,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::WrongCredentials));
    }

    #[tokio::test]
    async fn many_failures_from_one_client_throttle_that_client() {
        let store = store_with_ada().await;
        let now = Utc::now();
        for i in 0..MAX_FAILURES_PER_CLIENT {
            let email = format!("guess{i}@example.org");
            let _ = authenticate(store.db(), &email, pw("whatever1"), "203.0.113.7", now).await;
        }
        let err = authenticate(
            store.db(),
            "ada@example.org",
            pw("correct horse"),
            "203.0.113.7",
            now,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Throttled { .. }), "{err:?}");
        // Another address is not affected.
        authenticate(
            store.db(),
            "ada@example.org",
            pw("correct horse"),
            "198.51.100.1",
            now,
        )
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn success_clears_the_email_failures_and_old_ones_are_forgotten() {
        let store = store_with_ada().await;
        let now = Utc::now();
        for _ in 0..3 {
            let _ = authenticate(store.db(), "ada@example.org", pw("bad password"), "a", now).await;
        }
        authenticate(store.db(), "ada@example.org", pw("correct horse"), "a", now)
            .await
            .unwrap();
        let _ = authenticate(store.db(), "x@example.org", pw("bad password"), "b", now).await;
        let later = now + Duration::minutes(THROTTLE_WINDOW_MINUTES);
        assert_eq!(forget_old_failures(store.db(), later).await.unwrap(), 1);
    }
}
