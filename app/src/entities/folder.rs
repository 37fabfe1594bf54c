use sea_orm::entity::prelude::*;

use crate::ids::{FolderId, MatterId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "folders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: FolderId,
    pub matter_id: MatterId,
    pub parent_id: Option<FolderId>,
    pub name: String,
    pub name_key: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub trashed_at: Option<DateTimeUtc>,
    pub trashed_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
