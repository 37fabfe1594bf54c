//! tus 1.0 resumable uploads: core, creation, creation-with-upload, termination, expiration
//! and checksum (sha256), into the file tree or for a message.

use std::collections::HashMap;

use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use tower_sessions::Session;

use super::signed_in;
use app::{
    AppError,
    entities::upload,
    files::{
        MAX_FILE_SIZE,
        uploads::{self, Appended, Filed, NewUpload},
    },
    ids::{AttachmentId, DocumentId, FolderId, MatterId, MessageId, UploadId},
    policy::Actor,
    state::AppState,
};

pub(super) const TUS_VERSION: &str = "1.0.0";
const TUS_EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

pub(super) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A request from a tus client of another protocol version.
fn version_check(headers: &HeaderMap) -> Result<(), Response> {
    if header_str(headers, "tus-resumable") == Some(TUS_VERSION) {
        return Ok(());
    }
    Err((
        StatusCode::PRECONDITION_FAILED,
        [("tus-version", TUS_VERSION)],
        app::text::THIS_UPLOAD_CLIENT_SPEAKS_ANOTHER_VERSION,
    )
        .into_response())
}

pub(super) async fn tus_options() -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            ("tus-version", TUS_VERSION.to_string()),
            ("tus-extension", TUS_EXTENSIONS.to_string()),
            ("tus-max-size", MAX_FILE_SIZE.to_string()),
            ("tus-checksum-algorithm", "sha256".to_string()),
        ],
    )
        .into_response()
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs.
fn metadata(headers: &HeaderMap) -> Result<HashMap<String, String>, AppError> {
    let bad = || AppError::bad_request(app::text::THE_UPLOADS_UPLOAD_METADATA_HEADER_IS);
    let mut map = HashMap::new();
    for pair in header_str(headers, "upload-metadata")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once(' ').unwrap_or((pair, ""));
        let value = BASE64.decode(value.trim()).map_err(|_| bad())?;
        map.insert(
            key.to_string(),
            String::from_utf8(value).map_err(|_| bad())?,
        );
    }
    Ok(map)
}

/// An id in the metadata (`matter`, `folder`, `document`), of the type its key names.
fn id_field<T: std::str::FromStr>(
    meta: &HashMap<String, String>,
    key: &str,
) -> Result<Option<T>, AppError> {
    match meta.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::bad_request(app::text::the_uploads_is_not_a_valid(&key))),
    }
}

fn expires(row: &upload::Model) -> String {
    uploads::expires_at(row)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn upload_url(row: &upload::Model) -> String {
    format!("/uploads/{}", row.id)
}

/// POST /uploads: starts an upload, into the tree or (metadata `purpose attachment`) for a
/// message. Refused before any byte when the file is too large, the folder full, the name
/// unusable, or the caller may not put it there (the tree is the firm's; anyone on the matter
/// may send a file).
pub(super) async fn create(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    version_check(&parts.headers)?;
    let result = async {
        if parts.headers.contains_key("upload-defer-length") {
            return Err(AppError::bad_request(
                app::text::GIVE_THE_FILES_SIZE_UPLOAD_LENGTH,
            ));
        }
        let length = header_str(&parts.headers, "upload-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| AppError::bad_request(app::text::GIVE_THE_FILES_SIZE_IN_BYTES))?;
        let meta = metadata(&parts.headers)?;
        let actor = Actor::from_session(&state.db, &session).await?;
        let name = meta
            .get("filename")
            .or_else(|| meta.get("name"))
            .cloned()
            .unwrap_or_default();
        let (access, input) = match meta.get("purpose").map(String::as_str) {
            // A line of a file request: the request names the matter and the folder.
            Some("request") => {
                let message: MessageId = id_field(&meta, "message")?.ok_or_else(|| {
                    AppError::bad_request(app::text::SAY_WHICH_REQUEST_THE_UPLOAD_ANSWERS)
                })?;
                let item = meta
                    .get("item")
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .ok_or_else(|| {
                        AppError::bad_request(app::text::SAY_WHICH_LINE_OF_THE_REQUEST)
                    })?;
                let slot = actor.request_slot(&state.db, message, item).await?;
                let access = slot.matter().clone();
                let input = NewUpload {
                    folder_id: None,
                    document_id: None,
                    name,
                    length,
                    attachment: false,
                    request: Some(slot),
                };
                (access, input)
            }
            purpose @ (None | Some("" | "files" | "attachment")) => {
                let matter_id: MatterId = id_field(&meta, "matter")?.ok_or_else(|| {
                    AppError::bad_request(app::text::SAY_WHICH_MATTER_THE_UPLOAD_IS)
                })?;
                let access = actor.matter(&state.db, matter_id).await?;
                let input = NewUpload {
                    folder_id: id_field::<FolderId>(&meta, "folder")?,
                    document_id: id_field::<DocumentId>(&meta, "document")?,
                    name,
                    length,
                    attachment: purpose == Some("attachment"),
                    request: None,
                };
                (access, input)
            }
            Some(_) => {
                return Err(AppError::bad_request(
                    app::text::AN_UPLOADS_PURPOSE_IS_FILES_ATTACHMENT,
                ));
            }
        };
        let row = uploads::create(&state.db, &access, input).await?;
        // An empty file is complete as soon as it is created (tus-js-client sends no PATCH).
        let with_data =
            header_str(&parts.headers, "content-type") == Some(OFFSET_STREAM) || length == 0;
        let (offset, filed) = if with_data {
            let appended = uploads::append(
                &state,
                access.user(),
                row.clone(),
                0,
                body.into_data_stream(),
                checksum(&parts.headers)?,
            )
            .await?;
            match appended {
                Appended::At { offset, filed } => (offset, filed),
                Appended::ChecksumMismatch => (0, None),
            }
        } else {
            (0, None)
        };
        Ok((row, offset, filed))
    }
    .await;
    let (row, offset, filed) = result.map_err(IntoResponse::into_response)?;
    let mut response = (
        StatusCode::CREATED,
        [
            (header::LOCATION, upload_url(&row)),
            (
                header::HeaderName::from_static("upload-offset"),
                offset.to_string(),
            ),
            (
                header::HeaderName::from_static("upload-expires"),
                expires(&row),
            ),
        ],
    )
        .into_response();
    if let Some(filed) = filed {
        insert_filed(&mut response, filed);
    }
    Ok(response)
}

/// Tells the client what its finished upload became.
fn insert_filed(response: &mut Response, filed: Filed) {
    let (name, id) = match filed {
        Filed::Document(id) => ("dossier-document", id.0),
        Filed::Attachment(id) => ("dossier-attachment", id.0),
    };
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(name, v);
    }
}

/// HEAD /uploads/{id}: where the upload is, so the client resumes from there.
pub(super) async fn offset(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<UploadId>,
) -> Result<Response, AppError> {
    let user = signed_in(&state, &session).await?;
    let row = uploads::find(&state.db, &user, &id).await?;
    let mut response = (
        StatusCode::OK,
        [
            ("upload-offset", row.received.to_string()),
            ("upload-length", row.length.to_string()),
            ("upload-expires", expires(&row)),
        ],
    )
        .into_response();
    // A client that lost the last response learns here what its finished file for a message
    // became (tus-js-client resumes a finished upload with this HEAD alone).
    if let (true, Some(id)) = (row.for_attachment, row.version_id) {
        insert_filed(&mut response, Filed::Attachment(AttachmentId(id)));
    }
    Ok(response)
}

/// `Upload-Checksum: sha256 <base64>` of this request's body.
fn checksum(headers: &HeaderMap) -> Result<Option<[u8; 32]>, AppError> {
    let Some(value) = header_str(headers, "upload-checksum") else {
        return Ok(None);
    };
    let (algorithm, digest) = value.trim().split_once(' ').unwrap_or((value, ""));
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return Err(AppError::bad_request(app::text::ONLY_SHA256_CHECKSUMS));
    }
    BASE64
        .decode(digest.trim())
        .ok()
        .and_then(|d| <[u8; 32]>::try_from(d).ok())
        .map(Some)
        .ok_or_else(|| AppError::bad_request(app::text::THE_UPLOAD_CHECKSUM_VALUE_IS_NOT))
}

