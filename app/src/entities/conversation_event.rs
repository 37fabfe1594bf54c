use sea_orm::entity::prelude::*;

use crate::ids::{ConversationId, UserId};

/// Someone joined or left a conversation: shown among its messages.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: ConversationId,
    pub kind: Kind,
    /// Who joined or left.
    pub user_id: UserId,
    /// Who added or removed them (`None`: they joined by writing, or that account is gone).
    pub by_id: Option<UserId>,
    pub at: DateTimeUtc,
}

pub use crate::conversations::MembershipChange as Kind;

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
