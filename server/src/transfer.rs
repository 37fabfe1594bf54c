//! The routes that move file bytes, streaming both ways so memory does not grow with file size:
//! tus 1.0 resumable uploads (core, creation, creation-with-upload, termination, expiration and
//! checksum with sha256) into the file tree or for a message, and downloads with HTTP Range of
//! documents, of files sent with messages and of shared files (always their latest version),
//! plus the sandboxed inline viewer.

// Handlers answer `Result<Response, Response>`: both arms are HTTP responses, built once.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;

use axum::{
    Extension, Router,
    body::Body,
    extract::{Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, head, options},
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::Session;
use uuid::Uuid;

use app::{
    AppError,
    audit::{self, Action},
    entities::upload,
    files::{
        self, MAX_FILE_SIZE,
        blobs::{self, Part},
        uploads::{self, Appended, Filed, NewUpload},
    },
    policy::{Actor, ClientIp, ManageMatter, SignedInUser},
    state::AppState,
};

const TUS_VERSION: &str = "1.0.0";
const TUS_EXTENSIONS: &str = "creation,creation-with-upload,termination,expiration,checksum";
const OFFSET_STREAM: &str = "application/offset+octet-stream";

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
            HeaderValue::from_static(TUS_VERSION),
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

async fn signed_in(state: &AppState, session: &Session) -> Result<SignedInUser, AppError> {
    Ok(Actor::from_session(&state.db, session)
        .await?
        .viewer()?
        .clone())
}

async fn manage(
    state: &AppState,
    session: &Session,
    matter_id: Uuid,
) -> Result<ManageMatter, AppError> {
    Actor::from_session(&state.db, session)
        .await?
        .matter(&state.db, matter_id)
        .await?
        .manage()
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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
        "This upload client speaks another version of the tus protocol; this server speaks 1.0.0.\n",
    )
        .into_response())
}

async fn tus_options() -> Response {
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
    let bad = || AppError::bad_request("The upload's Upload-Metadata header is malformed.");
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

fn uuid_field(meta: &HashMap<String, String>, key: &str) -> Result<Option<Uuid>, AppError> {
    match meta.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => Uuid::parse_str(v)
            .map(Some)
            .map_err(|_| AppError::bad_request(format!("The upload's {key} is not a valid id."))),
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
async fn create(
    State(state): State<AppState>,
    session: Session,
    request: Request,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    version_check(&parts.headers)?;
    let result = async {
        if parts.headers.contains_key("upload-defer-length") {
            return Err(AppError::bad_request(
                "Give the file's size (Upload-Length) when the upload starts.",
            ));
        }
        let length = header_str(&parts.headers, "upload-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                AppError::bad_request("Give the file's size in bytes in the Upload-Length header.")
            })?;
        let meta = metadata(&parts.headers)?;
        let matter_id = uuid_field(&meta, "matter")?.ok_or_else(|| {
            AppError::bad_request("Say which matter the upload is for (the matter metadata).")
        })?;
        let access = Actor::from_session(&state.db, &session)
            .await?
            .matter(&state.db, matter_id)
            .await?;
        let attachment = match meta.get("purpose").map(String::as_str) {
            None | Some("") | Some("files") => false,
            Some("attachment") => true,
            Some(_) => {
                return Err(AppError::bad_request(
                    "An upload's purpose is \"files\" or \"attachment\".",
                ));
            }
        };
        let input = NewUpload {
            folder_id: uuid_field(&meta, "folder")?,
            document_id: uuid_field(&meta, "document")?,
            name: meta
                .get("filename")
                .or_else(|| meta.get("name"))
                .cloned()
                .unwrap_or_default(),
            length,
            attachment,
        };
        let row = uploads::create(&state.db, &access, input).await?;
        // An empty file is complete as soon as it is created (tus-js-client sends no PATCH).
        let with_data =
            header_str(&parts.headers, "content-type") == Some(OFFSET_STREAM) || length == 0;
        let (offset, filed) = if with_data {
            let appended = uploads::append(
                &state,
                &access.user,
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
        Filed::Document(id) => ("dossier-document", id),
        Filed::Attachment(id) => ("dossier-attachment", id),
    };
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        response.headers_mut().insert(name, v);
    }
}

/// HEAD /uploads/{id}: where the upload is, so the client resumes from there.
async fn offset(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
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
        insert_filed(&mut response, Filed::Attachment(id));
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
        return Err(AppError::bad_request(
            "Only sha256 checksums are supported (Upload-Checksum: sha256 <base64>).",
        ));
    }
    BASE64
        .decode(digest.trim())
        .ok()
        .and_then(|d| <[u8; 32]>::try_from(d).ok())
        .map(Some)
        .ok_or_else(|| AppError::bad_request("The Upload-Checksum value is not a base64 SHA-256."))
}

/// PATCH /uploads/{id}: appends the body at `Upload-Offset`.
async fn append(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    version_check(&parts.headers)?;
    if header_str(&parts.headers, "content-type") != Some(OFFSET_STREAM) {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Upload bytes are sent as application/offset+octet-stream.\n",
        )
            .into_response());
    }
    let result = async {
        let user = signed_in(&state, &session).await?;
        let row = uploads::find(&state.db, &user, &id).await?;
        let offset = header_str(&parts.headers, "upload-offset")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| AppError::bad_request("Say where these bytes go (Upload-Offset)."))?;
        // Refused before reading when the declared body overruns the file.
        if let Some(declared) =
            header_str(&parts.headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
            && offset.saturating_add(declared) > row.length as u64
        {
            return Err(AppError::TooLarge(
                "These bytes go past the end of the file's declared size.".into(),
            ));
        }
        if offset != row.received as u64 {
            return Ok(Err(row.received));
        }
        let expected = checksum(&parts.headers)?;
        uploads::append(
            &state,
            &user,
            row,
            offset,
            body.into_data_stream(),
            expected,
        )
        .await
        .map(Ok)
    }
    .await
    .map_err(IntoResponse::into_response)?;
    // Bytes for another place: say where the upload is, so the client resumes from there.
    let result = result.map_err(|at| {
        (
            StatusCode::CONFLICT,
            [("upload-offset", at.to_string())],
            format!("The upload is at byte {at}; resume from there.\n"),
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
            "These bytes do not match their checksum: they were not kept. Send them again.\n",
        )
            .into_response()),
    }
}

