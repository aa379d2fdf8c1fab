//! A fake lu.ma, shipped for tests and the demo: serves the API routes the importer uses from
//! in-memory calendars (each with its own key), in the 2026 flat shape or the legacy nested one,
//! with a server-side page cap, a cursor on the last page (as lu.ma sends), 401 for unknown keys,
//! scriptable faults, and a count of requests per key.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use url::Url;

/// The most entries one page holds, whatever the client asks for (lu.ma caps too).
pub const DEFAULT_PAGE_CAP: usize = 50;

/// One calendar the fake serves. `events` are flat 2026-shape entries (with `description_md`,
/// which list answers leave out).
#[derive(Debug, Clone)]
pub struct FakeCalendar {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub timezone: String,
    pub events: Vec<Value>,
    /// Answer lists in the legacy nested shape.
    pub legacy_shape: bool,
}

/// A misbehaviour for the next request with a key.
#[derive(Debug, Clone)]
pub enum Fault {
    RateLimited {
        retry_after_secs: u64,
    },
    ServerError,
    /// Answer only after this long (past the client's timeout, typically).
    Stall(Duration),
    MalformedJson,
    /// Answer normally (to let earlier requests through before a fault).
    Pass,
}

/// Where the fake sends a calendar's webhooks, signed as lu.ma does (Standard Webhooks).
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub url: Url,
    /// `whsec_…`
    pub secret: String,
}

#[derive(Debug, Default)]
struct FakeState {
    calendars: HashMap<String, FakeCalendar>,
    webhooks: HashMap<String, WebhookTarget>,
    /// lu.ma organization keys, each with the keys of the calendars it reaches.
    organizations: HashMap<String, Vec<String>>,
    /// Answer 404 on the current route names, as an API from before the rename would.
    legacy_routes_only: bool,
    faults: HashMap<String, VecDeque<Fault>>,
    requests: HashMap<String, u64>,
    event_gets: HashMap<String, u64>,
    page_cap: usize,
}

type Shared = Arc<Mutex<FakeState>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, FakeState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct FakeLuma {
    state: Shared,
    base_url: Url,
    stop: Option<oneshot::Sender<()>>,
}

impl FakeLuma {
    /// Starts on 127.0.0.1 at `port` (0: any free port), serving `calendars` by key.
    pub async fn start(port: u16, calendars: Vec<(String, FakeCalendar)>) -> std::io::Result<Self> {
        let state: Shared = Arc::new(Mutex::new(FakeState {
            calendars: calendars.into_iter().collect(),
            page_cap: DEFAULT_PAGE_CAP,
            ..FakeState::default()
        }));
        let router = Router::new()
            .route(
                "/v1/organizations/calendars/list",
                get(organization_calendars),
            )
            .route("/v1/organizations/events/list", get(organization_events))
            .route("/v1/calendars/get", get(calendar))
            .route("/v1/calendar/get", get(calendar))
            .route("/v1/calendars/events/list", get(list_events))
            .route("/v1/calendar/list-events", get(list_events))
            .route("/v1/events/get", get(event))
            .route("/v1/event/get", get(event))
            // lu.ma's public feed of a calendar (no key), as `api.lu.ma/ics/get` serves it.
            .route("/ics/get", get(ical_feed))
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                only_legacy_routes,
            ))
            .with_state(state.clone());
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let address = listener.local_addr()?;
        let base_url = Url::parse(&format!("http://{address}/"))
            .map_err(|err| std::io::Error::other(err.to_string()))?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "fake lu.ma stopped with an error");
            }
        });
        Ok(Self {
            state,
            base_url,
            stop: Some(stop),
        })
    }

    pub fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// Serves another calendar, with its own key.
    pub fn add_calendar(&self, key: &str, calendar: FakeCalendar) {
        lock(&self.state).calendars.insert(key.to_owned(), calendar);
    }

    /// A lu.ma organization key reaching the calendars of `calendar_keys`.
    pub fn add_organization(&self, key: &str, calendar_keys: &[&str]) {
        lock(&self.state).organizations.insert(
            key.to_owned(),
            calendar_keys.iter().map(|k| (*k).to_owned()).collect(),
        );
    }

    /// A calendar leaves the lu.ma organization of `organization_key`.
    pub fn remove_from_organization(&self, organization_key: &str, calendar_key: &str) {
        if let Some(calendars) = lock(&self.state).organizations.get_mut(organization_key) {
            calendars.retain(|key| key != calendar_key);
        }
    }

    /// From now on, answer 404 on the current route names (`calendars/events/list`), as
    /// `api.lu.ma`'s older routes did before the rename; the legacy names still answer.
    pub fn serve_only_legacy_routes(&self) {
        lock(&self.state).legacy_routes_only = true;
    }

    pub fn set_page_cap(&self, cap: usize) {
        lock(&self.state).page_cap = cap.max(1);
    }

    pub fn push_fault(&self, key: &str, fault: Fault) {
        lock(&self.state)
            .faults
            .entry(key.to_owned())
            .or_default()
            .push_back(fault);
    }

    /// Forgets the faults still queued for `key`.
    pub fn clear_faults(&self, key: &str) {
        lock(&self.state).faults.remove(key);
    }

    /// Requests made with `key`, faults and refusals included.
    pub fn requests(&self, key: &str) -> u64 {
        lock(&self.state).requests.get(key).copied().unwrap_or(0)
    }

    /// `events/get` requests made with `key`.
    pub fn event_gets(&self, key: &str) -> u64 {
        lock(&self.state).event_gets.get(key).copied().unwrap_or(0)
    }

    /// Removes an event upstream, as cancelling it on lu.ma would.
    pub fn remove_event(&self, key: &str, event_id: &str) {
        if let Some(calendar) = lock(&self.state).calendars.get_mut(key) {
            calendar.events.retain(|e| e["id"] != event_id);
        }
    }

    pub fn upsert_event(&self, key: &str, event: Value) {
        if let Some(calendar) = lock(&self.state).calendars.get_mut(key) {
            calendar.events.retain(|e| e["id"] != event["id"]);
            calendar.events.push(event);
        }
    }
}

