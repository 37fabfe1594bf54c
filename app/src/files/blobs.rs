//! The bytes of documents, in object storage (OpenDAL: local disk or S3). A blob is a prefix
//! `blobs/<upload id>/`; each part under it is one object, written once and never changed, and
//! a version is its parts in order. Parts let an upload resume on any node and on S3 (which
//! cannot append) without ever copying bytes already stored.

use std::ops::Range;

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt, stream};
use opendal::Operator;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppError;

/// How much is gathered before a write, which bounds a transfer's memory. S3 needs it as its
/// multipart part size (at least 5 MiB); a local disk only needs writes large enough that the
/// system calls do not dominate.
fn chunk(op: &Operator) -> usize {
    if op.info().scheme() == "fs" {
        1024 * 1024
    } else {
        8 * 1024 * 1024
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub key: String,
    pub size: u64,
}

pub fn prefix(blob: &str) -> String {
    format!("blobs/{blob}/")
}

/// The blob an object key (`blobs/<blob>/<part>`) or a blob's folder (`blobs/<blob>/`) belongs to.
pub fn blob_of(key: &str) -> Option<&str> {
    key.strip_prefix("blobs/")?
        .split('/')
        .next()
        .filter(|b| !b.is_empty())
}

pub fn parts_from_json(json: &str) -> Result<Vec<Part>, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::internal(format!("bad parts list: {e}")))
}

pub fn parts_to_json(parts: &[Part]) -> String {
    serde_json::to_string(parts).unwrap_or_else(|_| "[]".into())
}

/// How writing a part ended.
pub enum Written {
    /// The whole body arrived (and, if asked, matched its checksum).
    Complete(Part),
    /// The body broke off; the bytes before the break are stored in this part.
    Cut(Part),
    /// The body was longer than `limit`; nothing was kept.
    TooLong,
    /// The body did not match its `Upload-Checksum`; nothing was kept.
    ChecksumMismatch,
}

/// Streams `body` into a new part of `blob`, feeding `hasher` (the whole file's running
/// SHA-256) as it goes. Memory stays at one write chunk whatever the size.
pub async fn write_part<S, E>(
    op: &Operator,
    blob: &str,
    mut body: S,
    limit: u64,
    hasher: &mut Sha256,
    expected_sha256: Option<[u8; 32]>,
) -> Result<Written, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let key = format!("{}{}", prefix(blob), uuid::Uuid::now_v7().simple());
    let mut writer = op.writer_with(&key).chunk(chunk(op)).await?;
    let mut part_hasher = expected_sha256.map(|_| Sha256::new());
    let mut size: u64 = 0;
    let mut cut = false;
    while let Some(frame) = body.next().await {
        let bytes = match frame {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::info!(error = %e, "an upload's body broke off");
                cut = true;
                break;
            }
        };
        size += bytes.len() as u64;
        if size > limit {
            let _ = writer.abort().await;
            return Ok(Written::TooLong);
        }
        hasher.update(&bytes);
        if let Some(h) = part_hasher.as_mut() {
            h.update(&bytes);
        }
        writer.write(bytes).await?;
    }
    if let (Some(h), Some(expected)) = (part_hasher, expected_sha256) {
        // A part that broke off cannot be checked against the checksum of the whole chunk.
        if cut || h.finalize().as_slice() != expected.as_slice() {
            let _ = writer.abort().await;
            return Ok(Written::ChecksumMismatch);
        }
    }
    writer.close().await?;
    make_durable(op, &key).await?;
    let part = Part { key, size };
    Ok(if cut {
        Written::Cut(part)
    } else {
        Written::Complete(part)
    })
}

/// On local disk a part is written in the scratch folder, synced, and renamed into place
/// (OpenDAL does that much); the rename, and the blob's folder when the part is its first, last
/// through a power cut only once the folders holding them are synced too. S3 acknowledges a
/// write only once it is durable.
async fn make_durable(op: &Operator, key: &str) -> Result<(), AppError> {
    if op.info().scheme() != "fs" {
        return Ok(());
    }
    let file = std::path::Path::new(&op.info().root()).join(key);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let blob = file.parent().ok_or(std::io::ErrorKind::NotFound)?;
        std::fs::File::open(blob)?.sync_all()?;
        std::fs::File::open(blob.parent().ok_or(std::io::ErrorKind::NotFound)?)?.sync_all()
    })
    .await
    .map_err(|e| AppError::internal(format!("syncing a stored part: {e}")))?
    .map_err(|e| AppError::internal(format!("syncing a stored part: {e}")))
}

/// The scratch folder, under the storage root, where local-disk writes start (see
/// `storage::open` in the server) before they are renamed into place.
pub const SCRATCH: &str = ".incoming";

/// Deletes scratch files untouched for `idle` (all of them with `Duration::ZERO`): what writes
/// cut off by a crash left. A live write touches its file at least every body timeout (60 s).
/// Returns the bytes freed. S3 has no scratch folder.
pub async fn clean_scratch(op: &Operator, idle: std::time::Duration) -> Result<u64, AppError> {
    if op.info().scheme() != "fs" {
        return Ok(0);
    }
    let scratch = std::path::Path::new(&op.info().root()).join(SCRATCH);
    tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        let now = std::time::SystemTime::now();
        let mut freed = 0;
        let entries = match std::fs::read_dir(&scratch) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            entries => entries?,
        };
        for entry in entries.flatten() {
            // A file renamed into place meanwhile is simply gone.
            let Ok(meta) = entry.metadata() else { continue };
            let age = meta
                .modified()
                .ok()
                .and_then(|at| now.duration_since(at).ok())
                .unwrap_or_default();
            if meta.is_file() && age >= idle && std::fs::remove_file(entry.path()).is_ok() {
                freed += meta.len();
            }
        }
        Ok(freed)
    })
    .await
    .map_err(|e| AppError::internal(format!("cleaning the scratch folder: {e}")))?
    .map_err(|e| AppError::internal(format!("cleaning the scratch folder: {e}")))
}

/// The bytes `range` of the blob made of `parts`, streamed part by part.
pub fn read(
    op: &Operator,
    parts: &[Part],
    range: Range<u64>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    let mut pieces = Vec::new();
    let mut start = 0u64;
    for part in parts {
        let end = start + part.size;
        let from = range.start.max(start);
        let to = range.end.min(end);
        if from < to {
            pieces.push((part.key.clone(), from - start..to - start));
        }
        start = end;
    }
    let op = op.clone();
    stream::iter(pieces)
        .then(move |(key, within)| {
            let op = op.clone();
            async move {
                let reader = op.reader_with(&key).chunk(chunk(&op)).await?;
                reader.into_bytes_stream(within).await
            }
        })
        .map_err(std::io::Error::other)
        .try_flatten()
}

/// Deletes a blob's objects (an abandoned upload's, or a part nobody will use).
pub async fn remove(op: &Operator, key_or_prefix: &str) -> Result<(), AppError> {
    if key_or_prefix.ends_with('/') {
        op.delete_with(key_or_prefix).recursive(true).await?;
    } else {
        op.delete(key_or_prefix).await?;
    }
    Ok(())
}

/// Deletes objects under the blob that its final parts list does not name (parts written just
/// before a crash, before their row was committed).
pub async fn remove_strays(op: &Operator, blob: &str, parts: &[Part]) -> Result<(), AppError> {
    let entries = op.list(&prefix(blob)).await?;
    for entry in entries {
        let path = entry.path();
        if !path.ends_with('/') && !parts.iter().any(|p| p.key == path) {
            op.delete(path).await?;
        }
    }
    Ok(())
}