/// DELETE /uploads/{id}: cancels the upload and deletes its bytes.
async fn cancel(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
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

#[derive(serde::Deserialize)]
struct VersionQuery {
    version: Option<i32>,
}

/// GET a document's bytes: `INLINE` for the viewer, else as a download.
async fn document_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<Uuid>,
    Query(query): Query<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = document(&state, &session, id, query.version).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// GET the bytes of a file sent with a message.
async fn attachment_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = attachment(&state, &session, id).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// GET the bytes of a shared file, or of one inside a shared folder.
async fn shared_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path((share, document)): Path<(Uuid, Uuid)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = shared(&state, &session, share, document).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// What a download sends, once the policy has allowed it.
struct Servable {
    reader: Uuid,
    name: String,
    parts: Vec<Part>,
    size: u64,
    sha256: String,
    content_type: String,
    at: chrono::DateTime<chrono::Utc>,
    /// What the audit record says was downloaded.
    what: String,
}

/// A version of a document in the tree: the firm's (shares arrive later).
async fn document(
    state: &AppState,
    session: &Session,
    document_id: Uuid,
    version: Option<i32>,
) -> Result<Servable, AppError> {
    let not_found =
        || AppError::NotFound("There is no such file, or it is not shared with you.".into());
    let matter_id = files::server::matter_of_document(&state.db, document_id)
        .await?
        .ok_or_else(not_found)?;
    let manage = match manage(state, session, matter_id).await {
        Err(AppError::NotFound(_)) => return Err(not_found()),
        other => other?,
    };
    let (doc, version) = files::server::version(&state.db, &manage, document_id, version).await?;
    Ok(Servable {
        reader: manage.0.user.id,
        name: doc.name,
        parts: blobs::parts_from_json(&version.parts)?,
        size: version.size.max(0) as u64,
        what: format!("document {} version {}", doc.id, version.number),
        sha256: version.sha256,
        content_type: version.content_type,
        at: version.uploaded_at,
    })
}

/// A file sent with a message: whoever may read its conversation (step-up included).
async fn attachment(state: &AppState, session: &Session, id: Uuid) -> Result<Servable, AppError> {
    let access = Actor::from_session(&state.db, session)
        .await?
        .attachment(&state.db, id)
        .await?;
    let a = access.attachment;
    Ok(Servable {
        reader: access.conversation.user().id,
        name: a.name,
        parts: blobs::parts_from_json(&a.parts)?,
        size: a.size.max(0) as u64,
        what: format!(
            "attachment {} in conversation {}",
            a.id, access.conversation.conversation.id
        ),
        sha256: a.sha256,
        content_type: a.content_type,
        at: a.created_at,
    })
}

/// A file a share reaches (the shared file, or one inside the shared folder), as it is now.
async fn shared(
    state: &AppState,
    session: &Session,
    share: Uuid,
    document: Uuid,
) -> Result<Servable, AppError> {
    let access = Actor::from_session(&state.db, session)
        .await?
        .share(&state.db, share)
        .await?;
    let (doc, version) = app::shares::server::reach(&state.db, &access, document).await?;
    Ok(Servable {
        reader: access.conversation.user().id,
        name: doc.name,
        parts: blobs::parts_from_json(&version.parts)?,
        size: version.size.max(0) as u64,
        what: format!(
            "document {} version {} through share {share}",
            doc.id, version.number
        ),
        sha256: version.sha256,
        content_type: version.content_type,
        at: version.uploaded_at,
    })
}

/// What the viewer runs under: nothing of the document's own can run, load from elsewhere, or
/// reach the portal's pages. Only types on the preview list are served inline, none of them HTML.
const PREVIEW_CSP: &str = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; \
     style-src 'unsafe-inline'; frame-ancestors 'self'";
/// Chrome refuses to show a PDF under `sandbox`; its viewer runs no document script anyway.
const PDF_PREVIEW_CSP: &str = "default-src 'none'; img-src 'self' data:; \
     style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'";

async fn serve(
    state: &AppState,
    ip: ClientIp,
    file: Servable,
    headers: &HeaderMap,
    inline: bool,
) -> Result<Response, AppError> {
    if inline && !files::previewable(&file.content_type) {
        return Err(AppError::bad_request(
            "This kind of file cannot be shown in the browser. Download it instead.",
        ));
    }
    let size = file.size;
    let etag = format!("\"{}\"", file.sha256);
    if header_str(headers, "if-none-match").is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    let range = match header_str(headers, "range") {
        // A stale If-Range: the client's copy changed; send it all.
        Some(_) if header_str(headers, "if-range").is_some_and(|v| v.trim() != etag) => None,
        Some(value) => match http_range_header::parse_range_header(value)
            .and_then(|r| r.validate(size))
        {
            Ok(ranges) if ranges.len() == 1 => Some(ranges[0].clone()),
            // Several ranges at once: the whole file is a correct answer, and simpler.
            Ok(_) => None,
            Err(_) => {
                return Ok((
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    [
                        (header::CONTENT_RANGE, format!("bytes */{size}")),
                        (header::CONTENT_TYPE, "text/plain; charset=utf-8".into()),
                    ],
                    format!("That byte range is not in this file, which is {size} bytes long.\n"),
                )
                    .into_response());
            }
        },
        None => None,
    };
    let (status, start, end) = match &range {
        Some(r) => (StatusCode::PARTIAL_CONTENT, *r.start(), *r.end() + 1),
        None => (StatusCode::OK, 0, size),
    };
    if start == 0 {
        audit::record(
            &state.db,
            Action::FileDownloaded,
            Some(file.reader),
            Some(file.what.clone()),
            ip.0,
        )
        .await?;
    }
    let content_type = match file.content_type.as_str() {
        t if t.starts_with("text/") => format!("{t}; charset=utf-8"),
        t => t.to_string(),
    };
    let mut response = Response::new(Body::from_stream(blobs::read(
        &state.storage,
        &file.parts,
        start..end,
    )));
    *response.status_mut() = status;
    let h = response.headers_mut();
    let mut set = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_TYPE, content_type);
    set(header::CONTENT_LENGTH, (end - start).to_string());
    set(header::ACCEPT_RANGES, "bytes".into());
    set(header::ETAG, etag);
    set(
        header::LAST_MODIFIED,
        file.at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    );
    // Confidential: kept by no cache, shared or private.
    set(header::CACHE_CONTROL, "private, no-store".into());
    set(
        header::CONTENT_DISPOSITION,
        content_disposition(if inline { "inline" } else { "attachment" }, &file.name),
    );
    if range.is_some() {
        set(
            header::CONTENT_RANGE,
            format!("bytes {start}-{}/{size}", end - 1),
        );
    }
    if inline {
        let csp = if file.content_type == "application/pdf" {
            PDF_PREVIEW_CSP
        } else {
            PREVIEW_CSP
        };
        set(header::CONTENT_SECURITY_POLICY, csp.into());
        set(header::X_FRAME_OPTIONS, "SAMEORIGIN".into());
        set(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin".into(),
        );
    }
    Ok(response)
}

/// RFC 6266 with an RFC 5987 `filename*`: an ASCII fallback for old clients, and the real name
/// percent-encoded as UTF-8. Neither can break out of the header.
pub fn content_disposition(disposition: &str, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, RFC5987).to_string();
    format!("{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Everything but RFC 5987's attr-char is percent-encoded.
const RFC5987: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn file_names_cannot_break_the_header() {
        assert_eq!(
            content_disposition("attachment", "Résumé \"final\".pdf"),
            "attachment; filename=\"R_sum_ _final_.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
        let tricky = content_disposition("inline", "a\r\nSet-Cookie: x=1;.txt");
        assert!(!tricky.contains('\r') && !tricky.contains('\n'));
        assert!(tricky.contains("filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1%3B.txt"));
    }
}