impl FakeLuma {
    /// From now on, changes made with [`Self::change_event`] and [`Self::cancel_event`] to the
    /// calendar of `key` are posted to `target`.
    pub fn send_webhooks(&self, key: &str, target: WebhookTarget) {
        lock(&self.state).webhooks.insert(key.to_owned(), target);
    }

    /// Creates or changes an event upstream and sends `event.created` or `event.updated` (the
    /// event as the list gives it, description included); returns the delivery's HTTP status.
    pub async fn change_event(&self, key: &str, event: Value) -> Result<u16, String> {
        let (known, target) = {
            let state = lock(&self.state);
            let known = state
                .calendars
                .get(key)
                .is_some_and(|c| c.events.iter().any(|e| e["id"] == event["id"]));
            (known, state.webhooks.get(key).cloned())
        };
        self.upsert_event(key, event.clone());
        let kind = if known {
            "event.updated"
        } else {
            "event.created"
        };
        match target {
            Some(target) => deliver_webhook(&target, kind, &event).await,
            None => Err("no webhook target for this calendar".into()),
        }
    }

    /// Cancels an event upstream and sends `event.canceled`; returns the delivery's status.
    pub async fn cancel_event(&self, key: &str, event_id: &str) -> Result<u16, String> {
        let (cancelled, target) = {
            let state = lock(&self.state);
            let cancelled = state
                .calendars
                .get(key)
                .and_then(|c| c.events.iter().find(|e| e["id"] == event_id).cloned());
            (cancelled, state.webhooks.get(key).cloned())
        };
        self.remove_event(key, event_id);
        let data = cancelled.unwrap_or_else(|| json!({ "id": event_id }));
        match target {
            Some(target) => deliver_webhook(&target, "event.canceled", &data).await,
            None => Err("no webhook target for this calendar".into()),
        }
    }
}

/// Posts `{type, data}` to `target`, signed now with a new `webhook-id`; the answer's status.
pub async fn deliver_webhook(
    target: &WebhookTarget,
    kind: &str,
    data: &Value,
) -> Result<u16, String> {
    use crate::import::webhooks::signature::SigningSecret;

    let secret = SigningSecret::parse(&target.secret).map_err(|err| err.to_string())?;
    let body = json!({ "type": kind, "data": data }).to_string();
    let id = format!("msg_{}", &crate::secrets::random_token()[..24]);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = secret.sign(&id, timestamp, body.as_bytes());
    let response = reqwest::Client::new()
        .post(target.url.clone())
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .map_err(|err| err.to_string())?;
    Ok(response.status().as_u16())
}

