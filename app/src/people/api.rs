//! Server functions of the firm's directory: listing, adding, inviting, revoking access.

use leptos::prelude::*;

use super::Person;
use crate::AppError;
use crate::ids::UserId;
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// The directory: firm members see everyone.
#[server(name = ListPeople, prefix = "/api", endpoint = "people/list")]
pub async fn list_people() -> Result<Vec<Person>, AppError> {
    let (state, by) = Call::current().await?.firm_member()?;
    super::server::list(&state.db, &by).await
}

/// Up to `server::FOUND` people whose name or email contains `query`: adding someone to a
/// matter as one types.
#[server(name = FindPeople, prefix = "/api", endpoint = "people/find")]
pub async fn find_people(#[server(default)] query: String) -> Result<Vec<Person>, AppError> {
    let (state, by) = Call::current().await?.firm_member()?;
    super::server::find(&state.db, &by, &query).await
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
    let (state, by) = Call::current().await?.firm_member()?;
    let role = super::server::role_from_str(&role)?;
    let asked = crate::accounts::server::NewPerson {
        display_name,
        email,
        mobile: Some(mobile),
        role,
        password_hash: None,
    };
    super::server::add_inviting(&state.db, &state.portal, &by, asked, invite, sms).await
}

/// Sends (or sends again) an invitation by email, and by text message if `sms`.
#[server(name = InvitePerson, prefix = "/api", endpoint = "people/invite")]
pub async fn invite_person(id: UserId, #[server(default)] sms: bool) -> Result<Person, AppError> {
    let (state, by) = Call::current().await?.firm_member()?;
    super::server::invite(&state.db, &state.portal, &by, id, sms).await
}

/// Revokes (`active = false`) or restores a person's access.
#[server(name = SetAccess, prefix = "/api", endpoint = "people/access")]
pub async fn set_access(id: UserId, active: bool) -> Result<Person, AppError> {
    let (state, by) = Call::current().await?.firm_member()?;
    super::server::set_access(&state.db, &by, id, active).await
}
