//! The lu.ma API client: read-only, with typed errors, connect and total timeouts, a
//! per-calendar request budget, and bounded retries (exponential backoff with jitter,
//! `Retry-After` honoured) for rate limits, server errors and timeouts.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::{StreamExt, stream};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;
use url::Url;

use super::model::{
    CalendarInfo, EventPage, ImportedEvent, MalformedResponse, parse_calendar, parse_calendar_page,
    parse_event_detail, parse_event_page,
};

/// What lu.ma answered instead of data. Messages never contain the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LumaError {
    #[error("key rejected: the calendar needs Luma Plus, or the key was revoked")]
    KeyRejected,
    #[error("lu.ma refused access: {0}")]
    Forbidden(String),
    #[error("not found on lu.ma: {0}")]
    NotFound(String),
    #[error("lu.ma's rate limit was hit and did not clear after {attempts} attempts")]
    RateLimited { attempts: u32 },
    #[error("lu.ma had a server error (HTTP {status}) on {attempts} attempts")]
    Server { status: u16, attempts: u32 },
    #[error("lu.ma did not answer within {seconds} s, {attempts} times")]
    Timeout { seconds: u64, attempts: u32 },
    #[error("cannot reach lu.ma: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Malformed(#[from] MalformedResponse),
    #[error("lu.ma answered HTTP {status}: {message}")]
    Unexpected { status: u16, message: String },
}

impl From<LumaError> for crate::Error {
    fn from(err: LumaError) -> Self {
        Self::Luma(err.to_string())
    }
}

/// A lu.ma API key. It only ever leaves this type as a request header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_owned())
    }

    /// The key itself, for sealing it at rest. Never log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The last four characters, for "configured, ends in …".
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }

    /// A stable, non-reversible name for budgeting and counting per key.
    fn fingerprint(&self) -> String {
        hex::encode(&Sha256::digest(self.0.as_bytes())[..8])
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey(…{})", self.last_four())
    }
}

/// The events to fetch: starting from `after`, up to `before` when set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub after: DateTime<Utc>,
    pub before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    /// lu.ma allows 200 per minute per calendar; we stay under `budget_per_minute`.
    pub budget_per_minute: u32,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Attempts per request, the first included; then the error stands.
    pub max_attempts: u32,
    pub base_backoff: Duration,
    /// Longest wait between attempts, `Retry-After` included (lu.ma blocks a key for a minute).
    pub max_backoff: Duration,
}

impl ClientConfig {
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            // 90% of lu.ma's 200/min: headroom for clocks that disagree and other tools.
            budget_per_minute: 180,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            max_attempts: 4,
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(65),
        }
    }
}

/// `events/get` requests in flight at once during a sync.
const DESCRIPTIONS_IN_FLIGHT: usize = 4;

/// 1,000 pages of 100 events: far beyond any real calendar, and a hard stop for a broken server.
const MAX_PAGES: u32 = 1_000;
/// Events one sync takes from lu.ma's list (a busy calendar has a few hundred upcoming; an
/// organization key's list holds every calendar's).
pub const MAX_EVENTS_PER_FETCH: usize = 20_000;
/// Calendars one organization key's list may name.
pub const MAX_CALENDARS: usize = 2_000;
/// A lu.ma answer larger than this is refused (a page of 100 events is about 100 kB).
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A sliding one-minute window of request times per key.
#[derive(Debug, Default)]
struct Budget {
    sent: HashMap<String, VecDeque<Instant>>,
}

/// Which of lu.ma's route names an API base answers: the current plural ones
/// (`calendars/events/list`), or only the legacy ones (`calendar/list-events`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Routes {
    Current,
    Legacy,
}

/// A route by what it does; its path depends on [`Routes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Calendar,
    CalendarEvents,
    Event,
    OrganizationCalendars,
    OrganizationEvents,
}

