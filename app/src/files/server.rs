//! The file tree's rules on the server: what is live, where a name may go, the limits, the
//! trash. Every function takes the `ManageMatter` capability and looks only inside that matter,
//! so an id from another matter is simply not found.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, prelude::Expr, sea_query::OnConflict,
};
use uuid::Uuid;

use super::{
    Crumb, DocumentEntry, FolderEntry, FolderView, ItemKind, MAX_DEPTH, MAX_FILES_PER_FOLDER,
    TrashEntry, VersionEntry,
    names::{clean_name, name_key},
    previewable,
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{document, document_version, folder, matter, user},
    policy::ManageMatter,
};

const NO_SUCH_FOLDER: &str =
    "There is no such folder on this matter. It may have been moved to the trash.";
const NO_SUCH_FILE: &str =
    "There is no such file on this matter. It may have been moved to the trash.";
/// The root folder's name, as the tree shows it.
pub const ROOT_NAME: &str = "All Files";

pub fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A closed matter's files can be read, not changed.
pub fn writable(manage: &ManageMatter) -> Result<(), AppError> {
    if manage.0.matter.status == matter::Status::Closed {
        return Err(AppError::Conflict(
            "This matter is closed, so its files cannot be changed. Reopen the matter first."
                .into(),
        ));
    }
    Ok(())
}

