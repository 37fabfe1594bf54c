use sea_orm::entity::prelude::*;

use crate::ids::{ConversationId, MessageId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub author_id: Option<UserId>,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub sent_as_sms: bool,
    pub created_at: DateTimeUtc,
    /// Its text was changed by its author (within the firm's window).
    pub edited_at: Option<DateTimeUtc>,
    /// Deleted by its author: its text is gone, only that it was there stays.
    pub deleted_at: Option<DateTimeUtc>,
    /// The files it asks for, one line a slot (JSON: a list of strings); `None`: it asks for
    /// none (`conversations::requests`).
    #[sea_orm(column_type = "Text", nullable)]
    pub requested: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
