use super::SystemStatus;
use crate::state::AppState;

/// Probes the database and the storage; shared by `/healthz` and the status card.
pub async fn check(state: &AppState) -> SystemStatus {
    let (database, storage) = tokio::join!(state.db.ping(), probe_storage(&state.storage));
    if let Err(e) = &database {
        tracing::warn!(error = %e, "health: database does not answer");
    }
    if let Err(e) = &storage {
        tracing::warn!(error = %e, "health: storage does not answer");
    }
    SystemStatus {
        database: database.is_ok(),
        storage: storage.is_ok(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// Writes, reads back and deletes a small object: storage that lists but cannot store is down.
/// Bounded in time: the operator retries failures, and a health check must answer quickly.
async fn probe_storage(storage: &opendal::Operator) -> opendal::Result<()> {
    const LIMIT: std::time::Duration = std::time::Duration::from_secs(3);
    tokio::time::timeout(LIMIT, write_read_delete(storage))
        .await
        .unwrap_or_else(|_| {
            Err(opendal::Error::new(
                opendal::ErrorKind::Unexpected,
                "storage probe timed out",
            ))
        })
}

async fn write_read_delete(storage: &opendal::Operator) -> opendal::Result<()> {
    const KEY: &str = "health/probe";
    storage.write(KEY, b"ok".to_vec()).await?;
    let back = storage.read(KEY).await?;
    storage.delete(KEY).await?;
    if back.to_vec() == b"ok" {
        Ok(())
    } else {
        Err(opendal::Error::new(
            opendal::ErrorKind::Unexpected,
            "probe read back different bytes",
        ))
    }
}
