use sea_orm::entity::prelude::*;

use crate::ids::{DocumentId, UserId, VersionId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: VersionId,
    pub document_id: DocumentId,
    pub number: i32,
    pub blob: String,
    /// JSON: the parts' keys and sizes, in order.
    pub parts: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
