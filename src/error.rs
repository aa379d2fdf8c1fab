//! The domain core's one error type.

use convene_types::InputField;
use sea_orm::DbErr;

/// What can go wrong in the domain core. Callers map these to HTTP statuses or exit codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule; `field` names the input so the UI can show the error beside it.
    #[error("{field}: {message}")]
    Invalid { field: InputField, message: String },
    /// A unique value (a slug, an email) is already taken.
    #[error("{field}: {message}")]
    Conflict { field: InputField, message: String },
    #[error("{0} not found")]
    NotFound(String),
    /// The action needs a signed-in user and there is none (HTTP 401).
    #[error("sign in required")]
    NotSignedIn,
    /// The signed-in user may not do this (HTTP 403).
    #[error("not allowed")]
    Forbidden,
    /// Too many failed sign-ins for this email or address; try again after the wait.
    #[error("too many failed sign-ins: try again in {}", convene_types::minutes(*retry_after_minutes))]
    Throttled { retry_after_minutes: i64 },
    /// Too many accounts created from one client lately; try again after the wait.
    #[error("too many sign-ups from this network: try again in {}", convene_types::minutes(*retry_after_minutes))]
    TooManySignUps { retry_after_minutes: i64 },
    /// Too many account actions (resets, links, password checks) from one client lately.
    #[error("too many tries from this network: try again in {}", convene_types::minutes(*retry_after_minutes))]
    TooManyTries { retry_after_minutes: i64 },
    /// Sign-in failed. One message whatever the reason, so it never tells whether an email
    /// has an account.
    #[error("wrong email or password")]
    WrongCredentials,
    /// lu.ma failed or refused (unreachable, rate limited, a server error, a rejected key), in
    /// the client's words (`import::luma::client::LumaError` converts into this).
    #[error("lu.ma: {0}")]
    Luma(String),
    /// A failure that is our fault (a library refused); details go to the log only.
    #[error("internal error: {0}")]
    Internal(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: InputField, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// True when the database refused a write because a unique index already holds the value.
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
