//! The Dossier server: configuration, database, storage and the HTTP routes around the app.

pub mod activity;
pub mod backup;
pub mod brand;
pub mod check;
pub mod config;
pub mod db;
pub mod delivery;
pub mod edge;
pub mod front_page;
pub mod live;
pub mod metrics;
pub mod public_dns;
pub mod restore;
pub mod routes;
pub mod security;
pub mod server_fns;
pub mod sessions;
pub mod site;
pub mod storage;
pub mod stored;
pub mod telemetry;
pub mod to_postgres;
pub mod transfer;

use std::sync::Arc;

use app::state::{AppState, Portal, Shared};
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
    keep_private(&config.data_dir)?;
    let db = db::connect(&config.database).await?;
    db::migrate(&db).await?;
    let secret_bytes = secret_key(config)?;
    let secret_key = Arc::new(app::secrets::SecretKey::new(&secret_bytes)?);
    let push = Arc::new(app::accounts::push::Vapid::derive(
        &secret_bytes,
        &config.public_url,
        config.delivery.push_allow_local,
    )?);
    secret_key.check_against(&db).await?;
    app::accounts::second_factor::seal_stored_secrets(&db, &secret_key)
        .await
        .map_err(|e| format!("Cannot seal the stored authenticator secrets: {e}"))?;
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
    Ok(AppState::from(Shared {
        leptos_options,
        db: db.clone(),
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
            secret_key,
            time_zone: config.time_zone,
            push,
        }),
        live: Default::default(),
        access_log: app::activity::log::Writer::start(db.clone()),
        brand: Arc::new(
            app::settings::server::BrandCache::load(&db)
                .await
                .map_err(|e| format!("Cannot read the firm's settings: {e}"))?,
        ),
    }))
}

/// The data folder is the firm's alone: mode 0700, whatever it was created with.
fn keep_private(dir: &std::path::Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| {
            format!(
                "Cannot make the data folder {} private: {e}.",
                dir.display()
            )
        })?;
    }
    Ok(())
}

/// `DOSSIER_SECRET_KEY`, else `secret.key` in the data folder, created (mode 0600) on the
/// first start. Back it up with the database: without it, authenticator apps must be set up
/// again.
fn secret_key(config: &Config) -> Result<[u8; 32], String> {
    if let Some(key) = &config.secret_key {
        return Ok(key.0);
    }
    let path = config.data_dir.join("secret.key");
    let unreadable =
        |e: std::io::Error| format!("Cannot read the key file {}: {e}.", path.display());
    match std::fs::read_to_string(&path) {
        Ok(text) => app::secrets::parse_key_hex(&text).ok_or_else(|| {
            format!(
                "The key file {} is damaged: it must hold 64 hexadecimal digits. Restore it from \
                 a backup.",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hex = app::secrets::new_key_hex();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let written = options.open(&path).and_then(|mut file| {
                use std::io::Write;
                file.write_all(hex.as_bytes())?;
                file.sync_all()
            });
            match written {
                Ok(()) => {}
                // Another process created it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(unreadable(e)),
            }
            secret_key(config)
        }
        Err(e) => Err(unreadable(e)),
    }
}

/// Prints the one-time setup link while the portal has no administrator.
pub async fn announce_setup_link(state: &AppState) -> Result<(), String> {
    let link = app::accounts::setup::issue_setup_link(&state.db, &state.portal.public_url)
        .await
        .map_err(|e| format!("Cannot create a setup link: {e}"))?;
    if let Some(link) = link {
        let hours = app::accounts::setup::SETUP_LINK_LIFETIME.num_hours();
        eprintln!(
            "\n  Dossier has no administrator yet. Open this link within {hours} hour(s) to create one;\n  \
             it works once:\n\n    {link}\n\n  A new link: `dossier setup-link`. Without a browser: `dossier admin create`.\n"
        );
    }
    Ok(())
}

/// How long a client may take to send a request's headers, and to send the next piece of its
/// body: a slow client cannot hold a connection (and its memory) open forever.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub headers: std::time::Duration,
    pub body_idle: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            headers: std::time::Duration::from_secs(15),
            // A phone on a bad connection pauses; a minute without a byte is a client gone.
            body_idle: std::time::Duration::from_secs(60),
        }
    }
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
    // Local disk belongs to this one node: every scratch file is a write the last run left cut
    // off. (`open` does not do this: `dossier backup` opens storage beside a running server.)
    let freed = app::files::blobs::clean_scratch(&state.storage, std::time::Duration::ZERO)
        .await
        .map_err(|e| format!("Cannot clean the storage scratch folder: {e}"))?;
    if freed > 0 {
        tracing::info!(bytes = freed, "deleted scratch files a stopped run left");
    }
    sessions::DbSessionStore::new(state.db.clone()).spawn_cleanup();
    delivery::Transports::new(&config.delivery)?
        .with_push(state.portal.push.clone())?
        .spawn(state.db.clone());
    app::files::clean_up::spawn_clean_up(state.clone());
    live::start_listener(&config.database.url, &state).await;
    if let Some(listen) = config.metrics_listen {
        metrics::serve(listen, state.clone()).await?;
    }
    tracing::info!(listen = %config.listen, public_url = %config.public_url, "Dossier is ready");
    serve_on(listener, state, Timeouts::default(), async {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
    })
    .await;
    Ok(())
}

/// Accepts connections on `listener` until `shutdown` completes, then gives the requests in
/// flight `routes::SHUTDOWN_GRACE` to finish. Each connection is HTTP/1.1 or HTTP/2, with
/// `TCP_NODELAY` (a response written in pieces is not held back waiting for an ACK) and the
/// header and body timeouts of `timeouts`.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    timeouts: Timeouts,
    shutdown: impl std::future::Future<Output = ()>,
) {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto, graceful::GracefulShutdown},
    };
    use tower::Service;

    let live = state.live.clone();
    let app = routes::router(state).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        timeouts.body_idle,
    ));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().call(request)
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    // Live-update streams never finish by themselves.
    live.close();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(routes::SHUTDOWN_GRACE) => {
            tracing::warn!("requests still running after the grace period were cut off");
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
