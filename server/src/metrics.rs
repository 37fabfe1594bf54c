//! Prometheus metrics, served on their own address (`--metrics-listen`) and never on the public
//! port: request counts and latency by route, uploads in progress, open live streams, the outbox
//! and the database pool. Off by default; with it off the `metrics` macros record nothing.

use std::{net::SocketAddr, sync::OnceLock, time::Instant};

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use app::{entities::outbox_message as outbox, state::AppState};

const REQUEST_SECONDS: &str = "dossier_http_request_duration_seconds";

static RECORDER: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();

/// The process's recorder, installed the first time metrics are asked for.
fn recorder() -> Result<&'static PrometheusHandle, String> {
    RECORDER
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full(REQUEST_SECONDS.into()),
                    &[
                        0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                    ],
                )
                .and_then(PrometheusBuilder::install_recorder)
                .map_err(|e| format!("Cannot set up metrics: {e}."))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A request being timed for the request metrics, from when it came in.
pub struct Timing {
    route: String,
    method: String,
    started: Instant,
}

impl Timing {
    /// Nothing when metrics are off: the labels would be built for every request only to be
    /// dropped.
    pub fn start(request: &Request) -> Option<Self> {
        RECORDER.get()?;
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| "other".to_string(), |m| m.as_str().to_string());
        Some(Self {
            route,
            method: request.method().to_string(),
            started: Instant::now(),
        })
    }

    /// Counts the request by route pattern (never the raw path: ids would make a series each),
    /// method and status, with its latency.
    pub fn record(self, response: &Response) {
        let status = response.status().as_u16().to_string();
        metrics::counter!("dossier_http_requests_total", "route" => self.route.clone(), "method" => self.method.clone(), "status" => status)
            .increment(1);
        metrics::histogram!(REQUEST_SECONDS, "route" => self.route, "method" => self.method)
            .record(self.started.elapsed().as_secs_f64());
    }
}

/// An upload request in progress, for as long as this lives.
pub struct UploadInProgress(());

impl UploadInProgress {
    pub fn start() -> Self {
        metrics::gauge!("dossier_uploads_in_progress").increment(1.0);
        Self(())
    }
}

impl Drop for UploadInProgress {
    fn drop(&mut self) {
        metrics::gauge!("dossier_uploads_in_progress").decrement(1.0);
    }
}

pub fn upload_bytes(bytes: u64) {
    metrics::counter!("dossier_upload_bytes_total").increment(bytes);
}

pub fn outbox_failure(channel: &str, given_up: bool) {
    metrics::counter!("dossier_outbox_failures_total", "channel" => channel.to_string(), "given_up" => given_up.to_string())
        .increment(1);
}

/// One change told to this node's open pages: the policy checks it took (one per person, however
/// many pages each has open), the pages told, and how long deciding took.
pub fn live_change(access_checks: usize, pages_told: usize, took: std::time::Duration) {
    metrics::counter!("dossier_live_changes_total").increment(1);
    metrics::counter!("dossier_live_access_checks_total").increment(access_checks as u64);
    metrics::counter!("dossier_live_events_sent_total").increment(pages_told as u64);
    metrics::histogram!("dossier_live_dispatch_seconds").record(took.as_secs_f64());
}

/// Listens on `listen` for `GET /metrics` until the process ends.
pub async fn serve(listen: SocketAddr, state: AppState) -> Result<(), String> {
    recorder()?;
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        format!(
            "Cannot listen for metrics on {listen}: {e}. Set DOSSIER_METRICS_LISTEN to a free \
             address."
        )
    })?;
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(state);
    tracing::info!(%listen, "metrics are served at /metrics");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(())
}

async fn scrape(State(state): State<AppState>) -> Response {
    let Ok(handle) = recorder() else {
        return app::AppError::internal("metrics are not set up").into_response();
    };
    // Read at each scrape, so they are true whichever node did the work.
    let pending = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::GaveUpAt.is_null())
        .count(&state.db)
        .await;
    let given_up = outbox::Entity::find()
        .filter(outbox::Column::GaveUpAt.is_not_null())
        .count(&state.db)
        .await;
    if let (Ok(pending), Ok(given_up)) = (pending, given_up) {
        metrics::gauge!("dossier_outbox_pending").set(pending as f64);
        metrics::gauge!("dossier_outbox_given_up").set(given_up as f64);
    }
    metrics::gauge!("dossier_live_streams_open").set(state.live.streams_open() as f64);
    let (size, idle) = pool_use(&state.db);
    metrics::gauge!("dossier_db_pool_connections", "state" => "in_use")
        .set(size.saturating_sub(idle) as f64);
    metrics::gauge!("dossier_db_pool_connections", "state" => "idle").set(idle as f64);
    handle.run_upkeep();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

/// Connections open and idle in the database pool.
fn pool_use(db: &sea_orm::DatabaseConnection) -> (usize, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size() as usize, pool.num_idle())
        }
        _ => (0, 0),
    }
}
