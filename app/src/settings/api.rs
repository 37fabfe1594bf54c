// A server function's arguments are its form's fields: the settings form has many.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::FirmSettings;
use crate::AppError;
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// The firm's settings, for the administrator's settings page.
#[server(name = GetFirmSettings, prefix = "/api", endpoint = "settings/get")]
pub async fn get_firm_settings() -> Result<FirmSettings, AppError> {
    let (state, _admin) = Call::current().await?.admin()?;
    super::server::load(&state.db).await
}

/// Changes the firm's settings; only administrators may.
#[server(name = SaveFirmSettings, prefix = "/api", endpoint = "settings/save")]
pub async fn save_firm_settings(
    idle_timeout_minutes: i32,
    session_lifetime_hours: i32,
    step_up_window_hours: i32,
    #[server(default)] staff_two_step_required: bool,
    #[server(default)] sms_enabled: bool,
    #[server(default)] client_sign_in_by_link: bool,
    // Left out by an older form: the value in force stays.
    #[server(default)] trash_retention_days: Option<i32>,
    #[server(default)] guide_welcome: Option<String>,
    #[server(default)] guide_contact: Option<String>,
    #[server(default)] firm_name: Option<String>,
    #[server(default)] accent_colour: Option<String>,
    #[server(default)] mobile_country: Option<String>,
    #[server(default)] message_edit_minutes: Option<i32>,
    #[server(default)] protected_email_required: bool,
) -> Result<FirmSettings, AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, admin) = call.admin()?;
    let in_force = super::server::load(&state.db).await?;
    let trash_retention_days = trash_retention_days.unwrap_or(in_force.trash_retention_days);
    let guide_welcome = guide_welcome.unwrap_or(in_force.guide_welcome);
    let guide_contact = guide_contact.unwrap_or(in_force.guide_contact);
    let firm_name = firm_name.unwrap_or(in_force.firm_name);
    let accent_colour = accent_colour.unwrap_or(in_force.accent_colour);
    let mobile_country = mobile_country.unwrap_or(in_force.mobile_country);
    let message_edit_minutes = message_edit_minutes.unwrap_or(in_force.message_edit_minutes);
    let new = FirmSettings {
        idle_timeout_minutes,
        session_lifetime_hours,
        step_up_window_hours,
        staff_two_step_required,
        sms_enabled,
        client_sign_in_by_link,
        trash_retention_days,
        guide_welcome,
        guide_contact,
        firm_name,
        accent_colour,
        mobile_country,
        message_edit_minutes,
        protected_email_required,
    };
    let saved = super::server::save(&state.db, &admin, new, ip).await?;
    state.brand.set(super::server::brand(&state.db).await?);
    Ok(saved)
}
