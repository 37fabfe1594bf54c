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
    /// An authenticator app is set up for this account.
    pub second_factor: bool,
}

/// The person behind this browser's session, if any. Anyone may ask; the answer is about them.
#[server(name = CurrentUser, prefix = "/api", endpoint = "accounts/me")]
pub async fn current_user() -> Result<Option<SignedIn>, AppError> {
    let state = crate::state::AppState::current()?;
    Ok(match crate::policy::Actor::current().await? {
        crate::policy::Actor::User(user) => Some(signed_in(&state.db, &user).await?),
        crate::policy::Actor::Anonymous => None,
    })
}

#[cfg(feature = "ssr")]
async fn signed_in(
    db: &sea_orm::DatabaseConnection,
    user: &crate::policy::SignedInUser,
) -> Result<SignedIn, AppError> {
    Ok(SignedIn {
        display_name: user.display_name.clone(),
        is_admin: user.role == crate::entities::user::Role::Admin,
        second_factor: super::second_factor::is_enrolled(db, user.id).await?,
    })
}

/// What a right password leads to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SignInOutcome {
    SignedIn(SignedIn),
    /// The account has an authenticator app: its code comes next (`VerifySignInCode`).
    CodeNeeded,
}

/// Signs in with email and password. The session id is replaced at sign-in, so an id planted
/// before sign-in is worthless after it. An account with a second factor is not signed in yet.
#[server(name = SignIn, prefix = "/api", endpoint = "accounts/sign-in")]
pub async fn sign_in(email: String, password: String) -> Result<SignInOutcome, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let ip = crate::policy::ClientIp::current().await.0;
    let user = super::server::authenticate(&state.db, &email, password, ip).await?;
    if super::second_factor::is_enrolled(&state.db, user.id).await? {
        session.clear().await;
        super::second_factor::await_code(&session, user.id).await?;
        return Ok(SignInOutcome::CodeNeeded);
    }
    super::server::start_session(&session, user.id).await?;
    Ok(SignInOutcome::SignedIn(SignedIn {
        is_admin: user.role == crate::entities::user::Role::Admin,
        display_name: user.display_name,
        second_factor: false,
    }))
}

/// The second step of signing in: the code from the authenticator app, or a recovery code.
#[server(name = VerifySignInCode, prefix = "/api", endpoint = "accounts/sign-in/code")]
pub async fn verify_sign_in_code(code: String) -> Result<SignedIn, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let ip = crate::policy::ClientIp::current().await.0;
    let Some(user_id) = super::second_factor::pending_user(&session).await? else {
        return Err(AppError::bad_request(
            "This sign-in has expired. Enter your email and password again.",
        ));
    };
    super::second_factor::verify(&state.db, user_id, &code, ip).await?;
    super::server::start_session(&session, user_id).await?;
    super::second_factor::mark_passed(&session).await?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    signed_in(&state.db, actor.signed_in()?).await
}

/// What the authenticator app needs: shown once, while setting it up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TotpEnrolment {
    /// Base32, in groups of four, for typing by hand.
    pub secret: String,
    pub otpauth_url: String,
    /// The `otpauth://` link as a QR code, an `<svg>` element drawn on the server.
    pub qr_svg: String,
}

/// Starts setting up an authenticator app for the signed-in person.
#[server(name = StartTotpEnrolment, prefix = "/api", endpoint = "accounts/totp/start")]
pub async fn start_totp_enrolment() -> Result<TotpEnrolment, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    super::second_factor::start_enrolment(&state.db, &session, user.id, &user.email).await
}

/// Finishes setting up the app with a code it shows; returns the ten recovery codes, this once.
#[server(name = ConfirmTotpEnrolment, prefix = "/api", endpoint = "accounts/totp/confirm")]
pub async fn confirm_totp_enrolment(code: String) -> Result<Vec<String>, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::second_factor::confirm_enrolment(&state.db, &session, user.id, &code, ip).await
}

/// Turns the authenticator app off, after the password is given again.
#[server(name = RemoveTotp, prefix = "/api", endpoint = "accounts/totp/remove")]
pub async fn remove_totp(password: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::server::confirm_password(&state.db, user, password, ip).await?;
    super::second_factor::remove(&state.db, user.id, ip).await
}

/// Step-up: proves the second factor again in this session (MFA conversations ask for this).
#[server(name = ConfirmSecondFactor, prefix = "/api", endpoint = "accounts/step-up")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::second_factor::verify(&state.db, user.id, &code, ip).await?;
    super::second_factor::mark_passed(&session).await
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
