use sea_orm::entity::prelude::*;

use crate::ids::UserId;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "firm_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub idle_timeout_minutes: i32,
    pub session_lifetime_hours: i32,
    pub step_up_window_hours: i32,
    pub staff_two_step_required: bool,
    pub sms_enabled: bool,
    pub client_sign_in_by_link: bool,
    pub trash_retention_days: i32,
    pub guide_welcome: String,
    pub guide_contact: String,
    pub firm_name: String,
    pub accent_colour: String,
    pub mobile_country: String,
    pub message_edit_minutes: i32,
    pub protected_email_required: bool,
    pub updated_at: Option<DateTimeUtc>,
    pub updated_by: Option<UserId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
