//! Subscribable iCalendar feeds: `/orgs/{slug}/events.ics` and the personal `/feeds/<token>.ics`.
//! Thin: the core writes the feeds; this answers with caching headers and "304 Not Modified" for
//! an unchanged one.

use app::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Calendar apps may keep a feed this long before asking again.
const PUBLIC: &str = "public, max-age=300";
/// The same, but only in the subscriber's own client: a personal feed is nobody else's.
const PRIVATE: &str = "private, max-age=300";

pub async fn organization_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    match convene::ical::export::organization_feed(&state.db, &slug, chrono::Utc::now()).await {
        Ok(Some(body)) => calendar_response(body, &headers, PUBLIC),
        Ok(None) => (StatusCode::NOT_FOUND, "No such organization").into_response(),
        Err(err) => {
            tracing::error!(org = %slug, error = %err, "writing an organization's feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A member's personal feed; the token in the address is the only key (no cookie needed, as
/// calendar apps send none). Unknown and revoked tokens get 404.
pub async fn personal_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match convene::ical::personal::feed_for_token(&state.db, token, chrono::Utc::now()).await {
        Ok(Some(body)) => calendar_response(body, &headers, PRIVATE),
        Ok(None) => (StatusCode::NOT_FOUND, "No such feed").into_response(),
        Err(err) => {
            // Never log the token: it is the feed's only key.
            tracing::error!(error = %err, "writing a personal feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// One event as a calendar file ("Add to calendar" on the dashboard's cards):
/// `<public id>.ics`, for whoever may see the event (a members-only one needs the member's
/// session). Unknown, removed and hidden events are all the same 404.
pub async fn single_event(
    State(state): State<AppState>,
    Path(file): Path<String>,
    session: tower_sessions::Session,
    headers: HeaderMap,
) -> Response {
    let Some(public_id) = file.strip_suffix(".ics").filter(|id| {
        !id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = app::auth::session::actor_of_session(&state.db, &session).await;
    // A signed-in answer may hold a members-only event: only the member's browser keeps it.
    let cache_control = match &actor {
        Ok(Some(_)) => PRIVATE,
        _ => PUBLIC,
    };
    let audience = match actor {
        Ok(actor) => convene::visibility::Audience::of(&state.db, actor).await,
        Err(err) => Err(convene::Error::Internal(err.to_string())),
    };
    let audience = match audience {
        Ok(audience) => audience,
        Err(err) => {
            tracing::error!(error = %err, "finding who asks for a calendar file failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match convene::ical::export::single_event(&state.db, public_id, &audience).await {
        Ok(Some(body)) => {
            let mut response = calendar_response(body, &headers, cache_control);
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"event.ics\""),
            );
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, "No such event").into_response(),
        Err(err) => {
            tracing::error!(event = public_id, error = %err, "writing an event's calendar file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn calendar_response(body: String, request: &HeaderMap, cache_control: &'static str) -> Response {
    let etag = convene::ical::export::etag(&body);
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    match HeaderValue::from_str(&etag) {
        Ok(value) => {
            headers.insert(header::ETAG, value);
        }
        // A quoted hex digest always is a header value; say so if that ever changes.
        Err(err) => tracing::error!(error = %err, "a feed's ETag is not a header value"),
    }
    response
}
