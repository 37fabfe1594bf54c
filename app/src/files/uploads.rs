//! Resumable uploads into the file tree (the state behind the tus 1.0 routes). An upload is a
//! row holding how many bytes arrived, the parts they are in and the running SHA-256; each
//! request's bytes become visible only when the row that names them is committed, and the
//! document version only when the last byte is in. A server killed mid-request therefore
//! loses at most the request in flight, and the client resumes from the committed offset.
//! The same uploads carry files sent with messages: those become staged attachments instead.

use chrono::{Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, prelude::Expr,
};
use sha2::{
    Digest, Sha256,
    digest::common::hazmat::{SerializableState, SerializedState},
};
use uuid::Uuid;

use super::{
    MAX_FILE_SIZE, MAX_FILES_PER_FOLDER,
    blobs::{self, Part, Written},
    human_size,
    names::{clean_name, name_key},
    tree::{self, Place},
};
use crate::ids::{AttachmentId, DocumentId, FolderId, UploadId};
use crate::{
    AppError,
    db::begin_write,
    entities::upload,
    policy::{MatterAccess, RequestSlot, SignedInUser},
    state::AppState,
};

/// An upload nobody touched for this long is abandoned: its row and bytes are deleted.
pub const ABANDONED_AFTER: Duration = Duration::hours(24);

const NO_SUCH_UPLOAD: &str = crate::text::THERE_IS_NO_SUCH_UPLOAD_IT;

/// What a new upload is for.
pub struct NewUpload {
    /// The folder to put a new file in (`None`: the matter's top level).
    pub folder_id: Option<FolderId>,
    /// Set for "upload a new version" of this document.
    pub document_id: Option<DocumentId>,
    pub name: String,
    pub length: u64,
    /// For a message, not for the file tree (`folder_id` and `document_id` are then ignored).
    pub attachment: bool,
    /// For a line of a file request: into the uploader's folder of the tree (`folder_id` and
    /// `document_id` are then ignored; `access` is the request's matter).
    pub request: Option<RequestSlot>,
}

/// What a finished upload was filed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    Document(DocumentId),
    Attachment(AttachmentId),
}

fn hasher_state(hasher: &Sha256) -> Vec<u8> {
    hasher.serialize().to_vec()
}

fn hasher_from(state: &[u8]) -> Result<Sha256, AppError> {
    let state = SerializedState::<Sha256>::try_from(state)
        .map_err(|_| AppError::internal("bad upload hash state"))?;
    Sha256::deserialize(&state).map_err(|_| AppError::internal("bad upload hash state"))
}

