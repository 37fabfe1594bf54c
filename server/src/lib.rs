//! The Dossier server: configuration, database, storage and the HTTP routes around the app.

pub mod config;
pub mod db;
pub mod delivery;
pub mod live;
pub mod routes;
pub mod security;
pub mod sessions;
pub mod site;
pub mod storage;
pub mod telemetry;
pub mod transfer;

use std::sync::Arc;

use app::state::{AppState, Portal};
use leptos::config::LeptosOptions;

use crate::config::Config;

/// Opens (and migrates) the database, opens the storage and assembles the shared state.
/// Errors are sentences for the person starting the server.
pub async fn open(config: &Config) -> Result<AppState, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "Cannot create the data folder {}: {e}.",
            config.data_dir.display()
        )
    })?;
    let db = db::connect(&config.database).await?;
    db::migrate(&db).await?;
    let storage = storage::open(&config.storage).await?;
    let assets = site::assets().unwrap_or_else(|| {
        tracing::warn!("the front end is not built: run `cargo leptos build` (./dossier.sh does)");
        Default::default()
    });
    let leptos_options = LeptosOptions::builder()
        .output_name("dossier")
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(leptos::config::Env::PROD)
        .build();
    Ok(AppState {
        leptos_options,
        db,
        storage,
        portal: Arc::new(Portal {
            public_url: config.public_url.clone(),
            https: config.https,
            trusted_proxies: config.trusted_proxies.clone(),
            assets,
            channels: app::state::Channels {
                email: config.delivery.smtp_url.is_some(),
                sms: config.delivery.sms.is_some(),
            },
        }),
        live: Default::default(),
    })
}

/// Prints the one-time setup link while the portal has no administrator.
pub async fn announce_setup_link(state: &AppState) -> Result<(), String> {
    let link = app::accounts::server::issue_setup_link(&state.db, &state.portal.public_url)
        .await
        .map_err(|e| format!("Cannot create a setup link: {e}"))?;
    if let Some(link) = link {
        let hours = app::accounts::server::SETUP_LINK_LIFETIME.num_hours();
        eprintln!(
            "\n  Dossier has no administrator yet. Open this link within {hours} hour(s) to create one;\n  \
             it works once:\n\n    {link}\n\n  A new link: `dossier setup-link`. Without a browser: `dossier admin create`.\n"
        );
    }
    Ok(())
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish.
pub async fn serve(config: &Config, state: AppState) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| {
            format!(
                "Cannot listen on {}: {e}. Set DOSSIER_LISTEN to a free address.",
                config.listen
            )
        })?;
    sessions::DbSessionStore::new(state.db.clone()).spawn_cleanup();
    delivery::Transports::new(&config.delivery)?.spawn(state.db.clone());
    app::files::uploads::spawn_clean_up(state.clone());
    live::start_listener(&config.database.url, &state).await;
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "Dossier is ready");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
    let live = state.live.clone();
    let app = routes::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        // Live-update streams never finish by themselves.
        live.close();
        let _ = stop_tx.send(());
    });
    let mut stop_rx = stop_rx;
    tokio::select! {
        result = server => result.map_err(|e| format!("The server stopped: {e}.")),
        _ = async {
            let _ = stop_rx.changed().await;
            tokio::time::sleep(routes::SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!("requests still running after the grace period were cut off");
            Ok(())
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
