use sea_orm::entity::prelude::*;

use crate::ids::{ConversationId, MatterId, UserId};

pub use crate::conversations::ConversationKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: ConversationId,
    pub matter_id: MatterId,
    pub kind: ConversationKind,
    pub subject: String,
    pub requires_second_factor: bool,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub last_message_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
