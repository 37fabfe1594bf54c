use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "folders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub matter_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub name_key: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub trashed_at: Option<DateTimeUtc>,
    pub trashed_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
