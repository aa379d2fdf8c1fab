//! The widget for members' own sites (`/embed/events`) and the script of its snippet
//! (`/embed/widget.js`). The one route any site may frame: it answers with
//! `Content-Security-Policy: frame-ancestors *`, which the router's default (no framing) leaves
//! in place. Thin: the core checks the query and writes the document.

use app::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use convene::places::near::NearParams;
use convene::publish::widget::{self, WidgetQuery};
use serde::Deserialize;

/// Any site may frame the widget: how its Content-Security-Policy starts
/// (`convene::publish::widget::content_security_policy`).
pub const FRAMED_BY_ANY_SITE: &str = "frame-ancestors *";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WidgetParams {
    org: String,
    topic: String,
    limit: String,
    theme: String,
    near: String,
    km: String,
    online: String,
}

pub async fn events(State(state): State<AppState>, Query(params): Query<WidgetParams>) -> Response {
    let near = NearParams {
        city: &params.near,
        km: &params.km,
        online: &params.online,
    };
    let query = match WidgetQuery::parse(
        &params.org,
        &params.topic,
        &params.limit,
        &params.theme,
        &near,
    ) {
        Ok(query) => query,
        Err(refused) => {
            return framable(
                StatusCode::BAD_REQUEST,
                widget::refusal(&refused.to_string()),
            );
        }
    };
    match widget::render(&state.db, &state.site, &query, chrono::Utc::now()).await {
        Ok(Some(html)) => framable(StatusCode::OK, html),
        Ok(None) => framable(
            StatusCode::NOT_FOUND,
            widget::refusal(
                "org: no organization has this name; use the one in its Convene address",
            ),
        ),
        // A city no event names: said in the widget, like any refusal.
        Err(refused @ convene::Error::Invalid { .. }) => framable(
            StatusCode::BAD_REQUEST,
            widget::refusal(&refused.to_string()),
        ),
        Err(err) => {
            tracing::error!(error = %err, "writing the widget failed");
            framable(
                StatusCode::INTERNAL_SERVER_ERROR,
                widget::refusal("Convene could not read its events just now; reload in a moment"),
            )
        }
    }
}

fn framable(status: StatusCode, html: String) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(widget::content_security_policy()),
    );
    response
}

pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        widget::EMBED_SCRIPT,
    )
}
