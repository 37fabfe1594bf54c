//! Accepting an invitation: who it is for, whether they choose a password, and spending the
//! link. Sending one is the directory's (`crate::people`).

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    links,
    passwords::{NewAccount, hash_password},
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        account_link::Purpose,
        user::{self, Role},
    },
};

/// The one answer to a link that cannot be used, whatever the reason.
pub(super) const LINK_REFUSED: &str = crate::text::THIS_LINK_IS_NOT_VALID_ANY;

/// Who an invitation link is for, so the page can greet them.
pub async fn invitation_holder(
    db: &DatabaseConnection,
    token: &str,
) -> Result<user::Model, AppError> {
    match links::holder(db, token, Purpose::Invitation).await? {
        Some(u) if u.joined_at.is_none() => Ok(u),
        _ => Err(AppError::bad_request(LINK_REFUSED)),
    }
}

/// Whether the holder of this invitation chooses a password: everyone does, except clients of a
/// firm whose clients sign in by emailed link.
pub async fn invitation_needs_password(
    db: &DatabaseConnection,
    invited: &user::Model,
) -> Result<bool, AppError> {
    Ok(invited.role != Role::Client
        || !crate::settings::server::load(db)
            .await?
            .client_sign_in_by_link)
}

/// Spends the invitation link and sets the password (if this person needs one); they are
/// signed in by the caller.
pub async fn accept_invitation(
    db: &DatabaseConnection,
    token: &str,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<user::Model, AppError> {
    let invited = match invitation_holder(db, token).await {
        Ok(u) => u,
        Err(e) => {
            audit::record(db, Action::InvitationRefused, None, None, ip).await?;
            return Err(e);
        }
    };
    let hash = if invitation_needs_password(db, &invited).await? || !password.is_empty() {
        let account = NewAccount::parse(&invited.display_name, &invited.email, password)?;
        Some(hash_password(account.password_owned()).await?)
    } else {
        None
    };
    let txn = begin_write(db).await?;
    if !links::spend(&txn, token, Purpose::Invitation).await? {
        drop(txn);
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    let now = Utc::now();
    let set = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::JoinedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(invited.id))
        .filter(user::Column::JoinedAt.is_null())
        .filter(user::Column::DisabledAt.is_null())
        .exec(&txn)
        .await?;
    if set.rows_affected != 1 {
        return Err(AppError::bad_request(LINK_REFUSED));
    }
    audit::record(&txn, Action::InvitationAccepted, Some(invited.id), None, ip).await?;
    txn.commit().await?;
    Ok(invited)
}
