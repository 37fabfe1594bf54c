//! Database helpers every domain uses.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

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
/// without it, parallel requests would all count the same state and all pass. On PostgreSQL a
/// transaction-scoped advisory lock on the person, held until commit on every node; SQLite's
/// `BEGIN IMMEDIATE` (`begin_write`) already lets one writer in at a time.
pub async fn lock_person(txn: &DatabaseTransaction, person: uuid::Uuid) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let (high, low) = person.as_u64_pair();
    let key = i64::from_be_bytes((high ^ low).to_be_bytes());
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key.into()],
    ))
    .await?;
    Ok(())
}
