//! The signed-in user behind a request, kept in a tower-sessions session. Session ids are
//! never logged.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use convene::rules::access::Actor;
use convene::store::users::{self, User};
use tower_sessions::Session;

use crate::error::{AppError, respond_with};
use crate::state::{AppState, RequestCounters};
use convene::cache::{CachedReads, SessionFacts};

use convene::store::sessions::USER_ID_KEY;
/// The day (days since the Common Era) the session was last extended.
const EXTENDED_ON_KEY: &str = "extended_on";

async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|err| {
        tracing::error!(error = %err, "no session on the request (is the session layer missing?)");
        respond_with(AppError::Internal)
    })
}

fn session_failed(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store failed");
    respond_with(AppError::Internal)
}

/// Signs `user_id` in on a fresh session id (rotation stops session fixation).
pub async fn start(user_id: i64) -> Result<(), AppError> {
    RequestUser::forget();
    RequestCounters::forget();
    let session = current_session().await?;
    session.cycle_id().await.map_err(session_failed)?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(session_failed)?;
    extend_daily(&session).await
}

/// Destroys the session on the server and clears the cookie.
pub async fn end() -> Result<(), AppError> {
    RequestUser::forget();
    RequestCounters::forget();
    current_session()
        .await?
        .flush()
        .await
        .map_err(session_failed)
}

/// The signed-in user of the request being served, once looked up: a page render asks from
/// several places (the header, the page's own data), and each would otherwise read the store.
/// Provided per request by the server's routes; without it every call looks the user up.
#[derive(Clone, Default)]
pub struct RequestUser(Arc<Mutex<Option<Option<User>>>>);

impl RequestUser {
    /// The memo of a request, starting from the user already looked up for it, if any.
    pub fn starting_from(user: Option<Option<User>>) -> Self {
        Self(Arc::new(Mutex::new(user)))
    }

    /// The cached answer: `None` until looked up. A poisoned lock only means another caller
    /// panicked; the value inside is still whole.
    fn slot(&self) -> MutexGuard<'_, Option<Option<User>>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Signing in or out changes the answer.
    fn forget() {
        if let Some(cache) = leptos::prelude::use_context::<RequestUser>() {
            *cache.slot() = None;
        }
    }
}

/// The signed-in user, if any. A session whose user was deleted counts as signed out.
pub async fn signed_in_user(state: &AppState) -> Result<Option<User>, AppError> {
    let cache = leptos::prelude::use_context::<RequestUser>();
    if let Some(user) = cache.as_ref().and_then(|cache| cache.slot().clone()) {
        return Ok(user);
    }
    let user = look_up_user(state).await?;
    if let Some(cache) = cache {
        *cache.slot() = Some(user.clone());
    }
    Ok(user)
}

async fn look_up_user(state: &AppState) -> Result<Option<User>, AppError> {
    user_with(state, &current_session().await?, state.reads().await?).await
}

/// What the server's language middleware reads of a request's session before the page renders:
/// the signed-in user (whose language comes first) and the counters read to find them. The
/// request carries it on, and the page's memos start from it ([`provide_request_memos`]), so
/// the page reads neither again.
#[derive(Clone)]
pub struct SessionLookup {
    pub user: Option<User>,
    pub counters: convene::cache::Counters,
}

/// [`SessionLookup`] for `session`.
pub async fn look_up(state: &AppState, session: &Session) -> Result<SessionLookup, AppError> {
    let reads = state.reads().await?;
    let counters = reads.counters;
    Ok(SessionLookup {
        user: user_with(state, session, reads).await?,
        counters,
    })
}

/// Provides the request's memos of its user and counters (each page and server function calls
/// this first), starting from what the request's [`SessionLookup`] already holds.
pub fn provide_request_memos() {
    let looked_up = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionLookup>().cloned());
    let (user, counters) = match looked_up {
        Some(lookup) => (Some(lookup.user), Some(lookup.counters)),
        None => (None, None),
    };
    leptos::prelude::provide_context(RequestUser::starting_from(user));
    leptos::prelude::provide_context(RequestCounters::starting_from(counters));
}

