//! Live updates over Server-Sent Events (`GET /events?matter=<id>`), and the PostgreSQL
//! listener that brings other nodes' changes to this node's subscribers.
//!
//! A subscriber is told of a change only if, at that moment, it may see the conversation it
//! happened in (`Actor::conversation`; a protected one it has not unlocked still counts, as
//! the list shows it locked with its unread count). The session is read again from the store
//! for each change and at least once a minute, not the copy loaded when the stream opened, so
//! a stream ends with its session whatever ended it (sign-out, idle, lifetime, a disabled
//! account, a password change); it ends too when the node shuts down. A session holds a few
//! streams at most, and a node a bounded number.

use std::{convert::Infallible, sync::Arc, time::Duration};

use app::ids::MatterId;
use axum::{
    extract::{Query, State},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::{Session, session::Id};

use app::{
    AppError,
    live::{CHANNEL, Change},
    policy::Actor,
    state::AppState,
};

use crate::sessions::DbSessionStore;

/// The path, for the router and the authorization matrix.
pub const ROUTE: &str = "/events";

#[derive(serde::Deserialize)]
pub struct EventsQuery {
    matter: MatterId,
}

/// One open stream: what it listens to, and whose session it serves.
struct Stream {
    state: AppState,
    store: Arc<DbSessionStore>,
    session: Id,
    matter: MatterId,
    changes: tokio::sync::broadcast::Receiver<Change>,
    closing: tokio::sync::watch::Receiver<bool>,
    recheck: tokio::time::Interval,
    _ticket: app::live::Ticket,
}

impl Stream {
    /// The person behind the session as the store has it now, if it still stands.
    async fn actor(&self) -> Option<Actor> {
        let session = Session::new(Some(self.session), self.store.clone(), None);
        let actor = Actor::from_session(&self.state.db, &session).await.ok()?;
        actor.signed_in().ok()?;
        Some(actor)
    }

    /// What the stream says next: a change to reload for, "reload everything" after falling
    /// behind, or the end (the session is over, or the node shuts down).
    async fn next(&mut self) -> Option<Event> {
        loop {
            let received = tokio::select! {
                received = self.changes.recv() => Some(received),
                _ = self.closing.wait_for(|closing| *closing) => return None,
                _ = self.recheck.tick() => None,
            };
            let Some(received) = received else {
                self.actor().await?;
                continue;
            };
            let change = match received {
                Ok(change) => change,
                Err(RecvError::Lagged(_)) => {
                    self.actor().await?;
                    return Some(Event::default().event("resync").data("{}"));
                }
                Err(RecvError::Closed) => return None,
            };
            if change.matter != self.matter {
                continue;
            }
            let actor = self.actor().await?;
            match actor
                .conversation(&self.state.db, change.conversation)
                .await
            {
                Ok(_) | Err(AppError::StepUpRequired) => {
                    let data = serde_json::to_string(&change).unwrap_or_default();
                    return Some(Event::default().event("change").data(data));
                }
                Err(_) => continue,
            }
        }
    }
}

/// GET /events?matter=<id>: the changes on a matter this person may see, as they happen.
pub async fn events(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<EventsQuery>,
) -> Result<Response, AppError> {
    Actor::from_session(&state.db, &session)
        .await?
        .matter(&state.db, query.matter)
        .await?;
    let id = session.id().ok_or(AppError::Unauthenticated)?;
    let ticket = state.live.admit(id.to_string())?;
    let mut recheck = tokio::time::interval(state.live.recheck());
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    recheck.reset();
    let stream = Stream {
        store: Arc::new(DbSessionStore::new(state.db.clone())),
        changes: state.live.subscribe(),
        closing: state.live.closing(),
        state,
        session: id,
        matter: query.matter,
        recheck,
        _ticket: ticket,
    };
    let events = stream::unfold(stream, |mut stream| async move {
        let event = stream.next().await?;
        Some((Ok::<_, Infallible>(event), stream))
    });
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))),
    )
        .into_response())
}

/// On PostgreSQL, listens for changes published by any node and delivers them here. Returns
/// once listening (or once the first attempt failed, which is logged: pages then see changes
/// on their next load); a lost connection is re-made in the background.
pub async fn start_listener(database_url: &str, state: &AppState) {
    if !database_url.starts_with("postgres") {
        return;
    }
    let url = database_url.to_string();
    let hub = state.live.clone();
    let first = listen(&url).await;
    tokio::spawn(async move {
        let mut listener = first;
        loop {
            if let Some(mut l) = listener.take() {
                loop {
                    match l.recv().await {
                        Ok(note) => match serde_json::from_str::<Change>(note.payload()) {
                            Ok(change) => hub.deliver(change),
                            Err(e) => tracing::warn!(error = %e, "a malformed change notification"),
                        },
                        Err(e) => {
                            tracing::warn!(error = %e, "the change listener lost PostgreSQL");
                            break;
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            listener = listen(&url).await;
        }
    });
}

async fn listen(url: &str) -> Option<sqlx::postgres::PgListener> {
    let mut listener = match sqlx::postgres::PgListener::connect(url).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "cannot connect the change listener");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for changes");
            None
        }
    }
}