/// Starts an upload, refusing at once (before any byte is sent) what could never be stored.
/// The file tree is the firm's; anyone on the matter may send a file with a message.
pub async fn create(
    db: &DatabaseConnection,
    access: &MatterAccess,
    input: NewUpload,
) -> Result<upload::Model, AppError> {
    let matter_id = access.id();
    let (folder_id, name) = if let Some(slot) = &input.request {
        may_answer(slot, input.length)?;
        let name = clean_name(&input.name)?;
        (
            crate::conversations::requests::folder_for(db, slot).await?,
            name,
        )
    } else if input.attachment {
        crate::conversations::attachments::may_send(access, input.length)?;
        let name = clean_name(&input.name)?;
        (tree::live_folder(db, access, None).await?.id, name)
    } else {
        into_tree(db, access, &input).await?
    };
    let now = Utc::now();
    let row = upload::Model {
        id: UploadId::fresh(),
        matter_id,
        folder_id,
        document_id: input.document_id,
        name,
        length: input.length as i64,
        received: 0,
        parts: "[]".into(),
        hash_state: hasher_state(&Sha256::new()),
        created_by: access.user().id(),
        created_at: now,
        updated_at: now,
        version_id: None,
        for_attachment: input.attachment && input.request.is_none(),
        request_message_id: input.request.as_ref().map(|slot| slot.message().id),
        request_item: input.request.as_ref().map(|slot| slot.item() as i32),
    };
    if !input.attachment && input.request.is_none() {
        upload::Entity::insert(upload::ActiveModel::from(row.clone()))
            .exec_without_returning(db)
            .await?;
        return Ok(row);
    }
    // Files waiting to be sent, and files for a line of a request, count against the person's
    // quota: checked and taken in one transaction, one at a time per person, so parallel
    // uploads cannot all slip in.
    let txn = begin_write(db).await?;
    crate::db::lock_person(&txn, access.user().id()).await?;
    match &input.request {
        Some(slot) => {
            crate::conversations::requests::check_room(&txn, slot, access.user().id()).await?
        }
        None => {
            crate::conversations::attachments::check_staging_quota(
                &txn,
                access.user().id(),
                input.length,
            )
            .await?
        }
    }
    upload::Entity::insert(upload::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await?;
    Ok(row)
}

/// Where a new file (or new version) in the tree goes, and its name.
async fn into_tree(
    db: &DatabaseConnection,
    access: &MatterAccess,
    input: &NewUpload,
) -> Result<(FolderId, String), AppError> {
    let manage = access.clone().manage()?;
    super::server::writable(&manage)?;
    if input.length > MAX_FILE_SIZE {
        return Err(AppError::TooLarge(crate::text::this_file_is_a_file_can(
            &(human_size(input.length)),
        )));
    }
    Ok(match input.document_id {
        Some(document_id) => {
            let doc = tree::live_document(db, &manage, document_id).await?;
            (doc.folder_id, doc.name)
        }
        None => {
            let name = clean_name(&input.name)?;
            let folder = tree::live_folder(db, &manage, input.folder_id).await?;
            match tree::occupant(db, folder.id, &name_key(&name)).await? {
                Some(Place::Folder(_)) => {
                    return Err(AppError::Conflict(
                        crate::text::there_is_a_folder_named_here(&name),
                    ));
                }
                Some(Place::Document(_)) => {}
                None => full_check(db, folder.id).await?,
            }
            (folder.id, name)
        }
    })
}

/// Whether a file of `length` bytes may answer this line of a request now (before any byte
/// is sent): the matter is open and the file is no larger than the tree takes.
fn may_answer(slot: &RequestSlot, length: u64) -> Result<(), AppError> {
    crate::conversations::server::open(slot.matter().matter())?;
    if length > MAX_FILE_SIZE {
        return Err(AppError::TooLarge(crate::text::this_file_is_a_file_can(
            &(human_size(length)),
        )));
    }
    Ok(())
}

pub(super) async fn full_check(
    db: &impl ConnectionTrait,
    folder_id: FolderId,
) -> Result<(), AppError> {
    if tree::live_file_count(db, folder_id).await? >= MAX_FILES_PER_FOLDER as u64 {
        return Err(AppError::Conflict(format!(
            "This folder already holds {MAX_FILES_PER_FOLDER} files, the most a folder can hold. \
             Put the file in a subfolder."
        )));
    }
    Ok(())
}

/// The upload `id`, if `user` started it and it is not abandoned.
pub async fn find(
    db: &DatabaseConnection,
    user: &SignedInUser,
    id: &UploadId,
) -> Result<upload::Model, AppError> {
    upload::Entity::find_by_id(id.clone())
        .filter(upload::Column::CreatedBy.eq(user.id()))
        .filter(upload::Column::UpdatedAt.gt(Utc::now() - ABANDONED_AFTER))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(NO_SUCH_UPLOAD.into()))
}

/// When the upload will be deleted if nothing more arrives (tus `Upload-Expires`).
pub fn expires_at(upload: &upload::Model) -> chrono::DateTime<Utc> {
    upload.updated_at + ABANDONED_AFTER
}

/// What became of a request's bytes.
pub enum Appended {
    /// Stored; the upload is now at this offset (and complete if it equals the length).
    At {
        offset: u64,
        filed: Option<Filed>,
    },
    ChecksumMismatch,
}

