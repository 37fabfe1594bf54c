//! The file tree's operations on the server: listing, folders, rename, move, the trash and
//! versions. Reads take `MatterFiles`, changes `ManageMatter`; the lookups they build on are in
//! `tree`, and look only inside the matter the capability was checked for.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    prelude::Expr,
};

use super::{
    FolderEntry, FolderView, ItemKind, MAX_DEPTH, MAX_FILES_PER_FOLDER, TrashEntry, VersionEntry,
    names::{clean_name, name_key},
    tree::{
        self, Place, folder_full, live_document, live_file_count, live_folder, live_lineage,
        name_or_unknown, name_taken, names_of, occupant, when,
    },
};
use crate::{
    AppError,
    audit::{self, Action},
    db::{OnUnique, begin_write},
    entities::{document, document_version, folder, matter},
    ids::{DocumentId, FolderId, Item, UserId},
    policy::{DocumentAccess, ManageMatter, MatterFiles},
};

pub use tree::{ROOT_NAME, all_folders};

/// The unique index of live names refused a write that raced another (PostgreSQL).
fn name_raced(name: &str) -> AppError {
    AppError::Conflict(crate::text::something_named_was_put_here_at(&name))
}

/// A closed matter's files can be read, not changed.
pub fn writable(manage: &ManageMatter) -> Result<(), AppError> {
    if manage.matter().status == matter::Status::Closed {
        return Err(AppError::Conflict(
            crate::text::THIS_MATTER_IS_CLOSED_SO_ITS_2.into(),
        ));
    }
    Ok(())
}

/// A folder's contents: subfolders, then files, by name.
pub async fn list(
    db: &DatabaseConnection,
    files: &MatterFiles,
    folder_id: Option<FolderId>,
) -> Result<FolderView, AppError> {
    let chain = live_lineage(db, files, folder_id).await?;
    let open = files.matter().status == matter::Status::Open;
    let mut view = tree::contents(db, files, &chain, open).await?;
    crate::shares::server::mark_shared(db, files.matter_id(), &mut view).await?;
    Ok(view)
}

pub async fn create_folder(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    parent_id: Option<FolderId>,
    name: &str,
) -> Result<FolderEntry, AppError> {
    writable(manage)?;
    let name = clean_name(name)?;
    let key = name_key(&name);
    let matter_id = manage.matter_id();
    let txn = begin_write(db).await?;
    let chain = live_lineage(&txn, manage, parent_id).await?;
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
        id: FolderId::fresh(),
        matter_id,
        parent_id: Some(chain[0].id),
        name,
        name_key: key,
        created_by: Some(manage.user().id()),
        created_at: now,
        trashed_at: None,
        trashed_by: None,
    };
    folder::Entity::insert(folder::ActiveModel::from(f.clone()))
        .exec_without_returning(&txn)
        .await
        .on_unique(|| name_raced(&f.name))?;
    txn.commit().await?;
    Ok(FolderEntry {
        id: f.id,
        name: f.name,
        created_at: when(now),
        shared: false,
    })
}

fn not_root(manage: &ManageMatter, item: Item) -> Result<(), AppError> {
    if item == Item::Folder(manage.matter_id().root_folder()) {
        return Err(AppError::bad_request(
            crate::text::THE_MATTERS_TOP_FOLDER_CANNOT_BE,
        ));
    }
    Ok(())
}

/// The live item's name and the folder it sits in.
async fn live_item(
    db: &impl ConnectionTrait,
    manage: &ManageMatter,
    item: Item,
) -> Result<(String, FolderId), AppError> {
    not_root(manage, item)?;
    match item {
        Item::Folder(id) => {
            let f = live_folder(db, manage, Some(id)).await?;
            Ok((
                f.name,
                f.parent_id.unwrap_or(manage.matter_id().root_folder()),
            ))
        }
        Item::Document(id) => {
            let d = live_document(db, manage, id).await?;
            Ok((d.name, d.folder_id))
        }
    }
}

