use leptos::prelude::*;

use super::{MatterDetails, MatterSummary};
#[cfg(feature = "ssr")]
use super::{MatterInput, MatterRole};
use crate::AppError;
use crate::ids::{MatterId, UserId};
#[cfg(feature = "ssr")]
use crate::policy::{Call, read_once};

/// The matters the signed-in person may see, narrowed by `query`.
#[server(name = ListMatters, prefix = "/api", endpoint = "matters/list")]
pub async fn list_matters(
    #[server(default)] query: String,
    #[server(default)] include_closed: bool,
) -> Result<Vec<MatterSummary>, AppError> {
    let call = Call::current().await?;
    let user = call.actor.viewer()?;
    super::server::list(&call.state.db, user, &query, include_closed).await
}

#[server(name = CreateMatter, prefix = "/api", endpoint = "matters/create")]
pub async fn create_matter(
    number: String,
    name: String,
    #[server(default)] description: String,
) -> Result<MatterSummary, AppError> {
    let (state, by) = Call::current().await?.firm_member()?;
    let input = MatterInput {
        number,
        name,
        description,
        responsible_id: None,
    };
    super::server::create(&state.db, &by, input).await
}

#[server(name = GetMatter, prefix = "/api", endpoint = "matters/get")]
pub async fn get_matter(id: MatterId) -> Result<MatterDetails, AppError> {
    read_once(format!("matters/get {id}"), async {
        let (state, access) = Call::current().await?.matter(id).await?;
        super::server::details_as_read(&state.db, &access).await
    })
    .await
}

#[server(name = UpdateMatter, prefix = "/api", endpoint = "matters/update")]
pub async fn update_matter(
    id: MatterId,
    number: String,
    name: String,
    #[server(default)] description: String,
    #[server(default)] responsible_id: Option<UserId>,
) -> Result<MatterDetails, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(id).await?;
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
pub async fn set_matter_open(id: MatterId, open: bool) -> Result<MatterDetails, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(id).await?;
    super::server::set_open(&state.db, &manage, open).await
}

/// Places (`on = true`) or lifts the legal hold that blocks every deletion on the matter.
#[server(name = SetLegalHold, prefix = "/api", endpoint = "matters/hold")]
pub async fn set_legal_hold(id: MatterId, on: bool) -> Result<MatterDetails, AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, manage) = call.manage_matter(id).await?;
    super::retention::set_hold(&state.db, &manage, on, ip).await
}

/// Sets the day (`YYYY-MM-DD`) from which a closed matter is deleted; empty clears it.
#[server(name = SetRetention, prefix = "/api", endpoint = "matters/retention")]
pub async fn set_retention(
    id: MatterId,
    #[server(default)] until: String,
) -> Result<MatterDetails, AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, manage) = call.manage_matter(id).await?;
    let until = match until.trim() {
        "" => None,
        day => Some(
            chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| AppError::bad_request(crate::text::GIVE_THE_DAY_AS_A_DATE))?,
        ),
    };
    super::retention::set_retention(&state.db, &manage, until, ip).await
}

/// Puts a person from the firm's directory on the matter, by email, in `role`.
#[server(name = AddMatterPerson, prefix = "/api", endpoint = "matters/people/add")]
pub async fn add_matter_person(
    id: MatterId,
    email: String,
    role: String,
) -> Result<MatterDetails, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(id).await?;
    let role = MatterRole::parse(&role)?;
    super::server::add_person(&state.db, &manage, &email, role).await
}

/// Adds someone new to the directory as a contact and puts them on the matter in `role`, in one
/// step from the matter; invites them at once if `invite` (by text message too if `sms`).
#[server(name = AddNewMatterContact, prefix = "/api", endpoint = "matters/people/new")]
pub async fn add_new_matter_contact(
    id: MatterId,
    display_name: String,
    email: String,
    #[server(default)] mobile: String,
    role: String,
    #[server(default)] invite: bool,
    #[server(default)] sms: bool,
) -> Result<MatterDetails, AppError> {
    let call = Call::current().await?;
    let by = call.actor.firm_member()?;
    let (state, manage) = call.manage_matter(id).await?;
    let role = MatterRole::parse(&role)?;
    if role == MatterRole::Staff {
        return Err(AppError::bad_request(
            crate::text::STAFF_ARE_ADDED_IN_PEOPLE_BY,
        ));
    }
    let asked = crate::accounts::server::NewPerson {
        display_name,
        email,
        mobile: Some(mobile),
        role: crate::entities::user::Role::Client,
        password_hash: None,
    };
    let person =
        crate::people::server::add_inviting(&state.db, &state.portal, &by, asked, invite, sms)
            .await?;
    super::server::add_person(&state.db, &manage, &person.email, role).await
}

#[server(name = RemoveMatterPerson, prefix = "/api", endpoint = "matters/people/remove")]
pub async fn remove_matter_person(
    id: MatterId,
    user_id: UserId,
) -> Result<MatterDetails, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(id).await?;
    super::server::remove_person(&state.db, &manage, user_id).await
}
