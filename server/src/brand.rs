//! `/brand/logo`: the firm's logo for everyone (the sign-in page shows it before anyone signs
//! in; without one, the portal's own icon), and for administrators its upload (PUT, the image's
//! bytes as the body) and removal (DELETE). Checked and kept by `app::settings::logo`.

use axum::{
    Extension, Json,
    body::{Body, to_bytes},
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use app::{
    AppError,
    policy::{Actor, ClientIp},
    settings::{logo, server::brand},
    state::AppState,
};

#[derive(serde::Deserialize)]
pub struct Version {
    v: Option<String>,
}

pub async fn get_logo(
    State(state): State<AppState>,
    Query(asked): Query<Version>,
    headers: HeaderMap,
) -> Response {
    let (logo, data) = match logo::read(&state.db).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            return crate::site::serve("icons/icon-192.png", &headers)
                .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response());
        }
        Err(e) => return e.into_response(),
    };
    let etag = format!("\"{}\"", logo.version);
    // The address names its version: that one never changes. Without it, ask each time.
    let cache = if asked.v.as_deref() == Some(logo.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let response = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, cache)
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let response = if fresh {
        response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
    } else {
        response
            .header(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&logo.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            )
            .body(Body::from(data))
    };
    response.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

pub async fn put_logo(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    session: Session,
    request: Request,
) -> Result<Json<app::settings::brand::Logo>, AppError> {
    let admin = Actor::from_session(&state.db, &session).await?.admin()?;
    let too_large = || {
        AppError::TooLarge(format!(
            "The logo can be at most {}. Save it smaller, e.g. 512 pixels wide.",
            app::files::human_size(logo::MAX_BYTES as u64)
        ))
    };
    let bytes = to_bytes(request.into_body(), logo::MAX_BYTES)
        .await
        .map_err(|_| too_large())?;
    let saved = logo::save(&state.db, &admin, bytes.to_vec(), ip.0).await?;
    state.brand.set(brand(&state.db).await?);
    Ok(Json(saved))
}

pub async fn delete_logo(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    session: Session,
) -> Result<StatusCode, AppError> {
    let admin = Actor::from_session(&state.db, &session).await?.admin()?;
    logo::remove(&state.db, &admin, ip.0).await?;
    state.brand.set(brand(&state.db).await?);
    Ok(StatusCode::NO_CONTENT)
}
