//! Every attempt and send limit: failed sign-ins and codes, codes and links sent, invitations,
//! messages, anonymous requests per IP.
//!
//! A use is **taken before the check**, by one conditional update of the budget's counter
//! (`used = used + 1 WHERE used < max`): the database applies those one at a time, on SQLite and
//! on PostgreSQL, on one node or several, so however many requests race, exactly `max` of them get
//! a use and the rest are refused. A read followed by a write would let 50 parallel requests all
//! pass. A counter's window starts with its first use and lasts `window`.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use crate::{AppError, entities::limit_counter as counter};

/// At most `max` uses within `window`.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub max: u64,
    pub window: Duration,
}

impl Rule {
    pub const fn new(max: u64, window: Duration) -> Self {
        Self { max, window }
    }
}

/// A budget: uses of `key` in `scope`, and optionally of the client IP in the same scope.
#[derive(Debug, Clone)]
pub struct Budget<'a> {
    pub scope: &'static str,
    pub key: &'a str,
    pub rule: Rule,
    pub ip: Option<(IpAddr, Rule)>,
}

/// Which budget ran out, and when it has room again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted {
    pub by_ip: bool,
    pub wait: Duration,
}

impl Exhausted {
    /// "1 minute", "12 minutes": how long to wait, rounded up.
    pub fn wait_words(&self) -> String {
        let minutes = (self.wait.num_seconds() + 59) / 60;
        match std::cmp::Ord::max(minutes, 1) {
            1 => "1 minute".into(),
            n if n > 90 => format!("{} hours", (n + 59) / 60),
            n => format!("{n} minutes"),
        }
    }

    /// The usual 429: `what` ("Too many codes were sent") and how long to wait.
    pub fn refusal(&self, what: &str) -> AppError {
        let whose = if self.by_ip {
            crate::text::FROM_YOUR_NETWORK
        } else {
            ""
        };
        AppError::TooManyRequests(crate::text::wait_and_try_again(
            &what,
            &whose,
            &self.wait_words(),
        ))
    }
}

/// A use taken. Kept (dropped as it is, or `keep`), it counts: a failure, a send. `release` gives
/// it back and clears the key's count: the right password or code ends the run of failures.
#[must_use]
#[derive(Debug)]
pub struct Reservation {
    key: String,
    ip_key: Option<String>,
}

impl Reservation {
    pub async fn release(self, db: &DatabaseConnection) -> Result<(), AppError> {
        clear(db, &self.key).await?;
        if let Some(ip_key) = &self.ip_key {
            give_back(db, ip_key).await?;
        }
        Ok(())
    }

    pub fn keep(self) {}
}

fn ip_key(scope: &str, ip: IpAddr) -> String {
    format!("ip:{scope}:{ip}")
}

/// Takes one use of `budget`, or says which limit is reached.
pub async fn reserve(
    db: &DatabaseConnection,
    budget: Budget<'_>,
) -> Result<Result<Reservation, Exhausted>, AppError> {
    if let Err(wait) = take(db, budget.key, budget.rule).await? {
        return Ok(Err(Exhausted { by_ip: false, wait }));
    }
    let ip_key = match budget.ip {
        Some((ip, rule)) => {
            let key = ip_key(budget.scope, ip);
            if let Err(wait) = take(db, &key, rule).await? {
                // The address's use is given back: the request is refused as a whole.
                give_back(db, budget.key).await?;
                return Ok(Err(Exhausted { by_ip: true, wait }));
            }
            Some(key)
        }
        None => None,
    };
    Ok(Ok(Reservation {
        key: budget.key.to_string(),
        ip_key,
    }))
}

/// One use of `key`'s counter, or how long until its window ends. Each step is one statement
/// the database applies atomically; none reads a count to decide in Rust.
async fn take(
    db: &DatabaseConnection,
    key: &str,
    rule: Rule,
) -> Result<Result<(), Duration>, AppError> {
    let now = Utc::now();
    counter::Entity::insert(counter::ActiveModel {
        key: Set(key.to_string()),
        window_started_at: Set(now),
        used: Set(0),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    // A window that has ended starts again (conditional on its old start, so of two requests
    // racing here only one restarts it).
    counter::Entity::update_many()
        .col_expr(counter::Column::WindowStartedAt, Expr::value(now))
        .col_expr(counter::Column::Used, Expr::value(0))
        .filter(counter::Column::Key.eq(key))
        .filter(counter::Column::WindowStartedAt.lte(now - rule.window))
        .exec(db)
        .await?;
    let max = i32::try_from(rule.max).unwrap_or(i32::MAX);
    let taken = counter::Entity::update_many()
        .col_expr(
            counter::Column::Used,
            Expr::col(counter::Column::Used).add(1),
        )
        .filter(counter::Column::Key.eq(key))
        .filter(counter::Column::Used.lt(max))
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(Ok(()));
    }
    let started: Option<DateTime<Utc>> = counter::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|c| c.window_started_at);
    let wait =
        (started.unwrap_or(now) + rule.window - now).clamp(Duration::seconds(1), rule.window);
    Ok(Err(wait))
}

async fn give_back(db: &DatabaseConnection, key: &str) -> Result<(), AppError> {
    counter::Entity::update_many()
        .col_expr(
            counter::Column::Used,
            Expr::col(counter::Column::Used).sub(1),
        )
        .filter(counter::Column::Key.eq(key))
        .filter(counter::Column::Used.gt(0))
        .exec(db)
        .await?;
    Ok(())
}

/// Emails and text messages that anyone can cause to be sent (resets, sign-in links, codes)
/// from one IP address in an hour, whatever the addresses.
pub const SENDS_PER_IP: Rule = Rule::new(20, Duration::hours(1));

/// Takes one send of `key` (at most `per_hour` an hour, and `SENDS_PER_IP` from `ip`). A send
/// is never given back: the limit counts messages, not successes.
pub async fn reserve_send(
    db: &DatabaseConnection,
    key: &str,
    per_hour: u64,
    ip: Option<IpAddr>,
) -> Result<Result<(), Exhausted>, AppError> {
    let budget = Budget {
        scope: "send",
        key,
        rule: Rule::new(per_hour, Duration::hours(1)),
        ip: ip.map(|ip| (ip, SENDS_PER_IP)),
    };
    Ok(reserve(db, budget).await?.map(Reservation::keep))
}

/// Forgets every use of `key` (a success ends a run of failures; a password reset, an
/// address's lockout).
pub async fn clear(db: &DatabaseConnection, key: &str) -> Result<(), AppError> {
    counter::Entity::delete_by_id(key.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Counters whose window started over a day ago count for nothing; the periodic clean-up
/// drops them.
pub async fn forget_old(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(counter::Entity::delete_many()
        .filter(counter::Column::WindowStartedAt.lt(Utc::now() - Duration::days(1)))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_said_in_whole_minutes_or_hours() {
        let e = |secs| Exhausted {
            by_ip: false,
            wait: Duration::seconds(secs),
        };
        assert_eq!(e(1).wait_words(), "1 minute");
        assert_eq!(e(61).wait_words(), "2 minutes");
        assert_eq!(e(3600).wait_words(), "60 minutes");
        assert_eq!(e(2 * 3600).wait_words(), "2 hours");
    }
}
