//! Reading the access log for the firm: a file's or a share's latest lines, and the whole log
//! a page at a time for the CSV export.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{AccessKind, ActivityLine, Through};
use crate::{
    AppError,
    entities::access_event,
    ids::{DocumentId, MatterId, ShareId},
    policy::MatterFiles,
};

/// How many lines a panel shows (the CSV has them all).
pub const LINES: u64 = 200;

/// Whose lines.
pub enum Of {
    Document(DocumentId),
    Share(ShareId),
}

pub async fn lines(
    db: &DatabaseConnection,
    files: &MatterFiles,
    of: Of,
) -> Result<Vec<ActivityLine>, AppError> {
    let query =
        access_event::Entity::find().filter(access_event::Column::MatterId.eq(files.matter_id()));
    let query = match of {
        Of::Document(id) => query.filter(access_event::Column::DocumentId.eq(id)),
        Of::Share(id) => query.filter(access_event::Column::ShareId.eq(id)),
    };
    Ok(query
        .order_by_desc(access_event::Column::Seq)
        .limit(LINES)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|e| line(&e))
        .collect())
}

fn line(e: &access_event::Model) -> Option<ActivityLine> {
    let kind = AccessKind::parse(&e.kind)?;
    Some(ActivityLine {
        at: e.occurred_at.into(),
        who: e.person_name.clone(),
        kind,
        item: e.item_name.clone(),
        version: e.version,
        through: through(e, kind),
    })
}

pub fn through(e: &access_event::Model, kind: AccessKind) -> Through {
    if e.share_id.is_some() {
        Through::Share
    } else if e.attachment_id.is_some() {
        Through::Message
    } else if kind == AccessKind::ConversationOpened {
        Through::Conversation
    } else {
        Through::Files
    }
}

/// The matter's entries after number `after`, oldest first, at most `limit`.
pub async fn page(
    db: &DatabaseConnection,
    matter: MatterId,
    after: i64,
    limit: u64,
) -> Result<Vec<access_event::Model>, AppError> {
    Ok(access_event::Entity::find()
        .filter(access_event::Column::MatterId.eq(matter))
        .filter(access_event::Column::Seq.gt(after))
        .order_by_asc(access_event::Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}
