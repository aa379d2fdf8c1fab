//! Subscribable feeds: iCalendar (`/orgs/{slug}/events.ics`, the personal `/feeds/<token>.ics`,
//! one event's `/events/<public id>.ics`) and Atom (`/orgs/{slug}/events.atom`, `/events.atom`,
//! `/topics/{topic}/events.atom`).
//! Thin: the core writes the feeds; this answers with caching headers and "304 Not Modified" for
//! an unchanged one.

use app::state::AppState;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::Utc;
use convene::places::near::{NearParams, NearQuery};
use convene::publish::feed_cache::{self, Written};

/// Calendar apps may keep a feed this long before asking again.
const PUBLIC: &str = "public, max-age=300";
/// The same, but only in the subscriber's own client: a personal feed is nobody else's.
const PRIVATE: &str = "private, max-age=300";
const CALENDAR: &str = "text/calendar; charset=utf-8";
const ATOM: &str = "application/atom+xml; charset=utf-8";

pub async fn organization_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let written = match state.reads().await {
        Ok(reads) => feed_cache::organization_calendar(&state.db, reads, &slug, Utc::now()).await,
        Err(err) => Err(convene::Error::Internal(err.to_string())),
    };
    match written {
        Ok(Some(written)) => kept_response(&written, CALENDAR, &headers, PUBLIC),
        Ok(None) => (StatusCode::NOT_FOUND, "No such organization").into_response(),
        Err(err) => {
            tracing::error!(org = %slug, error = %err, "writing an organization's feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// An organization's upcoming public events as Atom.
pub async fn organization_atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let written = match state.reads().await {
        Ok(reads) => {
            feed_cache::organization_atom(&state.db, reads, &state.site, &slug, Utc::now()).await
        }
        Err(err) => Err(convene::Error::Internal(err.to_string())),
    };
    match written {
        Ok(Some(written)) => kept_response(&written, ATOM, &headers, PUBLIC),
        Ok(None) => (StatusCode::NOT_FOUND, "No such organization").into_response(),
        Err(err) => {
            tracing::error!(org = %slug, error = %err, "writing an organization's Atom feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `near=`, `km=` and `online=` on a public Atom feed, as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NearFeedParams {
    near: String,
    km: String,
    online: String,
}

impl NearFeedParams {
    fn parse(&self) -> Result<Option<NearQuery>, convene::Error> {
        NearQuery::parse(&NearParams {
            city: &self.near,
            km: &self.km,
            online: &self.online,
        })
    }
}

/// Every organization's upcoming public events as Atom (near a city with `near=`).
pub async fn network_atom(
    State(state): State<AppState>,
    Query(params): Query<NearFeedParams>,
    headers: HeaderMap,
) -> Response {
    let written = match (params.parse(), state.reads().await) {
        (Err(refused), _) => Err(refused),
        (Ok(near), Ok(reads)) => {
            feed_cache::network_atom(&state.db, reads, &state.site, near.as_ref(), Utc::now()).await
        }
        (Ok(_), Err(err)) => Err(convene::Error::Internal(err.to_string())),
    };
    match written {
        Ok(written) => kept_response(&written, ATOM, &headers, PUBLIC),
        Err(refused @ convene::Error::Invalid { .. }) => {
            (StatusCode::BAD_REQUEST, refused.to_string()).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "writing the network's Atom feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Every organization's upcoming public events about one topic, as Atom (near a city with
/// `near=`).
pub async fn topic_atom(
    State(state): State<AppState>,
    Path(topic): Path<String>,
    Query(params): Query<NearFeedParams>,
    headers: HeaderMap,
) -> Response {
    let written = match (params.parse(), state.reads().await) {
        (Err(refused), _) => Err(refused),
        (Ok(near), Ok(reads)) => {
            feed_cache::topic_atom(
                &state.db,
                reads,
                &state.site,
                &topic,
                near.as_ref(),
                Utc::now(),
            )
            .await
        }
        (Ok(_), Err(err)) => Err(convene::Error::Internal(err.to_string())),
    };
    match written {
        Ok(Some(written)) => kept_response(&written, ATOM, &headers, PUBLIC),
        Ok(None) => (StatusCode::NOT_FOUND, "No such topic").into_response(),
        Err(refused @ convene::Error::Invalid { .. }) => {
            (StatusCode::BAD_REQUEST, refused.to_string()).into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "writing a topic's Atom feed failed");
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
    let written = match state.reads().await {
        Ok(reads) => feed_cache::personal_calendar(&state.db, reads, token, Utc::now()).await,
        Err(err) => Err(convene::Error::Internal(err.to_string())),
    };
    match written {
        Ok(Some(written)) => kept_response(&written, CALENDAR, &headers, PRIVATE),
        Ok(None) => (StatusCode::NOT_FOUND, "No such feed").into_response(),
        Err(err) => {
            // Never log the token: it is the feed's only key.
            tracing::error!(error = %err, "writing a personal feed failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `/events/<public id>.ics` shares its path with the event's page (`/events/<public id>`),
/// which the router cannot tell apart (no suffix patterns): calendar files are answered here,
/// before the pages see the request.
pub async fn event_calendar_files(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    request: Request,
    next: Next,
) -> Response {
    let file = request
        .uri()
        .path()
        .strip_prefix("/events/")
        .filter(|file| file.ends_with(".ics"));
    match file {
        Some(file) if matches!(*request.method(), Method::GET | Method::HEAD) => {
            let file = file.to_owned();
            single_event(state, &file, session, request.headers()).await
        }
        _ => next.run(request).await,
    }
}

/// One event as a calendar file ("Add to calendar" on the dashboard's cards):
/// `<public id>.ics`, for whoever may see the event (a members-only one needs the member's
/// session). Unknown, removed and hidden events are all the same 404.
async fn single_event(
    state: AppState,
    file: &str,
    session: tower_sessions::Session,
    headers: &HeaderMap,
) -> Response {
    let Some(public_id) = file
        .strip_suffix(".ics")
        .filter(|id| convene::read_models::event_page::is_public_id(id))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let actor = app::auth::session::actor_of_session(&state.db, &session).await;
    // A signed-in answer may hold a members-only event: only the member's browser keeps it.
    let cache_control = match &actor {
        Ok(Some(_)) => PRIVATE,
        _ => PUBLIC,
    };
    let audience = match actor {
        Ok(actor) => convene::rules::visibility::Audience::of(&state.db, actor).await,
        Err(err) => Err(convene::Error::Internal(err.to_string())),
    };
    let audience = match audience {
        Ok(audience) => audience,
        Err(err) => {
            tracing::error!(error = %err, "finding who asks for a calendar file failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    match convene::publish::ics::single_event(&state.db, public_id, &audience).await {
        Ok(Some(body)) => {
            let mut response = calendar_response(body, headers, cache_control);
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
    let etag = convene::publish::ics::etag(&body);
    feed_response(Bytes::from(body), etag, CALENDAR, request, cache_control)
}

/// A feed kept in memory: its bytes are shared, not copied, with every response.
fn kept_response(
    written: &Written,
    content_type: &'static str,
    request: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    feed_response(
        written.body.clone(),
        written.etag.clone(),
        content_type,
        request,
        cache_control,
    )
}

/// A feed with its `ETag`, or "304 Not Modified" when the client has these very bytes.
fn feed_response(
    body: Bytes,
    etag: String,
    content_type: &'static str,
    request: &HeaderMap,
    cache_control: &'static str,
) -> Response {
    let unchanged = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
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
