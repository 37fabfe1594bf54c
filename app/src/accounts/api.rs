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
    /// An administrator or staff: sees the firm's directory and matters.
    pub is_firm_member: bool,
    /// An authenticator app is set up for this account.
    pub second_factor: bool,
    /// The firm requires an authenticator app of its staff and this account has none yet.
    pub must_set_up_second_factor: bool,
    /// This session passed the second factor within the firm's window (MFA conversations open).
    pub step_up_passed: bool,
    /// Codes can be sent to this person by text message.
    pub can_text: bool,
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
pub(crate) async fn signed_in(
    db: &sea_orm::DatabaseConnection,
    user: &crate::policy::SignedInUser,
) -> Result<SignedIn, AppError> {
    use sea_orm::EntityTrait;
    let state = crate::state::AppState::current()?;
    let mobile = crate::entities::user::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .and_then(|u| u.mobile);
    let can_text = mobile.is_some()
        && state.portal.channels.sms
        && crate::settings::server::load(db).await?.sms_enabled;
    Ok(SignedIn {
        display_name: user.display_name.clone(),
        is_admin: user.role == crate::entities::user::Role::Admin,
        is_firm_member: user.role != crate::entities::user::Role::Client,
        second_factor: super::second_factor::is_enrolled(db, user.id).await?,
        must_set_up_second_factor: user.must_set_up_second_factor,
        step_up_passed: user.passed_step_up(),
        can_text,
    })
}

/// After the first step of signing in (a password or an emailed link): signed in, or waiting for
/// the account's authenticator code.
#[cfg(feature = "ssr")]
pub(crate) async fn complete_sign_in(
    db: &sea_orm::DatabaseConnection,
    session: &tower_sessions::Session,
    user: uuid::Uuid,
) -> Result<SignInOutcome, AppError> {
    if super::second_factor::is_enrolled(db, user).await? {
        session.clear().await;
        super::second_factor::await_code(session, user).await?;
        return Ok(SignInOutcome::CodeNeeded);
    }
    super::server::start_session(session, user).await?;
    let actor = crate::policy::Actor::from_session(db, session).await?;
    Ok(SignInOutcome::SignedIn(
        signed_in(db, actor.signed_in()?).await?,
    ))
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
    complete_sign_in(&state.db, &session, user.id).await
}

/// How this firm lets people sign in, for the sign-in page. Anyone may ask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInOptions {
    /// Clients may ask for a one-time sign-in link by email.
    pub by_link: bool,
}

#[server(name = GetSignInOptions, prefix = "/api", endpoint = "accounts/sign-in/options")]
pub async fn get_sign_in_options() -> Result<SignInOptions, AppError> {
    let state = crate::state::AppState::current()?;
    let settings = crate::settings::server::load(&state.db).await?;
    Ok(SignInOptions {
        by_link: settings.client_sign_in_by_link && state.portal.channels.email,
    })
}

/// Asks for a sign-in link by email. The answer is the same whoever asks, and does not wait for
/// the work, so it never tells who has an account.
#[server(name = RequestSignInLink, prefix = "/api", endpoint = "accounts/sign-in/link")]
pub async fn request_sign_in_link(email: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let ip = crate::policy::ClientIp::current().await.0;
    let db = state.db.clone();
    let public_url = state.portal.public_url.clone();
    tokio::spawn(async move {
        if let Err(e) = super::sign_in_links::request(&db, &public_url, &email, ip).await {
            tracing::warn!(error = %e, "a sign-in link request failed");
        }
    });
    Ok(())
}

/// Signs in with an emailed link (spent by this call).
#[server(name = UseSignInLink, prefix = "/api", endpoint = "accounts/sign-in/link/use")]
pub async fn use_sign_in_link(token: String) -> Result<SignInOutcome, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let ip = crate::policy::ClientIp::current().await.0;
    let user = super::sign_in_links::spend(&state.db, &token, ip).await?;
    complete_sign_in(&state.db, &session, user.id).await
}

/// Sends the signed-in person a six-digit code by `channel` (`email` or `sms`), for people
/// without an authenticator app; returns where it went, partly hidden.
#[server(name = SendCode, prefix = "/api", endpoint = "accounts/code/send")]
pub async fn send_code(channel: String) -> Result<String, AppError> {
    use crate::entities::one_time_code::Channel;
    use sea_orm::EntityTrait;
    let state = crate::state::AppState::current()?;
    let actor = crate::policy::Actor::current().await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    let channel = match channel.as_str() {
        "email" => Channel::Email,
        "sms" => Channel::Sms,
        _ => {
            return Err(AppError::bad_request(
                "Choose whether the code goes by email or by text message.",
            ));
        }
    };
    let model = crate::entities::user::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    super::codes::send(&state.db, &state.portal, &model, channel, ip).await
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
    super::second_factor::verify(&state.db, &state.portal, user_id, &code, ip).await?;
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
    /// Where the code that proves it is the person was sent (masked), when the account can
    /// receive one: confirming asks for it.
    pub proof_sent_to: Option<String>,
}

/// Starts setting up an authenticator app for the signed-in person.
#[server(name = StartTotpEnrolment, prefix = "/api", endpoint = "accounts/totp/start")]
pub async fn start_totp_enrolment() -> Result<TotpEnrolment, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::second_factor::start_enrolment(&state.db, &state.portal, &session, user, ip).await
}

/// Finishes setting up the app with a code it shows and, for an account that can receive codes,
/// the code just sent to it; returns the ten recovery codes, this once.
#[server(name = ConfirmTotpEnrolment, prefix = "/api", endpoint = "accounts/totp/confirm")]
pub async fn confirm_totp_enrolment(
    code: String,
    #[server(default)] proof: String,
) -> Result<Vec<String>, AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::second_factor::confirm_enrolment(
        &state.db,
        &state.portal,
        &session,
        user,
        &code,
        &proof,
        ip,
    )
    .await
}

/// Turns the authenticator app off, after the password and a current code (from the app, or a
/// recovery code) are given.
#[server(name = RemoveTotp, prefix = "/api", endpoint = "accounts/totp/remove")]
pub async fn remove_totp(
    password: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    let user = actor.signed_in()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::second_factor::remove(&state.db, &state.portal, user, password, &code, ip).await
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
    super::second_factor::verify(&state.db, &state.portal, user.id, &code, ip).await?;
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
    super::server::change_password(&state.db, &state.portal, user, current, new, ip).await?;
    super::server::start_session(&session, user.id).await
}