/// Appends a request body at `offset` (which must be where the upload is). The last byte makes
/// the document version visible, in the same transaction that records it.
pub async fn append<S, E>(
    state: &AppState,
    user: &SignedInUser,
    upload: upload::Model,
    offset: u64,
    body: S,
    expected_sha256: Option<[u8; 32]>,
) -> Result<Appended, AppError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let received = upload.received as u64;
    let length = upload.length as u64;
    if offset != received {
        return Err(AppError::Conflict(crate::text::the_upload_is_at_byte_not(
            &received, &offset,
        )));
    }
    if upload.version_id.is_some() {
        return Ok(Appended::At {
            offset: received,
            filed: None,
        });
    }
    let mut hasher = hasher_from(&upload.hash_state)?;
    let part = match blobs::write_part(
        &state.storage,
        upload.id.as_str(),
        body,
        length - received,
        &mut hasher,
        expected_sha256,
    )
    .await?
    {
        Written::Complete(part) | Written::Cut(part) => part,
        Written::ChecksumMismatch => return Ok(Appended::ChecksumMismatch),
        Written::TooLong => {
            return Err(AppError::TooLarge(
                crate::text::more_bytes_arrived_than_the_files(&(human_size(length))),
            ));
        }
    };
    // An empty request moves nothing on; an empty file is finished by its (empty) first part.
    if part.size == 0 && length > 0 {
        let _ = blobs::remove(&state.storage, &part.key).await;
        return Ok(Appended::At {
            offset: received,
            filed: None,
        });
    }
    let mut parts = blobs::parts_from_json(&upload.parts)?;
    parts.push(part.clone());
    let now_at = received + part.size;
    // Asked again at the last byte; the answer is the capability the filing needs.
    let access = if now_at == length {
        match may_still_write(state, user, &upload).await {
            Ok(access) => Some(access),
            Err(refused) => {
                // Access changed while the bytes travelled: nothing of the upload is kept.
                cancel(state, upload).await?;
                return Err(refused);
            }
        }
    } else {
        None
    };
    // Two nodes finishing uploads of the same new name at once: the loser of the unique index
    // tries again and files its bytes as the next version.
    let mut outcome: Result<Option<Filed>, Retry> = Err(Retry::Unique);
    for _ in 0..3 {
        outcome = commit(
            state,
            access.as_ref(),
            &upload,
            &parts,
            &hasher,
            received,
            now_at,
        )
        .await;
        match &outcome {
            Err(Retry::Unique) => continue,
            _ => break,
        }
    }
    match outcome {
        Ok(filed) => {
            if filed.is_some() {
                let _ = blobs::remove_strays(&state.storage, upload.id.as_str(), &parts).await;
            }
            Ok(Appended::At {
                offset: now_at,
                filed,
            })
        }
        Err(e) => {
            let _ = blobs::remove(&state.storage, &part.key).await;
            Err(match e {
                Retry::Unique => {
                    AppError::Conflict(crate::text::SOMEONE_ELSE_SAVED_A_FILE_WITH.into())
                }
                Retry::Fail(e) => e,
            })
        }
    }
}

/// Whether `user` may still file this upload where it was going, asked again when its last
/// byte arrives: the matter may have closed, or the person left it, since it started.
async fn may_still_write(
    state: &AppState,
    user: &SignedInUser,
    upload: &upload::Model,
) -> Result<MatterAccess, AppError> {
    let stopped =
        |why: String| AppError::Conflict(crate::text::the_upload_was_stopped_and_nothing(&why));
    let actor = crate::policy::Actor::User(user.clone());
    if let (Some(message), Some(item)) = (upload.request_message_id, upload.request_item) {
        // For a line of a request: still theirs to answer, on an open matter.
        let slot = actor
            .request_slot(
                &state.db,
                message,
                usize::try_from(item).unwrap_or(usize::MAX),
            )
            .await
            .map_err(|e| match e {
                AppError::NotFound(why) | AppError::Forbidden(why) => stopped(why),
                other => other,
            })?;
        may_answer(&slot, upload.length as u64).map_err(|e| match e {
            AppError::Conflict(why) => stopped(why),
            other => other,
        })?;
        return Ok(slot.matter().clone());
    }
    let access = actor
        .matter(&state.db, upload.matter_id)
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => stopped(crate::text::YOU_ARE_NO_LONGER_ON_THIS.into()),
            other => other,
        })?;
    let allowed = if upload.for_attachment {
        crate::conversations::attachments::may_send(&access, upload.length as u64)
    } else {
        access
            .clone()
            .manage()
            .and_then(|manage| super::server::writable(&manage))
    };
    allowed.map_err(|e| match e {
        AppError::Conflict(why) | AppError::Forbidden(why) => stopped(why),
        other => other,
    })?;
    Ok(access)
}

/// Why filing failed: a unique index said another request won a race (try again), or a
/// sentence for the person.
pub(super) enum Retry {
    Unique,
    Fail(AppError),
}

