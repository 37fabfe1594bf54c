//! Live updates over Server-Sent Events (`GET /events?matter=<id>`), and the PostgreSQL
//! listener that brings other nodes' changes to this node's subscribers.
//!
//! A subscriber is told of a change only if, at that moment, it may see the conversation it
//! happened in (`Actor::conversation`; a protected one it has not unlocked still counts, as
//! the list shows it locked with its unread count). A session that ends ends its stream, and
//! so does the node shutting down.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Query, State},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::stream;
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;
use uuid::Uuid;

use app::{
    AppError,
    live::{CHANNEL, Change},
    policy::Actor,
    state::AppState,
};

/// The path, for the router and the authorization matrix.
pub const ROUTE: &str = "/events";

#[derive(serde::Deserialize)]
pub struct EventsQuery {
    matter: Uuid,
}

type Subscription = (
    tokio::sync::broadcast::Receiver<Change>,
    tokio::sync::watch::Receiver<bool>,
);

/// What the stream says next: a change to reload for, "reload everything" after falling
/// behind, or the end (the session is over, or the node shuts down).
async fn next(
    state: &AppState,
    session: &Session,
    matter: Uuid,
    (rx, closing): &mut Subscription,
) -> Option<Event> {
    loop {
        let received = tokio::select! {
            received = rx.recv() => received,
            _ = closing.wait_for(|closing| *closing) => return None,
        };
        let change = match received {
            Ok(change) => change,
            Err(RecvError::Lagged(_)) => return Some(Event::default().event("resync").data("{}")),
            Err(RecvError::Closed) => return None,
        };
        if change.matter != matter {
            continue;
        }
        let actor = Actor::from_session(&state.db, session).await.ok()?;
        if actor.signed_in().is_err() {
            return None;
        }
        match actor.conversation(&state.db, change.conversation).await {
            Ok(_) | Err(AppError::StepUpRequired) => {
                let data = serde_json::to_string(&change).unwrap_or_default();
                return Some(Event::default().event("change").data(data));
            }
            Err(_) => continue,
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
    let subscription = (state.live.subscribe(), state.live.closing());
    let events = stream::unfold(
        (state, session, subscription),
        move |(state, session, mut subscription)| async move {
            let event = next(&state, &session, query.matter, &mut subscription).await?;
            Some((Ok::<_, Infallible>(event), (state, session, subscription)))
        },
    );
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
