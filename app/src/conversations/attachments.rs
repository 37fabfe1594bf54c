//! Files sent with messages ("Send"): copies, up to 100 MB each. A file from the writer's
//! device arrives by the same resumable upload as the file tree's and waits, staged, for the
//! message that sends it; a file from the matter's tree is copied when the message goes (its
//! version's bytes never change, so the copy shares them). Nothing here decides who may read
//! an attachment: that is the conversation's access, step-up included.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};

use super::{AttachmentView, MAX_ATTACHMENTS, MAX_SEND_SIZE};
use crate::{
    AppError,
    entities::{attachment, message, upload},
    files::{
        blobs::{self, Part},
        filing::content_type_of,
        human_size, previewable,
        tree::{self, when},
    },
    ids::{AttachmentId, DocumentId, FolderId, Item, MessageId, UserId},
    policy::{MatterAccess, SignedInUser},
    shares::server::MAX_SHARES,
    state::AppState,
};

/// Whether a file of `length` bytes may be sent on this matter now, by this person (before
/// any byte is sent).
pub fn may_send(access: &MatterAccess, length: u64) -> Result<(), AppError> {
    super::server::open(access.matter())?;
    if length > MAX_SEND_SIZE {
        let firm = access.user().is_firm();
        return Err(AppError::TooLarge(super::too_large_to_send(
            crate::text::THIS_FILE,
            length,
            firm,
        )));
    }
    Ok(())
}

/// Files one person may have waiting to be sent (uploaded or uploading, not sent yet)…
pub const STAGED_FILES: usize = 20;
/// …and their bytes: ten of the largest files.
pub const STAGED_BYTES: u64 = 10 * MAX_SEND_SIZE;

/// Whether `user` may start uploading one more file of `length` bytes to send. Call it in the
/// transaction that records the upload, after `db::lock_person`.
pub async fn check_staging_quota(
    txn: &impl ConnectionTrait,
    user: UserId,
    length: u64,
) -> Result<(), AppError> {
    use sea_orm::QuerySelect;
    let staged: Vec<i64> = attachment::Entity::find()
        .filter(attachment::Column::CreatedBy.eq(user))
        .filter(attachment::Column::MessageId.is_null())
        .select_only()
        .column(attachment::Column::Size)
        .into_tuple()
        .all(txn)
        .await?;
    let uploading: Vec<i64> = upload::Entity::find()
        .filter(upload::Column::CreatedBy.eq(user))
        .filter(upload::Column::ForAttachment.eq(true))
        .filter(upload::Column::VersionId.is_null())
        .select_only()
        .column(upload::Column::Length)
        .into_tuple()
        .all(txn)
        .await?;
    let files = staged.len() + uploading.len();
    let bytes: u64 = staged
        .iter()
        .chain(&uploading)
        .map(|n| u64::try_from(*n).unwrap_or(0))
        .sum();
    if files >= STAGED_FILES || bytes + length > STAGED_BYTES {
        return Err(AppError::TooManyRequests(
            crate::text::you_have_files_waiting_to_be(&files, &(human_size(bytes))),
        ));
    }
    Ok(())
}

/// Files a finished upload for a message as a staged attachment, in the upload's transaction.
pub async fn stage(
    txn: &impl ConnectionTrait,
    user: &SignedInUser,
    upload: &upload::Model,
    parts: &[Part],
    sha256: String,
    now: DateTime<Utc>,
) -> Result<AttachmentId, AppError> {
    let id = AttachmentId::fresh();
    attachment::Entity::insert(attachment::ActiveModel::from(attachment::Model {
        id,
        matter_id: upload.matter_id,
        conversation_id: None,
        message_id: None,
        name: upload.name.clone(),
        size: upload.length,
        sha256,
        content_type: content_type_of(&upload.name),
        blob: upload.id.0.clone(),
        parts: blobs::parts_to_json(parts),
        source_document_id: None,
        created_by: Some(user.id()),
        created_at: now,
    }))
    .exec_without_returning(txn)
    .await?;
    Ok(id)
}

/// What a message carries besides its text: files the writer uploaded for it, and (the
/// firm's only) copies of files from the matter's tree and shares of its files and folders.
#[derive(Debug, Clone, Default)]
pub struct Enclosed {
    pub staged: Vec<AttachmentId>,
    pub documents: Vec<DocumentId>,
    pub shared: Vec<Item>,
}

/// The items of the tree a form shares: its documents, then its folders.
pub fn shared_items(documents: Vec<DocumentId>, folders: Vec<FolderId>) -> Vec<Item> {
    documents
        .into_iter()
        .map(Item::Document)
        .chain(folders.into_iter().map(Item::Folder))
        .collect()
}

