//! The periodic clean-up: uploads nobody finished (with their bytes), files staged for messages
//! never sent, and limit counters long expired. Every ten minutes, on every node; each deletion
//! is conditional, so nodes running it at once do not trip over each other.

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{blobs, uploads::ABANDONED_AFTER};
use crate::{AppError, entities::upload, state::AppState};

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
            if let Err(e) = crate::limits::forget_old(&state.db).await {
                tracing::warn!(error = %e, "forgetting old limit counters failed");
            }
        }
    });
}
