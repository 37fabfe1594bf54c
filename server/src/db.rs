//! Opening the database (SQLite tuned for concurrent use, or PostgreSQL) and migrating it.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::config::DatabaseConfig;

pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, String> {
    let mut options = ConnectOptions::new(config.url.clone());
    options
        .max_connections(config.max_connections)
        .connect_timeout(Duration::from_secs(10))
        // A ping before every statement doubled the round trips of a page (on SQLite each is a
        // hop to the connection's thread and back); only a connection idle long enough for a
        // server or a firewall to have dropped it is tested first.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    if config.is_sqlite() {
        // WAL lets readers run beside the writer. FULL syncs the log at every commit: a version
        // or message the portal acknowledged survives a power cut (NORMAL would keep it only
        // from the next checkpoint). Writers queue for up to busy_timeout instead of failing.
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    }
    let mut db = Database::connect(options).await.map_err(|e| {
        let kind = if config.is_sqlite() {
            "SQLite database"
        } else {
            "PostgreSQL database"
        };
        format!("Cannot open the {kind} named by DATABASE_URL: {e}.")
    })?;
    // How many statements a page costs is the first thing to know about its speed.
    db.set_metric_callback(|info| {
        metrics::counter!("dossier_db_statements_total").increment(1);
        metrics::histogram!("dossier_db_statement_seconds").record(info.elapsed.as_secs_f64());
        statements::seen(&info.statement.sql);
    });
    Ok(db)
}

/// The statements this process runs, kept while a test asks (`record`): what a page costs the
/// database is counted by the tests, so a page that starts asking more fails one.
pub mod statements {
    use std::sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    };

    static RECORDING: AtomicBool = AtomicBool::new(false);
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

    pub(super) fn seen(sql: &str) {
        if RECORDING.load(Ordering::Relaxed) {
            SEEN.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(sql.to_string());
        }
    }

    /// The SQL of every statement run while `work` ran (other work of the process included).
    pub async fn record<T>(work: impl std::future::Future<Output = T>) -> (T, Vec<String>) {
        SEEN.lock().unwrap_or_else(|e| e.into_inner()).clear();
        RECORDING.store(true, Ordering::Relaxed);
        let out = work.await;
        RECORDING.store(false, Ordering::Relaxed);
        (
            out,
            std::mem::take(&mut *SEEN.lock().unwrap_or_else(|e| e.into_inner())),
        )
    }
}

/// Migrations are forward-only and run at start. A database that a newer Dossier has already
/// migrated is refused: this binary cannot know what the newer schema means.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), String> {
    refuse_newer_schema(db).await?;
    Migrator::up(db, None)
        .await
        .map_err(|e| format!("Cannot bring the database schema up to date: {e}."))
}

/// The newest migration this binary knows.
pub fn schema_version() -> String {
    Migrator::migrations()
        .last()
        .map(|m| m.name().to_string())
        .unwrap_or_default()
}

async fn refuse_newer_schema(db: &DatabaseConnection) -> Result<(), String> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    // No table yet: a new database.
    let Ok(applied) = applied(db).await else {
        return Ok(());
    };
    match applied.iter().rfind(|version| !known.contains(version)) {
        None => Ok(()),
        Some(newest) => Err(format!(
            "This database has schema {newest}, written by a newer Dossier; this is Dossier {} \
             with schema {}. Start the newer version, or restore a backup this version made.",
            env!("CARGO_PKG_VERSION"),
            schema_version(),
        )),
    }
}

/// The migrations applied to `db`, oldest first.
async fn applied(db: &impl ConnectionTrait) -> Result<Vec<String>, sea_orm::DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|row| row.try_get::<String>("", "version").ok())
        .collect())
}

/// The newest migration applied to `db`.
pub async fn newest_applied(db: &impl ConnectionTrait) -> Result<String, String> {
    applied(db)
        .await
        .map_err(|e| format!("Cannot read the database's schema version: {e}."))?
        .pop()
        .ok_or_else(|| "The database has no schema yet.".into())
}
