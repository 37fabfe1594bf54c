use sea_orm::entity::prelude::*;

use crate::ids::{DocumentId, MessageId, UserId, VersionId};

/// A file a contact uploaded into a slot of a file request: the version it became in the
/// matter's tree, and what it was, kept with the slot it answered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requested_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The message that asked.
    pub message_id: MessageId,
    /// Which of its lines, from 0.
    pub item: i32,
    pub document_id: DocumentId,
    pub version_id: VersionId,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    /// `None`: that account is gone.
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
