use leptos::prelude::*;

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::policy::Call;

/// What the firm adds to the client guide (plain text, shown as text).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FirmGuide {
    pub welcome: String,
    pub contact: String,
}

/// The firm's words for the guide. Anyone may ask: the guide is read before signing in.
#[server(name = GetGuide, prefix = "/api", endpoint = "guide")]
pub async fn get_guide() -> Result<FirmGuide, AppError> {
    let Call { state, .. } = Call::current().await?;
    let settings = crate::settings::server::in_force(&state.db).await?;
    Ok(FirmGuide {
        welcome: settings.guide_welcome,
        contact: settings.guide_contact,
    })
}
