use sea_orm::entity::prelude::*;

use crate::ids::{MatterId, UserId};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "matters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: MatterId,
    pub number: String,
    #[sea_orm(unique)]
    pub number_key: String,
    pub name: String,
    pub description: String,
    pub status: Status,
    pub responsible_id: Option<UserId>,
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// A closed matter is deleted, with everything on it, after this moment.
    pub retain_until: Option<DateTimeUtc>,
    /// Set while a legal hold blocks every deletion on the matter.
    pub legal_hold_at: Option<DateTimeUtc>,
    pub legal_hold_by: Option<UserId>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    EnumIter,
    DeriveActiveEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Status {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "closed")]
    Closed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
