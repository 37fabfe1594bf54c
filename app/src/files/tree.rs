//! Lookups in a matter's file tree: what is live, where a name is taken, what a folder holds.
//! Each takes a capability for the matter (`InMatter`) rather than a bare matter id, so an id
//! from another matter is simply not found, whoever asks.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};

use super::{
    Crumb, DocumentEntry, FolderEntry, FolderView, ItemKind, MAX_DEPTH, MAX_FILES_PER_FOLDER,
    names::name_key, previewable,
};
use crate::{
    AppError,
    entities::{document, document_version, folder},
    ids::{DocumentId, FolderId, MatterId, UserId},
    policy::InMatter,
};

pub(super) const NO_SUCH_FOLDER: &str = crate::text::THERE_IS_NO_SUCH_FOLDER_ON;
pub(super) const NO_SUCH_FILE: &str = crate::text::THERE_IS_NO_SUCH_FILE_ON;
/// The root folder's name, as the tree shows it.
pub const ROOT_NAME: &str = crate::text::ALL_FILES;

/// A stored time as pages get it: a moment each reader sees in their own zone.
pub fn when(at: DateTime<Utc>) -> crate::when::Moment {
    at.into()
}

/// The matter's root folder, whose id is the matter's; made on first use.
async fn root(db: &impl ConnectionTrait, matter_id: MatterId) -> Result<folder::Model, AppError> {
    if let Some(root) = folder::Entity::find_by_id(matter_id.root_folder())
        .one(db)
        .await?
    {
        return Ok(root);
    }
    let root = folder::Model {
        id: matter_id.root_folder(),
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
pub(super) async fn lineage(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
    id: FolderId,
) -> Result<Option<Vec<folder::Model>>, AppError> {
    let matter_id = scope.matter_id();
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
    scope: &impl InMatter,
    id: Option<FolderId>,
) -> Result<folder::Model, AppError> {
    Ok(live_lineage(db, scope, id).await?.remove(0))
}

/// A live folder and its ancestors up to the root, nearest first.
pub async fn live_lineage(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
    id: Option<FolderId>,
) -> Result<Vec<folder::Model>, AppError> {
    let matter_id = scope.matter_id();
    let Some(id) = id.filter(|id| *id != matter_id.root_folder()) else {
        return Ok(vec![root(db, matter_id).await?]);
    };
    match lineage(db, scope, id).await? {
        Some(chain) if chain.iter().all(|f| f.trashed_at.is_none()) => Ok(chain),
        _ => Err(AppError::NotFound(NO_SUCH_FOLDER.into())),
    }
}

/// A document that is not in the trash, in a live folder of this matter.
pub async fn live_document(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
    id: DocumentId,
) -> Result<document::Model, AppError> {
    let matter_id = scope.matter_id();
    let doc = document::Entity::find_by_id(id)
        .filter(document::Column::MatterId.eq(matter_id))
        .filter(document::Column::TrashedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(NO_SUCH_FILE.into()))?;
    live_folder(db, scope, Some(doc.folder_id))
        .await
        .map_err(|_| AppError::NotFound(NO_SUCH_FILE.into()))?;
    Ok(doc)
}

/// A document of this matter, live or in the trash (staff may still open what is in the trash).
pub async fn any_document(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
    id: DocumentId,
) -> Result<document::Model, AppError> {
    document::Entity::find_by_id(id)
        .filter(document::Column::MatterId.eq(scope.matter_id()))
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
    folder_id: FolderId,
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

/// `name`, or the first of "name (2)", "name (3)", … that nothing in `folder_id` holds.
pub async fn free_name(
    db: &impl ConnectionTrait,
    folder_id: FolderId,
    name: &str,
) -> Result<String, AppError> {
    // A folder holds at most MAX_FILES_PER_FOLDER files, so a free number comes soon.
    for n in 1..=(MAX_FILES_PER_FOLDER as u32 + 2) {
        let candidate = match n {
            1 => name.to_string(),
            n => super::names::numbered(name, n),
        };
        if occupant(db, folder_id, &name_key(&candidate))
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
    }
    Err(AppError::Conflict(
        crate::text::this_folder_has_no_free_name(&name),
    ))
}

pub(super) fn name_taken(name: &str, place: &Place) -> AppError {
    let kind = match place {
        Place::Folder(_) => ItemKind::Folder,
        Place::Document(_) => ItemKind::Document,
    };
    AppError::Conflict(crate::text::name_taken(kind, name))
}

/// Files directly in a folder, not counting the trash.
pub async fn live_file_count(
    db: &impl ConnectionTrait,
    folder_id: FolderId,
) -> Result<u64, AppError> {
    Ok(document::Entity::find()
        .filter(document::Column::FolderId.eq(folder_id))
        .filter(document::Column::TrashedAt.is_null())
        .count(db)
        .await?)
}

pub(super) fn folder_full(name: &str) -> AppError {
    AppError::Conflict(format!(
        "\"{name}\" already holds {MAX_FILES_PER_FOLDER} files, the most a folder can hold. Use a subfolder."
    ))
}

pub(super) async fn names_of(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Option<UserId>>,
) -> Result<HashMap<UserId, String>, AppError> {
    let mut ids: Vec<UserId> = ids.into_iter().flatten().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(crate::policy::RequestMemo::users(db, ids)
        .await?
        .into_values()
        .map(|u| (u.id, u.display_name))
        .collect())
}

pub(super) fn name_or_unknown(names: &HashMap<UserId, String>, id: Option<UserId>) -> String {
    id.and_then(|id| names.get(&id).cloned())
        .unwrap_or_else(|| crate::text::SOMEONE_NO_LONGER_HERE.into())
}

/// What the live folder `chain[0]` holds; its path is `chain` (nearest first), which a share
/// cuts at the shared folder so that nothing above it shows.
pub async fn contents(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
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
        matter_id: scope.matter_id(),
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
                shared: false,
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
            shared: false,
            unseen: None,
        })
        .collect())
}

/// Every live folder of the matter with its path ("All Files / Court / 2026"), by path: the
/// choices of "Move to…".
pub async fn all_folders(
    db: &impl ConnectionTrait,
    scope: &impl InMatter,
) -> Result<Vec<(FolderId, String)>, AppError> {
    let matter_id = scope.matter_id();
    root(db, matter_id).await?;
    let rows: HashMap<FolderId, folder::Model> = folder::Entity::find()
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