impl Drop for FakeLuma {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "message": message, "code": null })),
    )
        .into_response()
}

/// Counts the request, applies a queued fault, and checks that the key has a calendar.
async fn admit(state: &Shared, headers: &HeaderMap) -> Result<String, Response> {
    let Some(key) = headers
        .get("x-luma-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return Err(error(StatusCode::BAD_REQUEST, "Please provide an API key."));
    };
    let fault = {
        let mut state = lock(state);
        *state.requests.entry(key.clone()).or_default() += 1;
        state.faults.get_mut(&key).and_then(VecDeque::pop_front)
    };
    match fault {
        Some(Fault::RateLimited { retry_after_secs }) => {
            return Err((
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after_secs.to_string())],
                axum::Json(json!({"message": "Too many requests", "code": null})),
            )
                .into_response());
        }
        Some(Fault::ServerError) => {
            return Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server error",
            ));
        }
        Some(Fault::MalformedJson) => {
            return Err((StatusCode::OK, "{\"entries\": [ {\"id\": ").into_response());
        }
        Some(Fault::Stall(duration)) => tokio::time::sleep(duration).await,
        Some(Fault::Pass) | None => {}
    }
    let known = {
        let state = lock(state);
        state.calendars.contains_key(&key) || state.organizations.contains_key(&key)
    };
    if known {
        Ok(key)
    } else {
        Err(error(StatusCode::UNAUTHORIZED, "You are not signed in."))
    }
}

async fn calendar(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let key = match admit(&state, &headers).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let state = lock(&state);
    let Some(calendar) = state.calendars.get(&key) else {
        return error(StatusCode::UNAUTHORIZED, "You are not signed in.");
    };
    let body = json!({
        "id": calendar.id, "name": calendar.name, "slug": calendar.slug,
        "url": format!("https://luma.com/{}", calendar.slug),
        "location": { "timezone": calendar.timezone },
    });
    if calendar.legacy_shape {
        let mut legacy = body;
        legacy["api_id"] = legacy["id"].take();
        axum::Json(json!({ "calendar": legacy })).into_response()
    } else {
        axum::Json(body).into_response()
    }
}

async fn list_events(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let key = match admit(&state, &headers).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let state = lock(&state);
    let Some(calendar) = state.calendars.get(&key) else {
        return error(StatusCode::UNAUTHORIZED, "You are not signed in.");
    };
    let events: Vec<&Value> = calendar.events.iter().collect();
    event_page(&events, &query, state.page_cap, calendar.legacy_shape)
}

/// One page of `events` as lu.ma lists them: filtered on the start, oldest first, at most `cap`
/// (or what the client asks, if less), with a cursor on the last page too.
fn event_page(
    events: &[&Value],
    query: &HashMap<String, String>,
    cap: usize,
    legacy_shape: bool,
) -> Response {
    let limit = query
        .get("pagination_limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(cap)
        .min(cap);
    let offset = cursor_offset(query);
    let after = query.get("after").cloned().unwrap_or_default();
    let before = query.get("before").cloned();
    // `platforms` repeats (`luma`, then `external`); without `external`, lu.ma lists only its own.
    let with_external = query.get("platforms").is_some_and(|p| p == "external");
    let mut events: Vec<&Value> = events
        .iter()
        .copied()
        .filter(|e| {
            let start = e["start_at"].as_str().unwrap_or_default();
            (with_external || e["platform"].as_str() != Some("external"))
                && start >= after.as_str()
                && before.as_deref().is_none_or(|b| start < b)
        })
        .collect();
    // ISO 8601 UTC strings of one format sort as times do.
    events.sort_by(|a, b| a["start_at"].as_str().cmp(&b["start_at"].as_str()));
    let total = events.len();
    let page: Vec<Value> = events
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|event| {
            let mut event = event.clone();
            // Lists leave descriptions out since July 2026.
            if let Some(object) = event.as_object_mut() {
                object.remove("description_md");
                object.remove("description");
            }
            if legacy_shape {
                to_legacy(event)
            } else {
                event
            }
        })
        .collect();
    let has_more = offset + limit < total;
    // lu.ma sends a cursor on the last page too; clients must trust `has_more`.
    axum::Json(json!({
        "entries": page,
        "has_more": has_more,
        "next_cursor": format!("offset-{}", offset + limit),
    }))
    .into_response()
}