impl Route {
    fn path(self, routes: Routes) -> &'static str {
        match (self, routes) {
            (Route::Calendar, Routes::Current) => "v1/calendars/get",
            (Route::Calendar, Routes::Legacy) => "v1/calendar/get",
            (Route::CalendarEvents, Routes::Current) => "v1/calendars/events/list",
            (Route::CalendarEvents, Routes::Legacy) => "v1/calendar/list-events",
            (Route::Event, Routes::Current) => "v1/events/get",
            (Route::Event, Routes::Legacy) => "v1/event/get",
            // Organization keys came after the rename: there are no legacy names.
            (Route::OrganizationCalendars, _) => "v1/organizations/calendars/list",
            (Route::OrganizationEvents, _) => "v1/organizations/events/list",
        }
    }

    /// A 404 here can only mean the route itself is unknown (a key that opens no calendar gets
    /// 401), so it is worth asking the legacy route.
    fn missing_means_old_api(self) -> bool {
        matches!(self, Route::Calendar | Route::CalendarEvents)
    }
}

/// Which events list a fetch pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventList {
    /// The calendar's own (a calendar key).
    Calendar,
    /// Every calendar's of a lu.ma organization, de-duplicated (an organization key).
    Organization,
}

#[derive(Clone)]
pub struct LumaClient {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    budget: Arc<Mutex<Budget>>,
    requests: Arc<AtomicU64>,
    /// Found out on the first list or calendar request to a base; until then the current names.
    legacy_routes: Arc<std::sync::atomic::AtomicBool>,
}

impl fmt::Debug for LumaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LumaClient")
            .field("base_url", &self.config.base_url.as_str())
            .finish_non_exhaustive()
    }
}

enum Attempt {
    Done(String),
    Retry(LumaError, Option<Duration>),
    Fail(LumaError),
}

/// Same-origin redirects one lu.ma request follows at most.
const MAX_REDIRECTS: usize = 3;