/// PATCH /uploads/{id}: appends the body at `Upload-Offset`.
pub(super) async fn append(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<UploadId>,
    request: Request,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    version_check(&parts.headers)?;
    if header_str(&parts.headers, "content-type") != Some(OFFSET_STREAM) {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            app::text::UPLOAD_BYTES_ARE_SENT_AS_APPLICATION,
        )
            .into_response());
    }
    let result = async {
        let user = signed_in(&state, &session).await?;
        let row = uploads::find(&state.db, &user, &id).await?;
        let offset = header_str(&parts.headers, "upload-offset")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| AppError::bad_request(app::text::SAY_WHERE_THESE_BYTES_GO_UPLOAD))?;
        // Refused before reading when the declared body overruns the file.
        if let Some(declared) =
            header_str(&parts.headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
            && offset.saturating_add(declared) > row.length as u64
        {
            return Err(AppError::TooLarge(
                app::text::THESE_BYTES_GO_PAST_THE_END.into(),
            ));
        }
        if offset != row.received as u64 {
            return Ok(Err(row.received));
        }
        let expected = checksum(&parts.headers)?;
        let _in_progress = crate::metrics::UploadInProgress::start();
        let appended = uploads::append(
            &state,
            &user,
            row,
            offset,
            body.into_data_stream(),
            expected,
        )
        .await?;
        if let Appended::At { offset: at, .. } = &appended {
            crate::metrics::upload_bytes(at.saturating_sub(offset));
        }
        Ok(Ok(appended))
    }
    .await
    .map_err(IntoResponse::into_response)?;
    // Bytes for another place: say where the upload is, so the client resumes from there.
    let result = result.map_err(|at| {
        (
            StatusCode::CONFLICT,
            [("upload-offset", at.to_string())],
            app::text::the_upload_is_at_byte_resume(&at),
        )
            .into_response()
    })?;
    match result {
        Appended::At { offset, filed } => {
            let mut response = (
                StatusCode::NO_CONTENT,
                [("upload-offset", offset.to_string())],
            )
                .into_response();
            if let Some(filed) = filed {
                insert_filed(&mut response, filed);
            }
            Ok(response)
        }
        Appended::ChecksumMismatch => Err((
            StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
            app::text::THESE_BYTES_DO_NOT_MATCH_THEIR,
        )
            .into_response()),
    }
}

/// DELETE /uploads/{id}: cancels the upload and deletes its bytes.
pub(super) async fn cancel(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<UploadId>,
    headers: HeaderMap,
) -> Result<Response, Response> {
    version_check(&headers)?;
    let result = async {
        let user = signed_in(&state, &session).await?;
        let row = uploads::find(&state.db, &user, &id).await?;
        uploads::cancel(&state, row).await
    }
    .await;
    result.map_err(IntoResponse::into_response)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
