//! The server functions of shares. Sharing itself happens with a message
//! (`conversations/post` and `conversations/create`); the bytes travel on `/shares/...` routes.

use leptos::prelude::*;

use super::{OpenedShare, ShareView};
use crate::AppError;
use crate::files::VersionEntry;
use crate::ids::{DocumentId, FolderId, MatterId, ShareId, UserId};
#[cfg(feature = "ssr")]
use crate::policy::{Call, read_once};

/// What has been shared on a matter that the signed-in person may open.
#[server(name = ListShares, prefix = "/api", endpoint = "shares/list")]
pub async fn list_shares(matter_id: MatterId) -> Result<Vec<ShareView>, AppError> {
    read_once(format!("shares/list {matter_id}"), async {
        let (state, access) = Call::current().await?.matter(matter_id).await?;
        super::server::list(&state.db, &access).await
    })
    .await
}

/// A share as it is now; for a folder, `folder_id` is a folder inside it (default: itself).
/// `look`: the viewer has just opened it (what changed is measured from the look before).
#[server(name = OpenShare, prefix = "/api", endpoint = "shares/open")]
pub async fn open_share(
    id: ShareId,
    #[server(default)] folder_id: Option<FolderId>,
    #[server(default)] look: bool,
) -> Result<OpenedShare, AppError> {
    let (state, access) = Call::current().await?.share(id).await?;
    super::server::open(&state.db, &access, folder_id, look).await
}

/// The versions of a file a share reaches (a file inside a shared folder too), newest first,
/// each with its SHA-256.
#[server(name = ShareHistory, prefix = "/api", endpoint = "shares/history")]
pub async fn share_history(
    id: ShareId,
    document_id: DocumentId,
) -> Result<Vec<VersionEntry>, AppError> {
    let (state, access) = Call::current().await?.share(id).await?;
    let (doc, _) = super::server::reach(&state.db, &access, document_id).await?;
    crate::files::server::history(&state.db, doc.id).await
}

/// Removes access to a share at once: for everyone, or for `person` alone. For the firm.
#[server(name = RevokeShare, prefix = "/api", endpoint = "shares/revoke")]
pub async fn revoke_share(
    id: ShareId,
    #[server(default)] person: Option<UserId>,
) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_share(id).await?;
    super::server::revoke(&state, &manage, person).await
}

/// Sets the moment a share stops opening, in milliseconds since 1970 (the end of the day the
/// firm chose, in its own time zone, which the browser works out), or clears it. For the firm.
#[server(name = SetShareExpiry, prefix = "/api", endpoint = "shares/expiry")]
pub async fn set_share_expiry(
    id: ShareId,
    #[server(default)] expires_at: Option<i64>,
) -> Result<(), AppError> {
    let expires_at = match expires_at {
        None => None,
        Some(ms) => Some(
            chrono::DateTime::from_timestamp_millis(ms)
                .ok_or_else(|| AppError::bad_request(crate::text::THAT_IS_NOT_A_DATE_THE))?,
        ),
    };
    let (state, manage) = Call::current().await?.manage_share(id).await?;
    super::server::set_expiry(&state, &manage, expires_at).await
}
