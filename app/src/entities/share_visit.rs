use sea_orm::entity::prelude::*;

use crate::ids::{ShareId, UserId};

/// When a recipient last opened a share, and the look before (`shares::changes`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_id: ShareId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub last_at: DateTimeUtc,
    pub previous_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
