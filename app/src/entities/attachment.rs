use sea_orm::entity::prelude::*;

use crate::ids::{AttachmentId, ConversationId, DocumentId, MatterId, MessageId, UserId};

/// A file sent with a message: a copy, not a link. Staged (no conversation or message yet)
/// between its upload and the message that sends it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: AttachmentId,
    pub matter_id: MatterId,
    pub conversation_id: Option<ConversationId>,
    pub message_id: Option<MessageId>,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    /// The blob its bytes are in: its own upload's, or the sent document version's (versions
    /// never change, so sharing their bytes is a copy).
    pub blob: String,
    /// JSON: the parts' keys and sizes, in order.
    pub parts: String,
    /// Sent from the matter's files: the document it is a copy of.
    pub source_document_id: Option<DocumentId>,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
