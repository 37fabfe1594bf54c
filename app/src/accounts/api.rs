use leptos::prelude::*;

use crate::AppError;

/// Anyone holding a valid, unused setup link may call this, and only while no administrator exists.
#[server(name = CreateFirstAdmin, prefix = "/api", endpoint = "accounts/setup")]
pub async fn create_first_admin(
    token: String,
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let account = super::server::NewAccount::parse(&display_name, &email, password)?;
    super::server::create_first_admin(&state.db, &token, account).await?;
    Ok(())
}

/// Who is signed in, as the browser may know it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedIn {
    pub display_name: String,
    pub is_admin: bool,
}

/// The person behind this browser's session, if any. Anyone may ask; the answer is about them.
#[server(name = CurrentUser, prefix = "/api", endpoint = "accounts/me")]
pub async fn current_user() -> Result<Option<SignedIn>, AppError> {
    Ok(match crate::policy::Actor::current().await? {
        crate::policy::Actor::User(user) => Some(SignedIn {
            is_admin: user.role == crate::entities::user::Role::Admin,
            display_name: user.display_name,
        }),
        crate::policy::Actor::Anonymous => None,
    })
}

/// Signs in with email and password. The session id is replaced at sign-in, so an id planted
/// before sign-in is worthless after it.
#[server(name = SignIn, prefix = "/api", endpoint = "accounts/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<SignedIn, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let ip = crate::policy::ClientIp::current().await.0;
    let user = super::server::authenticate(&state.db, &email, password, ip).await?;
    super::server::start_session(&session, user.id).await?;
    Ok(SignedIn {
        is_admin: user.role == crate::entities::user::Role::Admin,
        display_name: user.display_name,
    })
}

/// Ends this session on the server and clears its cookie.
#[server(name = SignOut, prefix = "/api", endpoint = "accounts/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    session.flush().await.map_err(AppError::internal)
}

/// Ends every session of the signed-in person, on every device, this one included.
#[server(name = SignOutEverywhere, prefix = "/api", endpoint = "accounts/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    super::server::revoke_sessions(&state.db, user.id).await?;
    crate::audit::record(
        &state.db,
        crate::audit::Action::SignedOutEverywhere,
        Some(user.id),
        None,
        crate::policy::ClientIp::current().await.0,
    )
    .await?;
    session.flush().await.map_err(AppError::internal)
}

/// Changes the signed-in person's password. Every other session ends; this one carries on.
#[server(name = ChangePassword, prefix = "/api", endpoint = "accounts/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::server::change_password(&state.db, user, current, new, ip).await?;
    super::server::start_session(&session, user.id).await
}
