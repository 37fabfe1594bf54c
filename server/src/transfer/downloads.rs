//! Downloads, with HTTP Range, of documents of the tree, of files sent with messages and of
//! shared files (always their latest version), and the sandboxed inline viewer. Each source
//! asks the policy for its capability before it looks anything up, then `serve` streams.

use axum::{
    Extension,
    body::Body,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::tus::header_str;

use app::{
    AppError,
    activity::{
        AccessKind,
        log::{Access, Origin},
    },
    files::{
        self,
        blobs::{self, Part},
    },
    ids::{AttachmentId, DocumentId, ShareId},
    policy::{Actor, ClientIp, SignedInUser},
    state::AppState,
};

#[derive(serde::Deserialize)]
pub(super) struct VersionQuery {
    version: Option<i32>,
}

/// GET a document's bytes: `INLINE` for the viewer, else as a download.
pub(super) async fn document_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<DocumentId>,
    Query(query): Query<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = document(&state, &session, id, query.version).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// GET the bytes of a file sent with a message.
pub(super) async fn attachment_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path(id): Path<AttachmentId>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = attachment(&state, &session, id).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// GET the bytes of a shared file, or of one inside a shared folder.
pub(super) async fn shared_bytes<const INLINE: bool>(
    State(state): State<AppState>,
    session: Session,
    Extension(ip): Extension<ClientIp>,
    Path((share, document)): Path<(ShareId, DocumentId)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let file = shared(&state, &session, share, document).await?;
    serve(&state, ip, file, &headers, INLINE).await
}

/// What a download sends, once the policy has allowed it.
struct Servable {
    reader: SignedInUser,
    name: String,
    parts: Vec<Part>,
    size: u64,
    sha256: String,
    content_type: String,
    at: chrono::DateTime<chrono::Utc>,
    /// What the matter's access log says was reached (its kind is set when served).
    access: Access,
    /// A shared file: who is reading it, to ask the policy again while it streams.
    reread: Option<Actor>,
}

/// A version of a document in the tree, for the firm (a contact reaches a document only through
/// a share, `shared`).
async fn document(
    state: &AppState,
    session: &Session,
    document_id: DocumentId,
    version: Option<i32>,
) -> Result<Servable, AppError> {
    let access = Actor::from_session(&state.db, session)
        .await?
        .document(&state.db, document_id)
        .await?;
    let version = files::server::version(&state.db, &access, version).await?;
    let doc = access.document();
    Ok(Servable {
        reader: access.files().user().clone(),
        name: doc.name.clone(),
        parts: blobs::parts_from_json(&version.parts)?,
        size: version.size.max(0) as u64,
        access: Access {
            matter: doc.matter_id,
            kind: AccessKind::FileDownloaded,
            item_name: doc.name.clone(),
            document: Some(doc.id),
            version: Some(version.number),
            attachment: None,
            share: None,
            conversation: None,
            sha256: Some(version.sha256.clone()),
        },
        reread: None,
        sha256: version.sha256,
        content_type: version.content_type,
        at: version.uploaded_at,
    })
}

/// A file sent with a message: whoever may read its conversation (step-up included).
async fn attachment(
    state: &AppState,
    session: &Session,
    id: AttachmentId,
) -> Result<Servable, AppError> {
    let access = Actor::from_session(&state.db, session)
        .await?
        .attachment(&state.db, id)
        .await?;
    let a = access.attachment().clone();
    let conversation = access.conversation();
    Ok(Servable {
        reader: conversation.user().clone(),
        parts: blobs::parts_from_json(&a.parts)?,
        size: a.size.max(0) as u64,
        access: Access {
            matter: conversation.matter().id(),
            kind: AccessKind::FileDownloaded,
            item_name: a.name.clone(),
            document: None,
            version: None,
            attachment: Some(a.id),
            share: None,
            conversation: Some(conversation.id()),
            sha256: Some(a.sha256.clone()),
        },
        reread: None,
        name: a.name,
        sha256: a.sha256,
        content_type: a.content_type,
        at: a.created_at,
    })
}

/// A file a share reaches (the shared file, or one inside the shared folder), as it is now.
async fn shared(
    state: &AppState,
    session: &Session,
    share: ShareId,
    document: DocumentId,
) -> Result<Servable, AppError> {
    let actor = Actor::from_session(&state.db, session).await?;
    let access = actor.share(&state.db, share).await?;
    let (doc, version) = app::shares::server::reach(&state.db, &access, document).await?;
    let conversation = access.conversation();
    Ok(Servable {
        reader: conversation.user().clone(),
        parts: blobs::parts_from_json(&version.parts)?,
        size: version.size.max(0) as u64,
        access: Access {
            matter: conversation.matter().id(),
            kind: AccessKind::FileDownloaded,
            item_name: doc.name.clone(),
            document: Some(doc.id),
            version: Some(version.number),
            attachment: None,
            share: Some(share),
            conversation: Some(conversation.id()),
            sha256: Some(version.sha256.clone()),
        },
        reread: Some(actor),
        name: doc.name,
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
            app::text::THIS_KIND_OF_FILE_CANNOT_BE,
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
        Some(value) => {
            match http_range_header::parse_range_header(value).and_then(|r| r.validate(size)) {
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
                        app::text::that_byte_range_is_not_in(&size),
                    )
                        .into_response());
                }
            }
        }
        None => None,
    };
    let (status, start, end) = match &range {
        Some(r) => (StatusCode::PARTIAL_CONTENT, *r.start(), *r.end() + 1),
        None => (StatusCode::OK, 0, size),
    };
    // One entry per download or view, not per range a player or a resumed download asks for.
    if start == 0 {
        let access = Access {
            kind: if inline {
                AccessKind::FilePreviewed
            } else {
                AccessKind::FileDownloaded
            },
            ..file.access.clone()
        };
        let origin = Origin {
            ip: ip.0,
            user_agent: header_str(headers, "user-agent").map(str::to_string),
        };
        state
            .access_log
            .record(&file.reader, access, origin)
            .await?;
    }
    let content_type = match file.content_type.as_str() {
        t if t.starts_with("text/") => format!("{t}; charset=utf-8"),
        t => t.to_string(),
    };
    let bytes = blobs::read(&state.storage, &file.parts, start..end);
    let body = match (file.reread, file.access.share) {
        (Some(actor), Some(share)) => {
            Body::from_stream(while_shared(state.db.clone(), actor, share, bytes))
        }
        _ => Body::from_stream(bytes),
    };
    let mut response = Response::new(body);
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
    // RFC 9530: the whole file's SHA-256 (as shown in Versions), for a range too, so a
    // client can check what it put together.
    if let Ok(digest) = hex::decode(&file.sha256) {
        use base64::Engine;
        let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
        set(
            header::HeaderName::from_static("repr-digest"),
            format!("sha-256=:{encoded}:"),
        );
    }
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

