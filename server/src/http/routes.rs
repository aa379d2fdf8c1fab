//! The HTTP surface: the Leptos pages and server functions, `/healthz`, static files and 404s,
//! behind the session layer.

use crate::{
    http::assets, http::embed, http::feeds, http::insights, http::unsubscribe, http::web,
    http::webhooks,
};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};
use convene::store::sessions::SeaOrmSessionStore;
use std::sync::OnceLock;

use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The largest request body accepted (forms and server-function calls are a few kB); larger
/// ones get 413 before anything reads them.
pub const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// The session cookie's name; its value is the session id and is never logged.
pub const SESSION_COOKIE: &str = "convene_session";
/// Signed-in sessions end after this long without a visit (counted from the first visit of the
/// day: `app::auth::session` extends a session once a day, not on every request).
const SESSION_IDLE_DAYS: i64 = 30;

/// The page routes, generated once per process. Generating them runs the app with resource
/// loading suppressed process-wide (leptos issue #4773), so a page rendering at that moment would
/// hang forever. Once, before anything serves, is safe; the routes never change anyway. (Tests
/// start many servers in one process, which is where the hang showed.)
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// How the site is reached, for the headers that depend on it.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    /// Session cookies only over https.
    pub secure_cookies: bool,
    /// The public address is https: browsers are told to use nothing else (HSTS).
    pub https_only: bool,
}

/// A year, as HSTS is commonly set; no `preload` (that is the operator's choice to make).
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn router(state: AppState, transport: Transport) -> Router {
    let pages = page_routes();
    let leptos_options = state.leptos_options.clone();
    let sessions = SessionManagerLayer::new(SeaOrmSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(transport.secure_cookies)
        .with_expiry(Expiry::OnInactivity(Duration::days(SESSION_IDLE_DAYS)));
    let pkg_dir = std::path::Path::new(leptos_options.site_root.as_ref())
        .join(leptos_options.site_pkg_dir.as_ref());
    let pkg_path = format!("/{}", leptos_options.site_pkg_dir);
    let hashed_names = leptos_options.hash_files;
    // lu.ma's webhooks come from another site without a session: outside the same-origin and
    // session layers, with a body limit of their own.
    let from_luma = Router::new()
        .route("/webhooks/luma/{slug}", post(webhooks::luma))
        .route_layer(axum::middleware::from_fn(
            crate::http::exporter::track_requests,
        ))
        .layer(RequestBodyLimitLayer::new(
            convene::import::webhooks::BODY_MAX_BYTES,
        ))
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state.clone());
    let site = Router::new()
        .route("/healthz", get(healthz))
        .route("/robots.txt", get(web::robots))
        .route("/sitemap.xml", get(web::sitemap))
        .route("/dashboard/newsletter.txt", get(web::newsletter_text))
        .route("/dashboard/newsletter.md", get(web::newsletter_markdown))
        .route("/admin/network.csv", get(insights::network))
        .route("/orgs/{slug}/insights.csv", get(insights::organization))
        .nest_service(&pkg_path, assets::pkg_service(pkg_dir, hashed_names))
        .route("/orgs/{slug}/events.ics", get(feeds::organization_feed))
        .route("/orgs/{slug}/events.atom", get(feeds::organization_atom))
        .route("/events.atom", get(feeds::network_atom))
        .route("/topics/{topic}/events.atom", get(feeds::topic_atom))
        .route("/embed/events", get(embed::events))
        .route("/embed/widget.js", get(embed::script))
        .route("/feeds/{file}", get(feeds::personal_feed))
        .route("/mail/unsubscribe", post(unsubscribe::one_click))
        .leptos_routes_with_context(
            &state,
            pages,
            app::auth::session::provide_request_memos,
            move || shell(leptos_options.clone()),
        )
        // Counted by route pattern: only matched routes, so a scan of made-up paths adds no
        // labels.
        .route_layer(axum::middleware::from_fn(
            crate::http::exporter::track_requests,
        ))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            feeds::event_calendar_files,
        ))
        // Inside the session layer: a signed-in account's language comes first.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::http::language::choose,
        ))
        .layer(sessions)
        // No page may be framed by another site (clickjacking), but the widget (`embed`),
        // which says so itself; older browsers read X-Frame-Options instead.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            |response: &axum::response::Response| {
                let framable = response
                    .headers()
                    .get(header::CONTENT_SECURITY_POLICY)
                    .and_then(|policy| policy.to_str().ok())
                    .is_some_and(|policy| policy.starts_with(embed::FRAMED_BY_ANY_SITE));
                (!framable).then(|| HeaderValue::from_static("DENY"))
            },
        ))
        // No answer is read as another type than it says (a feed as HTML, say), and a link
        // followed elsewhere tells only our origin, never a page address (which can carry a
        // link's token).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| {
                transport.https_only.then(|| HeaderValue::from_static(HSTS))
            },
        ))
        .layer(axum::middleware::from_fn(assets::script_policy))
        .layer(axum::middleware::from_fn(assets::revalidate_pages))
        .layer(assets::compression())
        .layer(axum::middleware::from_fn(refuse_cross_site))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        // A panic while answering becomes a 500 for that request (and a log line), never more.
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state);
    from_luma.merge(site)
}

/// State-changing requests (every server function and form post is a POST) from another
/// site's page are refused with 403 (`convene::accounts::same_origin`).
async fn refuse_cross_site(
    request: axum::http::Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{Method, header};
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|value: &axum::http::HeaderValue| value.to_str().ok())
    };
    if convene::accounts::same_origin::allowed(
        text(header::ORIGIN),
        text(header::REFERER),
        text(header::HOST),
    ) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        "This request came from another site and was refused. Use Convene's own pages.",
    )
        .into_response()
}

/// The request's span, without the token of a personal feed address (it is the feed's key).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let path = request.uri().path();
    let shown = if path.starts_with("/feeds/") {
        "/feeds/…"
    } else {
        path
    };
    tracing::debug_span!("request", method = %request.method(), path = %shown)
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and readiness in one: 200 when the store answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.health_db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "health check: the store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                    database: "unreachable",
                }),
            )
        }
    }
}
