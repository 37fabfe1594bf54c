//! How a server function starts: one line that reads the state and the caller and asks the
//! policy for the capability it needs, e.g.
//! `let (state, access) = Call::current().await?.conversation(id).await?;`

use super::{
    Actor, Admin, ConversationAccess, FirmMember, ManageConversation, ManageMatter, ManageShare,
    MatterAccess, MatterFiles, OwnMessage, ShareAccess,
};
use crate::{
    AppError,
    ids::{ConversationId, MatterId, MessageId, ShareId},
    state::AppState,
};

/// The app's state and who is calling, for the server function being served: its session
/// (for the functions that sign in and out) and the address it came from.
pub struct Call {
    pub state: AppState,
    pub session: tower_sessions::Session,
    pub actor: Actor,
    pub ip: Option<std::net::IpAddr>,
}

/// What one request has already worked out: who is calling (a page renders with several server
/// functions, and each would otherwise read the session's account and the firm's settings
/// again), and the answers of read-only server functions (a page rendered on the server builds
/// its nested parts twice, once to learn what they wait for and once to render them, and each
/// pass would read the database again). The server puts a fresh one in every request, so nothing
/// here outlives it.
#[derive(Clone, Default)]
pub struct RequestMemo {
    actor: std::sync::Arc<tokio::sync::OnceCell<Actor>>,
    reads: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Answer>>>,
    /// Who may see which matter: each server function of a matter page asks it again.
    matters: std::sync::Arc<std::sync::Mutex<Matters>>,
    /// The firm's settings: the session check reads them, and so do several parts of a page.
    settings: std::sync::Arc<tokio::sync::OnceCell<crate::settings::FirmSettings>>,
    /// The page's resources by call site and source (`crate::resources`).
    made: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Made>>>,
    /// Accounts read so far: a page names the same people in its matter, its conversations'
    /// participants and its authors, and would read each of them once per part.
    users: std::sync::Arc<std::sync::Mutex<Users>>,
}

type Users = std::collections::HashMap<crate::ids::UserId, crate::entities::user::Model>;

type Made = Box<dyn std::any::Any + Send + Sync>;

type Matters = std::collections::HashMap<
    (crate::ids::UserId, MatterId),
    std::sync::Arc<tokio::sync::OnceCell<MatterAccess>>,
>;

impl RequestMemo {
    /// This request's memo, when it is a server function or a page (an axum route has none).
    fn current() -> Option<Self> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Self>().cloned())
    }

    /// `look_up`'s answer for this person and matter, worked out at most once in this request
    /// (a refusal is not kept); without a memo, worked out each time.
    pub(super) async fn matter<F>(
        user: crate::ids::UserId,
        id: MatterId,
        look_up: F,
    ) -> Result<MatterAccess, AppError>
    where
        F: std::future::Future<Output = Result<MatterAccess, AppError>>,
    {
        let Some(memo) = Self::current() else {
            return look_up.await;
        };
        let cell = memo
            .matters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((user, id))
            .or_default()
            .clone();
        cell.get_or_try_init(|| look_up).await.cloned()
    }
}

impl RequestMemo {
    /// `read`'s settings, read at most once in this request (a failure is not kept); without a
    /// memo, read each time.
    pub(crate) async fn settings<F>(read: F) -> Result<crate::settings::FirmSettings, AppError>
    where
        F: std::future::Future<Output = Result<crate::settings::FirmSettings, AppError>>,
    {
        match Self::current() {
            Some(memo) => memo.settings.get_or_try_init(|| read).await.cloned(),
            None => read.await,
        }
    }
}

impl RequestMemo {
    /// The accounts of `ids` that exist, each read at most once in this request: those read
    /// before are not asked again, the rest in one query. For reads that show people (names,
    /// roles); a request that changes an account reads it afresh in its transaction instead.
    pub(crate) async fn users(
        db: &impl sea_orm::ConnectionTrait,
        ids: impl IntoIterator<Item = crate::ids::UserId>,
    ) -> Result<Users, AppError> {
        use crate::entities::user;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let memo = Self::current();
        let mut found = Users::new();
        let mut missing: Vec<crate::ids::UserId> = Vec::new();
        {
            let known = memo
                .as_ref()
                .map(|m| m.users.lock().unwrap_or_else(|e| e.into_inner()));
            for id in ids {
                match known.as_ref().and_then(|k| k.get(&id)) {
                    Some(u) => {
                        found.insert(id, u.clone());
                    }
                    None => missing.push(id),
                }
            }
        }
        missing.sort_unstable();
        missing.dedup();
        // In slices, under every database's limit on bound values.
        for chunk in missing.chunks(500) {
            let read = user::Entity::find()
                .filter(user::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            if let Some(memo) = &memo {
                let mut users = memo.users.lock().unwrap_or_else(|e| e.into_inner());
                users.extend(read.iter().map(|u| (u.id, u.clone())));
            }
            found.extend(read.into_iter().map(|u| (u.id, u)));
        }
        Ok(found)
    }

    /// Keeps an account read elsewhere in this request (the caller's own, at its session check).
    pub(crate) fn keep_user(user: &crate::entities::user::Model) {
        if let Some(memo) = Self::current() {
            memo.users
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(user.id, user.clone());
        }
    }
}

impl RequestMemo {
    /// What `make` made for `key` earlier in this request, else what it makes now; without a
    /// memo (no request), made each time. A handle, such as a resource's, is cheap to copy.
    pub(crate) fn made_once<R>(key: String, make: impl FnOnce() -> R) -> R
    where
        R: Clone + Send + Sync + 'static,
    {
        let Some(memo) = Self::current() else {
            return make();
        };
        let lock = || memo.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(made) = lock().get(&key).and_then(|m| m.downcast_ref::<R>()) {
            return made.clone();
        }
        // Made without the lock held: making may ask the memo again.
        let made = make();
        lock()
            .entry(key)
            .or_insert_with(|| Box::new(made.clone()))
            .downcast_ref::<R>()
            .cloned()
            .unwrap_or(made)
    }
}

type Answer =
    std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<dyn std::any::Any + Send + Sync>>>;

impl std::fmt::Debug for RequestMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestMemo")
    }
}

