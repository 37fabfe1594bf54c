use leptos::prelude::*;
use uuid::Uuid;

use super::{MatterDetails, MatterSummary};
#[cfg(feature = "ssr")]
use super::{MatterInput, MatterRole};
use crate::AppError;

/// The state, and proof that the caller may change matter `id`.
#[cfg(feature = "ssr")]
async fn manage(
    id: Uuid,
) -> Result<(crate::state::AppState, crate::policy::ManageMatter), AppError> {
    let state = crate::state::AppState::current()?;
    let manage = crate::policy::Actor::current()
        .await?
        .matter(&state.db, id)
        .await?
        .manage()?;
    Ok((state, manage))
}

/// The matters the signed-in person may see, narrowed by `query`.
#[server(name = ListMatters, prefix = "/api", endpoint = "matters/list")]
pub async fn list_matters(
    #[server(default)] query: String,
    #[server(default)] include_closed: bool,
) -> Result<Vec<MatterSummary>, AppError> {
    let state = crate::state::AppState::current()?;
    let actor = crate::policy::Actor::current().await?;
    let user = actor.viewer()?;
    super::server::list(&state.db, user, &query, include_closed).await
}

#[server(name = CreateMatter, prefix = "/api", endpoint = "matters/create")]
pub async fn create_matter(
    number: String,
    name: String,
    #[server(default)] description: String,
) -> Result<MatterSummary, AppError> {
    let state = crate::state::AppState::current()?;
    let by = crate::policy::Actor::current().await?.firm_member()?;
    let input = MatterInput {
        number,
        name,
        description,
        responsible_id: None,
    };
    super::server::create(&state.db, &by, input).await
}

#[server(name = GetMatter, prefix = "/api", endpoint = "matters/get")]
pub async fn get_matter(id: Uuid) -> Result<MatterDetails, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .matter(&state.db, id)
        .await?;
    super::server::details(&state.db, &access).await
}

#[server(name = UpdateMatter, prefix = "/api", endpoint = "matters/update")]
pub async fn update_matter(
    id: Uuid,
    number: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] responsible_id: Option<Uuid>,
) -> Result<MatterDetails, AppError> {
    let (state, manage) = manage(id).await?;
    let input = MatterInput {
        number,
        name,
        description,
        responsible_id,
    };
    super::server::update(&state.db, &manage, input).await
}

/// Closes (`open = false`) or reopens a matter.
#[server(name = SetMatterOpen, prefix = "/api", endpoint = "matters/status")]
pub async fn set_matter_open(id: Uuid, open: bool) -> Result<MatterDetails, AppError> {
    let (state, manage) = manage(id).await?;
    super::server::set_open(&state.db, &manage, open).await
}

/// Puts a person from the firm's directory on the matter, by email, in `role`.
#[server(name = AddMatterPerson, prefix = "/api", endpoint = "matters/people/add")]
pub async fn add_matter_person(
    id: Uuid,
    email: String,
    role: String,
) -> Result<MatterDetails, AppError> {
    let (state, manage) = manage(id).await?;
    let role = MatterRole::parse(&role)?;
    super::server::add_person(&state.db, &manage, &email, role).await
}

#[server(name = RemoveMatterPerson, prefix = "/api", endpoint = "matters/people/remove")]
pub async fn remove_matter_person(id: Uuid, user_id: Uuid) -> Result<MatterDetails, AppError> {
    let (state, manage) = manage(id).await?;
    super::server::remove_person(&state.db, &manage, user_id).await
}