/// A calendar's public iCal feed in lu.ma's style: UTC times, `evt-…@events.lu.ma` UIDs,
/// TENTATIVE, the event page in the description's first line, an `ETag` and 304s.
async fn ical_feed(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    use icalendar::{Calendar, Component, EventLike, EventStatus};

    let wanted = query.get("id").cloned().unwrap_or_default();
    let events: Vec<Value> = {
        let state = lock(&state);
        match state.calendars.values().find(|c| c.id == wanted) {
            Some(calendar) => calendar.events.clone(),
            None => return error(StatusCode::NOT_FOUND, "Calendar not found."),
        }
    };
    let mut feed = Calendar::new();
    for entry in events {
        let Ok(event) = crate::import::luma::model::parse_event_detail(&entry.to_string()) else {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "unreadable fixture event",
            );
        };
        let mut vevent = icalendar::Event::new();
        vevent
            .uid(&format!("{}@events.lu.ma", event.external_id))
            .timestamp(event.start_at)
            .starts(event.start_at)
            .ends(event.end_at)
            .summary(&event.title)
            .status(EventStatus::Tentative);
        // As lu.ma's feed does: the address, or for an online event its join link.
        let join_link = entry
            .get("meeting_url")
            .or_else(|| entry.get("zoom_meeting_url"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(place) = event.location_text.clone().or(join_link) {
            vevent.location(&place);
        }
        if event.visibility == crate::rules::visibility::Visibility::Private {
            vevent.class(icalendar::Class::Private);
        }
        let mut description = String::new();
        if let Some(url) = &event.event_url {
            description.push_str(&format!("Get up-to-date information at: {url}\n\n"));
        }
        description.push_str(event.description_md.as_deref().unwrap_or_default());
        vevent.description(&description);
        feed.push(vevent.done());
    }
    let body = feed.done().to_string();
    let tag = format!("\"{}\"", body.len());
    if headers
        .get(axum::http::header::IF_NONE_MATCH)
        .is_some_and(|given| given.as_bytes() == tag.as_bytes())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (axum::http::header::ETAG, tag),
        ],
        body,
    )
        .into_response()
}

async fn event(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let key = match admit(&state, &headers).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let mut state = lock(&state);
    *state.event_gets.entry(key.clone()).or_default() += 1;
    let wanted = query
        .get("event_id")
        .or(query.get("api_id"))
        .cloned()
        .unwrap_or_default();
    // An organization key answers for any event of its calendars.
    let calendars: Vec<&FakeCalendar> = organization_calendars_of(&state, &key)
        .unwrap_or_else(|| state.calendars.get(&key).into_iter().collect());
    if calendars.is_empty() {
        return error(StatusCode::UNAUTHORIZED, "You are not signed in.");
    }
    let found = calendars.iter().find_map(|calendar| {
        calendar
            .events
            .iter()
            .find(|e| e["id"] == wanted.as_str())
            .map(|event| (*calendar, event))
    });
    match found {
        Some((calendar, event)) if calendar.legacy_shape => {
            axum::Json(json!({ "event": to_legacy(event.clone())["event"].clone() }))
                .into_response()
        }
        Some((_, event)) => axum::Json(json!({ "event": event })).into_response(),
        None => error(StatusCode::NOT_FOUND, "Event not found."),
    }
}

/// Where a page starts: the fake's cursors are `offset-<n>` (lu.ma's are opaque).
fn cursor_offset(query: &HashMap<String, String>) -> usize {
    query
        .get("pagination_cursor")
        .and_then(|c| c.strip_prefix("offset-"))
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0)
}

/// The calendars an organization key reaches; `None` for a key that is no organization's.
fn organization_calendars_of<'a>(state: &'a FakeState, key: &str) -> Option<Vec<&'a FakeCalendar>> {
    let keys = state.organizations.get(key)?;
    Some(keys.iter().filter_map(|k| state.calendars.get(k)).collect())
}