async fn set_place(
    db: &impl ConnectionTrait,
    item: Item,
    folder_id: FolderId,
    name: &str,
) -> Result<(), AppError> {
    match item {
        Item::Folder(id) => {
            folder::Entity::update_many()
                .col_expr(folder::Column::ParentId, Expr::value(Some(folder_id)))
                .col_expr(folder::Column::Name, Expr::value(name))
                .col_expr(folder::Column::NameKey, Expr::value(name_key(name)))
                .filter(folder::Column::Id.eq(id))
                .exec(db)
                .await
                .on_unique(|| name_raced(name))?;
        }
        Item::Document(id) => {
            document::Entity::update_many()
                .col_expr(document::Column::FolderId, Expr::value(folder_id))
                .col_expr(document::Column::Name, Expr::value(name))
                .col_expr(document::Column::NameKey, Expr::value(name_key(name)))
                .filter(document::Column::Id.eq(id))
                .exec(db)
                .await
                .on_unique(|| name_raced(name))?;
        }
    }
    Ok(())
}

/// Checks that `name` may sit in `folder` (free, and room for one more file), ignoring the item
/// itself (a rename that only changes case).
async fn check_room(
    db: &impl ConnectionTrait,
    item: Item,
    folder: &folder::Model,
    name: &str,
    arriving: bool,
) -> Result<(), AppError> {
    let taken_by_other = match occupant(db, folder.id, &name_key(name)).await? {
        Some(Place::Folder(f)) if item != Item::Folder(f.id) => Some(Place::Folder(f)),
        Some(Place::Document(d)) if item != Item::Document(d.id) => Some(Place::Document(d)),
        _ => None,
    };
    if let Some(place) = taken_by_other {
        return Err(name_taken(name, &place));
    }
    if arriving
        && item.kind() == ItemKind::Document
        && live_file_count(db, folder.id).await? >= MAX_FILES_PER_FOLDER as u64
    {
        return Err(folder_full(&folder.name));
    }
    Ok(())
}

