use leptos::prelude::*;

use super::SystemStatus;
use crate::AppError;

/// Public on purpose: it says only whether the portal works, like `/healthz`.
#[server(name = SystemStatusCheck, prefix = "/api", endpoint = "system/status")]
pub async fn system_status() -> Result<SystemStatus, AppError> {
    let state = crate::state::AppState::current()?;
    Ok(super::server::check(&state).await)
}
