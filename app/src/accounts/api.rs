//! The server functions of accounts: the first administrator, signing in and out (password,
//! emailed link, codes, authenticator app), the account's security settings, accepting an
//! invitation and resetting a password. What they do with the database is in the modules beside.

use leptos::prelude::*;

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// Anyone holding a valid, unused setup link may call this, and only while no administrator exists.
#[server(name = CreateFirstAdmin, prefix = "/api", endpoint = "accounts/setup")]
pub async fn create_first_admin(
    token: String,
    display_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let Call { state, .. } = Call::current().await?;
    let account = super::passwords::NewAccount::parse(&display_name, &email, password)?;
    super::setup::create_first_admin(&state.db, &token, account).await?;
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
    crate::policy::read_once("accounts/me".into(), async {
        let call = Call::current().await?;
        Ok(match &call.actor {
            crate::policy::Actor::User(user) => {
                Some(super::server::signed_in(&call.state, user).await?)
            }
            crate::policy::Actor::Anonymous => None,
        })
    })
    .await
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
    let call = Call::current().await?;
    let outcome =
        match super::passwords::authenticate(&call.state.db, &email, password, call.ip).await {
            Ok(user) => super::server::complete_sign_in(&call, user.id).await,
            Err(e) => Err(e),
        };
    // The sign-in steps work before the Wasm arrives, on `/sign-in` or in place on the page a
    // signed-out person opened: a plain form goes back to that page, marked with the step it
    // leads to (a fixed word the page turns into its own sentence), or unmarked once signed in.
    let step = match &outcome {
        Ok(SignInOutcome::SignedIn(_)) => None,
        Ok(SignInOutcome::CodeNeeded) => Some("code"),
        Err(_) => Some("again"),
    };
    crate::ui::back_from_plain_form("step", step, Some("/sign-in"));
    outcome
}

/// How this firm lets people sign in, for the sign-in page. Anyone may ask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignInOptions {
    /// Clients may ask for a one-time sign-in link by email.
    pub by_link: bool,
}

#[server(name = GetSignInOptions, prefix = "/api", endpoint = "accounts/sign-in/options")]
pub async fn get_sign_in_options() -> Result<SignInOptions, AppError> {
    let Call { state, .. } = Call::current().await?;
    let settings = crate::settings::server::load(&state.db).await?;
    Ok(SignInOptions {
        by_link: settings.client_sign_in_by_link && state.portal.channels.email,
    })
}

/// Asks for a sign-in link by email. The answer is the same whoever asks, and does not wait for
/// the work, so it never tells who has an account.
#[server(name = RequestSignInLink, prefix = "/api", endpoint = "accounts/sign-in/link")]
pub async fn request_sign_in_link(email: String) -> Result<(), AppError> {
    let Call { state, ip, .. } = Call::current().await?;
    tokio::spawn(async move {
        if let Err(e) = super::sign_in_links::request(&state.db, &state.portal, &email, ip).await {
            tracing::warn!(error = %e, "a sign-in link request failed");
        }
    });
    Ok(())
}

/// Signs in with an emailed link (spent by this call).
#[server(name = UseSignInLink, prefix = "/api", endpoint = "accounts/sign-in/link/use")]
pub async fn use_sign_in_link(token: String) -> Result<SignInOutcome, AppError> {
    let call = Call::current().await?;
    let user = super::sign_in_links::spend(&call.state.db, &token, call.ip).await?;
    super::server::complete_sign_in(&call, user.id).await
}

/// Sends the signed-in person a six-digit code by `channel` (`email` or `sms`), for people
/// without an authenticator app; returns where it went, partly hidden.
#[server(name = SendCode, prefix = "/api", endpoint = "accounts/code/send")]
pub async fn send_code(channel: String) -> Result<String, AppError> {
    use crate::entities::one_time_code::Channel;
    let call = Call::current().await?;
    let user = call.actor.signed_in()?;
    let channel = match channel.as_str() {
        "email" => Channel::Email,
        "sms" => Channel::Sms,
        _ => {
            return Err(AppError::bad_request(
                crate::text::CHOOSE_WHETHER_THE_CODE_GOES_BY,
            ));
        }
    };
    super::codes::send_to(&call.state, user.id(), channel, call.ip).await
}

/// The second step of signing in: the code from the authenticator app, or a recovery code.
#[server(name = VerifySignInCode, prefix = "/api", endpoint = "accounts/sign-in/code")]
pub async fn verify_sign_in_code(code: String) -> Result<SignedIn, AppError> {
    let outcome = async {
        let mut call = Call::current().await?;
        let Some(user_id) = super::second_factor::pending_user(&call.session).await? else {
            return Err(AppError::bad_request(
                crate::text::THIS_SIGN_IN_HAS_EXPIRED_ENTER,
            ));
        };
        let (state, ip) = (call.state.clone(), call.ip);
        super::second_factor::verify(&state.db, &state.portal, user_id, &code, ip).await?;
        super::server::start_session(&call.session, user_id).await?;
        super::second_factor::mark_passed(&call.session).await?;
        let user = call.reread().await?;
        super::server::signed_in(&state, user).await
    }
    .await;
    let step = outcome.is_err().then_some("code-again");
    crate::ui::back_from_plain_form("step", step, Some("/sign-in"));
    outcome
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
    let call = Call::current().await?;
    let (state, session, ip) = (&call.state, &call.session, call.ip);
    let user = call.actor.signed_in()?;
    super::second_factor::start_enrolment(&state.db, &state.portal, session, user, ip).await
}