pub async fn rename(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    item: Item,
    name: &str,
) -> Result<(), AppError> {
    writable(manage)?;
    let name = clean_name(name)?;
    let txn = begin_write(db).await?;
    let (_, folder_id) = live_item(&txn, manage, item).await?;
    let folder = live_folder(&txn, manage, Some(folder_id)).await?;
    check_room(&txn, item, &folder, &name, false).await?;
    set_place(&txn, item, folder.id, &name).await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a file or folder into another folder of the same matter.
pub async fn move_item(
    db: &DatabaseConnection,
    manage: &ManageMatter,
    item: Item,
    to: Option<FolderId>,
) -> Result<(), AppError> {
    writable(manage)?;
    let txn = begin_write(db).await?;
    let (name, from) = live_item(&txn, manage, item).await?;
    let target = live_lineage(&txn, manage, to).await?;
    if target[0].id == from {
        return Ok(());
    }
    if let Item::Folder(id) = item {
        if target.iter().any(|f| f.id == id) {
            return Err(AppError::bad_request(
                crate::text::A_FOLDER_CANNOT_BE_MOVED_INTO,
            ));
        }
        if target.len() + subtree_depth(&txn, id).await? > MAX_DEPTH {
            return Err(AppError::bad_request(format!(
                "Folders can nest at most {MAX_DEPTH} deep."
            )));
        }
    }
    check_room(&txn, item, &target[0], &name, true).await?;
    set_place(&txn, item, target[0].id, &name).await?;
    txn.commit().await?;
    Ok(())
}

/// How many levels of folders a folder holds, itself included.
async fn subtree_depth(db: &impl ConnectionTrait, id: FolderId) -> Result<usize, AppError> {
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
    item: Item,
) -> Result<(), AppError> {
    writable(manage)?;
    let matter_id = manage.matter_id();
    let by = manage.user().id();
    let txn = begin_write(db).await?;
    let (name, _) = live_item(&txn, manage, item).await?;
    set_trashed(&txn, item, Some((Utc::now(), by))).await?;
    audit::record(
        &txn,
        Action::FileTrashed,
        Some(by),
        Some(format!(
            "{} {} \"{name}\" on matter {matter_id}",
            item.kind().noun(),
            item.uuid()
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
    item: Item,
    trashed: Option<(DateTime<Utc>, UserId)>,
) -> Result<(), sea_orm::DbErr> {
    let (at, by) = (trashed.map(|t| t.0), trashed.map(|t| t.1));
    match item {
        Item::Folder(id) => {
            folder::Entity::update_many()
                .col_expr(folder::Column::TrashedAt, Expr::value(at))
                .col_expr(folder::Column::TrashedBy, Expr::value(by))
                .filter(folder::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Item::Document(id) => {
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
    item: Item,
) -> Result<(), AppError> {
    writable(manage)?;
    let matter_id = manage.matter_id();
    not_root(manage, item)?;
    let not_in_trash = || AppError::NotFound(crate::text::THAT_IS_NOT_IN_THIS_MATTERS.into());
    let txn = begin_write(db).await?;
    let (name, folder_id) = match item {
        Item::Folder(id) => {
            let f = folder::Entity::find_by_id(id)
                .filter(folder::Column::MatterId.eq(matter_id))
                .filter(folder::Column::TrashedAt.is_not_null())
                .one(&txn)
                .await?
                .ok_or_else(not_in_trash)?;
            (f.name, f.parent_id.unwrap_or(matter_id.root_folder()))
        }
        Item::Document(id) => {
            let d = document::Entity::find_by_id(id)
                .filter(document::Column::MatterId.eq(matter_id))
                .filter(document::Column::TrashedAt.is_not_null())
                .one(&txn)
                .await?
                .ok_or_else(not_in_trash)?;
            (d.name, d.folder_id)
        }
    };
    let folder = live_folder(&txn, manage, Some(folder_id))
        .await
        .map_err(|_| AppError::Conflict(crate::text::THE_FOLDER_THIS_WAS_IN_IS.into()))?;
    check_room(&txn, item, &folder, &name, true).await?;
    set_trashed(&txn, item, None)
        .await
        .on_unique(|| name_raced(&name))?;
    audit::record(
        &txn,
        Action::FileRestored,
        Some(manage.user().id()),
        Some(format!(
            "{} {} \"{name}\" on matter {matter_id}",
            item.kind().noun(),
            item.uuid()
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
    files: &MatterFiles,
) -> Result<Vec<TrashEntry>, AppError> {
    let matter_id = files.matter_id();
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
    let mut places: HashMap<FolderId, String> = HashMap::new();
    for (kind, id, name, parent, at, by) in folders
        .into_iter()
        .map(|f| {
            (
                ItemKind::Folder,
                f.id.0,
                f.name,
                f.parent_id.unwrap_or(matter_id.root_folder()),
                f.trashed_at,
                f.trashed_by,
            )
        })
        .chain(documents.into_iter().map(|d| {
            (
                ItemKind::Document,
                d.id.0,
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
                let path = tree::lineage(db, files, parent)
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
                trashed_at: at.map(when),
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
    files: &MatterFiles,
    document_id: DocumentId,
) -> Result<Vec<VersionEntry>, AppError> {
    let doc = tree::any_document(db, files, document_id).await?;
    history(db, doc.id).await
}

/// A document's versions, newest first: for the firm (`versions`) and in a share's viewer.
pub async fn history(
    db: &DatabaseConnection,
    document_id: DocumentId,
) -> Result<Vec<VersionEntry>, AppError> {
    let rows = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(document_id))
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

/// The document's version `number` (`None`: the latest), for reading its bytes.
pub async fn version(
    db: &impl ConnectionTrait,
    access: &DocumentAccess,
    number: Option<i32>,
) -> Result<document_version::Model, AppError> {
    let doc = access.document();
    let number = number.unwrap_or(doc.version_count);
    let version = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(doc.id))
        .filter(document_version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(crate::text::THIS_FILE_HAS_NO_SUCH_VERSION.into()))?;
    Ok(version)
}
