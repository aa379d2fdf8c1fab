//! `POST /webhooks/luma/{slug}`: lu.ma's signed webhooks for one organization. The core checks
//! and keeps the delivery (`convene::import::webhooks`); this answers lu.ma quickly: "applied"
//! when the change is in the store within [`APPLY_WAIT`], else "received" while it is applied
//! in the background. Outside the session and same-origin layers: lu.ma is another site, and
//! the signature is the only authority.

use std::time::Duration;

use app::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use convene::import::webhooks::signature::SignedHeaders;
use convene::import::webhooks::{self, Received, Waiting, WebhookRefusal};

/// How long an answer waits for the change to be stored; senders give up after about 15 s.
const APPLY_WAIT: Duration = Duration::from_secs(2);

pub async fn luma(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let importer = state.refresher.importer().clone();
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let signed = SignedHeaders {
        id: text("webhook-id"),
        timestamp: text("webhook-timestamp"),
        signature: text("webhook-signature"),
    };
    let received = webhooks::receive(
        importer.db(),
        importer.secret_key(),
        &slug,
        signed,
        &body,
        chrono::Utc::now(),
    )
    .await;
    match received {
        Ok(Received::Accepted { organization_id }) => {
            let applying = tokio::spawn(async move {
                webhooks::apply_pending(&importer, Waiting::Of(organization_id), chrono::Utc::now())
                    .await
            });
            match tokio::time::timeout(APPLY_WAIT, applying).await {
                Ok(Ok(Ok(_))) => (StatusCode::OK, "applied").into_response(),
                Ok(Ok(Err(err))) => {
                    tracing::error!(org = %slug, error = %err, "applying a lu.ma webhook failed; the background loop tries again");
                    (StatusCode::ACCEPTED, "received; it will be applied").into_response()
                }
                Ok(Err(join)) => {
                    tracing::error!(org = %slug, error = %join, "applying a lu.ma webhook stopped; the background loop tries again");
                    (StatusCode::ACCEPTED, "received; it will be applied").into_response()
                }
                Err(_) => (StatusCode::ACCEPTED, "received; being applied").into_response(),
            }
        }
        Ok(Received::AlreadyReceived) => (StatusCode::OK, "already received").into_response(),
        Ok(Received::Ignored) => (StatusCode::OK, "not a type Convene uses").into_response(),
        Err(refusal) => refused(&slug, &refusal),
    }
}

fn refused(slug: &str, refusal: &WebhookRefusal) -> Response {
    let status = match refusal {
        WebhookRefusal::UnknownOrganization | WebhookRefusal::NotConfigured => {
            StatusCode::NOT_FOUND
        }
        WebhookRefusal::Signature(_) => StatusCode::UNAUTHORIZED,
        WebhookRefusal::Unreadable(_) => StatusCode::BAD_REQUEST,
        WebhookRefusal::Backlog => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "60")],
                refusal.to_string(),
            )
                .into_response();
        }
        WebhookRefusal::Store(err) => {
            tracing::error!(org = %slug, error = %err, "keeping a lu.ma webhook failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    (status, refusal.to_string()).into_response()
}
