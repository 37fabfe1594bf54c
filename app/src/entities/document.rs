use sea_orm::entity::prelude::*;

use crate::ids::{DocumentId, FolderId, MatterId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: DocumentId,
    pub matter_id: MatterId,
    pub folder_id: FolderId,
    pub name: String,
    pub name_key: String,
    pub version_count: i32,
    pub size: i64,
    pub content_type: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTimeUtc,
    pub updated_by: Option<UserId>,
    pub updated_at: DateTimeUtc,
    pub trashed_at: Option<DateTimeUtc>,
    pub trashed_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