impl Enclosed {
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty() && self.documents.is_empty() && self.shared.is_empty()
    }

    /// Refuses, before anything is written, what cannot be sent: too many files, or the
    /// matter's files sent or shared by a contact.
    pub fn check(&self, firm: bool) -> Result<(), AppError> {
        if self.staged.len() + self.documents.len() > MAX_ATTACHMENTS {
            return Err(AppError::bad_request(format!(
                "A message can carry at most {MAX_ATTACHMENTS} files. Send the rest in another \
                 message, or share their folder."
            )));
        }
        if self.shared.len() > MAX_SHARES {
            return Err(AppError::bad_request(format!(
                "A message can share at most {MAX_SHARES} files and folders. Share their folder \
                 instead."
            )));
        }
        if !firm && !self.documents.is_empty() {
            return Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRM_CAN_SEND_FILES.into(),
            ));
        }
        if !firm && !self.shared.is_empty() {
            return Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRM_CAN_SHARE_THE.into(),
            ));
        }
        Ok(())
    }
}

/// Attaches `enclosed` to `message`, in its transaction: staged files become the message's,
/// and files from the tree are copied as their current version.
pub async fn attach(
    txn: &impl ConnectionTrait,
    access: &MatterAccess,
    message: &message::Model,
    enclosed: &Enclosed,
) -> Result<Vec<attachment::Model>, AppError> {
    let (user, matter_id) = (access.user(), access.id());
    let mut staged: Vec<AttachmentId> = enclosed.staged.clone();
    staged.sort();
    staged.dedup();
    if !staged.is_empty() {
        let claimed = attachment::Entity::update_many()
            .col_expr(
                attachment::Column::ConversationId,
                Expr::value(Some(message.conversation_id)),
            )
            .col_expr(attachment::Column::MessageId, Expr::value(Some(message.id)))
            .filter(attachment::Column::Id.is_in(staged.iter().copied()))
            .filter(attachment::Column::MatterId.eq(matter_id))
            .filter(attachment::Column::CreatedBy.eq(user.id()))
            .filter(attachment::Column::MessageId.is_null())
            .exec(txn)
            .await?;
        if claimed.rows_affected != staged.len() as u64 {
            return Err(AppError::Conflict(
                crate::text::ONE_OF_THE_ATTACHED_FILES_WAS.into(),
            ));
        }
    }
    for document_id in &enclosed.documents {
        // A copy from the tree needs the firm's capability, whatever `Enclosed::check` said.
        let manage = access.clone().manage()?;
        let doc = tree::live_document(txn, &manage, *document_id).await?;
        if doc.size as u64 > MAX_SEND_SIZE {
            let what = format!("\"{}\"", doc.name);
            let said = super::too_large_to_send(&what, doc.size as u64, true);
            return Err(AppError::TooLarge(said));
        }
        let version = tree::current_version(txn, &doc).await?;
        attachment::Entity::insert(attachment::ActiveModel::from(attachment::Model {
            id: AttachmentId::fresh(),
            matter_id,
            conversation_id: Some(message.conversation_id),
            message_id: Some(message.id),
            name: doc.name.clone(),
            size: version.size,
            sha256: version.sha256,
            content_type: version.content_type,
            blob: version.blob,
            parts: version.parts,
            source_document_id: Some(doc.id),
            created_by: Some(user.id()),
            created_at: message.created_at,
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(attachment::Entity::find()
        .filter(attachment::Column::MessageId.eq(message.id))
        .order_by_asc(attachment::Column::Name)
        .all(txn)
        .await?)
}

pub fn view(a: attachment::Model) -> AttachmentView {
    AttachmentView {
        id: a.id,
        name: a.name,
        size: a.size.max(0) as u64,
        previewable: previewable(&a.content_type),
        from_files: a.source_document_id.is_some(),
        sent_at: when(a.created_at),
    }
}

/// The attachments of `messages`, by message.
pub async fn of_messages(
    db: &DatabaseConnection,
    messages: &[MessageId],
) -> Result<HashMap<MessageId, Vec<AttachmentView>>, AppError> {
    let mut out: HashMap<MessageId, Vec<AttachmentView>> = HashMap::new();
    if messages.is_empty() {
        return Ok(out);
    }
    let rows = attachment::Entity::find()
        .filter(attachment::Column::MessageId.is_in(messages.iter().copied()))
        .order_by_asc(attachment::Column::Name)
        .all(db)
        .await?;
    for row in rows {
        if let Some(message) = row.message_id {
            out.entry(message).or_default().push(view(row));
        }
    }
    Ok(out)
}

/// Deletes files uploaded for a message that was never sent, staged before `cutoff`, with
/// their bytes (a staged file's blob is its own upload's). Returns how many.
pub async fn clean_up(state: &AppState, cutoff: DateTime<Utc>) -> Result<usize, AppError> {
    let stale = attachment::Entity::find()
        .filter(attachment::Column::MessageId.is_null())
        .filter(attachment::Column::CreatedAt.lt(cutoff))
        .all(&state.db)
        .await?;
    let mut removed = 0;
    for row in stale {
        let gone = attachment::Entity::delete_many()
            .filter(attachment::Column::Id.eq(row.id))
            .filter(attachment::Column::MessageId.is_null())
            .exec(&state.db)
            .await?;
        if gone.rows_affected == 1 {
            blobs::remove(&state.storage, &blobs::prefix(&row.blob)).await?;
            removed += 1;
        }
    }
    Ok(removed)
}
