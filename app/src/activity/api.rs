//! The server functions of the access log: for the firm only (`matter_files`), as contacts
//! never see it. The log is written by the routes that serve files and by reading a
//! conversation, not here.

use leptos::prelude::*;

use super::ActivityLine;
use crate::AppError;
use crate::ids::{DocumentId, MatterId, ShareId};
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// Who opened or downloaded a file of the tree (any of its versions, by any way), newest first.
#[server(name = DocumentActivity, prefix = "/api", endpoint = "activity/document")]
pub async fn document_activity(
    matter_id: MatterId,
    document_id: DocumentId,
) -> Result<Vec<ActivityLine>, AppError> {
    let (state, files) = Call::current().await?.matter_files(matter_id).await?;
    super::server::lines(&state.db, &files, super::server::Of::Document(document_id)).await
}

/// What was opened or downloaded through a share (revoked ones too), newest first.
#[server(name = ShareActivity, prefix = "/api", endpoint = "activity/share")]
pub async fn share_activity(
    matter_id: MatterId,
    share_id: ShareId,
) -> Result<Vec<ActivityLine>, AppError> {
    let (state, files) = Call::current().await?.matter_files(matter_id).await?;
    super::server::lines(&state.db, &files, super::server::Of::Share(share_id)).await
}
