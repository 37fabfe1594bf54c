//! The router: Leptos pages and server functions, plus the few plain routes.

use std::time::Duration;

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request, State},
    http::{StatusCode, header},
    middleware,
    response::{IntoResponse, Response},
    routing::{any, get},
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{
    LatencyUnit,
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, Predicate, predicate::SizeAbove},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};

use app::{AppError, shell::shell, state::AppState, system};

/// The routes that are neither pages nor server functions. The authorization matrix test reads
/// this list, so a route added here without a matrix entry fails it.
pub const PLAIN_ROUTES: &[&str] = &[
    "/healthz",
    crate::live::ROUTE,
    "/manifest.webmanifest",
    app::settings::brand::LOGO_PATH,
    crate::activity::ROUTE,
];

pub fn router(state: AppState) -> Router {
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let pages = {
        let state = state.clone();
        move || shell(state.clone())
    };
    Router::new()
        .route(PLAIN_ROUTES[0], get(health))
        .route(
            PLAIN_ROUTES[1],
            get(crate::live::events).layer(axum::Extension(crate::live::Streams::default())),
        )
        .route(PLAIN_ROUTES[2], get(manifest))
        .route(
            PLAIN_ROUTES[3],
            get(crate::brand::get_logo)
                .put(crate::brand::put_logo)
                .delete(crate::brand::delete_logo),
        )
        .route(PLAIN_ROUTES[4], get(crate::activity::export))
        .route("/api/{*rest}", any(unknown_api))
        .merge(crate::transfer::routes())
        .leptos_routes_with_context(&state, generate_route_list(app::App), context, pages)
        .fallback(fallback)
        .layer(crate::sessions::DbSessionStore::new(state.db.clone()).layer(state.portal.https))
        .layer(middleware::from_fn_with_state(
            crate::edge::Edge::new(state.clone()),
            crate::edge::pass,
        ))
        .layer(DefaultBodyLimit::max(crate::server_fns::BODY_LIMIT))
        // Outside the server-function guard, which reads the bodies it corrects.
        .layer(compress_pages())
        .layer(CatchPanicLayer::custom(|_| {
            AppError::internal("a request handler panicked").into_response()
        }))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            // The path only: query strings can hold one-time tokens.
            tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
        })
        // One line per response, carrying the request's id like every line logged inside it.
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Millis)))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Pages and server-function replies, compressed for browsers that accept it: on a phone on
/// slow mobile data the HTML is most of the first load. Files keep their bytes and ranges, the
/// embedded front end is already stored compressed, and live streams must not be held back in
/// a compressor's buffer.
fn compress_pages() -> CompressionLayer<impl tower_http::compression::Predicate> {
    let pages =
        |_: StatusCode, _: http::Version, headers: &http::HeaderMap, _: &http::Extensions| {
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
        };
    CompressionLayer::new()
        .no_deflate()
        .no_zstd()
        .compress_when(SizeAbove::new(1024).and(pages))
}

async fn manifest(State(state): State<AppState>) -> Response {
    crate::site::manifest(&state.brand.get(&state.db))
        .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

async fn health(State(state): State<AppState>) -> Response {
    let status = system::server::check(&state).await;
    let code = if status.healthy() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok| if ok { "ok" } else { "unavailable" };
    let body = serde_json::json!({
        "status": word(status.healthy()),
        "database": word(status.database),
        "storage": word(status.storage),
        "version": status.version,
    });
    (code, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// Server functions are routed by leptos_axum; anything else under /api is not an API call.
async fn unknown_api() -> AppError {
    AppError::NotFound(app::text::THERE_IS_NO_SUCH_API_CALL.into())
}

/// Embedded static files, else the app's "page not found".
async fn fallback(State(state): State<AppState>, request: Request) -> Response {
    if let Some(file) = crate::site::serve(request.uri().path(), request.headers()) {
        return file;
    }
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render =
        leptos_axum::render_app_to_stream_with_context(context, move || shell(state.clone()));
    let mut response = render(request).await.into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

/// How long in-flight requests get to finish after SIGTERM.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
