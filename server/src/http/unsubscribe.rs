//! One-click unsubscribe (RFC 8058): `POST /mail/unsubscribe?t=<signed token>` switches one list
//! off for one member, without a session: mail clients send it themselves, with the body
//! `List-Unsubscribe=One-Click`. A person who opens the link gets the page (`GET`, a Leptos
//! page) with a button that posts here. The signed token is the only authority.

use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    t: String,
}

pub async fn one_click(
    State(state): State<AppState>,
    Query(Token { t }): Query<Token>,
    headers: HeaderMap,
) -> Response {
    let key = state.refresher.importer().secret_key();
    let (user_id, list) = match convene::mail::lists::verify(key, &t) {
        Ok(named) => named,
        Err(err) => return (StatusCode::UNPROCESSABLE_ENTITY, err.to_string()).into_response(),
    };
    if let Err(err) = convene::mail::lists::switch_off(&state.db, user_id, list).await {
        tracing::error!(error = %err, user_id, %list, "unsubscribing failed");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Unsubscribing failed on our side. Please try again, or use your account page.",
        )
            .into_response();
    }
    tracing::info!(user_id, %list, "unsubscribed by link");
    let from_a_page = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if from_a_page {
        // The page's own button: back to it, saying it is done.
        return Redirect::to(&format!("/mail/unsubscribe?t={t}&done=1")).into_response();
    }
    (
        StatusCode::OK,
        format!("Unsubscribed from {}.", list.description()),
    )
        .into_response()
}
