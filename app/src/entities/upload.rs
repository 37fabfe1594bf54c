use crate::ids::{DocumentId, FolderId, MatterId, MessageId, UploadId, UserId};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UploadId,
    pub matter_id: MatterId,
    pub folder_id: FolderId,
    pub document_id: Option<DocumentId>,
    pub name: String,
    pub length: i64,
    pub received: i64,
    /// JSON: the parts' keys and sizes, in order.
    pub parts: String,
    pub hash_state: Vec<u8>,
    pub created_by: UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// What the finished upload became: a document version, or a staged attachment (so no
    /// single id type).
    pub version_id: Option<Uuid>,
    /// For a message (an attachment), not for the file tree.
    pub for_attachment: bool,
    /// For a slot of a file request: the message that asks, and which of its lines
    /// (`conversations::requests`); the file goes into the uploader's folder of the tree.
    pub request_message_id: Option<MessageId>,
    pub request_item: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