impl LumaClient {
    pub fn new(config: ClientConfig) -> Result<Self, LumaError> {
        // The key rides in a header of lu.ma's own, which redirects would carry anywhere: only
        // a redirect within the same origin is followed. And no proxy from the environment: a
        // `HTTP_PROXY` meant for something else never sees the key.
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("lu.ma redirected too many times")
            } else if !same_origin {
                attempt.error("lu.ma redirected to another site; the key was not sent there")
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(redirects)
            .no_proxy()
            .user_agent(concat!("Convene/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| LumaError::Unreachable(err.to_string()))?;
        Ok(Self {
            http,
            config: Arc::new(config),
            budget: Arc::default(),
            requests: Arc::default(),
            legacy_routes: Arc::default(),
        })
    }

    /// The same client (connections, budget, counts) allowing `per_minute` requests per key:
    /// organization keys have 500 a minute where calendar keys have 200.
    pub fn with_budget_per_minute(&self, per_minute: u32) -> Self {
        Self {
            config: Arc::new(ClientConfig {
                budget_per_minute: per_minute,
                ..(*self.config).clone()
            }),
            ..self.clone()
        }
    }

    fn routes(&self) -> Routes {
        if self.legacy_routes.load(Ordering::Relaxed) {
            Routes::Legacy
        } else {
            Routes::Current
        }
    }

    /// The same client (connections, budget) with its own request count, for one sync run.
    pub fn with_own_count(&self) -> Self {
        Self {
            requests: Arc::default(),
            ..self.clone()
        }
    }

    /// The same client (connections, budget) talking to another lu.ma base URL, with its own
    /// request count: for an organization whose API base is not the default one.
    pub fn with_base_url(&self, base_url: Url) -> Self {
        Self {
            config: Arc::new(ClientConfig {
                base_url,
                ..(*self.config).clone()
            }),
            requests: Arc::default(),
            legacy_routes: Arc::default(),
            ..self.clone()
        }
    }

    /// Requests sent so far (retries included), for sync records and tests.
    pub fn requests_made(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The calendar the key belongs to: validates the key and discovers the `cal-…` id.
    pub async fn get_calendar(&self, key: &ApiKey) -> Result<CalendarInfo, LumaError> {
        let body = self.get(key, Route::Calendar, &[]).await?;
        Ok(parse_calendar(&body)?)
    }

    /// Every calendar an organization key reaches, following the cursor while `has_more` says
    /// so; bounded like event lists.
    pub async fn list_organization_calendars(
        &self,
        key: &ApiKey,
    ) -> Result<Vec<CalendarInfo>, LumaError> {
        let mut calendars = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 1..=MAX_PAGES {
            let mut query = vec![("pagination_limit", "100".to_owned())];
            if let Some(cursor) = &cursor {
                query.push(("pagination_cursor", cursor.clone()));
            }
            let body = self.get(key, Route::OrganizationCalendars, &query).await?;
            let page = parse_calendar_page(&body)?;
            calendars.extend(page.calendars);
            if calendars.len() > MAX_CALENDARS {
                return Err(LumaError::Malformed(MalformedResponse(format!(
                    "the organization lists more than {MAX_CALENDARS} calendars; at most {MAX_CALENDARS} are read"
                ))));
            }
            match (page.has_more, page.next_cursor) {
                (true, Some(next)) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                (true, _) => {
                    return Err(LumaError::Malformed(MalformedResponse(
                        "has_more without a new cursor".into(),
                    )));
                }
                (false, _) => return Ok(calendars),
            }
        }
        Err(LumaError::Malformed(MalformedResponse(format!(
            "more than {MAX_PAGES} pages: stopped following the cursor"
        ))))
    }

    /// One page of the calendar's events in the window, oldest first.
    pub async fn list_events_page(
        &self,
        key: &ApiKey,
        window: Window,
        cursor: Option<&str>,
    ) -> Result<EventPage, LumaError> {
        self.list_page(key, EventList::Calendar, window, cursor)
            .await
    }

    async fn list_page(
        &self,
        key: &ApiKey,
        list: EventList,
        window: Window,
        cursor: Option<&str>,
    ) -> Result<EventPage, LumaError> {
        let after = window.after.to_rfc3339_opts(SecondsFormat::Millis, true);
        let before = window
            .before
            .map(|b| b.to_rfc3339_opts(SecondsFormat::Millis, true));
        let mut query = vec![
            ("pagination_limit", "100".to_owned()),
            ("sort_column", "start_at".to_owned()),
            ("sort_direction", "asc".to_owned()),
            ("after", after),
            // Cross-listed entries too (another calendar manages them; lu.ma's default
            // leaves them out): they are part of what the calendar shows.
            ("platforms", "luma".to_owned()),
            ("platforms", "external".to_owned()),
        ];
        if let Some(before) = before {
            query.push(("before", before));
        }
        if let Some(cursor) = cursor {
            query.push(("pagination_cursor", cursor.to_owned()));
        }
        let route = match list {
            EventList::Calendar => Route::CalendarEvents,
            EventList::Organization => Route::OrganizationEvents,
        };
        let body = self.get(key, route, &query).await?;
        Ok(parse_event_page(&body)?)
    }

    /// Every event in the window: follows `next_cursor` while `has_more` says so (lu.ma sends a
    /// cursor on the last page too). Returns the events and the number of pages fetched.
    /// Bounded: a server that never stops saying `has_more` fails the fetch instead of looping.
    pub async fn fetch_window(
        &self,
        key: &ApiKey,
        window: Window,
    ) -> Result<(Vec<ImportedEvent>, u32), LumaError> {
        self.fetch_window_reporting(key, EventList::Calendar, window, |_| std::future::ready(()))
            .await
    }

    /// [`Self::fetch_window`] of `list`, telling `on_page` how many pages have arrived after
    /// each one.
    pub async fn fetch_window_reporting<Reported: Future<Output = ()>>(
        &self,
        key: &ApiKey,
        list: EventList,
        window: Window,
        mut on_page: impl FnMut(u32) -> Reported,
    ) -> Result<(Vec<ImportedEvent>, u32), LumaError> {
        let mut events = Vec::new();
        let mut cursor: Option<String> = None;
        for page_number in 1..=MAX_PAGES {
            let page = self.list_page(key, list, window, cursor.as_deref()).await?;
            events.extend(page.events);
            if events.len() > MAX_EVENTS_PER_FETCH {
                return Err(LumaError::Malformed(MalformedResponse(format!(
                    "the calendar lists more than {MAX_EVENTS_PER_FETCH} events from yesterday on; at most {MAX_EVENTS_PER_FETCH} are read"
                ))));
            }
            on_page(page_number).await;
            match (page.has_more, page.next_cursor) {
                (true, Some(next)) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                (true, _) => {
                    return Err(LumaError::Malformed(MalformedResponse(
                        "has_more without a new cursor".into(),
                    )));
                }
                (false, _) => return Ok((events, page_number)),
            }
        }
        Err(LumaError::Malformed(MalformedResponse(format!(
            "more than {MAX_PAGES} pages: stopped following the cursor"
        ))))
    }

    /// The descriptions of `event_ids` (`None` where lu.ma has none), a few requests at a time:
    /// each waits a round trip, and the budget, not this concurrency, bounds the rate. An event
    /// gone since it was listed is left out; any other failure fails the whole call.
    pub async fn get_descriptions(
        &self,
        key: &ApiKey,
        event_ids: Vec<String>,
    ) -> Result<HashMap<String, Option<String>>, LumaError> {
        let mut answers = stream::iter(event_ids)
            .map(|id| async move {
                let detail = self.get_event(key, &id).await;
                (id, detail)
            })
            .buffer_unordered(DESCRIPTIONS_IN_FLIGHT);
        let mut descriptions = HashMap::new();
        while let Some((id, detail)) = answers.next().await {
            match detail {
                Ok(event) => {
                    descriptions.insert(id, event.description_md.map(|text| text.to_string()));
                }
                // Cancelled between the list and now: the next sync removes it.
                Err(LumaError::NotFound(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(descriptions)
    }

    /// One event with its description.
    pub async fn get_event(
        &self,
        key: &ApiKey,
        event_id: &str,
    ) -> Result<ImportedEvent, LumaError> {
        let id_parameter = match self.routes() {
            Routes::Current => "event_id",
            Routes::Legacy => "api_id",
        };
        let body = self
            .get(key, Route::Event, &[(id_parameter, event_id.to_owned())])
            .await?;
        Ok(parse_event_detail(&body)?)
    }

    /// A GET of `route`; an API that does not know the current route names is asked once by
    /// the legacy ones, which this client then keeps using.
    async fn get(
        &self,
        key: &ApiKey,
        route: Route,
        query: &[(&str, String)],
    ) -> Result<String, LumaError> {
        let routes = self.routes();
        match self.get_path(key, route.path(routes), query).await {
            Err(LumaError::NotFound(message))
                if routes == Routes::Current && route.missing_means_old_api() =>
            {
                tracing::warn!(route = route.path(routes), %message, "lu.ma does not know the current route; asking the legacy one");
                let answer = self
                    .get_path(key, route.path(Routes::Legacy), query)
                    .await?;
                self.legacy_routes.store(true, Ordering::Relaxed);
                Ok(answer)
            }
            answer => answer,
        }
    }

    async fn get_path(
        &self,
        key: &ApiKey,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<String, LumaError> {
        let url = self
            .config
            .base_url
            .join(path)
            .map_err(|err| LumaError::Unreachable(err.to_string()))?;
        let mut attempt = 1;
        loop {
            self.wait_for_budget(key).await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            match self.attempt(key, &url, query, attempt).await {
                Attempt::Done(body) => return Ok(body),
                Attempt::Retry(error, retry_after) if attempt < self.config.max_attempts => {
                    let wait = retry_after.unwrap_or_else(|| self.backoff(attempt));
                    tracing::warn!(%path, attempt, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), %error, "lu.ma request will be retried");
                    tokio::time::sleep(wait.min(self.config.max_backoff)).await;
                    attempt += 1;
                }
                Attempt::Fail(error) | Attempt::Retry(error, _) => return Err(error),
            }
        }
    }

    async fn attempt(
        &self,
        key: &ApiKey,
        url: &Url,
        query: &[(&str, String)],
        attempt: u32,
    ) -> Attempt {
        let sent = self
            .http
            .get(url.clone())
            .header("x-luma-api-key", &key.0)
            .header("accept", "application/json")
            .query(query)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) if err.is_timeout() => {
                return Attempt::Retry(
                    LumaError::Timeout {
                        seconds: self.config.request_timeout.as_secs(),
                        attempts: attempt,
                    },
                    None,
                );
            }
            // reqwest's message names the URL, never our headers.
            Err(err) => return Attempt::Retry(LumaError::Unreachable(without_url(&err)), None),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        // Bytes that are not UTF-8 are replaced: the JSON parser then names what it cannot read.
        let body = match crate::rules::bounds::read_body_capped(response, MAX_RESPONSE_BYTES).await
        {
            Ok(Some(body)) => String::from_utf8_lossy(&body).into_owned(),
            Ok(None) => {
                return Attempt::Fail(LumaError::Malformed(MalformedResponse(format!(
                    "an answer larger than {MAX_RESPONSE_BYTES} bytes"
                ))));
            }
            Err(err) if err.is_timeout() => {
                return Attempt::Retry(
                    LumaError::Timeout {
                        seconds: self.config.request_timeout.as_secs(),
                        attempts: attempt,
                    },
                    None,
                );
            }
            Err(err) => return Attempt::Retry(LumaError::Unreachable(without_url(&err)), None),
        };
        match status {
            s if s.is_success() => Attempt::Done(body),
            StatusCode::UNAUTHORIZED => Attempt::Fail(LumaError::KeyRejected),
            StatusCode::FORBIDDEN => Attempt::Fail(LumaError::Forbidden(message_of(&body))),
            StatusCode::NOT_FOUND => Attempt::Fail(LumaError::NotFound(message_of(&body))),
            StatusCode::TOO_MANY_REQUESTS => Attempt::Retry(
                LumaError::RateLimited { attempts: attempt },
                retry_after.or(Some(Duration::from_secs(60))),
            ),
            s if s.is_server_error() => Attempt::Retry(
                LumaError::Server {
                    status: s.as_u16(),
                    attempts: attempt,
                },
                None,
            ),
            s => Attempt::Fail(LumaError::Unexpected {
                status: s.as_u16(),
                message: message_of(&body),
            }),
        }
    }

    /// Exponential backoff with up to 100% jitter, so retrying clients spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self
            .config
            .base_backoff
            .saturating_mul(1 << attempt.min(10));
        // Sub-second clock noise is random enough to spread retries; this is not cryptography.
        let noise = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let jitter_ms = u64::from(noise)
            % u64::try_from(self.config.base_backoff.as_millis())
                .unwrap_or(u64::MAX)
                .max(1);
        (exponential + Duration::from_millis(jitter_ms)).min(self.config.max_backoff)
    }

    /// Waits while this key has used its budget in the last minute.
    async fn wait_for_budget(&self, key: &ApiKey) {
        let limit = self.config.budget_per_minute.max(1) as usize;
        loop {
            let wait = {
                let mut budget = self.budget.lock().await;
                let sent = budget.sent.entry(key.fingerprint()).or_default();
                let now = Instant::now();
                while sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
                {
                    sent.pop_front();
                }
                if sent.len() < limit {
                    sent.push_back(now);
                    return;
                }
                sent.front()
                    .map(|oldest| {
                        Duration::from_secs(60).saturating_sub(now.duration_since(*oldest))
                    })
                    .unwrap_or_default()
            };
            tracing::info!(
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "lu.ma request budget used up; waiting"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// lu.ma's `{"message": …}`, or a short excerpt of whatever came back.
fn message_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect())
}

fn without_url(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    if let Some(url) = err.url() {
        text = text.replace(url.as_str(), "lu.ma");
    }
    text
}
