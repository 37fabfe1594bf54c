//! One-time links sent by email: invitations and password resets. The token is 256 random bits
//! in the link; only its SHA-256 is stored. Spending one is a single conditional update, so a link
//! works once however many requests race for it.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ids::UserId;
use crate::{
    AppError,
    entities::{
        account_link::{self, Purpose},
        user,
    },
};

pub const INVITATION_LIFETIME: Duration = Duration::days(7);
pub const PASSWORD_RESET_LIFETIME: Duration = Duration::hours(1);

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// A fresh link for `user`; earlier unused links of the same purpose stop working.
pub async fn issue(
    db: &impl ConnectionTrait,
    user: UserId,
    purpose: Purpose,
    created_by: Option<UserId>,
    lifetime: Duration,
) -> Result<String, AppError> {
    account_link::Entity::delete_many()
        .filter(account_link::Column::UserId.eq(user))
        .filter(account_link::Column::Purpose.eq(purpose))
        .filter(account_link::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let token = crate::secrets::random_token();
    let now = Utc::now();
    account_link::Entity::insert(account_link::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user),
        purpose: Set(purpose),
        token_hash: Set(hash(&token)),
        created_by: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + lifetime),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(token)
}

/// The person a usable (unused, unexpired) link is for.
pub async fn holder(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<Option<user::Model>, AppError> {
    let link = account_link::Entity::find()
        .filter(account_link::Column::TokenHash.eq(hash(token)))
        .filter(account_link::Column::Purpose.eq(purpose))
        .filter(account_link::Column::UsedAt.is_null())
        .filter(account_link::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?;
    let Some(link) = link else { return Ok(None) };
    Ok(user::Entity::find_by_id(link.user_id)
        .one(db)
        .await?
        .filter(|u| u.disabled_at.is_none()))
}

/// Spends the link; `true` only for the one request that did.
pub async fn spend(
    db: &impl ConnectionTrait,
    token: &str,
    purpose: Purpose,
) -> Result<bool, AppError> {
    let now = Utc::now();
    let spent = account_link::Entity::update_many()
        .col_expr(account_link::Column::UsedAt, Expr::value(now))
        .filter(account_link::Column::TokenHash.eq(hash(token)))
        .filter(account_link::Column::Purpose.eq(purpose))
        .filter(account_link::Column::UsedAt.is_null())
        .filter(account_link::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(spent.rows_affected == 1)
}

/// Every unused link of `user` stops working (their access was revoked).
pub async fn cancel_all(db: &impl ConnectionTrait, user: UserId) -> Result<(), AppError> {
    account_link::Entity::delete_many()
        .filter(account_link::Column::UserId.eq(user))
        .filter(account_link::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
