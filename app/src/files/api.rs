//! The file tree's server functions. File bytes never pass through here (server functions
//! buffer their bodies): they travel on the server's `/uploads` and `/files` routes.

use leptos::prelude::*;
use uuid::Uuid;

use super::{FolderEntry, FolderView, ItemKind, TrashEntry, VersionEntry};
use crate::AppError;

/// The state, and proof that the caller may work on matter `id`'s files (the firm's staff).
#[cfg(feature = "ssr")]
async fn manage(
    matter_id: Uuid,
) -> Result<(crate::state::AppState, crate::policy::ManageMatter), AppError> {
    let state = crate::state::AppState::current()?;
    let manage = crate::policy::Actor::current()
        .await?
        .matter(&state.db, matter_id)
        .await?
        .manage()?;
    Ok((state, manage))
}

/// A folder's contents (`folder_id` unset: the matter's top level).
#[server(name = ListFolder, prefix = "/api", endpoint = "files/list")]
pub async fn list_folder(
    matter_id: Uuid,
    #[server(default)] folder_id: Option<Uuid>,
) -> Result<FolderView, AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::list(&state.db, &manage, folder_id).await
}

#[server(name = CreateFolder, prefix = "/api", endpoint = "files/folders/create")]
pub async fn create_folder(
    matter_id: Uuid,
    #[server(default)] parent_id: Option<Uuid>,
    name: String,
) -> Result<FolderEntry, AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::create_folder(&state.db, &manage, parent_id, &name).await
}

#[server(name = RenameItem, prefix = "/api", endpoint = "files/rename")]
pub async fn rename_item(
    matter_id: Uuid,
    kind: ItemKind,
    id: Uuid,
    name: String,
) -> Result<(), AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::rename(&state.db, &manage, kind, id, &name).await
}

/// Moves a file or folder into `to` (unset: the matter's top level).
#[server(name = MoveItem, prefix = "/api", endpoint = "files/move")]
pub async fn move_item(
    matter_id: Uuid,
    kind: ItemKind,
    id: Uuid,
    #[server(default)] to: Option<Uuid>,
) -> Result<(), AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::move_item(&state.db, &manage, kind, id, to).await
}

#[server(name = TrashItem, prefix = "/api", endpoint = "files/trash")]
pub async fn trash_item(matter_id: Uuid, kind: ItemKind, id: Uuid) -> Result<(), AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::trash(&state.db, &manage, kind, id).await
}

#[server(name = RestoreItem, prefix = "/api", endpoint = "files/restore")]
pub async fn restore_item(matter_id: Uuid, kind: ItemKind, id: Uuid) -> Result<(), AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::restore(&state.db, &manage, kind, id).await
}

#[server(name = ListTrash, prefix = "/api", endpoint = "files/trash/list")]
pub async fn list_trash(matter_id: Uuid) -> Result<Vec<TrashEntry>, AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::trash_list(&state.db, &manage).await
}

#[server(name = ListVersions, prefix = "/api", endpoint = "files/versions")]
pub async fn list_versions(
    matter_id: Uuid,
    document_id: Uuid,
) -> Result<Vec<VersionEntry>, AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::versions(&state.db, &manage, document_id).await
}

/// Every folder of the matter, with its path: where "Move to…" can put something.
#[server(name = ListAllFolders, prefix = "/api", endpoint = "files/folders/all")]
pub async fn list_all_folders(matter_id: Uuid) -> Result<Vec<(Uuid, String)>, AppError> {
    let (state, manage) = manage(matter_id).await?;
    super::server::all_folders(&state.db, &manage).await
}