impl From<AppError> for Retry {
    fn from(e: AppError) -> Self {
        Self::Fail(e)
    }
}

impl From<sea_orm::DbErr> for Retry {
    fn from(e: sea_orm::DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::Unique,
            _ => Self::Fail(e.into()),
        }
    }
}

/// Records the new part (and, when it was the last, the document version) in one transaction.
async fn commit(
    state: &AppState,
    access: Option<&MatterAccess>,
    upload: &upload::Model,
    parts: &[Part],
    hasher: &Sha256,
    from: u64,
    to: u64,
) -> Result<Option<Filed>, Retry> {
    let txn = begin_write(&state.db).await?;
    let now = Utc::now();
    let moved = upload::Entity::update_many()
        .col_expr(upload::Column::Received, Expr::value(to as i64))
        .col_expr(
            upload::Column::Parts,
            Expr::value(blobs::parts_to_json(parts)),
        )
        .col_expr(upload::Column::HashState, Expr::value(hasher_state(hasher)))
        .col_expr(upload::Column::UpdatedAt, Expr::value(now))
        .filter(upload::Column::Id.eq(upload.id.clone()))
        .filter(upload::Column::Received.eq(from as i64))
        .filter(upload::Column::VersionId.is_null())
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(
            AppError::Conflict(crate::text::ANOTHER_REQUEST_MOVED_THIS_UPLOAD_ON.into()).into(),
        );
    }
    let (true, Some(access)) = (to >= upload.length as u64, access) else {
        txn.commit().await?;
        return Ok(None);
    };
    let user = access.user();
    let sha256 = hex::encode(hasher.clone().finalize());
    let mut told = Vec::new();
    let filed = if upload.for_attachment {
        let id = crate::conversations::attachments::stage(&txn, user, upload, parts, sha256, now)
            .await?;
        filed_as(&txn, upload, id.0).await?;
        Filed::Attachment(id)
    } else {
        let filed = super::filing::finish(&txn, access, upload, parts, &sha256, now).await?;
        crate::conversations::requests::record(&txn, upload, &filed, &sha256, now).await?;
        told = crate::shares::notices::file_changed(&txn, &state.portal, access, filed.document)
            .await?;
        Filed::Document(filed.document)
    };
    crate::outbox::commit_and_send(txn).await?;
    // The request's conversation shows what answered it, on every open page at once.
    if let (Some(message), Filed::Document(_)) = (upload.request_message_id, &filed)
        && let Ok(Some(asking)) = crate::entities::message::Entity::find_by_id(message)
            .one(&state.db)
            .await
    {
        let change = crate::live::Change {
            matter: access.id(),
            conversation: asking.conversation_id,
            message: Some(message),
            read: None,
            left: None,
            files: true,
        };
        state.live.publish(&state.db, change).await;
    }
    // The pages of the conversations that share it look again (their cards count the change).
    for conversation in told {
        let change = crate::live::Change {
            matter: access.id(),
            conversation,
            message: None,
            read: None,
            left: None,
            files: false,
        };
        state.live.publish(&state.db, change).await;
    }
    Ok(Some(filed))
}

/// Marks the upload finished: it became `id` (a version or an attachment).
pub(super) async fn filed_as(
    txn: &impl ConnectionTrait,
    upload: &upload::Model,
    id: Uuid,
) -> Result<(), AppError> {
    upload::Entity::update_many()
        .col_expr(upload::Column::VersionId, Expr::value(Some(id)))
        .filter(upload::Column::Id.eq(upload.id.clone()))
        .exec(txn)
        .await?;
    Ok(())
}

/// Cancels an upload (tus termination): its bytes are deleted; a finished upload's file stays.
pub async fn cancel(state: &AppState, upload: upload::Model) -> Result<(), AppError> {
    let gone = upload::Entity::delete_many()
        .filter(upload::Column::Id.eq(upload.id.clone()))
        .filter(upload::Column::VersionId.is_null())
        .exec(&state.db)
        .await?;
    if gone.rows_affected == 1 {
        blobs::remove(&state.storage, &blobs::prefix(upload.id.as_str())).await?;
    } else {
        upload::Entity::delete_by_id(upload.id)
            .exec(&state.db)
            .await?;
    }
    Ok(())
}
