//! Filing a completed upload into the tree: a new document, or the next version of the
//! document of the same name in its folder (a file request's upload always a document of its
//! own, under the first free name). `uploads` calls it inside the transaction that records the
//! last bytes, so a version is visible exactly when all of its bytes are durable.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, prelude::Expr,
};

use super::{
    blobs::{self, Part},
    names::name_key,
    tree::{self, Place},
    uploads::{Retry, filed_as, full_check},
};
use crate::ids::{DocumentId, VersionId};
use crate::{
    AppError,
    audit::{self, Action},
    entities::{document, document_version, upload},
    policy::MatterAccess,
};

/// Where a completed upload was filed in the tree.
pub struct Version {
    pub document: DocumentId,
    pub version: VersionId,
    /// The document's name (a request's upload may have had to take a numbered one).
    pub name: String,
}

/// Files the completed upload as a new document, or as the next version of the document of the
/// same name in its folder.
pub(super) async fn finish(
    txn: &impl ConnectionTrait,
    access: &MatterAccess,
    upload: &upload::Model,
    parts: &[Part],
    sha256: &str,
    now: chrono::DateTime<Utc>,
) -> Result<Version, Retry> {
    let user = access.user();
    let gone = || AppError::Conflict(crate::text::THE_FOLDER_OR_FILE_THIS_UPLOAD.into());
    let content_type = content_type_of(&upload.name);
    let mut name = upload.name.clone();
    let existing = match upload.document_id {
        Some(id) => Some(
            tree::live_document(txn, access, id)
                .await
                .map_err(|_| gone())?,
        ),
        None => {
            tree::live_folder(txn, access, Some(upload.folder_id))
                .await
                .map_err(|_| gone())?;
            // A file that answers a request is a file of its own, never the next version of
            // another: phones call every photo "image.jpg".
            if upload.request_message_id.is_some() {
                name = tree::free_name(txn, upload.folder_id, &upload.name).await?;
            }
            match tree::occupant(txn, upload.folder_id, &name_key(&name)).await? {
                Some(Place::Document(doc)) => Some(doc),
                Some(Place::Folder(_)) => {
                    return Err(AppError::Conflict(
                        crate::text::a_folder_named_was_created_meanwhile(&name),
                    )
                    .into());
                }
                None => None,
            }
        }
    };
    let doc = match existing {
        Some(doc) => doc,
        None => {
            full_check(txn, upload.folder_id).await?;
            let doc = document::Model {
                id: DocumentId::fresh(),
                matter_id: access.id(),
                folder_id: upload.folder_id,
                name: name.clone(),
                name_key: name_key(&name),
                version_count: 0,
                size: 0,
                content_type: content_type.clone(),
                created_by: Some(user.id()),
                created_at: now,
                updated_by: Some(user.id()),
                updated_at: now,
                trashed_at: None,
                trashed_by: None,
            };
            document::Entity::insert(document::ActiveModel::from(doc.clone()))
                .exec_without_returning(txn)
                .await?;
            doc
        }
    };
    let version_id = VersionId::fresh();
    let number = doc.version_count + 1;
    document_version::Entity::insert(document_version::ActiveModel {
        id: Set(version_id),
        document_id: Set(doc.id),
        number: Set(number),
        blob: Set(upload.id.0.clone()),
        parts: Set(blobs::parts_to_json(parts)),
        size: Set(upload.length),
        sha256: Set(sha256.to_string()),
        content_type: Set(content_type.clone()),
        uploaded_by: Set(Some(user.id())),
        uploaded_at: Set(now),
    })
    .exec_without_returning(txn)
    .await?;
    document::Entity::update_many()
        .col_expr(document::Column::VersionCount, Expr::value(number))
        .col_expr(document::Column::Size, Expr::value(upload.length))
        .col_expr(document::Column::ContentType, Expr::value(content_type))
        .col_expr(document::Column::UpdatedBy, Expr::value(Some(user.id())))
        .col_expr(document::Column::UpdatedAt, Expr::value(now))
        .filter(document::Column::Id.eq(doc.id))
        .exec(txn)
        .await?;
    filed_as(txn, upload, version_id.0).await?;
    audit::record(
        txn,
        Action::FileUploaded,
        Some(user.id()),
        Some(format!(
            "document {} version {number} ({} bytes, sha256 {sha256})",
            doc.id, upload.length
        )),
        None,
    )
    .await?;
    Ok(Version {
        document: doc.id,
        version: version_id,
        name: doc.name,
    })
}

/// The type a file's name says it is (the tree and attachments agree on it).
pub fn content_type_of(name: &str) -> String {
    mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}
