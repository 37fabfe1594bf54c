//! Live updates: "something changed in conversation C on matter M". A change carries no
//! content, only ids; a page that hears of one reloads what it shows through the server
//! functions, which check everything as usual. On PostgreSQL a change travels between nodes by
//! LISTEN/NOTIFY (`server/src/live.rs` listens); on SQLite, which is one node, it stays here.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The PostgreSQL channel changes travel on.
pub const CHANNEL: &str = "dossier_changes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub matter: Uuid,
    pub conversation: Uuid,
}

#[cfg(feature = "ssr")]
pub use hub::Hub;

#[cfg(feature = "ssr")]
mod hub {
    use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
    use tokio::sync::{broadcast, watch};

    use super::{CHANNEL, Change};

    /// This node's subscribers, and the way a change reaches every node.
    #[derive(Debug, Clone)]
    pub struct Hub {
        tx: broadcast::Sender<Change>,
        closing: watch::Sender<bool>,
    }

    impl Default for Hub {
        fn default() -> Self {
            // Enough for a burst; a subscriber that falls further behind is told to reload.
            let (tx, _) = broadcast::channel(1024);
            let (closing, _) = watch::channel(false);
            Self { tx, closing }
        }
    }

    impl Hub {
        pub fn subscribe(&self) -> broadcast::Receiver<Change> {
            self.tx.subscribe()
        }

        /// Becomes true when the node shuts down.
        pub fn closing(&self) -> watch::Receiver<bool> {
            self.closing.subscribe()
        }

        /// Ends every open stream, so that a node shutting down does not wait on them; the
        /// browsers reconnect, to another node behind the load balancer.
        pub fn close(&self) {
            self.closing.send_replace(true);
        }

        /// Hands a change to this node's subscribers (the PostgreSQL listener calls this).
        pub fn deliver(&self, change: Change) {
            // No subscriber is not an error.
            let _ = self.tx.send(change);
        }

        /// Tells every node, after the change is committed. On PostgreSQL the notification
        /// comes back to this node through its own listener, so it is delivered once.
        /// A lost notification costs only a late refresh, so failures are logged, not raised.
        pub async fn publish(&self, db: &DatabaseConnection, change: Change) {
            if db.get_database_backend() != DbBackend::Postgres {
                self.deliver(change);
                return;
            }
            let payload = serde_json::to_string(&change).unwrap_or_default();
            let notify = Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), payload.into()],
            );
            if let Err(e) = db.execute_raw(notify).await {
                tracing::warn!(error = %e, "could not tell the other nodes of a change");
            }
        }
    }
}
