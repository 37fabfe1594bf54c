//! Forgotten passwords: a reset link by email (the same answer whether or not the address has
//! an account), and a new password from it, which ends every session of the account.

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    links,
    passwords::{NewAccount, hash_password, normalize_email},
    server::revoke_sessions,
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{account_link::Purpose, user},
    outbox::{self, Outgoing},
    state::Portal,
};

use super::invitations::LINK_REFUSED;

/// At most this many reset emails an hour for one account, however often it is asked for.
const RESETS_PER_HOUR: u64 = 3;

/// Emails a reset link if `email` belongs to an active account with a password. The caller
/// answers the same whatever happens here, and does not wait for it.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    portal: &crate::state::Portal,
    email: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let public_url = &portal.public_url;
    let Ok(email) = normalize_email(email) else {
        return Ok(());
    };
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .filter(user::Column::DisabledAt.is_null())
        .filter(user::Column::PasswordHash.is_not_null())
        .one(db)
        .await?;
    // Reserved before the address is looked up, so unknown addresses count alike.
    if crate::limits::reserve_send(db, &format!("reset:{email}"), RESETS_PER_HOUR, ip)
        .await?
        .is_err()
    {
        return Ok(());
    }
    let Some(found) = found else {
        return audit::record(db, Action::PasswordResetRequested, None, None, ip).await;
    };
    let txn = begin_write(db).await?;
    let token = links::issue(
        &txn,
        found.id,
        Purpose::PasswordReset,
        None,
        links::PASSWORD_RESET_LIFETIME,
    )
    .await?;
    let minutes = links::PASSWORD_RESET_LIFETIME.num_minutes();
    outbox::enqueue(
        &txn,
        Outgoing::Email {
            to: found.email.clone(),
            subject: crate::text::RESET_YOUR_PASSWORD.into(),
            body: format!(
                "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your \
                 portal account. Open this link to choose a new one:\n\n{public_url}/reset-password?token={token}\n\n\
                 The link works once and expires in {minutes} minutes. If you did not ask, \
                 ignore this email: your password stays as it is.\n",
                name = found.display_name,
            ),
        },
    )
    .await?;
    audit::record(
        &txn,
        Action::PasswordResetRequested,
        Some(found.id),
        None,
        ip,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(())
}

/// Sets a new password from a reset link; every session of the account ends.
pub async fn reset_password(
    db: &DatabaseConnection,
    portal: &Portal,
    token: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let Some(holder) = links::holder(db, token, Purpose::PasswordReset).await? else {
        return Err(AppError::bad_request(LINK_REFUSED));
    };
    let account = NewAccount::parse(&holder.display_name, &holder.email, password)?;
    let hash = hash_password(account.password_owned()).await?;
    let txn = begin_write(db).await?;
    if !links::spend(&txn, token, Purpose::PasswordReset).await? {
        drop(txn);
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(holder.id))
        .exec(&txn)
        .await?;
    revoke_sessions(&txn, holder.id, None).await?;
    audit::record(&txn, Action::PasswordReset, Some(holder.id), None, ip).await?;
    super::notices::send(
        &txn,
        portal,
        super::notices::To::account(&holder),
        super::notices::Notice::PasswordReset,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    super::throttle::clear(db, &holder.email).await?;
    Ok(())
}
