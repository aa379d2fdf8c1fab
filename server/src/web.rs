//! What crawlers and other sites read: `/robots.txt` and `/sitemap.xml`. Thin: the core writes
//! them.

use app::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What crawlers may read: the public pages, not accounts, mail, the API or personal feeds.
const ROBOTS: &str = "User-agent: *\n\
Allow: /\n\
Disallow: /account\n\
Disallow: /admin/\n\
Disallow: /api/\n\
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
    match convene::read_models::sitemap::sitemap(&state.db, &state.site, chrono::Utc::now()).await {
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
