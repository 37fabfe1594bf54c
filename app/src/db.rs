//! Database helpers every domain uses.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqlErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::{AppError, ids::UserId};

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN`, so a
/// transaction that reads before it writes waits for `busy_timeout` instead of failing with
/// `SQLITE_BUSY` when another writer got there first. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Serializes the transactions that check and then change one person's quota (staged files):
/// without it, parallel requests would all count the same state and all pass.
pub async fn lock_person(txn: &DatabaseTransaction, person: UserId) -> Result<(), DbErr> {
    lock_key(txn, person.0).await
}

/// Lets one transaction at a time past this point for `key` (a person, a matter's access log).
/// On PostgreSQL a transaction-scoped advisory lock, held until commit on every node; SQLite's
/// `BEGIN IMMEDIATE` (`begin_write`) already lets one writer in at a time.
pub async fn lock_key(txn: &DatabaseTransaction, key: uuid::Uuid) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (high, low) = key.as_u64_pair();
    let key = i64::from_be_bytes((high ^ low).to_be_bytes());
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key.into()],
    ))
    .await?;
    Ok(())
}

/// The answer to a write that a unique index refused: `conflict()`, a 409 with a sentence, not
/// a 500. Checking for a taken name or number first is not enough on PostgreSQL, where two
/// requests can both pass the check before either writes; the index decides, and this turns
/// its decision into the same answer the check gives. (SQLite's `begin_write` lets one writer
/// in at a time, so there the check already decides.)
pub trait OnUnique<T> {
    fn on_unique(self, conflict: impl FnOnce() -> AppError) -> Result<T, AppError>;
}

impl<T> OnUnique<T> for Result<T, DbErr> {
    fn on_unique(self, conflict: impl FnOnce() -> AppError) -> Result<T, AppError> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => conflict(),
            _ => e.into(),
        })
    }
}
