use sea_orm::entity::prelude::*;

use crate::ids::UserId;

/// The firm's logo (one row, id 1): see `crate::settings::logo`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "firm_logos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    /// Hexadecimal SHA-256 of `data`: its version in the logo's address.
    pub sha256: String,
    pub data: Vec<u8>,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
