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
