//! `/metrics` in Prometheus' text format (issue #28), by `metrics-exporter-prometheus`: off
//! unless `CONVENE_METRICS_ADDR` names a listen address of its own, so it is never public by
//! accident (pages and feeds never serve it). Requests are counted here by route and status
//! with a latency histogram; the core records sync runs and cache lookups, and the store's
//! state is read when the metrics are asked for (`convene::observed`).

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use convene::store::DatabaseConnection;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use metrics_util::MetricKindMask;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Answered requests by route (the router's pattern, never the raw path) and status.
pub const REQUESTS: &str = "convene_http_requests_total";
/// How long answering took, by route.
pub const REQUEST_SECONDS: &str = "convene_http_request_duration_seconds";
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// A gauge not set for this long (a lease's former holder) leaves the output.
const GAUGES_FORGOTTEN_AFTER: Duration = Duration::from_secs(300);

static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// The process's recorder, installed on first use: one per process, whatever number of
/// servers it starts (the tests start many).
pub fn recorder() -> Result<PrometheusHandle, String> {
    RECORDER
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.to_owned()), &BUCKETS)
                .map_err(|err| err.to_string())?
                .idle_timeout(MetricKindMask::GAUGE, Some(GAUGES_FORGOTTEN_AFTER))
                .install_recorder()
                .map_err(|err| err.to_string())
        })
        .clone()
}

/// Counts and times each answered request under its route (`route_layer`: matched routes
/// only, so the labels stay the router's few patterns).
pub async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |path| path.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(REQUEST_SECONDS, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// Serves `/metrics` on `listener` until the task is aborted.
pub fn serve(
    listener: TcpListener,
    db: DatabaseConnection,
    handle: PrometheusHandle,
) -> JoinHandle<()> {
    let app = Router::new()
        .route("/metrics", get(metrics_text))
        .with_state((db, handle));
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    })
}

async fn metrics_text(
    State((db, handle)): State<(DatabaseConnection, PrometheusHandle)>,
) -> Response {
    // The counters are worth serving even when the store cannot be read.
    if let Err(err) = convene::observed::read_gauges(&db, chrono::Utc::now()).await {
        tracing::warn!(error = %err, "reading the store for /metrics failed");
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Where `/metrics` answers, for the start-up line.
pub fn describe(addr: SocketAddr) -> String {
    format!("http://{addr}/metrics")
}
