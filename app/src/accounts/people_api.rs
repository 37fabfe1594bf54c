//! Server functions for the firm's people: the directory, adding and inviting people, revoking
//! access, accepting an invitation, and resetting a forgotten password.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::SignedIn;
use crate::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PersonStatus {
    /// Added, never invited (or the invitation expired).
    NotSignedUp,
    /// An invitation is open.
    Invited,
    Active,
    Revoked,
}

/// A person as the directory shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub display_name: String,
    pub email: String,
    pub mobile: Option<String>,
    /// `admin`, `staff` or `client`.
    pub role: String,
    pub status: PersonStatus,
    /// The person asking: nobody changes their own access.
    pub is_you: bool,
}

/// The directory: firm members see everyone.
#[server(name = ListPeople, prefix = "/api", endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<Person>, AppError> {
    let state = crate::state::AppState::current()?;
    let by = crate::policy::Actor::current().await?.firm_member()?;
    super::people::list(&state.db, &by).await
}

/// Adds a person (`role` is `client`, `staff` or `admin`), inviting them at once if asked.
#[server(name = AddPerson, prefix = "/api", endpoint = "people/add")]
pub async fn add_person(
    display_name: String,
    email: String,
    #[server(default)] mobile: String,
    role: String,
    #[server(default)] invite: bool,
    #[server(default)] sms: bool,
) -> Result<Person, AppError> {
    let state = crate::state::AppState::current()?;
    let by = crate::policy::Actor::current().await?.firm_member()?;
    let role = super::people::role_from_str(&role)?;
    if invite {
        // Before adding: a person is not left half-added by an invitation that cannot go out.
        let mobile = super::server::normalize_mobile(&mobile)?;
        super::people::invitation_channels(
            &state.db,
            &state.portal,
            &display_name,
            mobile.as_ref(),
            sms,
        )
        .await?;
    }
    let added = super::people::add(&state.db, &by, &display_name, &email, &mobile, role).await?;
    if invite {
        return super::people::invite(&state.db, &state.portal, &by, added.id, sms).await;
    }
    Ok(added)
}

/// Sends (or sends again) an invitation by email, and by text message if `sms`.
#[server(name = InvitePerson, prefix = "/api", endpoint = "people/invite")]
pub async fn invite_person(id: Uuid, #[server(default)] sms: bool) -> Result<Person, AppError> {
    let state = crate::state::AppState::current()?;
    let by = crate::policy::Actor::current().await?.firm_member()?;
    super::people::invite(&state.db, &state.portal, &by, id, sms).await
}

/// Revokes (`active = false`) or restores a person's access.
#[server(name = SetAccess, prefix = "/api", endpoint = "people/access")]
pub async fn set_access(id: Uuid, active: bool) -> Result<Person, AppError> {
    let state = crate::state::AppState::current()?;
    let by = crate::policy::Actor::current().await?.firm_member()?;
    super::people::set_access(&state.db, &by, id, active).await
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
    let state = crate::state::AppState::current()?;
    let holder = super::people::invitation_holder(&state.db, &token).await?;
    Ok(Invitation {
        needs_password: super::people::invitation_needs_password(&state.db, &holder).await?,
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
    let state = crate::state::AppState::current()?;
    let session: tower_sessions::Session =
        leptos_axum::extract().await.map_err(AppError::internal)?;
    let ip = crate::policy::ClientIp::current().await.0;
    let user = super::people::accept_invitation(&state.db, &token, password, ip).await?;
    super::server::start_session(&session, user.id).await?;
    let actor = crate::policy::Actor::from_session(&state.db, &session).await?;
    super::api::signed_in(&state.db, actor.signed_in()?).await
}

/// Asks for a password-reset email. The answer is the same whether or not the address has an
/// account, and it does not wait for the work, so neither says who has one.
#[server(name = RequestPasswordReset, prefix = "/api", endpoint = "accounts/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let ip = crate::policy::ClientIp::current().await.0;
    let db = state.db.clone();
    let public_url = state.portal.public_url.clone();
    tokio::spawn(async move {
        if let Err(e) = super::people::request_password_reset(&db, &public_url, &email, ip).await {
            tracing::warn!(error = %e, "a password-reset request failed");
        }
    });
    Ok(())
}

/// Sets a new password from the emailed link; every session of the account ends.
#[server(name = ResetPassword, prefix = "/api", endpoint = "accounts/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let ip = crate::policy::ClientIp::current().await.0;
    super::people::reset_password(&state.db, &state.portal, &token, password, ip).await
}
