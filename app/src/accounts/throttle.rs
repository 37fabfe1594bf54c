//! Slows password guessing: too many recent failures for one email address, or from one IP,
//! and sign-in is refused before any password is checked. Unknown addresses are throttled
//! exactly like known ones, so the lockout says nothing about who has an account.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::{AppError, entities::sign_in_failure as failure};

/// Failures counted within this window…
pub const WINDOW: Duration = Duration::minutes(15);
/// …for one email address before it is locked until the oldest of them leaves the window.
pub const MAX_PER_EMAIL: u64 = 5;
/// …from one IP address, across all email addresses.
pub const MAX_PER_IP: u64 = 20;

/// The email key: what was typed, trimmed and lower-cased (valid or not).
pub fn key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(320).collect()
}

/// Refuses with 429 and a sentence while the address or the IP is locked.
pub async fn check(
    db: &DatabaseConnection,
    email: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    check_key(db, &key(email), ip, |whose, wait| {
        format!("Too many failed sign-ins for {whose}. Wait {wait} and try again, or reset your password.")
    })
    .await
}

/// The failure key of second-factor codes (authenticator and recovery codes) for one account.
pub fn code_key(user: Uuid) -> String {
    format!("code:{user}")
}

/// Like `check`, for second-factor codes: a password alone must not buy unlimited guesses.
pub async fn check_codes(
    db: &DatabaseConnection,
    user: Uuid,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    check_key(db, &code_key(user), ip, |whose, wait| {
        let whose = if whose == EMAIL {
            "this account"
        } else {
            whose
        };
        format!("Too many wrong codes for {whose}. Wait {wait} and try again.")
    })
    .await
}

const EMAIL: &str = "this email address";

async fn check_key(
    db: &DatabaseConnection,
    key: &str,
    ip: Option<IpAddr>,
    sentence: impl Fn(&str, &str) -> String,
) -> Result<(), AppError> {
    let since = Utc::now() - WINDOW;
    let recent = || failure::Entity::find().filter(failure::Column::OccurredAt.gt(since));
    let by_key = recent().filter(failure::Column::Email.eq(key));
    if by_key.clone().count(db).await? >= MAX_PER_EMAIL {
        let oldest = by_key
            .order_by_asc(failure::Column::OccurredAt)
            .one(db)
            .await?;
        return Err(locked(&sentence, EMAIL, oldest.map(|f| f.occurred_at)));
    }
    if let Some(ip) = ip {
        let by_ip = recent().filter(failure::Column::Ip.eq(ip.to_string()));
        if by_ip.clone().count(db).await? >= MAX_PER_IP {
            let oldest = by_ip
                .order_by_asc(failure::Column::OccurredAt)
                .one(db)
                .await?;
            return Err(locked(
                &sentence,
                "your network",
                oldest.map(|f| f.occurred_at),
            ));
        }
    }
    Ok(())
}

fn locked(
    sentence: &impl Fn(&str, &str) -> String,
    whose: &str,
    oldest: Option<chrono::DateTime<Utc>>,
) -> AppError {
    let wait = oldest
        .map(|t| (t + WINDOW - Utc::now()).num_minutes() + 1)
        .unwrap_or(WINDOW.num_minutes())
        .clamp(1, WINDOW.num_minutes());
    let unit = if wait == 1 { "minute" } else { "minutes" };
    AppError::TooManyRequests(sentence(whose, &format!("{wait} {unit}")))
}

pub async fn record_failure(
    db: &DatabaseConnection,
    email: &str,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let now = Utc::now();
    failure::Entity::insert(failure::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(key(email)),
        ip: Set(ip.map(|ip| ip.to_string())),
        occurred_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    // Rows older than a day count for nothing; keep the table small as we go.
    failure::Entity::delete_many()
        .filter(failure::Column::OccurredAt.lt(now - Duration::days(1)))
        .exec(db)
        .await?;
    Ok(())
}

/// A success clears the count of its key (an email address or `code_key`), not the IP's.
pub async fn clear(db: &DatabaseConnection, email: &str) -> Result<(), AppError> {
    failure::Entity::delete_many()
        .filter(failure::Column::Email.eq(key(email)))
        .exec(db)
        .await?;
    Ok(())
}
