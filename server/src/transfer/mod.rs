//! The routes that move file bytes, streaming both ways so memory does not grow with file size:
//! tus 1.0 resumable uploads (core, creation, creation-with-upload, termination, expiration and
//! checksum with sha256) into the file tree or for a message, and downloads with HTTP Range of
//! documents, of files sent with messages and of shared files (always their latest version),
//! plus the sandboxed inline viewer. `tus` holds the uploads, `downloads` the rest; both ask
//! the policy first and then stream.

// Handlers answer `Result<Response, Response>`: both arms are HTTP responses, built once.
#![allow(clippy::result_large_err)]

mod downloads;
mod tus;

use axum::{
    Router,
    http::{HeaderValue, header},
    routing::{get, head, options},
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;

use app::{
    AppError,
    policy::{Actor, SignedInUser},
    state::AppState,
};

pub use downloads::content_disposition;
use downloads::{attachment_bytes, document_bytes, shared_bytes};
use tus::{append, cancel, create, offset, tus_options};

/// The paths of these routes, for the authorization matrix.
pub const ROUTES: &[&str] = &[
    "/uploads",
    "/uploads/{id}",
    "/files/{id}/download",
    "/files/{id}/preview",
    "/attachments/{id}/download",
    "/attachments/{id}/preview",
    "/shares/{id}/files/{document}/download",
    "/shares/{id}/files/{document}/preview",
];

pub fn routes() -> Router<AppState> {
    let tus = Router::new()
        .route(ROUTES[0], options(tus_options).post(create))
        .route(
            ROUTES[1],
            head(offset)
                .patch(append)
                .delete(cancel)
                .options(tus_options),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("tus-resumable"),
            HeaderValue::from_static(tus::TUS_VERSION),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .merge(tus)
        .route(ROUTES[2], get(document_bytes::<false>))
        .route(ROUTES[3], get(document_bytes::<true>))
        .route(ROUTES[4], get(attachment_bytes::<false>))
        .route(ROUTES[5], get(attachment_bytes::<true>))
        .route(ROUTES[6], get(shared_bytes::<false>))
        .route(ROUTES[7], get(shared_bytes::<true>))
}

/// The signed-in person, who may look at what is theirs.
async fn signed_in(state: &AppState, session: &Session) -> Result<SignedInUser, AppError> {
    Ok(Actor::from_session(&state.db, session)
        .await?
        .viewer()?
        .clone())
}
