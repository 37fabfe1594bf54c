//! What every request handler and server function can reach on the server.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::*;
use sea_orm::DatabaseConnection;

use crate::AppError;

/// Every server function and part of a page takes its own handle on the state (a page takes
/// dozens), so it is one shared allocation: a clone is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Clone)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub storage: opendal::Operator,
    pub portal: Arc<Portal>,
    /// Live updates for this node's open pages.
    pub live: crate::live::Hub,
    /// The firm's name and colour, which every page shows.
    pub brand: Arc<crate::settings::server::BrandCache>,
    /// Appends to the matters' access logs.
    pub access_log: crate::activity::log::Writer,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl From<Shared> for AppState {
    fn from(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

/// What leptos_axum's page routes take from the router's state.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Settings fixed at start that pages and server functions need.
#[derive(Debug, Clone)]
pub struct Portal {
    /// Origin people reach the portal at, e.g. `https://portal.firm.example` (no trailing slash).
    pub public_url: String,
    /// Cookies get `Secure` and responses HSTS when the public URL is https.
    pub https: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// URLs of the hashed front-end files, resolved from the embedded site at start.
    pub assets: SiteAssets,
    /// Whether email and text messages can be sent from this server.
    pub channels: Channels,
    /// Seals the secrets the server must read back (`crate::secrets`).
    pub secret_key: Arc<crate::secrets::SecretKey>,
    /// The firm's zone: times on a page rendered before the browser has said its own.
    pub time_zone: chrono_tz::Tz,
    /// Signs and encrypts Web Push (`crate::accounts::push`).
    pub push: Arc<crate::accounts::push::Vapid>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Channels {
    pub email: bool,
    pub sms: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SiteAssets {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl AppState {
    /// These parts with `change` made to a copy (a test starts a second node this way).
    pub fn with(&self, change: impl FnOnce(&mut Shared)) -> Self {
        let mut shared = Shared::clone(&self.0);
        change(&mut shared);
        shared.into()
    }

    /// The state inside a server function or during rendering.
    pub fn current() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| AppError::internal("AppState missing from context"))
    }
}
