//! Logs and metrics. Neither ever holds personal data: request logs name the route
//! pattern (`/api/v1/complaints/{id}`), never the path or the query, and metric labels are
//! closed lists (route patterns, methods, status codes, channels).

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// The Prometheus recorder of this process (installed once, shared by every app state).
#[derive(Clone)]
pub struct Metrics(PrometheusHandle);

impl Metrics {
    pub fn install() -> Self {
        static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
        Metrics(HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().expect("the only metrics recorder")).clone())
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        self.0.render()
    }
}

/// Counts requests and times them, by route pattern.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    tracing::Span::current().record("route", route.as_str());
    let method = request.method().as_str().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("qorgau_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("qorgau_http_request_duration_seconds", "route" => route).record(start.elapsed().as_secs_f64());
    response
}

/// Sets up logging: JSON lines (or pretty, for a terminal), filtered by `filter`.
pub fn init_logging(filter: &str, format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if format == "pretty" { builder.try_init() } else { builder.json().flatten_event(true).try_init() };
}