async fn user_with(
    state: &AppState,
    session: &Session,
    reads: CachedReads<'_>,
) -> Result<Option<User>, AppError> {
    let Some(user_id) = session_facts(session, reads).await? else {
        return Ok(None);
    };
    // A session of an account whose address is unconfirmed (one from before confirmation
    // set the password) opens nothing: confirming ends it.
    Ok(convene::cache::viewer(&state.db, reads, user_id)
        .await?
        .map(|viewer| viewer.user.clone())
        .filter(|user| user.email_confirmed_at.is_some()))
}

fn today() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().date_naive().num_days_from_ce()
}

/// The session's user, extended once a day. The session's facts come from the cache while
/// no session changed in the store and the session was extended today (so it cannot have
/// expired since); otherwise from the store, and a session holding a user is remembered.
async fn session_facts(session: &Session, reads: CachedReads<'_>) -> Result<Option<i64>, AppError> {
    let today = today();
    let id = session.id().map(|id| id.0);
    let cached = id.and_then(|id| reads.caches.sessions.get(&id, reads.sessions_tag()));
    if let Some(facts) = cached.filter(|facts| facts.extended_on == Some(today)) {
        return Ok(Some(facts.user_id));
    }
    let Some(user_id) = session_user_id(session).await? else {
        return Ok(None);
    };
    extend_daily(session).await?;
    // A new or rotated session has its id only once saved, after the response.
    if let Some(id) = session.id().map(|id| id.0) {
        let facts = SessionFacts {
            user_id,
            extended_on: Some(today),
        };
        reads.caches.sessions.put(id, facts, reads.sessions_tag());
    }
    Ok(Some(user_id))
}

/// Keeps a session in use alive: the idle timeout counts from the last day it was extended.
/// Extending means saving the session (a write and a new cookie), so it happens on the first
/// visit of each day rather than on every request.
async fn extend_daily(session: &Session) -> Result<(), AppError> {
    let today = today();
    let extended_on = session
        .get::<i32>(EXTENDED_ON_KEY)
        .await
        .map_err(session_failed)?;
    if extended_on != Some(today) {
        session
            .insert(EXTENDED_ON_KEY, today)
            .await
            .map_err(session_failed)?;
    }
    Ok(())
}

/// The signed-in caller of a plain route (not a page or server function), from its session.
pub async fn actor_of_session(
    db: &convene::store::DatabaseConnection,
    session: &Session,
) -> Result<Option<Actor>, AppError> {
    let Some(user_id) = session_user_id(session).await? else {
        return Ok(None);
    };
    Ok(users::find_by_id(db, user_id).await?.as_ref().map(actor_of))
}

/// The signed-in user's id a session holds, if any.
async fn session_user_id(session: &Session) -> Result<Option<i64>, AppError> {
    session
        .get::<i64>(USER_ID_KEY)
        .await
        .map_err(session_failed)
}

fn actor_of(user: &User) -> Actor {
    Actor {
        user_id: user.id,
        is_site_admin: user.is_site_admin,
    }
}

/// The caller as the access rules see them.
pub async fn actor(state: &AppState) -> Result<Option<Actor>, AppError> {
    Ok(signed_in_user(state).await?.as_ref().map(actor_of))
}

/// The client's IP address, for throttling: the peer, or behind a trusted proxy the address
/// the proxy saw (see `convene::accounts::client_address`). Unknown without connect info.
pub async fn client_address(state: &AppState) -> String {
    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;
    use std::net::SocketAddr;
    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return "unknown".to_owned();
    };
    let headers = leptos_axum::extract::<HeaderMap>()
        .await
        .unwrap_or_default();
    // Every line, in order; one that is not text is an unreadable hop, which ends the walk.
    let forwarded_for: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| value.to_str().unwrap_or("unreadable"))
        .collect();
    state
        .trusted_proxies
        .client(peer.ip(), &forwarded_for)
        .to_string()
}

/// Counts one of the caller's actions against `limit` (per client); 429 with the wait when the
/// client is over it. Returns the client's address.
pub async fn admit(
    state: &AppState,
    limit: &convene::accounts::client_limit::ClientLimit,
) -> Result<String, crate::error::AppError> {
    let client = client_address(state).await;
    limit
        .admit(&client, std::time::Instant::now())
        .map_err(|retry_after_minutes| {
            tracing::info!(%client, "refused: too many tries from this client");
            crate::error::respond_with(crate::error::AppError::TooManyTries {
                retry_after_minutes,
            })
        })?;
    Ok(client)
}