/// The current route names, which an API from before the rename does not know.
const CURRENT_ROUTES: [&str; 3] = [
    "/v1/calendars/get",
    "/v1/calendars/events/list",
    "/v1/events/get",
];

async fn only_legacy_routes(
    State(state): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if lock(&state).legacy_routes_only && CURRENT_ROUTES.contains(&request.uri().path()) {
        return error(StatusCode::NOT_FOUND, "Route not found.");
    }
    next.run(request).await
}

/// The calendars an organization key reaches, in lu.ma's organization-list shape.
async fn organization_calendars(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let key = match admit(&state, &headers).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let state = lock(&state);
    let Some(calendars) = organization_calendars_of(&state, &key) else {
        return error(StatusCode::UNAUTHORIZED, "You are not signed in.");
    };
    let entries: Vec<Value> = calendars
        .into_iter()
        .map(|calendar| {
            json!({
                "id": calendar.id, "name": calendar.name, "slug": calendar.slug,
                "url": format!("https://luma.com/{}", calendar.slug),
                "description": format!("{} on lu.ma", calendar.name),
                "is_personal": false,
                "location": { "timezone": calendar.timezone },
            })
        })
        .collect();
    let cap = state.page_cap;
    let offset = cursor_offset(&query);
    let page: Vec<Value> = entries.iter().skip(offset).take(cap).cloned().collect();
    axum::Json(json!({
        "entries": page,
        "has_more": offset + cap < entries.len(),
        "next_cursor": format!("offset-{}", offset + cap),
    }))
    .into_response()
}

/// Every event of an organization key's calendars, each once (the first calendar's copy), in
/// the flat shape with its `calendar_id`.
async fn organization_events(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let key = match admit(&state, &headers).await {
        Ok(key) => key,
        Err(response) => return response,
    };
    let state = lock(&state);
    let Some(calendars) = organization_calendars_of(&state, &key) else {
        return error(StatusCode::UNAUTHORIZED, "You are not signed in.");
    };
    let mut seen = std::collections::HashSet::new();
    let events: Vec<&Value> = calendars
        .into_iter()
        .flat_map(|calendar| calendar.events.iter())
        .filter(|event| seen.insert(event["id"].to_string()))
        .collect();
    event_page(&events, &query, state.page_cap, false)
}

/// A plausible flat 2026-shape event: number `n` starts at 18:00 UTC on the day after `now`, plus
/// `n` days, and lasts two hours, in person in Berlin, with a description. Dated from the `now` the
/// test uses, so that the same test imports the same events on any date.
pub fn sample_event(now: chrono::DateTime<chrono::Utc>, n: u32, calendar_id: &str) -> Value {
    let first = now
        .date_naive()
        .succ_opt()
        .and_then(|day| day.and_hms_opt(18, 0, 0))
        .map(|start| start.and_utc())
        .unwrap_or(now);
    let start = first + chrono::Duration::days(i64::from(n));
    json!({
        "id": format!("evt-{n:04}"),
        "calendar_id": calendar_id,
        "name": format!("Meetup {n}"),
        "start_at": start.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "end_at": (start + chrono::Duration::hours(2)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "timezone": "Europe/Berlin",
        "location_type": "offline",
        "geo_address_json": {"address": "c-base", "city": "Berlin"},
        "url": format!("https://luma.com/e{n}"),
        "tags": [{"id": "t1", "name": "Talks"}],
        "description_md": format!("Details of meetup {n}"),
    })
}

/// The legacy nested entry for a flat one: `{api_id, event: {api_id, calendar_api_id, …}, tags}`.
fn to_legacy(mut event: Value) -> Value {
    let tags = event
        .as_object_mut()
        .and_then(|object| object.remove("tags"))
        .unwrap_or_else(|| json!([]));
    let tags: Vec<Value> = tags
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| json!({ "api_id": t["id"], "name": t["name"] }))
                .collect()
        })
        .unwrap_or_default();
    if let Some(object) = event.as_object_mut() {
        if let Some(id) = object.remove("id") {
            object.insert("api_id".into(), id);
        }
        if let Some(calendar) = object.remove("calendar_id") {
            object.insert("calendar_api_id".into(), calendar);
        }
        object.remove("location_type");
    }
    json!({ "api_id": event["api_id"].clone(), "event": event, "tags": tags })
}
