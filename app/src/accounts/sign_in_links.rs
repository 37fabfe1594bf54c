//! Signing in without a password: a client of a firm that allows it asks for a link by email and
//! follows it. The link is one of the one-time account links; a second factor still applies.

use chrono::Duration;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{links, passwords::normalize_email};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        account_link::Purpose,
        user::{self, Role},
    },
    outbox::{self, Outgoing},
};

pub const SIGN_IN_LINK_LIFETIME: Duration = Duration::minutes(15);
const LINKS_PER_HOUR: u64 = 5;
const LINK_REFUSED: &str = crate::text::THIS_SIGN_IN_LINK_IS_NOT;

/// Emails a sign-in link if the firm allows them and `email` is an active client who has joined.
/// The caller answers the same whatever happens here, and does not wait for it.
pub async fn request(
    db: &DatabaseConnection,
    portal: &crate::state::Portal,
    email: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let public_url = &portal.public_url;
    let found = match normalize_email(email) {
        Ok(email)
            if crate::settings::server::load(db)
                .await?
                .client_sign_in_by_link =>
        {
            user::Entity::find()
                .filter(user::Column::Email.eq(&email))
                .filter(user::Column::Role.eq(Role::Client))
                .filter(user::Column::DisabledAt.is_null())
                .filter(user::Column::JoinedAt.is_not_null())
                .one(db)
                .await?
        }
        _ => None,
    };
    // Reserved before the address is looked up, so unknown addresses count alike.
    let key = format!("sign-in-link:{}", super::throttle::key(email));
    if crate::limits::reserve_send(db, &key, LINKS_PER_HOUR, ip)
        .await?
        .is_err()
    {
        return Ok(());
    }
    let Some(found) = found else {
        return audit::record(db, Action::SignInLinkRequested, None, None, ip).await;
    };
    let txn = begin_write(db).await?;
    let token = links::issue(&txn, found.id, Purpose::SignIn, None, SIGN_IN_LINK_LIFETIME).await?;
    outbox::enqueue(
        &txn,
        Outgoing::Email {
            to: found.email.clone(),
            subject: crate::text::YOUR_SIGN_IN_LINK.into(),
            body: format!(
                "Hello {name},\n\nOpen this link to sign in to your portal:\n\n\
                 {public_url}/sign-in/link?token={token}\n\n\
                 The link works once and expires in {minutes} minutes. If you did not ask for \
                 it, ignore this email.\n",
                name = found.display_name,
                minutes = SIGN_IN_LINK_LIFETIME.num_minutes(),
            ),
        },
    )
    .await?;
    audit::record(&txn, Action::SignInLinkRequested, Some(found.id), None, ip).await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(())
}

/// Spends a sign-in link; the caller starts the session (or asks for the second factor).
pub async fn spend(
    db: &DatabaseConnection,
    token: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<user::Model, AppError> {
    let holder = links::holder(db, token, Purpose::SignIn).await?;
    let spent = match &holder {
        Some(_) => {
            let txn = begin_write(db).await?;
            let spent = links::spend(&txn, token, Purpose::SignIn).await?;
            txn.commit().await?;
            spent
        }
        None => false,
    };
    match holder {
        Some(user) if spent => {
            audit::record(db, Action::SignIn, Some(user.id), Some("link".into()), ip).await?;
            Ok(user)
        }
        _ => {
            audit::record(db, Action::SignInRefused, None, Some("link".into()), ip).await?;
            Err(AppError::bad_request(LINK_REFUSED))
        }
    }
}
