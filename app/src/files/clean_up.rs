//! The periodic clean-up: uploads nobody finished (with their bytes), files staged for messages
//! never sent, scratch files of writes a crash cut off, limit counters long expired; and, for
//! retention, the trash past the firm's days, closed matters past their date (neither under a
//! legal hold), then the bytes no row names any more. Every ten minutes, on every node; each
//! deletion is conditional, so nodes running it at once delete (and record) each thing once.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Query};

use super::{blobs, uploads::ABANDONED_AFTER};
use crate::{
    AppError,
    audit::{self, Action},
    entities::{attachment, document, document_version, folder, matter, upload},
    state::AppState,
};

/// Deletes uploads untouched for `ABANDONED_AFTER`: unfinished ones with their bytes, finished
/// ones' rows only (their bytes are a version's now). Returns how many were abandoned.
pub async fn clean_up(state: &AppState) -> Result<usize, AppError> {
    let cutoff = Utc::now() - ABANDONED_AFTER;
    let stale = upload::Entity::find()
        .filter(upload::Column::UpdatedAt.lt(cutoff))
        .all(&state.db)
        .await?;
    let mut abandoned = 0;
    for row in stale {
        // Conditional on the row still being stale: a request may have just moved it on.
        let gone = upload::Entity::delete_many()
            .filter(upload::Column::Id.eq(row.id.clone()))
            .filter(upload::Column::UpdatedAt.lt(cutoff))
            .exec(&state.db)
            .await?;
        if gone.rows_affected == 1 && row.version_id.is_none() {
            blobs::remove(&state.storage, &blobs::prefix(row.id.as_str())).await?;
            abandoned += 1;
        }
    }
    // Files uploaded for a message that was never sent.
    abandoned += crate::conversations::attachments::clean_up(state, cutoff).await?;
    Ok(abandoned)
}

/// What the clean-up deleted for retention.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub matters: usize,
    pub trashed_items: usize,
    pub blobs: usize,
}

/// Retention's part of the clean-up, in the order that frees bytes: matters past their date,
/// the trash past the firm's days, then the bytes nothing names any more.
pub async fn purge(state: &AppState) -> Result<Purged, AppError> {
    let matters = crate::matters::retention::delete_expired(&state.db).await?;
    let trashed_items = empty_trash(state).await?;
    let blobs = collect_bytes(state).await?;
    Ok(Purged {
        matters,
        trashed_items,
        blobs,
    })
}

/// Deletes for good what has been in a matter's trash for longer than the firm keeps it, except
/// on matters under a legal hold. A folder goes with everything in it (the schema cascades);
/// its files' bytes are left to `collect_bytes`. Returns how many items went.
pub async fn empty_trash(state: &AppState) -> Result<usize, AppError> {
    let days = crate::settings::server::load(&state.db)
        .await?
        .trash_retention_days;
    let cutoff = Utc::now() - chrono::Duration::days(days.into());
    // Asked again in each deletion, so a hold placed a moment ago still wins.
    let held = || {
        Query::select()
            .column(matter::Column::Id)
            .from(matter::Entity)
            .and_where(matter::Column::LegalHoldAt.is_not_null())
            .to_owned()
    };
    let mut purged = 0;
    let documents = document::Entity::find()
        .filter(document::Column::TrashedAt.lte(cutoff))
        .filter(document::Column::MatterId.not_in_subquery(held()))
        .all(&state.db)
        .await?;
    for d in documents {
        let txn = crate::db::begin_write(&state.db).await?;
        let gone = document::Entity::delete_many()
            .filter(document::Column::Id.eq(d.id))
            .filter(document::Column::TrashedAt.lte(cutoff))
            .filter(document::Column::MatterId.not_in_subquery(held()))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 1 {
            let what = format!("file \u{201c}{}\u{201d} of matter {}", d.name, d.matter_id);
            audit::record(&txn, Action::TrashEmptied, None, Some(what), None).await?;
            purged += 1;
        }
        txn.commit().await?;
    }
    let folders = folder::Entity::find()
        .filter(folder::Column::TrashedAt.lte(cutoff))
        .filter(folder::Column::MatterId.not_in_subquery(held()))
        .all(&state.db)
        .await?;
    for f in folders {
        let txn = crate::db::begin_write(&state.db).await?;
        let gone = folder::Entity::delete_many()
            .filter(folder::Column::Id.eq(f.id))
            .filter(folder::Column::TrashedAt.lte(cutoff))
            .filter(folder::Column::MatterId.not_in_subquery(held()))
            .exec(&txn)
            .await?;
        if gone.rows_affected == 1 {
            let what = format!(
                "folder \u{201c}{}\u{201d} of matter {}",
                f.name, f.matter_id
            );
            audit::record(&txn, Action::TrashEmptied, None, Some(what), None).await?;
            purged += 1;
        }
        txn.commit().await?;
    }
    Ok(purged)
}

