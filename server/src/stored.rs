//! What the database says is stored: each version's and attachment's parts, with the size and
//! SHA-256 of the whole file, and which objects a live upload may still be writing. `backup`
//! copies these, `check` verifies them and reports objects nothing names.

use std::collections::{BTreeMap, HashSet};

use app::{
    entities::{attachment, document_version, upload},
    files::blobs::{self, Part},
};
use futures_util::TryStreamExt;
use opendal::Operator;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// One file's bytes as the database describes them. Attachments sent from the file tree share
/// their version's parts, so one `StoredFile` may stand for several rows.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The first row naming these parts, in words for a report.
    pub named_by: String,
    pub parts: Vec<Part>,
    pub size: u64,
    pub sha256: String,
}

/// Every version's and sent or staged attachment's file, once per distinct list of parts.
pub async fn files(db: &impl ConnectionTrait) -> Result<Vec<StoredFile>, String> {
    collect(db, true).await
}

/// Like `files`, without files staged for a message not sent yet: a backup leaves those out.
pub async fn files_kept(db: &impl ConnectionTrait) -> Result<Vec<StoredFile>, String> {
    collect(db, false).await
}

async fn collect(db: &impl ConnectionTrait, staged: bool) -> Result<Vec<StoredFile>, String> {
    let failed = |e: sea_orm::DbErr| format!("Cannot read the stored files' rows: {e}.");
    let mut by_parts: BTreeMap<String, StoredFile> = BTreeMap::new();
    for v in document_version::Entity::find()
        .all(db)
        .await
        .map_err(failed)?
    {
        by_parts.entry(v.parts.clone()).or_insert(StoredFile {
            named_by: format!(
                "version {} of document {} (version id {})",
                v.number, v.document_id, v.id
            ),
            parts: parse(&v.parts)?,
            size: v.size as u64,
            sha256: v.sha256,
        });
    }
    let mut attachments = attachment::Entity::find();
    if !staged {
        attachments = attachments.filter(attachment::Column::MessageId.is_not_null());
    }
    for a in attachments.all(db).await.map_err(failed)? {
        by_parts.entry(a.parts.clone()).or_insert(StoredFile {
            named_by: format!("attachment {} (\u{201c}{}\u{201d})", a.id, a.name),
            parts: parse(&a.parts)?,
            size: a.size as u64,
            sha256: a.sha256,
        });
    }
    Ok(by_parts.into_values().collect())
}

fn parse(json: &str) -> Result<Vec<Part>, String> {
    blobs::parts_from_json(json).map_err(|e| format!("A row's list of parts is damaged: {e}."))
}

/// The blobs of uploads still being sent: their newest part may be written before the row that
/// names it, so their objects are never called orphans.
pub async fn uploads_in_progress(db: &impl ConnectionTrait) -> Result<HashSet<String>, String> {
    Ok(upload::Entity::find()
        .filter(upload::Column::VersionId.is_null())
        .all(db)
        .await
        .map_err(|e| format!("Cannot read the uploads in progress: {e}."))?
        .into_iter()
        .map(|u| u.id.0)
        .collect())
}

/// Every object under `blobs/`, with its size.
pub async fn objects(op: &Operator) -> Result<Vec<(String, u64)>, String> {
    // A running server's clean-up may remove a folder while the walk enters it: try again.
    let mut attempt = 0;
    let entries = loop {
        match op.list_with("blobs/").recursive(true).await {
            Ok(entries) => break entries,
            Err(_) if attempt < 3 => attempt += 1,
            Err(e) => return Err(format!("Cannot list the stored objects: {e}.")),
        }
    };
    let mut objects = Vec::new();
    for entry in entries {
        if entry.path().ends_with('/') {
            continue;
        }
        let size = match entry.metadata().content_length() {
            0 => op
                .stat(entry.path())
                .await
                .map(|m| m.content_length())
                .unwrap_or(0),
            n => n,
        };
        objects.push((entry.path().to_string(), size));
    }
    Ok(objects)
}

/// The SHA-256 (hex) of a whole file, its parts read in order.
pub async fn file_sha256(op: &Operator, file: &StoredFile) -> Result<String, String> {
    let mut hasher = Sha256::new();
    let mut stream = std::pin::pin!(blobs::read(op, &file.parts, 0..file.size));
    while let Some(bytes) = stream
        .try_next()
        .await
        .map_err(|e| format!("cannot read {}: {e}", file.named_by))?
    {
        hasher.update(&bytes);
    }
    Ok(hex::encode(hasher.finalize()))
}
