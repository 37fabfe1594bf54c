//! The file tree's server functions. File bytes never pass through here (server functions
//! buffer their bodies): they travel on the server's `/uploads` and `/files` routes.

use leptos::prelude::*;
use uuid::Uuid;

use super::{FolderEntry, FolderView, ItemKind, TrashEntry, VersionEntry};
use crate::AppError;
use crate::ids::{DocumentId, FolderId, MatterId};
#[cfg(feature = "ssr")]
use crate::{
    ids::Item,
    policy::{Call, read_once},
};

/// A folder's contents (`folder_id` unset: the matter's top level).
#[server(name = ListFolder, prefix = "/api", endpoint = "files/list")]
pub async fn list_folder(
    matter_id: MatterId,
    #[server(default)] folder_id: Option<FolderId>,
) -> Result<FolderView, AppError> {
    read_once(format!("files/list {matter_id} {folder_id:?}"), async {
        let (state, files) = Call::current().await?.matter_files(matter_id).await?;
        super::server::list(&state.db, &files, folder_id).await
    })
    .await
}

#[server(name = CreateFolder, prefix = "/api", endpoint = "files/folders/create")]
pub async fn create_folder(
    matter_id: MatterId,
    #[server(default)] parent_id: Option<FolderId>,
    name: String,
) -> Result<FolderEntry, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    super::server::create_folder(&state.db, &manage, parent_id, &name).await
}

#[server(name = RenameItem, prefix = "/api", endpoint = "files/rename")]
pub async fn rename_item(
    matter_id: MatterId,
    kind: ItemKind,
    id: Uuid,
    name: String,
) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    super::server::rename(&state.db, &manage, Item::new(kind, id), &name).await
}

/// Moves a file or folder into `to` (unset: the matter's top level).
#[server(name = MoveItem, prefix = "/api", endpoint = "files/move")]
pub async fn move_item(
    matter_id: MatterId,
    kind: ItemKind,
    id: Uuid,
    #[server(default)] to: Option<FolderId>,
) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    super::server::move_item(&state.db, &manage, Item::new(kind, id), to).await
}

#[server(name = TrashItem, prefix = "/api", endpoint = "files/trash")]
pub async fn trash_item(matter_id: MatterId, kind: ItemKind, id: Uuid) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    super::server::trash(&state.db, &manage, Item::new(kind, id)).await
}

#[server(name = RestoreItem, prefix = "/api", endpoint = "files/restore")]
pub async fn restore_item(matter_id: MatterId, kind: ItemKind, id: Uuid) -> Result<(), AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    super::server::restore(&state.db, &manage, Item::new(kind, id)).await
}

#[server(name = ListTrash, prefix = "/api", endpoint = "files/trash/list")]
pub async fn list_trash(matter_id: MatterId) -> Result<Vec<TrashEntry>, AppError> {
    read_once(format!("files/trash/list {matter_id}"), async {
        let (state, files) = Call::current().await?.matter_files(matter_id).await?;
        super::server::trash_list(&state.db, &files).await
    })
    .await
}

#[server(name = ListVersions, prefix = "/api", endpoint = "files/versions")]
pub async fn list_versions(
    matter_id: MatterId,
    document_id: DocumentId,
) -> Result<Vec<VersionEntry>, AppError> {
    let (state, files) = Call::current().await?.matter_files(matter_id).await?;
    super::server::versions(&state.db, &files, document_id).await
}

/// Every folder of the matter, with its path: where "Move to…" can put something.
#[server(name = ListAllFolders, prefix = "/api", endpoint = "files/folders/all")]
pub async fn list_all_folders(matter_id: MatterId) -> Result<Vec<(FolderId, String)>, AppError> {
    let (state, files) = Call::current().await?.matter_files(matter_id).await?;
    super::server::all_folders(&state.db, &files).await
}
