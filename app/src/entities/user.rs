use sea_orm::entity::prelude::*;

use crate::ids::UserId;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: UserId,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub disabled_at: Option<DateTimeUtc>,
    /// Sessions signed in before this moment are no longer valid.
    pub sessions_revoked_at: Option<DateTimeUtc>,
    /// A contact's mobile number in international form (`+441632960961`), for SMS.
    pub mobile: Option<String>,
    /// When they accepted their invitation (or set up the portal).
    pub joined_at: Option<DateTimeUtc>,
    /// New messages reach them by email, by text (when the writer sends one), by push.
    pub notify_email: bool,
    pub notify_sms: bool,
    pub notify_push: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    #[sea_orm(string_value = "admin")]
    Admin,
    #[sea_orm(string_value = "staff")]
    Staff,
    #[sea_orm(string_value = "client")]
    Client,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
