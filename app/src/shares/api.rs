//! The server functions of shares. Sharing itself happens with a message
//! (`conversations/post` and `conversations/create`); the bytes travel on `/shares/...` routes.

use leptos::prelude::*;

use super::{OpenedShare, ShareView};
use crate::AppError;
use crate::ids::{FolderId, MatterId, ShareId};
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
#[server(name = OpenShare, prefix = "/api", endpoint = "shares/open")]
pub async fn open_share(
    id: ShareId,
    #[server(default)] folder_id: Option<FolderId>,
) -> Result<OpenedShare, AppError> {
    let (state, access) = Call::current().await?.share(id).await?;
    super::server::open(&state.db, &access, folder_id).await
}

/// Removes access to a share at once. For the firm.
#[server(name = RevokeShare, prefix = "/api", endpoint = "shares/revoke")]
pub async fn revoke_share(id: ShareId) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_share(id).await?;
    super::server::revoke(&state, &manage).await
}
