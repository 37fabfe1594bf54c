use sea_orm::entity::prelude::*;

use crate::ids::MatterId;

/// A matter's latest access-log entry: its number and hash.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_heads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub matter_id: MatterId,
    pub seq: i64,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
