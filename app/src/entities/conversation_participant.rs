use sea_orm::entity::prelude::*;

use crate::ids::{ConversationId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_participants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub conversation_id: ConversationId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub added_at: DateTimeUtc,
    pub last_read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
