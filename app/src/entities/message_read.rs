use sea_orm::entity::prelude::*;

use crate::ids::{MessageId, UserId};

/// When a person first had a message on screen (a read receipt).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_reads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: MessageId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub read_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
