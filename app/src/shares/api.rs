//! The server functions of shares. Sharing itself happens with a message
//! (`conversations/post` and `conversations/create`); the bytes travel on `/shares/...` routes.

use leptos::prelude::*;
use uuid::Uuid;

use super::{OpenedShare, ShareView};
use crate::AppError;

/// What has been shared on a matter that the signed-in person may open.
#[server(name = ListShares, prefix = "/api", endpoint = "shares/list")]
pub async fn list_shares(matter_id: Uuid) -> Result<Vec<ShareView>, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .matter(&state.db, matter_id)
        .await?;
    super::server::list(&state.db, &access).await
}

/// A share as it is now; for a folder, `folder_id` is a folder inside it (default: itself).
#[server(name = OpenShare, prefix = "/api", endpoint = "shares/open")]
pub async fn open_share(
    id: Uuid,
    #[server(default)] folder_id: Option<Uuid>,
) -> Result<OpenedShare, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .share(&state.db, id)
        .await?;
    super::server::open(&state.db, &access, folder_id).await
}

/// Removes access to a share at once. For the firm.
#[server(name = RevokeShare, prefix = "/api", endpoint = "shares/revoke")]
pub async fn revoke_share(id: Uuid) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .share(&state.db, id)
        .await?;
    super::server::revoke(&state, &access).await
}
