//! Sessions: tower-sessions on a store in the main database (SQLite or PostgreSQL), so a session
//! survives restarts and is shared by every node. Our own small store rather than
//! `tower-sessions-sqlx-store`, because that one keeps the id itself in the table and its save
//! writes a deleted row back, both of which this store refuses (below).
//!
//! A row is stored under the SHA-256 of the session id, so whoever reads the table (or a backup)
//! holds no usable cookie. Saving only updates a row: a request still in flight when its session
//! was signed out cannot bring the row back. A row expires after the firm's idle timeout.

use std::time::Duration;

use app::entities::session::{self as row, row_id};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
};
use time::OffsetDateTime;
use tower_sessions::{
    Expiry, SessionManagerLayer,
    cookie::SameSite,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion, SessionStore},
};

/// Name of the session cookie over plain http (a portal on loopback or in tests).
pub const COOKIE: &str = "dossier_session";
/// Under https: the `__Host-` prefix makes browsers refuse the cookie unless it is `Secure`,
/// for the whole site and not set by a subdomain.
pub const HOST_COOKIE: &str = "__Host-dossier_session";
/// The cookie's own lifetime: the longest idle timeout a firm may choose. The row ends sooner,
/// after the firm's actual idle timeout.
const COOKIE_MAX_IDLE_MINUTES: i64 = *app::settings::IDLE_MINUTES.end() as i64;

#[derive(Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The session layer: `HttpOnly`, `SameSite=Lax`, `Secure` when the portal is on https.
    pub fn layer(self, https: bool) -> SessionManagerLayer<Self> {
        SessionManagerLayer::new(self)
            .with_name(if https { HOST_COOKIE } else { COOKIE })
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(https)
            .with_path("/")
            .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
                COOKIE_MAX_IDLE_MINUTES,
            )))
    }

    /// When a row saved now expires: after the firm's idle timeout, or sooner if the record
    /// says so.
    async fn expires_at(
        &self,
        record: &Record,
    ) -> session_store::Result<chrono::DateTime<chrono::Utc>> {
        let idle = app::settings::server::load(&self.db)
            .await
            .map_err(|e| session_store::Error::Backend(e.to_string()))?
            .idle_timeout();
        Ok(to_chrono(record.expiry_date).min(chrono::Utc::now() + idle))
    }

    /// The data of each of these sessions that still stands, in one query per 500 (the live
    /// streams re-read every open page's session at once).
    pub async fn load_many(
        &self,
        ids: &[Id],
    ) -> Result<
        std::collections::HashMap<Id, std::collections::HashMap<String, serde_json::Value>>,
        sea_orm::DbErr,
    > {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let by_row: std::collections::HashMap<String, Id> =
                chunk.iter().map(|id| (row_id(id), *id)).collect();
            let rows = row::Entity::find()
                .filter(row::Column::Id.is_in(by_row.keys().cloned()))
                .filter(row::Column::ExpiresAt.gt(chrono::Utc::now()))
                .all(&self.db)
                .await?;
            for r in rows {
                // A row that does not decode is a session that no longer stands.
                if let (Some(id), Ok(data)) = (by_row.get(&r.id), serde_json::from_str(&r.data)) {
                    found.insert(*id, data);
                }
            }
        }
        Ok(found)
    }

    /// Removes expired sessions every ten minutes, for as long as the server runs.
    pub fn spawn_cleanup(&self) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(600));
            loop {
                tick.tick().await;
                if let Err(e) = store.delete_expired().await {
                    tracing::warn!(error = %e, "could not delete expired sessions");
                }
            }
        });
    }
}

fn encode(record: &Record) -> session_store::Result<String> {
    serde_json::to_string(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

fn backend(e: sea_orm::DbErr) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_chrono(t: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts under a fresh id, drawing again on the (astronomically unlikely) collision.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        let expires_at = self.expires_at(record).await?;
        loop {
            let row = row::ActiveModel {
                id: Set(row_id(&record.id)),
                data: Set(data.clone()),
                expires_at: Set(expires_at),
            };
            let inserted = row::Entity::insert(row)
                .on_conflict_do_nothing()
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if matches!(inserted, TryInsertResult::Inserted(1)) {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Updates the row if it is still there; a session deleted meanwhile (signed out, revoked)
    /// stays deleted.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        use sea_orm::sea_query::Expr;
        row::Entity::update_many()
            .col_expr(row::Column::Data, Expr::value(encode(record)?))
            .col_expr(
                row::Column::ExpiresAt,
                Expr::value(self.expires_at(record).await?),
            )
            .filter(row::Column::Id.eq(row_id(&record.id)))
            .exec(&self.db)
            .await
            .map(|_| ())
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let found = row::Entity::find_by_id(row_id(id))
            .filter(row::Column::ExpiresAt.gt(chrono::Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(found) = found else { return Ok(None) };
        let data = serde_json::from_str(&found.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(found.expires_at.timestamp())
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        row::Entity::delete_by_id(row_id(id))
            .exec(&self.db)
            .await
            .map(|_| ())
            .map_err(backend)
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        row::Entity::delete_many()
            .filter(row::Column::ExpiresAt.lte(chrono::Utc::now()))
            .exec(&self.db)
            .await
            .map(|_| ())
            .map_err(backend)
    }
}
