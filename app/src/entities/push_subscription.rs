use sea_orm::entity::prelude::*;

use crate::ids::UserId;

/// A browser or installed app that opted in to Web Push: where to send (`endpoint`, the push
/// service's) and the keys its messages are encrypted to (RFC 8291), base64url as it gave them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "push_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: UserId,
    #[sea_orm(unique)]
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub created_at: DateTimeUtc,
    /// The session that subscribed (`accounts::push::session_ref`): signing it out stops this
    /// device. None for a subscription older than the column.
    pub session_ref: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