/// Finishes setting up the app with a code it shows and, for an account that can receive codes,
/// the code just sent to it; returns the ten recovery codes, this once.
#[server(name = ConfirmTotpEnrolment, prefix = "/api", endpoint = "accounts/totp/confirm")]
pub async fn confirm_totp_enrolment(
    code: String,
    #[server(default)] proof: String,
) -> Result<Vec<String>, AppError> {
    let call = Call::current().await?;
    let (state, session, ip) = (&call.state, &call.session, call.ip);
    let user = call.actor.signed_in()?;
    let codes = super::second_factor::EnrolmentCodes {
        app: &code,
        proof: &proof,
    };
    super::second_factor::confirm_enrolment(&state.db, &state.portal, session, user, codes, ip)
        .await
}

/// Turns the authenticator app off, after the password and a current code (from the app, or a
/// recovery code) are given.
#[server(name = RemoveTotp, prefix = "/api", endpoint = "accounts/totp/remove")]
pub async fn remove_totp(
    password: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    let call = Call::current().await?;
    let (state, ip) = (&call.state, call.ip);
    let user = call.actor.signed_in()?;
    super::second_factor::remove(&state.db, &state.portal, user, password, &code, ip).await
}

/// Step-up: proves the second factor again in this session (MFA conversations ask for this).
#[server(name = ConfirmSecondFactor, prefix = "/api", endpoint = "accounts/step-up")]
pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    let call = Call::current().await?;
    let (state, session, ip) = (&call.state, &call.session, call.ip);
    let user = call.actor.signed_in()?;
    super::second_factor::verify(&state.db, &state.portal, user.id(), &code, ip).await?;
    super::second_factor::mark_passed(session).await
}

/// Ends this session on the server and clears its cookie; the devices it subscribed to push
/// stop receiving it.
#[server(name = SignOut, prefix = "/api", endpoint = "accounts/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    let call = Call::current().await?;
    let session_ref = super::push::existing_session_ref(&call.session).await?;
    // The session first, then its devices: a subscribe racing this one either is in before the
    // devices are forgotten, or finds its session gone (`push::subscribe`).
    call.session.flush().await.map_err(AppError::internal)?;
    if let Some(session_ref) = session_ref {
        super::push::forget_session(&call.state.db, &session_ref).await?;
    }
    Ok(())
}

/// Ends every session of the signed-in person, on every device, this one included.
#[server(name = SignOutEverywhere, prefix = "/api", endpoint = "accounts/sign-out-everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let call = Call::current().await?;
    let (state, session) = (&call.state, &call.session);
    let user = call.actor.signed_in()?;
    super::server::revoke_sessions(&state.db, user.id(), None).await?;
    crate::audit::record(
        &state.db,
        crate::audit::Action::SignedOutEverywhere,
        Some(user.id()),
        None,
        call.ip,
    )
    .await?;
    session.flush().await.map_err(AppError::internal)
}

/// Changes the signed-in person's password. Every other session ends; this one carries on.
#[server(name = ChangePassword, prefix = "/api", endpoint = "accounts/password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let call = Call::current().await?;
    let (state, session, ip) = (&call.state, &call.session, call.ip);
    let user = call.actor.signed_in()?;
    let change = super::server::PasswordChange { current, new };
    let this_session = super::push::existing_session_ref(session).await?;
    super::server::change_password(&state.db, &state.portal, user, change, this_session, ip)
        .await?;
    super::server::start_session(session, user.id()).await
}

/// Who an invitation is for. Anyone holding the link may ask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Invitation {
    pub display_name: String,
    pub email: String,
    /// They choose a password; otherwise (clients of a firm using emailed sign-in links) they
    /// simply accept.
    pub needs_password: bool,
}

#[server(name = InvitationDetails, prefix = "/api", endpoint = "invitations/details")]
pub async fn invitation_details(token: String) -> Result<Invitation, AppError> {
    let Call { state, .. } = Call::current().await?;
    let holder = super::invitations::invitation_holder(&state.db, &token).await?;
    Ok(Invitation {
        needs_password: super::invitations::invitation_needs_password(&state.db, &holder).await?,
        display_name: holder.display_name,
        email: holder.email,
    })
}

/// Accepts an invitation: sets the password, spends the link and signs in.
#[server(name = AcceptInvitation, prefix = "/api", endpoint = "invitations/accept")]
pub async fn accept_invitation(
    token: String,
    #[server(default)] password: String,
) -> Result<SignedIn, AppError> {
    let mut call = Call::current().await?;
    let state = call.state.clone();
    let user = super::invitations::accept_invitation(&state.db, &token, password, call.ip).await?;
    super::server::start_session(&call.session, user.id).await?;
    let user = call.reread().await?;
    super::server::signed_in(&state, user).await
}

/// Asks for a password-reset email. The answer is the same whether or not the address has an
/// account, and it does not wait for the work, so neither says who has one.
#[server(name = RequestPasswordReset, prefix = "/api", endpoint = "accounts/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let Call { state, ip, .. } = Call::current().await?;
    tokio::spawn(async move {
        if let Err(e) =
            super::resets::request_password_reset(&state.db, &state.portal, &email, ip).await
        {
            tracing::warn!(error = %e, "a password-reset request failed");
        }
    });
    Ok(())
}

/// Sets a new password from the emailed link; every session of the account ends.
#[server(name = ResetPassword, prefix = "/api", endpoint = "accounts/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let Call { state, ip, .. } = Call::current().await?;
    super::resets::reset_password(&state.db, &state.portal, &token, password, ip).await
}
