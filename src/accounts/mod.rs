//! Account inputs parsed once (email, display name, password) and Argon2id password hashing.
//! `links`: account mail (confirmation, password reset).

pub mod client_address;
pub mod client_limit;
pub mod joining;
pub mod links;
pub mod profile;
pub mod same_origin;

use std::fmt;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::Error;
use convene_types::InputField;

pub const EMAIL_MAX_LEN: usize = 254;
pub const DISPLAY_NAME_MAX_CHARS: usize = 80;
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Long enough for any passphrase, short enough that hashing cannot be used to burn CPU.
pub const PASSWORD_MAX_CHARS: usize = 256;

/// An email address, trimmed and lower-cased (the form it is stored and compared in).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let email = input.trim().to_lowercase();
        let invalid = |message: &str| Error::invalid(InputField::Email, message);
        if email.is_empty() {
            return Err(invalid("is required"));
        }
        if email.len() > EMAIL_MAX_LEN {
            return Err(invalid("is too long"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("must look like name@example.org"));
        };
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
        if !well_formed {
            return Err(invalid("must look like name@example.org"));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown beside a member: trimmed, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, Error> {
        let name = input.trim();
        if name.is_empty() {
            return Err(Error::invalid(InputField::DisplayName, "is required"));
        }
        if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
            return Err(Error::invalid(
                InputField::DisplayName,
                format!("must be at most {DISPLAY_NAME_MAX_CHARS} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(Error::invalid(
                InputField::DisplayName,
                "must not contain control characters",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed. Not trimmed (spaces may be part of a passphrase); `Debug` hides it.
#[derive(Clone)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Checks a new password's length. Sign-in skips this: it only compares.
    pub fn parse_new(input: String) -> Result<Self, Error> {
        let chars = input.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(Error::invalid(
                InputField::Password,
                format!("must be at least {PASSWORD_MIN_CHARS} characters"),
            ));
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(Error::invalid(
                InputField::Password,
                format!("must be at most {PASSWORD_MAX_CHARS} characters"),
            ));
        }
        Ok(Self(input))
    }

    /// A password given at sign-in, compared but never checked against the rules.
    pub fn for_sign_in(input: String) -> Self {
        Self(input)
    }

    /// Argon2id (the crate's defaults: 19 MiB, 2 passes) with a fresh random salt per call.
    pub fn hash(&self) -> Result<String, Error> {
        if self.0.chars().count() > PASSWORD_MAX_CHARS {
            return Err(Error::invalid(InputField::Password, "is too long"));
        }
        Argon2::default()
            .hash_password(self.0.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|err| Error::Internal(format!("password hashing failed: {err}")))
    }

    /// [`Password::hash`] on a blocking thread, in the account actions' share of hashing (a
    /// new password: sign-up, reset, change): a burst of them queues there and slows only them,
    /// never sign-in or the threads serving pages.
    pub async fn hash_off_thread(&self) -> Result<String, Error> {
        let password = self.clone();
        hashing(HashShare::AccountActions, move || password.hash()).await?
    }

    /// [`Password::matches`] on a blocking thread, in `share` of hashing.
    pub async fn matches_off_thread(&self, share: HashShare, stored_hash: &str) -> bool {
        let (password, stored_hash) = (self.clone(), stored_hash.to_owned());
        hashing(share, move || password.matches(&stored_hash))
            .await
            .unwrap_or(false)
    }

    /// True when this password produced `stored_hash`. Over-long input never matches.
    pub fn matches(&self, stored_hash: &str) -> bool {
        if self.0.chars().count() > PASSWORD_MAX_CHARS || stored_hash == links::NO_PASSWORD {
            return false;
        }
        match PasswordHash::new(stored_hash) {
            Ok(hash) => Argon2::default()
                .verify_password(self.0.as_bytes(), &hash)
                .is_ok(),
            Err(err) => {
                tracing::error!(error = %err, "a stored password hash does not parse");
                false
            }
        }
    }
}

/// Whose turn at password hashing a piece of work waits for. Sign-in has a share of its own, so
/// a flood of resets, sign-ups or password changes (each a hash) cannot make signing in wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashShare {
    /// Checking a password at sign-in.
    SignIn,
    /// Hashing a new password, and checking the current one before a change.
    AccountActions,
}

/// Sign-in hashes computed at once (each takes ~19 MiB and a core for tens of milliseconds).
pub const SIGN_IN_HASHES_AT_ONCE: usize = 2;
/// Hashes for every other account action at once.
pub const ACCOUNT_HASHES_AT_ONCE: usize = 1;

/// Runs Argon2 work on a blocking thread behind its share's process-wide limit.
async fn hashing<T: Send + 'static>(
    share: HashShare,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    static SIGN_IN: tokio::sync::Semaphore =
        tokio::sync::Semaphore::const_new(SIGN_IN_HASHES_AT_ONCE);
    static ACCOUNT_ACTIONS: tokio::sync::Semaphore =
        tokio::sync::Semaphore::const_new(ACCOUNT_HASHES_AT_ONCE);
    let permits = match share {
        HashShare::SignIn => &SIGN_IN,
        HashShare::AccountActions => &ACCOUNT_ACTIONS,
    };
    let _permit = permits
        .acquire()
        .await
        .map_err(|err| Error::Internal(format!("password hashing is shut down: {err}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| Error::Internal(format!("password hashing failed: {err}")))
}

/// The domain of the accounts demo mode creates (their password is published in the README).
pub const DEMO_ACCOUNT_DOMAIN: &str = "demo.convene.test";

/// Demo accounts sign in only while demo mode runs: on a deployment that once ran the demo,
/// their published password opens nothing. Refused like any wrong password.
pub fn check_demo_account(email: &str, demo_mode: bool) -> Result<(), Error> {
    let is_demo = email
        .trim()
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(DEMO_ACCOUNT_DOMAIN));
    if is_demo && !demo_mode {
        return Err(Error::WrongCredentials);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_queue_of_new_password_hashes_does_not_hold_up_sign_in() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let stored = Password::for_sign_in("correct horse".into())
            .hash()
            .unwrap();
        let done = Arc::new(AtomicUsize::new(0));
        let mut queue = tokio::task::JoinSet::new();
        for n in 0..12 {
            let done = done.clone();
            queue.spawn(async move {
                Password::for_sign_in(format!("new password {n}"))
                    .hash_off_thread()
                    .await
                    .unwrap();
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        // Once the first is done, the other eleven wait in line (one pool would put sign-in
        // behind them all).
        while done.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let signed_in = Password::for_sign_in("correct horse".into())
            .matches_off_thread(HashShare::SignIn, &stored)
            .await;
        assert!(signed_in);
        let behind = done.load(Ordering::SeqCst);
        assert!(
            behind <= 4,
            "sign-in waited for {behind} of 12 account hashes"
        );
        queue.join_all().await;
    }

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
    }

    #[test]
    fn malformed_emails_name_the_field() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@ex..org",
            "a@b@c.org",
        ] {
            let err = Email::parse(bad).unwrap_err().to_string();
            assert!(err.starts_with("email: "), "{bad:?}: {err}");
        }
    }

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Ada  ").unwrap().as_str(), "Ada");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn new_passwords_have_a_minimum_length() {
        let err = Password::parse_new("short".into()).unwrap_err().to_string();
        assert_eq!(err, "password: must be at least 8 characters");
        assert!(Password::parse_new("long enough".into()).is_ok());
    }

    #[test]
    fn hashes_are_salted_argon2id_and_verify() {
        let password = Password::parse_new("correct horse".into()).unwrap();
        let first = password.hash().unwrap();
        let second = password.hash().unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "a fresh salt per hash");
        assert!(password.matches(&first));
        assert!(Password::for_sign_in("correct horse".into()).matches(&second));
        assert!(!Password::for_sign_in("correct horse ".into()).matches(&first));
        assert!(!Password::for_sign_in("wrong".into()).matches("not a hash"));
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::for_sign_in("hunter2hunter2".into());
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn demo_accounts_sign_in_only_in_demo_mode() {
        assert!(check_demo_account("member@demo.convene.test", true).is_ok());
        assert!(matches!(
            check_demo_account(" Admin@DEMO.convene.test ", false),
            Err(Error::WrongCredentials)
        ));
        assert!(check_demo_account("ada@example.org", false).is_ok());
        assert!(check_demo_account("ada@demo.convene.test.example.org", false).is_ok());
    }
}
