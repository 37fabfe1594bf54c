//! Live updates over Server-Sent Events (`GET /events?matter=<id>`), and the PostgreSQL
//! listener that brings other nodes' changes to this node's subscribers.
//!
//! A subscriber is told of a change only if, at that moment, it may see the conversation it
//! happened in (`Actor::conversation`; a protected one it has not unlocked still counts, as
//! the list shows it locked with its unread count). One task per node decides that for every
//! open page at once: on each change it re-reads the sessions of the pages open on that matter
//! (one query), who holds them (a few more), and asks the policy once per person, not once per
//! page, so a thousand open pages cost about as much as the people behind them. What a person
//! is told carries the new message and the conversation's line as they see them
//! (`conversations::telling::told`), so their pages need not ask again. Sessions are
//! read from the store for each change and on the hub's period (a minute), never cached, so a
//! stream ends with its session whatever ended it (sign-out, idle, lifetime, a disabled
//! account, a password change); it ends too when the node shuts down, and when its page reads
//! too slowly to keep up (the browser reconnects and reloads). A session holds a few streams
//! at most, and a node a bounded number.

use std::{
    collections::HashMap,
    convert::Infallible,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use app::ids::MatterId;
use axum::{
    Extension,
    extract::{Query, State},
    response::{
        IntoResponse, Response,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::{StreamExt, stream};
use tokio::sync::{
    broadcast::error::{RecvError, TryRecvError},
    mpsc,
};
use tower_sessions::{Session, session::Id};

use app::{
    AppError,
    conversations::telling,
    live::{CHANNEL, Change},
    policy::{Actor, SessionFacts},
    state::AppState,
};

use crate::sessions::DbSessionStore;

/// The path, for the router and the authorization matrix.
pub const ROUTE: &str = "/events";

/// Events a page may fall behind by before its stream is ended (it reconnects and reloads).
const BACKLOG: usize = 64;

#[derive(serde::Deserialize)]
pub struct EventsQuery {
    matter: MatterId,
}

/// What a stream is told.
#[derive(Debug, Clone)]
enum Say {
    /// A change, as `app::live::Told` in JSON: the same for every page of one person.
    Change(Arc<str>),
    /// Changes may have been missed: reload everything.
    Resync,
}

/// What the dispatcher heard from the hub.
enum Heard {
    /// A change, and those that arrived while the one before was being told: they are told
    /// together, each person's access worked out once for all of them.
    Changes(Vec<Change>),
    /// Changes were missed (the dispatcher fell behind): every page reloads.
    Missed,
}

/// The most changes told together.
const BATCH: usize = 256;

/// How many people's views of a change are worked out at once.
const PEOPLE_AT_ONCE: usize = 8;

/// One open page: whose session it serves, and where its events go.
struct Subscriber {
    session: Id,
    events: mpsc::Sender<Say>,
}

/// This node's open pages by matter, and the one task that tells them of changes.
#[derive(Clone, Default)]
pub struct Streams {
    open: Arc<Mutex<HashMap<MatterId, Vec<Subscriber>>>>,
    dispatcher: Arc<OnceLock<()>>,
}

impl Streams {
    fn subscribe(&self, state: &AppState, matter: MatterId, session: Id) -> mpsc::Receiver<Say> {
        // Started with the first stream, in the server's runtime.
        self.dispatcher.get_or_init(|| {
            tokio::spawn(dispatch(self.clone(), state.clone()));
        });
        let (events, receiver) = mpsc::channel(BACKLOG);
        self.lock()
            .entry(matter)
            .or_default()
            .push(Subscriber { session, events });
        receiver
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<MatterId, Vec<Subscriber>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The sessions of the pages open on `matter` (every matter if `None`), forgetting pages
    /// that have closed.
    fn sessions(&self, matter: Option<MatterId>) -> Vec<Id> {
        let mut open = self.lock();
        for subscribers in open.values_mut() {
            subscribers.retain(|s| !s.events.is_closed());
        }
        open.retain(|_, subscribers| !subscribers.is_empty());
        let mut ids: Vec<Id> = open
            .iter()
            .filter(|(m, _)| matter.is_none_or(|wanted| wanted == **m))
            .flat_map(|(_, subscribers)| subscribers.iter().map(|s| s.session))
            .collect();
        ids.sort_unstable_by_key(|id| id.0);
        ids.dedup();
        ids
    }

    /// For the pages on `matter` (every matter if `None`) whose session was `checked`: ends
    /// the streams whose session no longer stands, sends the others what `say` gives them, and
    /// ends those too far behind to take it. Pages opened since the check are left alone.
    /// Returns how many pages were sent something.
    fn tell(
        &self,
        matter: Option<MatterId>,
        checked: &HashMap<Id, Option<Actor>>,
        say: impl Fn(&Id) -> Option<Say>,
    ) -> usize {
        let mut told = 0;
        let mut open = self.lock();
        for (m, subscribers) in open.iter_mut() {
            if matter.is_some_and(|wanted| wanted != *m) {
                continue;
            }
            subscribers.retain(|s| match checked.get(&s.session) {
                None => true,
                Some(None) => false,
                Some(Some(_)) => say(&s.session).is_none_or(|say| {
                    let sent = s.events.try_send(say).is_ok();
                    told += usize::from(sent);
                    sent
                }),
            });
        }
        open.retain(|_, subscribers| !subscribers.is_empty());
        told
    }
}

/// Who holds each of these sessions now (`None` for one that no longer stands), or `None` if
/// the database could not say (then nothing is told and no stream is ended).
async fn standing(
    state: &AppState,
    store: &DbSessionStore,
    ids: &[Id],
) -> Option<HashMap<Id, Option<Actor>>> {
    let records = store
        .load_many(ids)
        .await
        .map_err(|e| tracing::warn!(error = %e, "live updates could not read the sessions"))
        .ok()?;
    let facts = records
        .iter()
        .map(|(id, data)| (*id, SessionFacts::from_data(data)))
        .collect();
    let actors = Actor::from_many(&state.db, facts)
        .await
        .map_err(|e| tracing::warn!(error = %e, "live updates could not read who is signed in"))
        .ok()?;
    Some(
        ids.iter()
            .map(|id| {
                let actor = actors.get(id).filter(|a| a.signed_in().is_ok()).cloned();
                (*id, actor)
            })
            .collect(),
    )
}

/// What `actor` is told of `change`, as the event's JSON; `None` if nothing, and when it could
/// not be checked (a page must not hear of what was not checked).
async fn told(
    db: &sea_orm::DatabaseConnection,
    actor: &Actor,
    change: Change,
    shown: &telling::Shown,
    checked: &telling::Checked,
) -> Option<Arc<str>> {
    match telling::told(db, actor, change, shown, checked).await {
        Ok(told) => told.and_then(|t| serde_json::to_string(&t).ok().map(Arc::from)),
        Err(e) => {
            tracing::warn!(error = %e, "live updates could not check a person");
            None
        }
    }
}

/// The node's dispatcher: every change, every missed change and every period, for all of this
/// node's open pages.
async fn dispatch(streams: Streams, state: AppState) {
    let store = DbSessionStore::new(state.db.clone());
    let mut changes = state.live.subscribe();
    let mut closing = state.live.closing();
    let mut recheck = tokio::time::interval(state.live.recheck());
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    recheck.reset();
    loop {
        let (matter, say) = tokio::select! {
            received = changes.recv() => match received {
                Ok(change) => {
                    let mut batch = vec![change];
                    let mut missed = false;
                    while batch.len() < BATCH {
                        match changes.try_recv() {
                            Ok(change) => batch.push(change),
                            Err(TryRecvError::Lagged(_)) => {
                                missed = true;
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    if missed {
                        (None, Some(Heard::Missed))
                    } else {
                        let matter = batch[0].matter;
                        let one_matter = batch.iter().all(|c| c.matter == matter);
                        (one_matter.then_some(matter), Some(Heard::Changes(batch)))
                    }
                }
                Err(RecvError::Lagged(_)) => (None, Some(Heard::Missed)),
                Err(RecvError::Closed) => return,
            },
            _ = recheck.tick() => (None, None),
            _ = closing.wait_for(|closing| *closing) => {
                streams.lock().clear();
                return;
            }
        };
        let started = std::time::Instant::now();
        let ids = streams.sessions(matter);
        if ids.is_empty() {
            continue;
        }
        let Some(checked) = standing(&state, &store, &ids).await else {
            continue;
        };
        match say {
            None => {
                streams.tell(None, &checked, |_| None);
            }
            Some(Heard::Missed) => {
                streams.tell(None, &checked, |_| Some(Say::Resync));
            }
            Some(Heard::Changes(batch)) => {
                // Once per person, not once per page, a few people at a time.
                let mut people: HashMap<app::ids::UserId, Actor> = HashMap::new();
                for actor in checked.values().flatten() {
                    if let Ok(user) = actor.signed_in() {
                        people.entry(user.id()).or_insert_with(|| actor.clone());
                    }
                }
                let access = telling::Checked::default();
                for change in batch {
                    let shown = telling::Shown::default();
                    let (shown, access) = (&shown, &access);
                    let verdicts: HashMap<app::ids::UserId, Arc<str>> =
                        stream::iter(people.clone())
                            .map(|(user, actor)| {
                                let db = state.db.clone();
                                async move {
                                    Some((user, told(&db, &actor, change, shown, access).await?))
                                }
                            })
                            .buffer_unordered(PEOPLE_AT_ONCE)
                            .filter_map(std::future::ready)
                            .collect()
                            .await;
                    let pages = streams.tell(Some(change.matter), &checked, |id| {
                        let user = checked.get(id)?.as_ref()?.signed_in().ok()?.id();
                        verdicts.get(&user).map(|t| Say::Change(t.clone()))
                    });
                    crate::metrics::live_change(people.len(), pages, started.elapsed());
                }
            }
        }
    }
}

/// GET /events?matter=<id>: the changes on a matter this person may see, as they happen.
pub async fn events(
    State(state): State<AppState>,
    Extension(streams): Extension<Streams>,
    session: Session,
    Query(query): Query<EventsQuery>,
) -> Result<Response, AppError> {
    Actor::from_session(&state.db, &session)
        .await?
        .matter(&state.db, query.matter)
        .await?;
    let id = session.id().ok_or(AppError::Unauthenticated)?;
    let ticket = state.live.admit(id.to_string())?;
    let receiver = streams.subscribe(&state, query.matter, id);
    let closing = state.live.closing();
    let events = stream::unfold(
        (receiver, closing, ticket),
        |(mut receiver, mut closing, ticket)| async move {
            let say = tokio::select! {
                say = receiver.recv() => say?,
                _ = closing.wait_for(|closing| *closing) => return None,
            };
            let event = match say {
                Say::Change(told) => Event::default().event("change").data(&*told),
                Say::Resync => Event::default().event("resync").data("{}"),
            };
            Some((Ok::<_, Infallible>(event), (receiver, closing, ticket)))
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