/// How much of a shared file goes out at most, and for how long, before the policy is asked
/// again whether it is still shared with its reader.
const RECHECK_BYTES: u64 = 4 * 1024 * 1024;
const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// A shared file's bytes, which stop when access is removed in the middle of the download (a
/// revoked share, a reader taken off the matter): a 5 GB download does not outlive a revoke.
/// The response then ends with an error, so the browser shows the download as failed.
fn while_shared<S>(
    db: sea_orm::DatabaseConnection,
    actor: Actor,
    share: ShareId,
    bytes: S,
) -> impl futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static
where
    S: futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send + 'static,
{
    use futures_util::StreamExt;
    struct Flow<S> {
        bytes: std::pin::Pin<Box<S>>,
        since_check: u64,
        checked_at: std::time::Instant,
    }
    let flow = Flow {
        bytes: Box::pin(bytes),
        since_check: 0,
        checked_at: std::time::Instant::now(),
    };
    futures_util::stream::unfold(Some(flow), move |flow| {
        let (db, actor) = (db.clone(), actor.clone());
        async move {
            let mut flow = flow?;
            if flow.since_check >= RECHECK_BYTES || flow.checked_at.elapsed() >= RECHECK_EVERY {
                if let Err(e) = actor.share(&db, share).await {
                    tracing::info!(%share, reason = %e, "a shared download was cut off");
                    let cut = std::io::Error::other("access to this shared file was removed");
                    return Some((Err(cut), None));
                }
                flow.since_check = 0;
                flow.checked_at = std::time::Instant::now();
            }
            match flow.bytes.next().await? {
                Ok(chunk) => {
                    flow.since_check += chunk.len() as u64;
                    Some((Ok(chunk), Some(flow)))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
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
