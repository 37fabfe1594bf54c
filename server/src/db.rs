//! Opening the database (SQLite tuned for concurrent use, or PostgreSQL) and migrating it.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::DatabaseConfig;

pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, String> {
    let mut options = ConnectOptions::new(config.url.clone());
    options
        .max_connections(config.max_connections)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    if config.is_sqlite() {
        // WAL lets readers run beside the writer; NORMAL is durable at each checkpoint and safe
        // in WAL mode; writers queue for up to busy_timeout instead of failing at once.
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    }
    let db = Database::connect(options).await.map_err(|e| {
        let kind = if config.is_sqlite() {
            "SQLite database"
        } else {
            "PostgreSQL database"
        };
        format!("Cannot open the {kind} named by DATABASE_URL: {e}.")
    })?;
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), String> {
    Migrator::up(db, None)
        .await
        .map_err(|e| format!("Cannot bring the database schema up to date: {e}."))
}