/// The matter's root folder, whose id is the matter's; made on first use.
async fn root(db: &impl ConnectionTrait, matter_id: Uuid) -> Result<folder::Model, AppError> {
    if let Some(root) = folder::Entity::find_by_id(matter_id).one(db).await? {
        return Ok(root);
    }
    let root = folder::Model {
        id: matter_id,
        matter_id,
        parent_id: None,
        name: ROOT_NAME.into(),
        name_key: name_key(ROOT_NAME),
        created_by: None,
        created_at: Utc::now(),
        trashed_at: None,
        trashed_by: None,
    };
    folder::Entity::insert(folder::ActiveModel::from(root.clone()))
        .on_conflict(
            OnConflict::column(folder::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(root)
}

/// The folder and its ancestors up to the root, nearest first; `None` if it is not in this
/// matter.
async fn lineage(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    id: Uuid,
) -> Result<Option<Vec<folder::Model>>, AppError> {
    let mut chain = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next {
        let Some(f) = folder::Entity::find_by_id(id)
            .filter(folder::Column::MatterId.eq(matter_id))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        next = f.parent_id;
        chain.push(f);
        if chain.len() > MAX_DEPTH + 1 {
            return Err(AppError::internal("folder chain too deep or circular"));
        }
    }
    Ok(Some(chain))
}

/// A folder that is neither in the trash nor inside a folder that is (`None`: the root).
pub async fn live_folder(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    id: Option<Uuid>,
) -> Result<folder::Model, AppError> {
    Ok(live_lineage(db, matter_id, id).await?.remove(0))
}

/// A live folder and its ancestors up to the root, nearest first.
pub async fn live_lineage(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    id: Option<Uuid>,
) -> Result<Vec<folder::Model>, AppError> {
    let Some(id) = id.filter(|id| *id != matter_id) else {
        return Ok(vec![root(db, matter_id).await?]);
    };
    match lineage(db, matter_id, id).await? {
        Some(chain) if chain.iter().all(|f| f.trashed_at.is_none()) => Ok(chain),
        _ => Err(AppError::NotFound(NO_SUCH_FOLDER.into())),
    }
}

/// A document that is not in the trash, in a live folder of this matter.
pub async fn live_document(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    id: Uuid,
) -> Result<document::Model, AppError> {
    let doc = document::Entity::find_by_id(id)
        .filter(document::Column::MatterId.eq(matter_id))
        .filter(document::Column::TrashedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(NO_SUCH_FILE.into()))?;
    live_folder(db, matter_id, Some(doc.folder_id))
        .await
        .map_err(|_| AppError::NotFound(NO_SUCH_FILE.into()))?;
    Ok(doc)
}

/// A document of this matter, live or in the trash (staff may still open what is in the trash).
pub async fn any_document(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    id: Uuid,
) -> Result<document::Model, AppError> {
    document::Entity::find_by_id(id)
        .filter(document::Column::MatterId.eq(matter_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(NO_SUCH_FILE.into()))
}

/// The version a document shows now (its latest).
pub async fn current_version(
    db: &impl ConnectionTrait,
    doc: &document::Model,
) -> Result<document_version::Model, AppError> {
    document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(doc.id))
        .filter(document_version::Column::Number.eq(doc.version_count))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(NO_SUCH_FILE.into()))
}

/// What already has this name in a folder.
pub enum Place {
    Folder(folder::Model),
    Document(document::Model),
}

pub async fn occupant(
    db: &impl ConnectionTrait,
    folder_id: Uuid,
    key: &str,
) -> Result<Option<Place>, AppError> {
    if let Some(f) = folder::Entity::find()
        .filter(folder::Column::ParentId.eq(folder_id))
        .filter(folder::Column::NameKey.eq(key))
        .filter(folder::Column::TrashedAt.is_null())
        .one(db)
        .await?
    {
        return Ok(Some(Place::Folder(f)));
    }
    Ok(document::Entity::find()
        .filter(document::Column::FolderId.eq(folder_id))
        .filter(document::Column::NameKey.eq(key))
        .filter(document::Column::TrashedAt.is_null())
        .one(db)
        .await?
        .map(Place::Document))
}

fn name_taken(name: &str, place: &Place) -> AppError {
    let what = match place {
        Place::Folder(_) => "folder",
        Place::Document(_) => "file",
    };
    AppError::Conflict(format!(
        "There is already a {what} named \"{name}\" here. Choose another name."
    ))
}

/// Files directly in a folder, not counting the trash.
pub async fn live_file_count(db: &impl ConnectionTrait, folder_id: Uuid) -> Result<u64, AppError> {
    Ok(document::Entity::find()
        .filter(document::Column::FolderId.eq(folder_id))
        .filter(document::Column::TrashedAt.is_null())
        .count(db)
        .await?)
}

fn folder_full(name: &str) -> AppError {
    AppError::Conflict(format!(
        "\"{name}\" already holds {MAX_FILES_PER_FOLDER} files, the most a folder can hold. Use a subfolder."
    ))
}

async fn names_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Option<Uuid>>,
) -> Result<HashMap<Uuid, String>, AppError> {
    let mut ids: Vec<Uuid> = ids.into_iter().flatten().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

fn name_or_unknown(names: &HashMap<Uuid, String>, id: Option<Uuid>) -> String {
    id.and_then(|id| names.get(&id).cloned())
        .unwrap_or_else(|| "someone no longer here".into())
}

/// A folder's contents: subfolders, then files, by name.
pub async fn list(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    folder_id: Option<Uuid>,
) -> Result<FolderView, AppError> {
    let chain = live_lineage(db, manage.matter_id(), folder_id).await?;
    contents(db, manage.matter_id(), &chain, writable(manage).is_ok()).await
}

/// What the live folder `chain[0]` holds; its path is `chain` (nearest first), which a share
/// cuts at the shared folder so that nothing above it shows.
pub async fn contents(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    chain: &[folder::Model],
    writable: bool,
) -> Result<FolderView, AppError> {
    let here = chain
        .first()
        .ok_or_else(|| AppError::internal("an empty folder path"))?;
    let folders = folder::Entity::find()
        .filter(folder::Column::ParentId.eq(here.id))
        .filter(folder::Column::TrashedAt.is_null())
        .order_by_asc(folder::Column::NameKey)
        .all(db)
        .await?;
    let documents = document::Entity::find()
        .filter(document::Column::FolderId.eq(here.id))
        .filter(document::Column::TrashedAt.is_null())
        .filter(document::Column::VersionCount.gt(0))
        .order_by_asc(document::Column::NameKey)
        .all(db)
        .await?;
    Ok(FolderView {
        matter_id,
        id: here.id,
        path: chain
            .iter()
            .rev()
            .map(|f| Crumb {
                id: f.id,
                name: f.name.clone(),
            })
            .collect(),
        folders: folders
            .into_iter()
            .map(|f| FolderEntry {
                id: f.id,
                name: f.name,
                created_at: when(f.created_at),
            })
            .collect(),
        documents: entries(db, documents).await?,
        writable,
    })
}

/// Documents as the tree shows them, with who last updated each.
pub async fn entries(
    db: &impl ConnectionTrait,
    documents: Vec<document::Model>,
) -> Result<Vec<DocumentEntry>, AppError> {
    let names = names_of(db, documents.iter().map(|d| d.updated_by)).await?;
    Ok(documents
        .into_iter()
        .map(|d| DocumentEntry {
            id: d.id,
            previewable: previewable(&d.content_type),
            updated_by: name_or_unknown(&names, d.updated_by),
            name: d.name,
            size: d.size.max(0) as u64,
            content_type: d.content_type,
            versions: d.version_count.max(0) as u32,
            updated_at: when(d.updated_at),
        })
        .collect())
}

pub async fn create_folder(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    parent_id: Option<Uuid>,
    name: &str,
) -> Result<FolderEntry, AppError> {
    writable(manage)?;
    let name = clean_name(name)?;
    let key = name_key(&name);
    let matter_id = manage.matter_id();
    let txn = begin_write(db).await?;
    let chain = live_lineage(&txn, matter_id, parent_id).await?;
    if chain.len() >= MAX_DEPTH {
        return Err(AppError::bad_request(format!(
            "Folders can nest at most {MAX_DEPTH} deep."
        )));
    }
    if let Some(place) = occupant(&txn, chain[0].id, &key).await? {
        return Err(name_taken(&name, &place));
    }
    let now = Utc::now();
    let f = folder::Model {
        id: Uuid::now_v7(),
        matter_id,
        parent_id: Some(chain[0].id),
        name,
        name_key: key,
        created_by: Some(manage.0.user.id),
        created_at: now,
        trashed_at: None,
        trashed_by: None,
    };
    folder::Entity::insert(folder::ActiveModel::from(f.clone()))
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(FolderEntry {
        id: f.id,
        name: f.name,
        created_at: when(now),
    })
}

fn not_root(matter_id: Uuid, kind: ItemKind, id: Uuid) -> Result<(), AppError> {
    if kind == ItemKind::Folder && id == matter_id {
        return Err(AppError::bad_request(
            "The matter's top folder cannot be renamed, moved or deleted.",
        ));
    }
    Ok(())
}

/// The live item's name and the folder it sits in.
async fn live_item(
    db: &impl ConnectionTrait,
    matter_id: Uuid,
    kind: ItemKind,
    id: Uuid,
) -> Result<(String, Uuid), AppError> {
    not_root(matter_id, kind, id)?;
    match kind {
        ItemKind::Folder => {
            let f = live_folder(db, matter_id, Some(id)).await?;
            Ok((f.name, f.parent_id.unwrap_or(matter_id)))
        }
        ItemKind::Document => {
            let d = live_document(db, matter_id, id).await?;
            Ok((d.name, d.folder_id))
        }
    }
}

async fn set_place(
    db: &impl ConnectionTrait,
    kind: ItemKind,
    id: Uuid,
    folder_id: Uuid,
    name: &str,
) -> Result<(), AppError> {
    match kind {
        ItemKind::Folder => {
            folder::Entity::update_many()
                .col_expr(folder::Column::ParentId, Expr::value(Some(folder_id)))
                .col_expr(folder::Column::Name, Expr::value(name))
                .col_expr(folder::Column::NameKey, Expr::value(name_key(name)))
                .filter(folder::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        ItemKind::Document => {
            document::Entity::update_many()
                .col_expr(document::Column::FolderId, Expr::value(folder_id))
                .col_expr(document::Column::Name, Expr::value(name))
                .col_expr(document::Column::NameKey, Expr::value(name_key(name)))
                .filter(document::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Checks that `name` may sit in `folder` (free, and room for one more file), ignoring the item
/// itself (a rename that only changes case).
async fn check_room(
    db: &impl ConnectionTrait,
    kind: ItemKind,
    id: Uuid,
    folder: &folder::Model,
    name: &str,
    arriving: bool,
) -> Result<(), AppError> {
    let taken_by_other = match occupant(db, folder.id, &name_key(name)).await? {
        Some(Place::Folder(f)) if !(kind == ItemKind::Folder && f.id == id) => {
            Some(Place::Folder(f))
        }
        Some(Place::Document(d)) if !(kind == ItemKind::Document && d.id == id) => {
            Some(Place::Document(d))
        }
        _ => None,
    };
    if let Some(place) = taken_by_other {
        return Err(name_taken(name, &place));
    }
    if arriving
        && kind == ItemKind::Document
        && live_file_count(db, folder.id).await? >= MAX_FILES_PER_FOLDER as u64
    {
        return Err(folder_full(&folder.name));
    }
    Ok(())
}

pub async fn rename(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    kind: ItemKind,
    id: Uuid,
    name: &str,
) -> Result<(), AppError> {
    writable(manage)?;
    let name = clean_name(name)?;
    let matter_id = manage.matter_id();
    let txn = begin_write(db).await?;
    let (_, folder_id) = live_item(&txn, matter_id, kind, id).await?;
    let folder = live_folder(&txn, matter_id, Some(folder_id)).await?;
    check_room(&txn, kind, id, &folder, &name, false).await?;
    set_place(&txn, kind, id, folder.id, &name).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a file or folder into another folder of the same matter.
pub async fn move_item(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    kind: ItemKind,
    id: Uuid,
    to: Option<Uuid>,
) -> Result<(), AppError> {
    writable(manage)?;
    let matter_id = manage.matter_id();
    let txn = begin_write(db).await?;
    let (name, from) = live_item(&txn, matter_id, kind, id).await?;
    let target = live_lineage(&txn, matter_id, to).await?;
    if target[0].id == from {
        return Ok(());
    }
    if kind == ItemKind::Folder {
        if target.iter().any(|f| f.id == id) {
            return Err(AppError::bad_request(
                "A folder cannot be moved into itself or into one of its own subfolders.",
            ));
        }
        if target.len() + subtree_depth(&txn, id).await? > MAX_DEPTH {
            return Err(AppError::bad_request(format!(
                "Folders can nest at most {MAX_DEPTH} deep."
            )));
        }
    }
    check_room(&txn, kind, id, &target[0], &name, true).await?;
    set_place(&txn, kind, id, target[0].id, &name).await?;
    txn.commit().await?;
    Ok(())
}

/// How many levels of folders a folder holds, itself included.
async fn subtree_depth(db: &impl ConnectionTrait, id: Uuid) -> Result<usize, AppError> {
    let mut level = vec![id];
    let mut depth = 0;
    while !level.is_empty() && depth <= MAX_DEPTH {
        depth += 1;
        level = folder::Entity::find()
            .filter(folder::Column::ParentId.is_in(level))
            .all(db)
            .await?
            .into_iter()
            .map(|f| f.id)
            .collect();
    }
    Ok(depth)
}

/// Moves a file or folder (with everything in it) to the matter's trash.
pub async fn trash(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    kind: ItemKind,
    id: Uuid,
) -> Result<(), AppError> {
    writable(manage)?;
    let matter_id = manage.matter_id();
    let by = manage.0.user.id;
    let txn = begin_write(db).await?;
    let (name, _) = live_item(&txn, matter_id, kind, id).await?;
    set_trashed(&txn, kind, id, Some((Utc::now(), by))).await?;
    audit::record(
        &txn,
        Action::FileTrashed,
        Some(by),
        Some(format!(
            "{} {id} \"{name}\" on matter {matter_id}",
            kind.noun()
        )),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Puts an item in the trash (when, by whom) or takes it out (`None`).
async fn set_trashed(
    db: &impl ConnectionTrait,
    kind: ItemKind,
    id: Uuid,
    trashed: Option<(DateTime<Utc>, Uuid)>,
) -> Result<(), AppError> {
    let (at, by) = (trashed.map(|t| t.0), trashed.map(|t| t.1));
    match kind {
        ItemKind::Folder => {
            folder::Entity::update_many()
                .col_expr(folder::Column::TrashedAt, Expr::value(at))
                .col_expr(folder::Column::TrashedBy, Expr::value(by))
                .filter(folder::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        ItemKind::Document => {
            document::Entity::update_many()
                .col_expr(document::Column::TrashedAt, Expr::value(at))
                .col_expr(document::Column::TrashedBy, Expr::value(by))
                .filter(document::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Brings an item back from the trash into the folder it was in.
pub async fn restore(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    kind: ItemKind,
    id: Uuid,
) -> Result<(), AppError> {
    writable(manage)?;
    let matter_id = manage.matter_id();
    not_root(matter_id, kind, id)?;
    let not_in_trash = || AppError::NotFound("That is not in this matter's trash.".into());
    let txn = begin_write(db).await?;
    let (name, folder_id) = match kind {
        ItemKind::Folder => {
            let f = folder::Entity::find_by_id(id)
                .filter(folder::Column::MatterId.eq(matter_id))
                .filter(folder::Column::TrashedAt.is_not_null())
                .one(&txn)
                .await?
                .ok_or_else(not_in_trash)?;
            (f.name, f.parent_id.unwrap_or(matter_id))
        }
        ItemKind::Document => {
            let d = document::Entity::find_by_id(id)
                .filter(document::Column::MatterId.eq(matter_id))
                .filter(document::Column::TrashedAt.is_not_null())
                .one(&txn)
                .await?
                .ok_or_else(not_in_trash)?;
            (d.name, d.folder_id)
        }
    };
    let folder = live_folder(&txn, matter_id, Some(folder_id))
        .await
        .map_err(|_| {
            AppError::Conflict(
                "The folder this was in is in the trash too. Restore that folder first.".into(),
            )
        })?;
    check_room(&txn, kind, id, &folder, &name, true).await?;
    set_trashed(&txn, kind, id, None).await?;
    audit::record(
        &txn,
        Action::FileRestored,
        Some(manage.0.user.id),
        Some(format!(
            "{} {id} \"{name}\" on matter {matter_id}",
            kind.noun()
        )),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What is in the matter's trash, newest first.
pub async fn trash_list(
    db: &DatabaseConnection,
    manage: &ManageMatter,
) -> Result<Vec<TrashEntry>, AppError> {
    let matter_id = manage.matter_id();
    let folders = folder::Entity::find()
        .filter(folder::Column::MatterId.eq(matter_id))
        .filter(folder::Column::TrashedAt.is_not_null())
        .all(db)
        .await?;
    let documents = document::Entity::find()
        .filter(document::Column::MatterId.eq(matter_id))
        .filter(document::Column::TrashedAt.is_not_null())
        .all(db)
        .await?;
    let names = names_of(
        db,
        folders
            .iter()
            .map(|f| f.trashed_by)
            .chain(documents.iter().map(|d| d.trashed_by)),
    )
    .await?;
    let mut entries = Vec::new();
    let mut places: HashMap<Uuid, String> = HashMap::new();
    for (kind, id, name, parent, at, by) in folders
        .into_iter()
        .map(|f| {
            (
                ItemKind::Folder,
                f.id,
                f.name,
                f.parent_id.unwrap_or(matter_id),
                f.trashed_at,
                f.trashed_by,
            )
        })
        .chain(documents.into_iter().map(|d| {
            (
                ItemKind::Document,
                d.id,
                d.name,
                d.folder_id,
                d.trashed_at,
                d.trashed_by,
            )
        }))
    {
        let place = match places.get(&parent) {
            Some(p) => p.clone(),
            None => {
                let path = lineage(db, matter_id, parent)
                    .await?
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .map(|f| f.name.clone())
                    .collect::<Vec<_>>()
                    .join(" / ");
                places.insert(parent, path.clone());
                path
            }
        };
        entries.push((
            at,
            TrashEntry {
                kind,
                id,
                name,
                place,
                trashed_at: at.map(when).unwrap_or_default(),
                trashed_by: name_or_unknown(&names, by),
            },
        ));
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    Ok(entries.into_iter().map(|(_, e)| e).collect())
}

/// A document's versions, newest first.
pub async fn versions(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    document_id: Uuid,
) -> Result<Vec<VersionEntry>, AppError> {
    let doc = any_document(db, manage.matter_id(), document_id).await?;
    let rows = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(doc.id))
        .order_by_desc(document_version::Column::Number)
        .all(db)
        .await?;
    let names = names_of(db, rows.iter().map(|v| v.uploaded_by)).await?;
    Ok(rows
        .into_iter()
        .map(|v| VersionEntry {
            number: v.number.max(0) as u32,
            size: v.size.max(0) as u64,
            uploaded_by: name_or_unknown(&names, v.uploaded_by),
            sha256: v.sha256,
            uploaded_at: when(v.uploaded_at),
        })
        .collect())
}

/// The document and its version `number` (`None`: the latest), for reading its bytes.
pub async fn version(
    db: &impl ConnectionTrait,
    manage: &ManageMatter,
    document_id: Uuid,
    number: Option<i32>,
) -> Result<(document::Model, document_version::Model), AppError> {
    let doc = any_document(db, manage.matter_id(), document_id).await?;
    let number = number.unwrap_or(doc.version_count);
    let version = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(doc.id))
        .filter(document_version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("This file has no such version.".into()))?;
    Ok((doc, version))
}

/// Every live folder of the matter with its path ("All Files / Court / 2026"), by path: the
/// choices of "Move to…".
pub async fn all_folders(
    db: &DatabaseConnection,
    manage: &ManageMatter,
) -> Result<Vec<(Uuid, String)>, AppError> {
    let matter_id = manage.matter_id();
    root(db, matter_id).await?;
    let rows: HashMap<Uuid, folder::Model> = folder::Entity::find()
        .filter(folder::Column::MatterId.eq(matter_id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut out = Vec::new();
    'folders: for f in rows.values() {
        let mut names = Vec::new();
        let mut at = Some(f);
        while let Some(x) = at {
            if x.trashed_at.is_some() || names.len() > MAX_DEPTH {
                continue 'folders;
            }
            names.push(x.name.as_str());
            at = x.parent_id.and_then(|p| rows.get(&p));
        }
        names.reverse();
        out.push((f.id, names.join(" / ")));
    }
    out.sort_by_key(|f| f.1.to_lowercase());
    Ok(out)
}

/// The matter a document belongs to, for routes that start from a document id.
pub async fn matter_of_document(
    db: &DatabaseConnection,
    document_id: Uuid,
) -> Result<Option<Uuid>, AppError> {
    Ok(document::Entity::find_by_id(document_id)
        .one(db)
        .await?
        .map(|d| d.matter_id))
}
