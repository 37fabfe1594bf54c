use sea_orm::entity::prelude::*;

use crate::ids::{ConversationId, MatterId, MessageId, ShareId, UserId};

use crate::files::ItemKind;

/// A file or folder of the matter's tree shared in a message: a live link to the item as it is
/// now, until the firm revokes it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ShareId,
    pub matter_id: MatterId,
    pub conversation_id: ConversationId,
    pub message_id: MessageId,
    pub kind: ItemKind,
    pub item_id: Uuid,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_by: Option<UserId>,
    /// From then on it opens nothing, exactly as if revoked.
    pub expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// What is shared: a file or a folder of the tree.
    pub fn item(&self) -> crate::ids::Item {
        crate::ids::Item::new(self.kind, self.item_id)
    }

    /// Past its end date.
    pub fn expired(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}
