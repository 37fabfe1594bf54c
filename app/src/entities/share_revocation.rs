use sea_orm::entity::prelude::*;

use crate::ids::{ShareId, UserId};

/// Access to a share removed for one of its recipients (the others keep it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "share_revocations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub share_id: ShareId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub revoked_at: DateTimeUtc,
    pub revoked_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
