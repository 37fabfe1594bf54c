//! Six-digit codes sent by email or text message: the second factor of people without an
//! authenticator app. A code works once, for ten minutes, and dies after five wrong tries; a new
//! code replaces the last one.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ids::UserId;
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        one_time_code::{self, Channel},
        user,
    },
    outbox::{self, Outgoing},
    state::Portal,
};

pub const CODE_LIFETIME: Duration = Duration::minutes(10);
pub const ATTEMPTS_PER_CODE: i32 = 5;
const CODES_PER_HOUR: u64 = 5;

pub const WRONG_CODE: &str = crate::text::THAT_CODE_IS_NOT_RIGHT_CHECK;
const USED_UP: &str = crate::text::THAT_CODE_IS_NOT_RIGHT_AND;
const NO_CODE: &str = crate::text::THAT_CODE_HAS_EXPIRED_OR_WAS;

/// What is stored of a code: never the code itself.
pub fn hash(user: UserId, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{user}:{code}").as_bytes()))
}

/// Sends `user` a fresh code by `channel`; returns where it went, masked, for the page to say.
/// `send` for a signed-in person, by id.
pub async fn send_to(
    state: &crate::state::AppState,
    user: crate::ids::UserId,
    channel: Channel,
    ip: Option<std::net::IpAddr>,
) -> Result<String, AppError> {
    let model = user::Entity::find_by_id(user)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    send(&state.db, &state.portal, &model, channel, ip).await
}

/// A code is never pushed: a notification shows on a locked screen.
fn no_push() -> AppError {
    AppError::bad_request(crate::text::CODES_GO_BY_EMAIL_OR_TEXT)
}

pub async fn send(
    db: &DatabaseConnection,
    portal: &Portal,
    user: &user::Model,
    channel: Channel,
    ip: Option<std::net::IpAddr>,
) -> Result<String, AppError> {
    if super::second_factor::is_enrolled(db, user.id).await? {
        return Err(AppError::bad_request(
            crate::text::YOUR_ACCOUNT_USES_AN_AUTHENTICATOR_APP,
        ));
    }
    let to = match channel {
        Channel::Email if portal.channels.email => user.email.clone(),
        Channel::Email => {
            return Err(AppError::Unavailable(
                crate::text::THIS_PORTAL_CANNOT_SEND_EMAIL_YET.into(),
            ));
        }
        Channel::Sms => {
            let Some(mobile) = user.mobile.clone() else {
                return Err(AppError::bad_request(
                    crate::text::THERE_IS_NO_MOBILE_NUMBER_ON,
                ));
            };
            if !portal.channels.sms || !crate::settings::server::load(db).await?.sms_enabled {
                return Err(AppError::bad_request(
                    crate::text::CODES_CANNOT_BE_SENT_BY_TEXT,
                ));
            }
            mobile
        }
        Channel::Push => return Err(no_push()),
    };
    if let Err(e) =
        crate::limits::reserve_send(db, &format!("code:{}", user.id), CODES_PER_HOUR, ip).await?
    {
        return Err(e.refusal(crate::text::SEVERAL_CODES_WERE_SENT_IN_THE));
    }
    let code = {
        use rand::Rng;
        format!("{:06}", rand::rng().random_range(0..1_000_000u32))
    };
    let now = Utc::now();
    let txn = begin_write(db).await?;
    one_time_code::Entity::delete_many()
        .filter(one_time_code::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    one_time_code::Entity::insert(one_time_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        channel: Set(channel),
        code_hash: Set(hash(user.id, &code)),
        attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(now + CODE_LIFETIME),
        used_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await?;
    let minutes = CODE_LIFETIME.num_minutes();
    let message = match channel {
        Channel::Email => Outgoing::Email {
            to: to.clone(),
            // Not in the subject: subjects are kept after sending, bodies are not.
            subject: crate::text::YOUR_VERIFICATION_CODE.into(),
            body: crate::text::hello_your_verification_code_is_it(
                &user.display_name,
                &code,
                &minutes,
            ),
        },
        Channel::Sms => Outgoing::Sms {
            to: to.clone(),
            body: crate::text::your_verification_code_is_it_expires(&code, &minutes),
        },
        Channel::Push => return Err(no_push()),
    };
    outbox::enqueue(&txn, message).await?;
    let detail = match channel {
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Push => return Err(no_push()),
    };
    audit::record(
        &txn,
        Action::CodeSent,
        Some(user.id),
        Some(detail.into()),
        ip,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(mask(&to))
}

/// `ada@example.com` → `a…@example.com`; `+447700900123` → `…0123`.
fn mask(to: &str) -> String {
    match to.split_once('@') {
        Some((local, domain)) => {
            format!("{}…@{domain}", local.chars().next().unwrap_or('?'))
        }
        None => {
            let tail: String = to
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("…{tail}")
        }
    }
}

/// Spends `user`'s live code if `code` is it; a wrong code uses up one of its attempts. The
/// attempt is taken (one conditional update) before the code is compared, so parallel guesses
/// get no more comparisons than the code has attempts.
pub async fn verify(db: &impl ConnectionTrait, user: UserId, code: &str) -> Result<(), AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = Utc::now();
    let live = one_time_code::Entity::find()
        .filter(one_time_code::Column::UserId.eq(user))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::ExpiresAt.gt(now))
        .order_by_desc(one_time_code::Column::CreatedAt)
        .one(db)
        .await?;
    let Some(live) = live else {
        return Err(AppError::Forbidden(NO_CODE.into()));
    };
    let taken = one_time_code::Entity::update_many()
        .col_expr(
            one_time_code::Column::Attempts,
            Expr::col(one_time_code::Column::Attempts).add(1),
        )
        .filter(one_time_code::Column::Id.eq(live.id))
        .filter(one_time_code::Column::UsedAt.is_null())
        .filter(one_time_code::Column::Attempts.lt(ATTEMPTS_PER_CODE))
        .exec(db)
        .await?;
    if taken.rows_affected != 1 {
        return Err(AppError::Forbidden(USED_UP.into()));
    }
    if live.code_hash == hash(user, &code) {
        // Conditional, so two requests racing with the same code cannot both pass.
        let spent = one_time_code::Entity::update_many()
            .col_expr(one_time_code::Column::UsedAt, Expr::value(now))
            .filter(one_time_code::Column::Id.eq(live.id))
            .filter(one_time_code::Column::UsedAt.is_null())
            .exec(db)
            .await?;
        if spent.rows_affected == 1 {
            return Ok(());
        }
        return Err(AppError::Forbidden(NO_CODE.into()));
    }
    Err(AppError::Forbidden(
        if live.attempts + 1 >= ATTEMPTS_PER_CODE {
            USED_UP
        } else {
            WRONG_CODE
        }
        .into(),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn destinations_are_masked() {
        assert_eq!(super::mask("ada@example.com"), "a…@example.com");
        assert_eq!(super::mask("+447700900123"), "…0123");
    }
}
