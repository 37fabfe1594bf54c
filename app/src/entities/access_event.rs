use sea_orm::entity::prelude::*;

use crate::ids::{AttachmentId, ConversationId, DocumentId, MatterId, ShareId, UserId};

/// One entry of a matter's access log (`activity`): never changed once written.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub matter_id: MatterId,
    pub seq: i64,
    pub occurred_at: DateTimeUtc,
    pub person_id: Option<UserId>,
    pub person_name: String,
    pub kind: String,
    pub item_name: String,
    pub document_id: Option<DocumentId>,
    pub version: Option<i32>,
    pub attachment_id: Option<AttachmentId>,
    pub share_id: Option<ShareId>,
    pub conversation_id: Option<ConversationId>,
    pub sha256: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
