//! What crawlers and other sites read (`/robots.txt`, `/sitemap.xml`), and the dashboard's view
//! as text for newsletters. Thin: the core writes them.

use app::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use convene::publish::newsletter::Format;
use convene_types::views::DashboardFilters;

/// What crawlers may read: the public pages, not accounts, mail, the API or personal feeds.
const ROBOTS: &str = "User-agent: *\n\
Allow: /\n\
Disallow: /account\n\
Disallow: /admin/\n\
Disallow: /api/\n\
Disallow: /dashboard/newsletter\n\
Disallow: /feeds/\n\
Disallow: /login\n\
Disallow: /mail/\n\
Disallow: /signup\n";

pub async fn robots(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        format!("{ROBOTS}Sitemap: {}\n", state.site.link("/sitemap.xml")),
    )
}

pub async fn sitemap(State(state): State<AppState>) -> Response {
    match convene::publish::sitemap::sitemap(&state.db, &state.site, chrono::Utc::now()).await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            xml,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "writing the sitemap failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// "Copy as text" and "Copy as Markdown": the dashboard's view for these filters (the
/// dashboard's own query string) as text, with the viewer's session deciding what they may
/// see. Only the viewer's browser may keep it.
pub async fn newsletter(
    state: AppState,
    session: tower_sessions::Session,
    query: Option<String>,
    format: Format,
) -> Response {
    let mut filters = DashboardFilters::from_pairs(url::form_urlencoded::parse(
        query.unwrap_or_default().as_bytes(),
    ));
    // The text starts at the first event, whatever page the dashboard had shown.
    filters.after.clear();
    let actor = match app::auth::session::actor_of_session(&state.db, &session).await {
        Ok(actor) => actor,
        Err(err) => {
            tracing::error!(error = %err, "finding who asks for a newsletter failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let content_type = match format {
        Format::Text => "text/plain; charset=utf-8",
        Format::Markdown => "text/markdown; charset=utf-8",
    };
    match convene::read_models::dashboard::newsletter(
        &state.db,
        &state.site,
        actor,
        &filters,
        format,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "private, no-cache"),
            ],
            text,
        )
            .into_response(),
        Err(convene::Error::Invalid { field, message }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{field}: {message}"),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "writing a newsletter failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn newsletter_text(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    newsletter(state, session, query, Format::Text).await
}

pub async fn newsletter_markdown(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    RawQuery(query): RawQuery,
) -> Response {
    newsletter(state, session, query, Format::Markdown).await
}
