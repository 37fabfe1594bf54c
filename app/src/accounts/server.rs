//! Accounts on the server: sessions, password changes, and creating people's accounts.
//! Passwords and their checks are in `passwords`, the first administrator in `setup`.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::{
    api::{SignInOutcome, SignedIn},
    passwords::{NewAccount, authenticate, hash_password},
};
use crate::{
    AppError,
    audit::{self, Action},
    db::OnUnique,
    db::begin_write,
    entities::user::{self, Role},
    ids::UserId,
    policy::{Call, SignedInUser},
    state::AppState,
};

/// Session key holding the signed-in user's id.
pub const SESSION_USER: &str = "user_id";
/// Session key holding when this session signed in (full precision: it is compared with
/// `users.sessions_revoked_at`, which may fall in the same second).
pub const SESSION_SIGNED_IN_AT: &str = "signed_in_at";
/// Session key: when this session was last used (the firm's idle timeout counts from it).
pub const SESSION_LAST_ACTIVE_AT: &str = "last_active_at";

/// Marks `session` as signed in to `user`, under a fresh id so a planted id is worthless. What the
/// session knew about anyone else (a passed second factor, say) is forgotten.
pub async fn start_session(
    session: &tower_sessions::Session,
    user: UserId,
) -> Result<(), AppError> {
    let before: Option<UserId> = session
        .get(SESSION_USER)
        .await
        .map_err(AppError::internal)?;
    if before != Some(user) {
        session.clear().await;
    }
    super::second_factor::clear_pending(session).await?;
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SESSION_USER, user)
        .await
        .map_err(AppError::internal)?;
    session
        .insert(SESSION_SIGNED_IN_AT, Utc::now())
        .await
        .map_err(AppError::internal)?;
    // Made now, not at the first subscribe, so that signing out always knows which devices to
    // forget, even with a subscribe of the same session still under way.
    super::push::session_ref(session).await.map(drop)
}

/// Ends every session of `user` at its next use, and their devices' push with them, except the
/// device subscribed by the session that carries on (`keep`, its push reference).
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user: UserId,
    keep: Option<&str>,
) -> Result<(), AppError> {
    // The sessions first, then their devices, as signing out does (`push::subscribe`).
    user::Entity::update_many()
        .col_expr(
            user::Column::SessionsRevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user::Column::Id.eq(user))
        .exec(db)
        .await?;
    super::push::forget_person(db, user, keep).await?;
    Ok(())
}

/// Asks a signed-in person for their password again before a sensitive change.
pub async fn confirm_password(
    db: &DatabaseConnection,
    user: &crate::policy::SignedInUser,
    password: String,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    authenticate(db, user.email(), password, ip)
        .await
        .map(drop)
        .map_err(|e| match e {
            AppError::Forbidden(_) => {
                AppError::Forbidden(crate::text::YOUR_CURRENT_PASSWORD_IS_NOT_RIGHT.into())
            }
            other => other,
        })
}

/// Checks the current password, sets a new one and ends every other session.
/// A password change as asked for, named so the two cannot be swapped.
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

pub async fn change_password(
    db: &DatabaseConnection,
    portal: &crate::state::Portal,
    user: &crate::policy::SignedInUser,
    change: PasswordChange,
    this_session: Option<String>,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let PasswordChange { current, new } = change;
    let checked = NewAccount::parse(user.display_name(), user.email(), new)?;
    confirm_password(db, user, current, ip).await?;
    let hash = hash_password(checked.password_owned()).await?;
    let txn = begin_write(db).await?;
    user::Entity::update_many()
        .col_expr(
            user::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(hash),
        )
        .col_expr(
            user::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(user::Column::Id.eq(user.id()))
        .exec(&txn)
        .await?;
    revoke_sessions(&txn, user.id(), this_session.as_deref()).await?;
    audit::record(&txn, Action::PasswordChanged, Some(user.id()), None, ip).await?;
    super::notices::send(
        &txn,
        portal,
        super::notices::To::signed_in(user),
        super::notices::Notice::PasswordChanged,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    Ok(())
}

pub(super) async fn insert_user(
    db: &impl ConnectionTrait,
    account: NewAccount,
    role: Role,
    password_hash: String,
) -> Result<user::Model, AppError> {
    let person = NewPerson {
        display_name: account.display_name,
        email: account.email,
        mobile: None,
        role,
        password_hash: Some(password_hash),
    };
    insert_person(db, person).await
}

/// Who a new row in `users` is for. Named fields, since three of them are strings.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub display_name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub role: Role,
    /// `None` for a contact, who has no password until invited.
    pub password_hash: Option<String>,
}

/// A new row in `users`: an account, or a contact who has no password until invited.
pub async fn insert_person(
    db: &impl ConnectionTrait,
    person: NewPerson,
) -> Result<user::Model, AppError> {
    let NewPerson {
        display_name,
        email,
        mobile,
        role,
        password_hash,
    } = person;
    let taken = || AppError::Conflict(crate::text::AN_ACCOUNT_WITH_THIS_EMAIL_ADDRESS.into());
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .count(db)
        .await?;
    if existing > 0 {
        return Err(taken());
    }
    let now = Utc::now();
    let model = user::Model {
        id: UserId::fresh(),
        email,
        display_name,
        role,
        created_at: now,
        updated_at: now,
        disabled_at: None,
        sessions_revoked_at: None,
        // An account created with its password has joined; a contact joins when invited.
        joined_at: password_hash.is_some().then_some(now),
        mobile,
        password_hash,
        notify_email: true,
        notify_sms: true,
        notify_push: true,
    };
    user::Entity::insert(user::ActiveModel::from(model.clone()))
        .exec_without_returning(db)
        .await
        .on_unique(taken)?;
    Ok(model)
}

/// What the browser may know of who is signed in.
pub async fn signed_in(state: &AppState, user: &SignedInUser) -> Result<SignedIn, AppError> {
    let db = &state.db;
    let can_text = user.has_mobile()
        && state.portal.channels.sms
        && crate::settings::server::in_force(db).await?.sms_enabled;
    Ok(SignedIn {
        display_name: user.display_name().to_string(),
        is_admin: user.role() == Role::Admin,
        is_firm_member: user.role() != Role::Client,
        second_factor: super::second_factor::is_enrolled(db, user.id()).await?,
        must_set_up_second_factor: user.must_set_up_second_factor(),
        step_up_passed: user.passed_step_up(),
        can_text,
    })
}

/// After the first step of signing in (a password or an emailed link): signed in, or waiting for
/// the account's authenticator code.
pub async fn complete_sign_in(call: &Call, user: UserId) -> Result<SignInOutcome, AppError> {
    let (db, session) = (&call.state.db, &call.session);
    if super::second_factor::is_enrolled(db, user).await? {
        session.clear().await;
        super::second_factor::await_code(session, user).await?;
        return Ok(SignInOutcome::CodeNeeded);
    }
    super::server::start_session(session, user).await?;
    let actor = crate::policy::Actor::from_session(db, session).await?;
    Ok(SignInOutcome::SignedIn(
        signed_in(&call.state, actor.signed_in()?).await?,
    ))
}
