//! How a server function starts: one line that reads the state and the caller and asks the
//! policy for the capability it needs, e.g.
//! `let (state, access) = Call::current().await?.conversation(id).await?;`

use super::{
    Actor, Admin, ConversationAccess, FirmMember, ManageMatter, ManageShare, MatterAccess,
    MatterFiles, ShareAccess,
};
use crate::{
    AppError,
    ids::{ConversationId, MatterId, ShareId},
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

/// Who is calling, worked out at most once per request: a page renders with several server
/// functions, and each would otherwise read the session's account and the firm's settings
/// again. The server puts a fresh one in every request.
#[derive(Debug, Clone, Default)]
pub struct CallerOnce(std::sync::Arc<tokio::sync::OnceCell<Actor>>);

impl Call {
    pub async fn current() -> Result<Self, AppError> {
        let state = AppState::current()?;
        let session: tower_sessions::Session =
            leptos_axum::extract().await.map_err(AppError::internal)?;
        let actor = match leptos_axum::extract::<axum::Extension<CallerOnce>>().await {
            Ok(axum::Extension(once)) => once
                .0
                .get_or_try_init(|| Actor::from_session(&state.db, &session))
                .await?
                .clone(),
            Err(_) => Actor::from_session(&state.db, &session).await?,
        };
        let ip = super::ClientIp::current().await.0;
        Ok(Self {
            state,
            session,
            actor,
            ip,
        })
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
