//! What every server function passes: a body capped in size and in each field, the limit on
//! anonymous calls, and the HTTP status of its typed error.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{AppError, state::AppState};

/// Largest body a server function accepts; files travel on their own streaming routes.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Every server function passes here. Bodies are small (files travel on their own streaming
/// routes), and a typed error, which `server_fn` always sends with status 500, gets the status
/// its variant stands for: one place, for every server function.
pub async fn guard(state: &AppState, request: Request, next: Next) -> Response {
    // Server functions read their whole body anyway; reading it here, capped, turns an oversized
    // one (declared or chunked) into a 413 with a sentence instead of a deserialization error.
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, BODY_LIMIT).await {
        Ok(body) => body,
        Err(e) if caused_by::<tower_http::timeout::TimeoutError>(&e) => {
            return (
                StatusCode::REQUEST_TIMEOUT,
                AppError::bad_request(app::text::THE_REQUEST_ARRIVED_TOO_SLOWLY_AND),
            )
                .into_response();
        }
        Err(_) => {
            return AppError::TooLarge(app::text::this_request_is_too_large_the(
                &(BODY_LIMIT / 1024),
            ))
            .into_response();
        }
    };
    if let Some(refused) = overlong_field(&body) {
        return refused.into_response();
    }
    if let Err(refused) = crate::security::limit_anonymous(state, &parts).await {
        return refused.into_response();
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response
            .headers()
            .contains_key(server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether `T` is somewhere in the chain of causes of a body error.
fn caused_by<T: std::error::Error + 'static>(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<T>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The longest text a server-function field may hold, in characters, checked before any server
/// function sees it; each domain checks its own, tighter limits with its own sentences. Without
/// a cap here a 50,000-character search reached SQLite's LIKE limit and answered 500.
const FIELD_LIMITS: &[(&str, usize)] = &[("body", 25_000), ("description", 12_000)];
/// Any other field: names, addresses, subjects, passwords, tokens, searches, ids.
const FIELD_LIMIT: usize = 2_000;

/// A 400 with a sentence for the first form field longer than its limit.
fn overlong_field(body: &[u8]) -> Option<AppError> {
    url::form_urlencoded::parse(body).find_map(|(name, value)| {
        let limit = FIELD_LIMITS
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(FIELD_LIMIT, |(_, limit)| *limit);
        (value.chars().count() > limit).then(|| {
            AppError::bad_request(format!(
                "A field of this form (\u{201c}{}\u{201d}) is too long: at most {limit} characters \
                 are accepted.",
                name.chars().take(40).collect::<String>()
            ))
        })
    })
}
