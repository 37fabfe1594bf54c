//! Live updates: "something changed in conversation C on matter M" (a new message M, say). A
//! change carries only ids between nodes (LISTEN/NOTIFY on PostgreSQL, `server/src/live.rs`
//! listens; on SQLite, which is one node, it stays here). Each person with the matter open is
//! then told of it as `Told`: for a new message they may read, the message and the
//! conversation's line as they see them, decided by the same policy and reading code as the
//! server functions; otherwise the page reloads what it shows through them.

use crate::ids::{ConversationId, MatterId, MessageId, UserId};
use serde::{Deserialize, Serialize};

/// The PostgreSQL channel changes travel on.
pub const CHANNEL: &str = "dossier_changes";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub matter: MatterId,
    pub conversation: ConversationId,
    /// The message written, when that is the change.
    #[serde(default)]
    pub message: Option<MessageId>,
    /// Someone read the conversation, when that is the change (read receipts).
    #[serde(default)]
    pub read: Option<Read>,
    /// Someone was removed from the conversation, when that is the change: their own pages
    /// are told too (it is gone for them), though they may no longer read it.
    #[serde(default)]
    pub left: Option<UserId>,
    /// The matter's files changed as well (a contact's upload into a file request): open file
    /// trees look again.
    #[serde(default)]
    pub files: bool,
}

/// Who read a conversation, and when: every message of others' up to then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Read {
    pub by: UserId,
    pub at: crate::when::Moment,
}

/// What one person's open page is told of a change (`conversations::telling::told`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Told {
    pub change: Change,
    /// The new message, as this person sees it, when they may read it.
    #[serde(default)]
    pub message: Option<crate::conversations::MessageView>,
    /// The conversation's line in this person's list.
    #[serde(default)]
    pub summary: Option<crate::conversations::ConversationSummary>,
    /// A read receipt this person may see: added to the messages it covers.
    #[serde(default)]
    pub seen: Option<crate::conversations::Seen>,
    /// This person was removed from the conversation: their page closes it.
    #[serde(default)]
    pub gone: bool,
}

#[cfg(feature = "ssr")]
pub use hub::{Hub, SESSION_RECHECK, STREAMS_PER_NODE, STREAMS_PER_SESSION, Ticket};

#[cfg(feature = "ssr")]
mod hub {
    use std::{
        collections::HashMap,
        sync::{Arc, Mutex},
    };

    use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
    use tokio::sync::{broadcast, watch};

    use super::{CHANNEL, Change};
    use crate::AppError;

    /// Open streams one session may hold (a few tabs); more is a client gone wrong.
    pub const STREAMS_PER_SESSION: usize = 8;
    /// Open streams one node holds at most.
    pub const STREAMS_PER_NODE: usize = 5000;
    /// How often a stream with nothing to say checks that its session still stands.
    pub const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(60);

    /// This node's subscribers, and the way a change reaches every node.
    #[derive(Debug, Clone)]
    pub struct Hub {
        tx: broadcast::Sender<Change>,
        closing: watch::Sender<bool>,
        open: Arc<Mutex<OpenStreams>>,
        recheck: std::time::Duration,
    }

    #[derive(Debug)]
    struct OpenStreams {
        per_session: HashMap<String, usize>,
        total: usize,
        max_per_session: usize,
        max_total: usize,
    }

    /// An admitted stream; dropping it (the stream ended) frees its place.
    #[derive(Debug)]
    pub struct Ticket {
        open: Arc<Mutex<OpenStreams>>,
        session: String,
    }

    impl Drop for Ticket {
        fn drop(&mut self) {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            open.total = open.total.saturating_sub(1);
            if let Some(n) = open.per_session.get_mut(&self.session) {
                *n -= 1;
                if *n == 0 {
                    open.per_session.remove(&self.session);
                }
            }
        }
    }

    impl Default for Hub {
        fn default() -> Self {
            Self::with_limits(STREAMS_PER_SESSION, STREAMS_PER_NODE)
        }
    }

    impl Hub {
        pub fn with_limits(max_per_session: usize, max_total: usize) -> Self {
            // Enough for a burst; a subscriber that falls further behind is told to reload.
            let (tx, _) = broadcast::channel(1024);
            let (closing, _) = watch::channel(false);
            Self {
                tx,
                closing,
                recheck: SESSION_RECHECK,
                open: Arc::new(Mutex::new(OpenStreams {
                    per_session: HashMap::new(),
                    total: 0,
                    max_per_session,
                    max_total,
                })),
            }
        }

        /// The same hub, whose idle streams re-check their session every `period`.
        pub fn with_recheck(mut self, period: std::time::Duration) -> Self {
            self.recheck = period;
            self
        }

        pub fn recheck(&self) -> std::time::Duration {
            self.recheck
        }

        /// A place for one more stream of `session` (any key that names it), or a 429.
        pub fn admit(&self, session: String) -> Result<Ticket, AppError> {
            let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
            if open.total >= open.max_total {
                return Err(AppError::TooManyRequests(
                    crate::text::THE_SERVER_IS_FOLLOWING_TOO_MANY.into(),
                ));
            }
            let mine = open.per_session.get(&session).copied().unwrap_or(0);
            if mine >= open.max_per_session {
                return Err(AppError::TooManyRequests(
                    crate::text::this_browser_already_follows_pages_live(&mine),
                ));
            }
            open.per_session.insert(session.clone(), mine + 1);
            open.total += 1;
            Ok(Ticket {
                open: self.open.clone(),
                session,
            })
        }

        /// How many streams this node holds open.
        pub fn streams_open(&self) -> usize {
            self.open.lock().unwrap_or_else(|e| e.into_inner()).total
        }

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
