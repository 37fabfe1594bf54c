//! Slows guessing: passwords per email address and second-factor codes per account, and both per
//! IP. Each attempt is reserved before it is checked (`crate::limits`), so parallel guesses get
//! no more real checks than the limit. Unknown addresses are throttled exactly like known ones,
//! so the lockout says nothing about who has an account.

use std::net::IpAddr;

use chrono::Duration;
use sea_orm::DatabaseConnection;

use crate::ids::UserId;
use crate::{
    AppError,
    limits::{self, Budget, Reservation, Rule},
};

/// Failures counted within this window…
pub const WINDOW: Duration = Duration::minutes(15);
/// …for one email address (or one account's codes) before it is locked until the oldest of
/// them leaves the window.
pub const MAX_PER_EMAIL: u64 = 5;
/// …from one IP address, across all email addresses and accounts.
pub const MAX_PER_IP: u64 = 20;

const SCOPE: &str = "auth";

/// The email key: what was typed, trimmed and lower-cased (valid or not).
pub fn key(email: &str) -> String {
    email.trim().to_lowercase().chars().take(320).collect()
}

/// The budget of password attempts for what was typed as an address.
pub fn sign_in_key(email: &str) -> String {
    format!("sign-in:{}", key(email))
}

/// The key of second-factor codes (authenticator, recovery and emailed codes) for one account.
pub fn code_key(user: UserId) -> String {
    format!("code:{user}")
}

fn budget(key: &str, ip: Option<IpAddr>) -> Budget<'_> {
    Budget {
        scope: SCOPE,
        key,
        rule: Rule::new(MAX_PER_EMAIL, WINDOW),
        ip: ip.map(|ip| (ip, Rule::new(MAX_PER_IP, WINDOW))),
    }
}

/// Reserves one password attempt for `email`, or refuses with 429 while the address or the IP
/// is locked. Release the reservation when the password was right.
pub async fn attempt_sign_in(
    db: &DatabaseConnection,
    email: &str,
    ip: Option<IpAddr>,
) -> Result<Reservation, AppError> {
    let key = sign_in_key(email);
    limits::reserve(db, budget(&key, ip)).await?.map_err(|e| {
        let whose = if e.by_ip {
            crate::text::YOUR_NETWORK
        } else {
            crate::text::THIS_EMAIL_ADDRESS
        };
        AppError::TooManyRequests(crate::text::too_many_failed_sign_ins_for(
            &whose,
            &e.wait_words(),
        ))
    })
}

/// Like `attempt_sign_in`, for a second-factor code: a password alone must not buy unlimited
/// guesses.
pub async fn attempt_code(
    db: &DatabaseConnection,
    user: UserId,
    ip: Option<IpAddr>,
) -> Result<Reservation, AppError> {
    let key = code_key(user);
    limits::reserve(db, budget(&key, ip)).await?.map_err(|e| {
        let whose = if e.by_ip {
            crate::text::YOUR_NETWORK
        } else {
            crate::text::THIS_ACCOUNT
        };
        AppError::TooManyRequests(crate::text::too_many_wrong_codes_for_wait(
            &whose,
            &e.wait_words(),
        ))
    })
}

/// Forgets an address's failures (a password reset proves the person holds the inbox).
pub async fn clear(db: &DatabaseConnection, email: &str) -> Result<(), AppError> {
    limits::clear(db, &sign_in_key(email)).await
}
