use sea_orm::entity::prelude::*;

use crate::ids::{MatterId, UserId};

pub use crate::matters::MatterRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matter_people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub matter_id: MatterId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: UserId,
    pub role: MatterRole,
    pub added_at: DateTimeUtc,
    pub added_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
