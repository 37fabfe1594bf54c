//! A real portal for tests: real SQLite in a temporary folder or a fresh PostgreSQL database,
//! real local-disk storage, and the real router.

#![allow(dead_code)]

pub mod outside;
pub mod process;
pub mod s3;
pub mod world;

use std::path::PathBuf;

use app::state::AppState;
use axum::{
    Router,
    body::{Body, to_bytes},
    http::{HeaderMap, Request, StatusCode},
};
use dossier::config::{Config, DatabaseConfig, StorageConfig};
use sea_orm::{ConnectionTrait, Database};
use tempfile::TempDir;
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

/// The password of the accounts tests create.
pub const PASSWORD: &str = "correct horse battery staple";

/// The PostgreSQL that tests may create databases on (trust auth on loopback).
pub fn postgres_admin_url() -> String {
    std::env::var("DOSSIER_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

pub struct TestPortal {
    pub state: AppState,
    pub config: Config,
    pub dir: TempDir,
    postgres_db: Option<String>,
}

impl TestPortal {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, "http://127.0.0.1:3000").await
    }

    pub async fn start_with(backend: Backend, public_url: &str) -> Self {
        Self::start_full(backend, public_url, None).await
    }

    /// A portal that sends email and text messages to the given (local, real-protocol) servers.
    pub async fn start_full(
        backend: Backend,
        public_url: &str,
        delivery: Option<dossier::config::DeliveryConfig>,
    ) -> Self {
        Self::start_storage(backend, public_url, delivery, None).await
    }

    /// A portal whose documents go to `storage` (default: local disk in its data folder).
    pub async fn start_storage(
        backend: Backend,
        public_url: &str,
        delivery: Option<dossier::config::DeliveryConfig>,
        storage: Option<StorageConfig>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let data_dir: PathBuf = dir.path().join("data");
        let (url, postgres_db) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}/dossier.db?mode=rwc", data_dir.display()),
                None,
            ),
            Backend::Postgres => {
                let name = format!("dossier_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(postgres_admin_url()).await.expect(
                    "PostgreSQL on 127.0.0.1:5432 must be running for the tests (./dossier.sh test starts it)",
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create a fresh test database");
                let url = replace_database(&postgres_admin_url(), &name);
                (url, Some(name))
            }
        };
        let config = Config {
            listen: "127.0.0.1:3000".parse().expect("address"),
            metrics_listen: None,
            public_url: public_url.to_string(),
            https: public_url.starts_with("https://"),
            trusted_proxies: vec!["10.0.0.1".parse().expect("ip")],
            data_dir: data_dir.clone(),
            database: DatabaseConfig {
                url,
                max_connections: 4,
            },
            storage: storage.unwrap_or(StorageConfig::Fs {
                root: data_dir.join("files"),
            }),
            delivery: delivery.unwrap_or_default(),
            secret_key: None,
            time_zone: chrono_tz::UTC,
        };
        let state = dossier::open(&config).await.expect("portal opens");
        Self {
            state,
            config,
            dir,
            postgres_db,
        }
    }

    /// A portal whose administrator is ada@firm.example with `PASSWORD`.
    pub async fn with_admin(backend: Backend, public_url: &str) -> Self {
        let portal = Self::start_with(backend, public_url).await;
        let account = app::accounts::passwords::NewAccount::parse(
            "Ada Lovelace",
            "ada@firm.example",
            PASSWORD.into(),
        )
        .expect("valid account");
        app::accounts::setup::create_admin(&portal.state.db, account)
            .await
            .expect("admin");
        portal
    }

    pub fn router(&self) -> Router {
        dossier::routes::router(self.state.clone())
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        send_to(self.router(), request).await
    }

    /// A call as `call_from` makes it, answered by another node (another `AppState` on the same
    /// database and storage).
    pub async fn call_on_node(
        &self,
        node: &AppState,
        path: &str,
        form: &[(&str, &str)],
        peer: &str,
    ) -> Reply {
        send_to(
            dossier::routes::router(node.clone()),
            form_request(path, form, None, Some(peer), None),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// A server-function call as the hydrated page makes it: same-origin, form-encoded.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.call_with_cookie(path, form, None).await
    }

    pub async fn call_with_cookie(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        self.call_from(path, form, cookie, None, None).await
    }

    /// A call arriving from `peer` (as the TCP connection says), optionally through a proxy that
    /// sends `X-Forwarded-For`.
    pub async fn call_from(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        peer: Option<&str>,
        forwarded_for: Option<&str>,
    ) -> Reply {
        self.send(form_request(path, form, cookie, peer, forwarded_for))
            .await
    }

    /// Drops the PostgreSQL database this portal used.
    pub async fn finish(self) {
        let Self {
            state, postgres_db, ..
        } = self;
        drop(state);
        if let Some(name) = postgres_db
            && let Ok(admin) = Database::connect(postgres_admin_url()).await
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// A server-function call as the hydrated page makes it: same-origin, form-encoded, from `peer`
/// (as the TCP connection says), optionally through a proxy that sends `X-Forwarded-For`.
pub fn form_request(
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    peer: Option<&str>,
    forwarded_for: Option<&str>,
) -> Request<Body> {
    let body = form
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(hops) = forwarded_for {
        request = request.header("x-forwarded-for", hops);
    }
    let mut request = request.body(Body::from(body)).expect("request");
    if let Some(peer) = peer {
        let addr: std::net::SocketAddr = format!("{peer}:40000").parse().expect("peer address");
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(addr));
    }
    request
}

pub async fn send_to(router: Router, request: Request<Body>) -> Reply {
    let response = router.oneshot(request).await.expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body");
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `name=value` of the session cookie this reply set, if it set one.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("dossier_session=") || c.starts_with("__Host-dossier_session="))
            .map(|c| c.split(';').next().unwrap_or_default().to_string())
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

fn replace_database(url: &str, name: &str) -> String {
    let mut url = url::Url::parse(url).expect("postgres url");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A browser: it keeps the session cookie the server last set.
pub struct Browser<'a> {
    pub portal: &'a TestPortal,
    pub cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub fn new(portal: &'a TestPortal) -> Self {
        Self {
            portal,
            cookie: None,
        }
    }

    pub async fn call(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let reply = self
            .portal
            .call_with_cookie(path, form, self.cookie.as_deref())
            .await;
        assert_ne!(reply.status, 500, "{path}: {}", reply.text());
        if let Some(cookie) = reply.session_cookie() {
            self.cookie = Some(cookie);
        }
        reply
    }

    /// Signs in as the administrator of `TestPortal::with_admin`.
    pub async fn sign_in(&mut self) -> Reply {
        self.sign_in_as("ada@firm.example", PASSWORD).await
    }

    pub async fn sign_in_as(&mut self, email: &str, password: &str) -> Reply {
        self.call(
            "/api/accounts/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn me(&mut self) -> String {
        self.call("/api/accounts/me", &[]).await.text()
    }

    pub async fn sign_out(&mut self) {
        let reply = self.call("/api/accounts/sign-out", &[]).await;
        assert_eq!(reply.status, 200);
        self.cookie = None;
    }
}

/// A person in the directory who can sign in with `PASSWORD`.
pub async fn add_person(
    portal: &TestPortal,
    name: &str,
    email: &str,
    role: app::entities::user::Role,
    mobile: Option<&str>,
) -> app::entities::user::Model {
    use app::accounts::{passwords::hash_password, server::insert_person};
    let hash = hash_password(PASSWORD.into()).await.expect("hash");
    insert_person(
        &portal.state.db,
        app::accounts::server::NewPerson {
            display_name: name.into(),
            email: email.into(),
            mobile: mobile.map(String::from),
            role,
            password_hash: Some(hash),
        },
    )
    .await
    .expect("person")
}

/// The administrator of `TestPortal::with_admin` and of the world.
pub const ADA: &str = "ada@firm.example";

/// How many times `action` is in the audit trail.
pub async fn audit_count(portal: &TestPortal, action: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    app::entities::audit_event::Entity::find()
        .filter(app::entities::audit_event::Column::Action.eq(action))
        .count(&portal.state.db)
        .await
        .expect("count")
}

/// The authenticator app on a phone: the secret it was given, and the codes it shows.
pub struct Phone(totp_rs::TOTP);

impl Phone {
    pub fn scan(enrolment: &app::accounts::api::TotpEnrolment) -> Self {
        use totp_rs::{Algorithm, Secret, TOTP};
        let secret = Secret::Encoded(enrolment.secret.replace(' ', ""))
            .to_bytes()
            .expect("base32 secret");
        Self(TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, None, String::new()).expect("totp"))
    }

    /// The code of the step `offset` steps from now.
    pub fn code(&self, offset: i64) -> String {
        let now = chrono::Utc::now().timestamp() / 30;
        self.0
            .generate(u64::try_from((now + offset) * 30).expect("time"))
    }
}

/// Fires the same call `n` times at once, each as a separate browser from `peer`.
pub async fn at_once(
    portal: &TestPortal,
    n: usize,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    peer: &str,
) -> Vec<Reply> {
    futures_util::future::join_all(
        (0..n).map(|_| portal.call_from(path, form, cookie, Some(peer), None)),
    )
    .await
}

/// How many of `replies` have `status`.
pub fn count(replies: &[Reply], status: u16) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

/// The tables of `db` with a row that holds `phrase` in any column, read as a thief with the
/// database file would (every table, every column as text).
pub async fn tables_holding(db: &sea_orm::DatabaseConnection, phrase: &str) -> Vec<String> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = db.get_database_backend();
    let rows = |sql: String| async move {
        db.query_all_raw(Statement::from_string(backend, sql.clone()))
            .await
            .expect(&sql)
    };
    let names = |rows: Vec<sea_orm::QueryResult>| -> Vec<String> {
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).expect("a name"))
            .collect()
    };
    let tables = match backend {
        DbBackend::Sqlite => names(
            rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    .into(),
            )
            .await,
        ),
        _ => names(
            rows(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()".into(),
            )
            .await,
        ),
    };
    let like = phrase.replace('\'', "''");
    let mut holding = Vec::new();
    for table in tables {
        let filter = match backend {
            DbBackend::Sqlite => {
                let columns =
                    names(rows(format!("SELECT name FROM pragma_table_info('{table}')")).await);
                columns
                    .iter()
                    .map(|c| format!("CAST(\"{c}\" AS TEXT) LIKE '%{like}%'"))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            }
            _ => format!("t::text LIKE '%{like}%'"),
        };
        let found = rows(format!("SELECT 1 FROM \"{table}\" t WHERE {filter}")).await;
        if !found.is_empty() {
            holding.push(table);
        }
    }
    holding
}
