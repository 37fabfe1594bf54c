//! What changed in a share since each recipient last looked. A look is the viewer opening the
//! share; the viewer marks the files new or updated since the look before, until the person
//! opens them (their own preview or download at the current version, as the access log has it),
//! and the share's card counts what changed since the last look. Looks less than half an hour
//! apart with nothing changed between them are one look (a reload, a second tab), so the marks
//! do not vanish while the person is still reading. A first look marks nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::OnConflict,
};

use crate::{
    AppError,
    activity::AccessKind,
    entities::{access_event, document, folder, share, share_visit},
    files::{DocumentEntry, ItemKind, MAX_DEPTH, Unseen},
    ids::{DocumentId, FolderId, ShareId, UserId},
};

/// Looks closer together than this, with nothing changed between them, are one.
const ONE_LOOK: Duration = Duration::minutes(30);

/// The live files a share reaches now: the shared file, or every file anywhere in the shared
/// folder (not below a folder in the trash).
async fn reached(
    db: &impl ConnectionTrait,
    share: &share::Model,
) -> Result<Vec<document::Model>, AppError> {
    let live = document::Entity::find()
        .filter(document::Column::TrashedAt.is_null())
        .filter(document::Column::VersionCount.gt(0))
        .filter(document::Column::MatterId.eq(share.matter_id));
    if share.kind == ItemKind::Document {
        return Ok(live
            .filter(document::Column::Id.eq(share.item_id))
            .all(db)
            .await?);
    }
    let mut folders = vec![FolderId(share.item_id)];
    let mut level = folders.clone();
    for _ in 0..MAX_DEPTH {
        level = folder::Entity::find()
            .select_only()
            .column(folder::Column::Id)
            .filter(folder::Column::ParentId.is_in(level))
            .filter(folder::Column::TrashedAt.is_null())
            .into_tuple()
            .all(db)
            .await?;
        if level.is_empty() {
            break;
        }
        folders.extend(level.iter().copied());
    }
    Ok(live
        .filter(document::Column::FolderId.is_in(folders))
        .all(db)
        .await?)
}

/// Which of `docs` changed after `since`, by someone other than `reader`, and have not been
/// opened by `reader` at their current version.
async fn unseen(
    db: &impl ConnectionTrait,
    reader: UserId,
    docs: &[document::Model],
    since: DateTime<Utc>,
) -> Result<HashMap<DocumentId, Unseen>, AppError> {
    let changed: Vec<(&document::Model, Unseen)> = docs
        .iter()
        .filter_map(|d| {
            if d.created_at > since && d.created_by != Some(reader) {
                Some((d, Unseen::New))
            } else if d.updated_at > since && d.updated_by != Some(reader) {
                Some((d, Unseen::Updated))
            } else {
                None
            }
        })
        .collect();
    if changed.is_empty() {
        return Ok(HashMap::new());
    }
    let opened: HashSet<(DocumentId, i32)> = access_event::Entity::find()
        .select_only()
        .column(access_event::Column::DocumentId)
        .column(access_event::Column::Version)
        .filter(access_event::Column::PersonId.eq(reader))
        .filter(access_event::Column::DocumentId.is_in(changed.iter().map(|(d, _)| d.id)))
        .filter(access_event::Column::Kind.is_in([
            AccessKind::FilePreviewed.as_str(),
            AccessKind::FileDownloaded.as_str(),
        ]))
        .into_tuple::<(Option<DocumentId>, Option<i32>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(d, v)| Some((d?, v?)))
        .collect();
    Ok(changed
        .into_iter()
        .filter(|(d, _)| !opened.contains(&(d.id, d.version_count)))
        .map(|(d, mark)| (d.id, mark))
        .collect())
}

/// Records that `reader` is looking at `share` now (`fresh`: the viewer has just opened it; a
/// reload inside it is not a new look) and answers since when its marks count: `None` on a
/// first look, or for who shared it.
pub async fn look(
    db: &impl ConnectionTrait,
    share: &share::Model,
    reader: UserId,
    fresh: bool,
) -> Result<Option<DateTime<Utc>>, AppError> {
    if share.created_by == Some(reader) {
        return Ok(None);
    }
    let now = Utc::now();
    let visit = share_visit::Entity::find_by_id((share.id, reader))
        .one(db)
        .await?;
    let Some(visit) = visit else {
        // Two first looks at once: one row wins, and both mark nothing.
        share_visit::Entity::insert(share_visit::ActiveModel {
            share_id: Set(share.id),
            user_id: Set(reader),
            last_at: Set(now),
            previous_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([share_visit::Column::ShareId, share_visit::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        return Ok(None);
    };
    let mut since = visit.previous_at;
    if fresh
        && (now - visit.last_at > ONE_LOOK
            || !unseen(db, reader, &reached(db, share).await?, visit.last_at)
                .await?
                .is_empty())
    {
        since = Some(visit.last_at);
    }
    share_visit::Entity::update(share_visit::ActiveModel {
        share_id: Set(share.id),
        user_id: Set(reader),
        last_at: Set(now),
        previous_at: Set(since),
    })
    .exec(db)
    .await?;
    Ok(since)
}

/// Marks what of `entries` (files the share reaches) `reader` has not opened since `since`.
pub async fn mark(
    db: &impl ConnectionTrait,
    reader: UserId,
    since: Option<DateTime<Utc>>,
    entries: &mut [DocumentEntry],
) -> Result<(), AppError> {
    let Some(since) = since else {
        return Ok(());
    };
    if entries.is_empty() {
        return Ok(());
    }
    let docs = document::Entity::find()
        .filter(document::Column::Id.is_in(entries.iter().map(|e| e.id)))
        .all(db)
        .await?;
    let marks = unseen(db, reader, &docs, since).await?;
    for e in entries {
        e.unseen = marks.get(&e.id).copied();
    }
    Ok(())
}

/// For each of `shares` that `reader` has looked at before: how many of its files changed
/// since that last look and are not opened yet (the card's "3 updated since you last looked").
pub async fn counts(
    db: &impl ConnectionTrait,
    shares: &[share::Model],
    reader: UserId,
) -> Result<HashMap<ShareId, u32>, AppError> {
    let mut out = HashMap::new();
    let looked: HashMap<ShareId, DateTime<Utc>> = share_visit::Entity::find()
        .filter(share_visit::Column::UserId.eq(reader))
        .filter(share_visit::Column::ShareId.is_in(shares.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.share_id, v.last_at))
        .collect();
    for share in shares {
        if let Some(&last) = looked.get(&share.id) {
            let changed = unseen(db, reader, &reached(db, share).await?, last).await?;
            if !changed.is_empty() {
                out.insert(share.id, changed.len() as u32);
            }
        }
    }
    Ok(out)
}
