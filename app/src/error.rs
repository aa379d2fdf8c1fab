//! The one error type of the UI layer, shared by server functions and the browser.

use convene_types::InputField;
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What a server function or page can fail with. It crosses the wire as JSON, so the browser
/// sees the same variant the server chose; internal details stay in the server log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("{0} not found.")]
    NotFound(String),
    /// Input that breaks a rule; `field` names the input so the message can sit beside it.
    #[error("{field}: {message}")]
    Invalid { field: InputField, message: String },
    #[error("{field}: {message}")]
    Conflict { field: InputField, message: String },
    #[error("Wrong email or password.")]
    WrongCredentials,
    #[error("Too many failed sign-ins. Try again in {}.", convene_types::minutes(*retry_after_minutes))]
    Throttled { retry_after_minutes: i64 },
    #[error(
        "Too many accounts were created from your network. Try again in {}.", convene_types::minutes(*retry_after_minutes)
    )]
    TooManySignUps { retry_after_minutes: i64 },
    #[error("Too many tries from your network. Try again in {}.", convene_types::minutes(*retry_after_minutes))]
    TooManyTries { retry_after_minutes: i64 },
    /// lu.ma failed or refused; the message says how (never with the key).
    #[error("lu.ma: {0}")]
    Luma(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request's arguments could not be read (a crafted or outdated request).
    #[error("The request was not understood: {0}")]
    BadRequest(String),
    /// The request never reached the function, or its answer could not be read.
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::BadRequest(_) => 400,
            AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::WrongCredentials => 401,
            AppError::Throttled { .. }
            | AppError::TooManySignUps { .. }
            | AppError::TooManyTries { .. } => 429,
            AppError::Internal => 500,
            AppError::Luma(_) | AppError::Transport(_) => 502,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the arguments did not decode. A 400 naming why, not a 500.
            ServerFnErrorErr::Args(detail) => respond_with(AppError::BadRequest(detail)),
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// A core error becomes the UI's error, and the response being built gets its status: every
/// `?` on a core call in a server function or a page decides the status here, in one place.
#[cfg(feature = "ssr")]
impl From<convene::Error> for AppError {
    fn from(err: convene::Error) -> Self {
        respond_with(AppError::from_core(err))
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    fn from_core(err: convene::Error) -> Self {
        match err {
            convene::Error::Invalid { field, message } => AppError::Invalid { field, message },
            convene::Error::Conflict { field, message } => AppError::Conflict { field, message },
            convene::Error::NotFound(what) => AppError::NotFound(what),
            convene::Error::NotSignedIn => AppError::Unauthorized,
            convene::Error::Forbidden => AppError::Forbidden,
            convene::Error::WrongCredentials => AppError::WrongCredentials,
            convene::Error::Throttled {
                retry_after_minutes,
            } => AppError::Throttled {
                retry_after_minutes,
            },
            convene::Error::TooManySignUps {
                retry_after_minutes,
            } => AppError::TooManySignUps {
                retry_after_minutes,
            },
            convene::Error::TooManyTries {
                retry_after_minutes,
            } => AppError::TooManyTries {
                retry_after_minutes,
            },
            convene::Error::Luma(err) => AppError::Luma(err),
            convene::Error::Database(err) => {
                tracing::error!(error = %err, "database error in a server function");
                AppError::Internal
            }
            convene::Error::Internal(detail) => {
                tracing::error!(%detail, "internal error in a server function");
                AppError::Internal
            }
        }
    }
}

/// Gives the error's status to the HTTP response (during SSR and for server function calls),
/// then returns it. Core errors pass through it on their own (`From`); the UI's own errors
/// (a page that does not exist) call it directly.
pub fn respond_with(err: AppError) -> AppError {
    set_status(err.status());
    err
}

/// Gives the response being built `status`: a page that renders an answer of its own (a
/// members-only event's notice) with a refusal's status.
#[cfg_attr(not(feature = "ssr"), expect(unused_variables))]
pub fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if !is_plain_form_post()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(
            axum::http::StatusCode::from_u16(status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}

/// A server function called by an HTML form without JavaScript: Leptos answers with a redirect
/// back to the form (the error rides in the URL), which another status would break.
#[cfg(feature = "ssr")]
pub(crate) fn is_plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts.method == axum::http::Method::POST
            && parts.uri.path().starts_with("/api/")
            && parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Shows the errors an `ErrorBoundary` caught, in words a visitor understands.
#[component]
pub fn ErrorNotice(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <div class="notice notice-error" role="alert">
            <p>"We could not load this part of the page."</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, err)| view! { <li>{err.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_distinguish_sign_in_from_permission() {
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::NotFound("Organization".into()).status(), 404);
    }

    #[test]
    fn round_trips_through_the_wire_encoding() {
        let err = AppError::Invalid {
            field: InputField::Slug,
            message: "must be 2 to 64 characters long".into(),
        };
        assert_eq!(AppError::de(err.ser()), err);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn database_details_never_reach_the_browser() {
        let err: AppError = convene::Error::Database(sea_orm_err()).into();
        assert_eq!(err, AppError::Internal);
        assert!(!err.to_string().contains("secret-table"));
    }

    #[cfg(feature = "ssr")]
    fn sea_orm_err() -> convene::store::DbErr {
        convene::store::DbErr::Custom("no such table: secret-table".into())
    }
}