/// Deletes the bytes of blobs that no version, attachment (a sent copy shares its version's
/// bytes) or unfinished upload names any more. Storage is listed before the rows are read: an object
/// written after the listing is not looked at, and any object listed was named by its upload's
/// row before its first byte was written. Returns how many blobs went.
pub async fn collect_bytes(state: &AppState) -> Result<usize, AppError> {
    // One level only: the blobs' folders (prefixes on S3). Walking into them would race with
    // another node removing one.
    let listed: HashSet<String> = state
        .storage
        .list("blobs/")
        .await?
        .iter()
        .filter_map(|e| blobs::blob_of(e.path()))
        .map(str::to_string)
        .collect();
    if listed.is_empty() {
        return Ok(0);
    }
    let mut named: HashSet<String> = HashSet::new();
    named.extend(
        document_version::Entity::find()
            .select_only()
            .column(document_version::Column::Blob)
            .into_tuple::<String>()
            .all(&state.db)
            .await?,
    );
    named.extend(
        attachment::Entity::find()
            .select_only()
            .column(attachment::Column::Blob)
            .into_tuple::<String>()
            .all(&state.db)
            .await?,
    );
    named.extend(
        // A finished upload's row stays a day, but its bytes are its version's or attachment's.
        upload::Entity::find()
            .select_only()
            .column(upload::Column::Id)
            .filter(upload::Column::VersionId.is_null())
            .into_tuple::<String>()
            .all(&state.db)
            .await?,
    );
    let mut collected = 0;
    for blob in listed.difference(&named) {
        // Another node may be removing the same blob; the next pass finishes what fails here.
        match blobs::remove(&state.storage, &blobs::prefix(blob)).await {
            Ok(()) => collected += 1,
            Err(e) => tracing::warn!(blob, error = %e, "removing unnamed bytes failed"),
        }
    }
    Ok(collected)
}

/// A scratch file untouched this long belongs to no live write (their bodies time out after 60 s).
pub const SCRATCH_IDLE: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs `clean_up` every few minutes for as long as the server runs.
pub fn spawn_clean_up(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match clean_up(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "deleted abandoned uploads"),
                Err(e) => tracing::warn!(error = %e, "cleaning up abandoned uploads failed"),
            }
            match blobs::clean_scratch(&state.storage, SCRATCH_IDLE).await {
                Ok(0) => {}
                Ok(bytes) => tracing::info!(bytes, "deleted scratch files of cut-off writes"),
                Err(e) => tracing::warn!(error = %e, "cleaning the scratch folder failed"),
            }
            match purge(&state).await {
                Ok(purged) if purged == Purged::default() => {}
                Ok(purged) => tracing::info!(?purged, "deleted what retention no longer keeps"),
                Err(e) => tracing::warn!(error = %e, "applying retention failed"),
            }
            if let Err(e) = crate::limits::forget_old(&state.db).await {
                tracing::warn!(error = %e, "forgetting old limit counters failed");
            }
        }
    });
}