/// The answer of the read-only server function named by `key` (its endpoint and arguments),
/// worked out at most once in this request; a failure is not kept, so a second ask tries again.
pub async fn read_once<T, F>(key: String, read: F) -> Result<T, AppError>
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, AppError>>,
{
    let Some(memo) = RequestMemo::current() else {
        return read.await;
    };
    let cell = memo
        .reads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_default()
        .clone();
    let answer = cell
        .get_or_try_init(|| async {
            read.await
                .map(|t| std::sync::Arc::new(t) as std::sync::Arc<dyn std::any::Any + Send + Sync>)
        })
        .await?;
    answer
        .downcast_ref::<T>()
        .cloned()
        .ok_or_else(|| AppError::internal("one request key named two kinds of answer"))
}

impl Call {
    pub async fn current() -> Result<Self, AppError> {
        let state = AppState::current()?;
        let session: tower_sessions::Session =
            leptos_axum::extract().await.map_err(AppError::internal)?;
        let actor = match RequestMemo::current() {
            Some(memo) => memo
                .actor
                .get_or_try_init(|| Actor::from_session(&state.db, &session))
                .await?
                .clone(),
            None => Actor::from_session(&state.db, &session).await?,
        };
        let ip = super::ClientIp::current().await.0;
        Ok(Self {
            state,
            session,
            actor,
            ip,
        })
    }

    /// Where this call came from, as the access log keeps it.
    pub fn origin(&self) -> crate::activity::log::Origin {
        let user_agent = leptos::prelude::use_context::<http::request::Parts>().and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        crate::activity::log::Origin {
            ip: self.ip,
            user_agent,
        }
    }

    /// After the session changed (signed in, stepped up): who is calling now.
    pub async fn reread(&mut self) -> Result<&super::SignedInUser, AppError> {
        self.actor = Actor::from_session(&self.state.db, &self.session).await?;
        self.actor.signed_in()
    }

    pub async fn matter(self, id: MatterId) -> Result<(AppState, MatterAccess), AppError> {
        let access = self.actor.matter(&self.state.db, id).await?;
        Ok((self.state, access))
    }

    pub async fn manage_matter(self, id: MatterId) -> Result<(AppState, ManageMatter), AppError> {
        let (state, access) = self.matter(id).await?;
        Ok((state, access.manage()?))
    }

    pub async fn matter_files(self, id: MatterId) -> Result<(AppState, MatterFiles), AppError> {
        let (state, access) = self.matter(id).await?;
        Ok((state, access.files()?))
    }

    pub async fn conversation(
        self,
        id: ConversationId,
    ) -> Result<(AppState, ConversationAccess), AppError> {
        let access = self.actor.conversation(&self.state.db, id).await?;
        Ok((self.state, access))
    }

    pub async fn manage_conversation(
        self,
        id: ConversationId,
    ) -> Result<(AppState, ManageConversation), AppError> {
        let (state, access) = self.conversation(id).await?;
        Ok((state, access.manage()?))
    }

    /// A message of the caller's they may still change, by the firm's window in force now.
    pub async fn own_message(self, id: MessageId) -> Result<(AppState, OwnMessage), AppError> {
        let window = crate::settings::server::in_force(&self.state.db)
            .await?
            .message_edit_window();
        let own = self
            .actor
            .own_message(&self.state.db, id, window, chrono::Utc::now())
            .await?;
        Ok((self.state, own))
    }

    pub async fn share(self, id: ShareId) -> Result<(AppState, ShareAccess), AppError> {
        let access = self.actor.share(&self.state.db, id).await?;
        Ok((self.state, access))
    }

    pub async fn manage_share(self, id: ShareId) -> Result<(AppState, ManageShare), AppError> {
        let (state, access) = self.share(id).await?;
        Ok((state, access.manage()?))
    }

    pub fn firm_member(self) -> Result<(AppState, FirmMember), AppError> {
        let member = self.actor.firm_member()?;
        Ok((self.state, member))
    }

    pub fn admin(self) -> Result<(AppState, Admin), AppError> {
        let admin = self.actor.admin()?;
        Ok((self.state, admin))
    }
}
