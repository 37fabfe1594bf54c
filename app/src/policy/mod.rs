//! The one place that decides who is asking and what they may do. Server functions start from
//! a `Call`, routes from an `Actor`; the capabilities it hands out (`capabilities`) are the only
//! way to reach the code that needs them, and only this module can make one, so a check cannot
//! be forgotten or skipped.

mod call;
mod capabilities;

pub use call::{Call, RequestMemo, read_once};
pub use capabilities::{
    Admin, AttachmentAccess, ConversationAccess, DocumentAccess, FirmMember, InMatter,
    ManageConversation, ManageMatter, ManageShare, MatterAccess, MatterFiles, OwnMessage,
    RequestSlot, ShareAccess, SignedInUser,
};

use sea_orm::{DatabaseConnection, EntityTrait};
use tower_sessions::Session;

use crate::{
    AppError,
    accounts::{
        second_factor::SESSION_SECOND_FACTOR_AT,
        server::{SESSION_LAST_ACTIVE_AT, SESSION_SIGNED_IN_AT, SESSION_USER},
    },
    conversations::ConversationKind,
    entities::{
        attachment, conversation, conversation_participant, document, matter, matter_person,
        message, share, share_revocation,
        user::{self, Role},
    },
    ids::{AttachmentId, ConversationId, DocumentId, MatterId, MessageId, ShareId},
    matters::MatterRole,
};

/// The one answer to a matter that does not exist or is not this person's: the same, so a
/// contact cannot learn which matter numbers exist.
pub const NO_SUCH_MATTER: &str = crate::text::THERE_IS_NO_SUCH_MATTER_OR;
/// The address a request came from: the peer, or, when the peer is a trusted reverse proxy, the
/// client it names in `X-Forwarded-For`. Resolved once per request by the server.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl ClientIp {
    pub async fn current() -> Self {
        leptos_axum::extract::<axum::Extension<Self>>()
            .await
            .map(|e| e.0)
            .unwrap_or_default()
    }
}

const SET_UP_SECOND_FACTOR: &str = crate::text::YOUR_FIRM_REQUIRES_TWO_STEP_VERIFICATION_2;

/// Who is making this request.
#[derive(Debug, Clone)]
pub enum Actor {
    Anonymous,
    User(SignedInUser),
}

/// A "not found" from the container, said in the words of what was asked for, so that the
/// answer does not tell which of the two is missing.
fn renamed(e: AppError, not_found: impl Fn() -> AppError) -> AppError {
    match e {
        AppError::NotFound(_) => not_found(),
        other => other,
    }
}

/// The one answer to a conversation that does not exist or is not this person's.
pub const NO_SUCH_CONVERSATION: &str = crate::text::THERE_IS_NO_SUCH_CONVERSATION_OR;

/// The one answer to a message that does not exist or is not in a conversation of this person's.
pub const NO_SUCH_MESSAGE: &str = crate::text::THERE_IS_NO_SUCH_MESSAGE_OR;
/// The answer to a file request, or a line of one, that is not there or not this person's.
pub const NO_SUCH_REQUEST: &str = crate::text::THERE_IS_NO_SUCH_FILE_REQUEST;

/// The one answer to a share that does not exist, is not this person's, or was revoked.
pub const NO_SUCH_SHARE: &str = crate::text::THIS_FILE_OR_FOLDER_IS_NOT;

/// The one answer to a file of the tree that does not exist or is not this person's.
pub const NO_SUCH_FILE: &str = crate::text::THERE_IS_NO_SUCH_FILE_OR;

/// What a session says about who holds it, as read from the session or from its stored record.
#[derive(Debug, Clone, Default)]
pub struct SessionFacts {
    user: Option<crate::ids::UserId>,
    signed_in_at: Option<chrono::DateTime<chrono::Utc>>,
    last_active_at: Option<chrono::DateTime<chrono::Utc>>,
    second_factor_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SessionFacts {
    async fn of(session: &Session) -> Result<Self, AppError> {
        let get = |key: &'static str| async move {
            session
                .get::<chrono::DateTime<chrono::Utc>>(key)
                .await
                .map_err(AppError::internal)
        };
        Ok(Self {
            user: session
                .get(SESSION_USER)
                .await
                .map_err(AppError::internal)?,
            signed_in_at: get(SESSION_SIGNED_IN_AT).await?,
            last_active_at: get(SESSION_LAST_ACTIVE_AT).await?,
            second_factor_at: get(SESSION_SECOND_FACTOR_AT).await?,
        })
    }

    /// From a stored session's data (the live-update streams read many at once); a value that
    /// does not parse counts as absent, which can only sign the session out.
    pub fn from_data(data: &std::collections::HashMap<String, serde_json::Value>) -> Self {
        fn get<T: serde::de::DeserializeOwned>(
            data: &std::collections::HashMap<String, serde_json::Value>,
            key: &str,
        ) -> Option<T> {
            data.get(key)
                .and_then(|v| serde_json::from_value(v.clone()).ok())
        }
        Self {
            user: get(data, SESSION_USER),
            signed_in_at: get(data, SESSION_SIGNED_IN_AT),
            last_active_at: get(data, SESSION_LAST_ACTIVE_AT),
            second_factor_at: get(data, SESSION_SECOND_FACTOR_AT),
        }
    }
}

impl Actor {
    /// Reads the session once. A session is ended here, so no stale cookie outlives it, when its
    /// account was disabled or deleted, when all the account's sessions were revoked after it
    /// signed in, when it is older than the firm's session lifetime, or when it was idle for
    /// longer than the firm's idle timeout.
    pub async fn from_session(
        db: &DatabaseConnection,
        session: &Session,
    ) -> Result<Self, AppError> {
        let facts = SessionFacts::of(session).await?;
        let Some(id) = facts.user else {
            return Ok(Self::Anonymous);
        };
        let settings = crate::settings::server::in_force(db).await?;
        let user = user::Entity::find_by_id(id).one(db).await?;
        if let Some(u) = &user {
            RequestMemo::keep_user(u);
        }
        let enrolled = match &user {
            Some(u) if settings.staff_two_step_required && u.role != Role::Client => {
                crate::accounts::second_factor::is_enrolled(db, u.id).await?
            }
            _ => false,
        };
        let now = chrono::Utc::now();
        match user.and_then(|u| Self::judge(&facts, u, &settings, enrolled, now)) {
            Some(actor) => {
                // Written at most once a minute: a busy page does not write on every request.
                if facts
                    .last_active_at
                    .is_none_or(|last| now - last > chrono::Duration::minutes(1))
                {
                    session
                        .insert(SESSION_LAST_ACTIVE_AT, now)
                        .await
                        .map_err(AppError::internal)?;
                }
                Ok(actor)
            }
            None => {
                session.flush().await.map_err(AppError::internal)?;
                Ok(Self::Anonymous)
            }
        }
    }

    /// Who holds each of many stored sessions, in a few queries whatever their number (the
    /// firm's settings, their users, their authenticators): the live-update streams ask this of
    /// every open page on each change. The same rules as `from_session`, which also writes the
    /// session's activity; this reads only.
    pub async fn from_many<K: Eq + std::hash::Hash + Clone>(
        db: &DatabaseConnection,
        sessions: Vec<(K, SessionFacts)>,
    ) -> Result<std::collections::HashMap<K, Self>, AppError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let ids: std::collections::HashSet<_> =
            sessions.iter().filter_map(|(_, f)| f.user).collect();
        let mut actors = std::collections::HashMap::new();
        if ids.is_empty() {
            actors.extend(sessions.into_iter().map(|(k, _)| (k, Self::Anonymous)));
            return Ok(actors);
        }
        let settings = crate::settings::server::load(db).await?;
        let mut users = std::collections::HashMap::new();
        let mut enrolled = std::collections::HashSet::new();
        let ids: Vec<_> = ids.into_iter().collect();
        // In slices, under every database's limit on bound values.
        for chunk in ids.chunks(500) {
            for u in user::Entity::find()
                .filter(user::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?
            {
                users.insert(u.id, u);
            }
            if settings.staff_two_step_required {
                enrolled.extend(
                    crate::entities::totp_credential::Entity::find()
                        .filter(
                            crate::entities::totp_credential::Column::UserId
                                .is_in(chunk.iter().copied()),
                        )
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|c| c.user_id),
                );
            }
        }
        let now = chrono::Utc::now();
        for (key, facts) in sessions {
            let actor = facts
                .user
                .and_then(|id| users.get(&id).cloned())
                .and_then(|u| {
                    let has_app = enrolled.contains(&u.id);
                    Self::judge(&facts, u, &settings, has_app, now)
                })
                .unwrap_or(Self::Anonymous);
            actors.insert(key, actor);
        }
        Ok(actors)
    }

    /// The rules themselves: whether a session with these facts still stands for this account
    /// under the firm's settings, and who it is then.
    fn judge(
        facts: &SessionFacts,
        u: user::Model,
        settings: &crate::settings::FirmSettings,
        enrolled: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<Self> {
        let at = facts.signed_in_at?;
        let valid = facts.user == Some(u.id)
            && u.disabled_at.is_none()
            && u.sessions_revoked_at.is_none_or(|revoked| at >= revoked)
            && now - at < settings.session_lifetime()
            && now - facts.last_active_at.unwrap_or(at) < settings.idle_timeout();
        if !valid {
            return None;
        }
        let must_set_up_second_factor =
            settings.staff_two_step_required && u.role != Role::Client && !enrolled;
        Some(Self::User(SignedInUser {
            has_mobile: u.mobile.is_some(),
            id: u.id,
            role: u.role,
            display_name: u.display_name,
            email: u.email,
            second_factor_at: facts.second_factor_at,
            step_up_window: settings.step_up_window(),
            must_set_up_second_factor,
        }))
    }

    pub fn signed_in(&self) -> Result<&SignedInUser, AppError> {
        match self {
            Self::User(user) => Ok(user),
            Self::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// A signed-in person who may look at what is theirs: everyone but firm members who still
    /// have to set up the second factor the firm requires.
    pub fn viewer(&self) -> Result<&SignedInUser, AppError> {
        let user = self.signed_in()?;
        if user.must_set_up_second_factor {
            return Err(AppError::Forbidden(SET_UP_SECOND_FACTOR.into()));
        }
        Ok(user)
    }

    /// Whether this person may see matter `id`: everyone at the firm may; a contact only a
    /// matter they are on, in a contact's role. Anything else is "no such matter".
    pub async fn matter(
        &self,
        db: &DatabaseConnection,
        id: MatterId,
    ) -> Result<MatterAccess, AppError> {
        let user = self.viewer()?;
        let mut access =
            RequestMemo::matter(user.id, id, Self::look_up_matter(db, user, id)).await?;
        // As the person is now (a step-up earlier in this request counts), not as first seen.
        access.user = user.clone();
        Ok(access)
    }

    async fn look_up_matter(
        db: &DatabaseConnection,
        user: &SignedInUser,
        id: MatterId,
    ) -> Result<MatterAccess, AppError> {
        use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
        let not_found = || AppError::NotFound(NO_SUCH_MATTER.into());
        let matter = matter::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let firm = user.role != Role::Client;
        if !firm {
            let on_it = matter_person::Entity::find()
                .filter(matter_person::Column::MatterId.eq(id))
                .filter(matter_person::Column::UserId.eq(user.id))
                .filter(matter_person::Column::Role.is_in(MatterRole::CONTACTS))
                .count(db)
                .await?;
            if on_it == 0 {
                return Err(not_found());
            }
        }
        Ok(MatterAccess {
            matter,
            user: user.clone(),
            firm,
        })
    }

    /// Whether this person may read conversation `id`. Checked in this order so that nothing
    /// leaks: the matter (a contact not on it gets "no such conversation"), then a contact's
    /// part in it (internal conversations and ones they are not in do not exist for them), and
    /// only then the step-up, so its refusal tells only a participant that the conversation is
    /// there.
    pub async fn conversation(
        &self,
        db: &DatabaseConnection,
        id: ConversationId,
    ) -> Result<ConversationAccess, AppError> {
        use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
        let not_found = || AppError::NotFound(NO_SUCH_CONVERSATION.into());
        self.viewer()?;
        let conversation = conversation::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let matter = self
            .matter(db, conversation.matter_id)
            .await
            .map_err(|e| renamed(e, not_found))?;
        if !matter.firm {
            let taking_part = conversation.kind == ConversationKind::External
                && conversation_participant::Entity::find()
                    .filter(conversation_participant::Column::ConversationId.eq(id))
                    .filter(conversation_participant::Column::UserId.eq(matter.user.id))
                    .count(db)
                    .await?
                    > 0;
            if !taking_part {
                return Err(not_found());
            }
            if conversation.requires_second_factor && !matter.user.passed_step_up() {
                return Err(AppError::StepUpRequired);
            }
        }
        Ok(ConversationAccess {
            conversation,
            matter,
        })
    }

    /// Whether this person may change message `id`: they may read its conversation, wrote it,
    /// it is not deleted, and it was sent less than `window` before `now` (the firm's setting).
    pub async fn own_message(
        &self,
        db: &DatabaseConnection,
        id: MessageId,
        window: chrono::Duration,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<OwnMessage, AppError> {
        let not_found = || AppError::NotFound(NO_SUCH_MESSAGE.into());
        self.viewer()?;
        let message = message::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let conversation = self
            .conversation(db, message.conversation_id)
            .await
            .map_err(|e| renamed(e, not_found))?;
        if message.author_id != Some(conversation.user().id()) {
            return Err(AppError::Forbidden(
                crate::text::ONLY_ITS_AUTHOR_CAN_EDIT_OR.into(),
            ));
        }
        if message.deleted_at.is_some() {
            return Err(AppError::Conflict(
                crate::text::THIS_MESSAGE_WAS_DELETED.into(),
            ));
        }
        if window <= chrono::Duration::zero() {
            return Err(AppError::Conflict(
                crate::text::YOUR_FIRM_DOES_NOT_ALLOW_MESSAGES.into(),
            ));
        }
        if now >= message.created_at + window {
            return Err(AppError::Conflict(crate::text::a_message_can_be_edited_or(
                &window.num_minutes(),
            )));
        }
        Ok(OwnMessage {
            message,
            conversation,
        })
    }

    /// Whether this person may upload into line `item` of the file request in message `id`:
    /// a contact who may read its conversation (step-up included); the message asks for that
    /// line and is not deleted. A message or line that is not there, or a conversation they
    /// may not read, is "no such request"; the firm is told to use All Files.
    pub async fn request_slot(
        &self,
        db: &DatabaseConnection,
        id: MessageId,
        item: usize,
    ) -> Result<RequestSlot, AppError> {
        let not_found = || AppError::NotFound(NO_SUCH_REQUEST.into());
        self.viewer()?;
        let message = message::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let conversation = self
            .conversation(db, message.conversation_id)
            .await
            .map_err(|e| renamed(e, not_found))?;
        let label = message
            .requested
            .as_deref()
            .filter(|_| message.deleted_at.is_none())
            .and_then(|lines| {
                crate::conversations::requests::lines(lines)
                    .into_iter()
                    .nth(item)
            })
            .ok_or_else(not_found)?;
        if conversation.matter().firm() {
            return Err(AppError::Forbidden(
                crate::text::A_FILE_REQUEST_IS_FOR_THE.into(),
            ));
        }
        Ok(RequestSlot {
            message,
            item,
            label,
            conversation,
        })
    }

    /// Whether this person may download attachment `id`: exactly when they may read the
    /// conversation it was sent in (step-up included). Anything else is "no such file".
    pub async fn attachment(
        &self,
        db: &DatabaseConnection,
        id: AttachmentId,
    ) -> Result<AttachmentAccess, AppError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let not_found = || AppError::NotFound(crate::text::THERE_IS_NO_SUCH_FILE_OR.into());
        self.viewer()?;
        let attachment = attachment::Entity::find_by_id(id)
            .filter(attachment::Column::MessageId.is_not_null())
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let conversation_id = attachment.conversation_id.ok_or_else(not_found)?;
        let conversation = self
            .conversation(db, conversation_id)
            .await
            .map_err(|e| renamed(e, not_found))?;
        Ok(AttachmentAccess {
            attachment,
            conversation,
        })
    }

    /// Whether this person may open share `id`: exactly when they may read the conversation
    /// it was shared in, until the firm revokes it; a revoked share opens nothing at once.
    pub async fn share(
        &self,
        db: &DatabaseConnection,
        id: ShareId,
    ) -> Result<ShareAccess, AppError> {
        let not_found = || AppError::NotFound(NO_SUCH_SHARE.into());
        self.viewer()?;
        let share = share::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let conversation = self
            .conversation(db, share.conversation_id)
            .await
            .map_err(|e| renamed(e, not_found))?;
        // Revoked, past its end date, or removed for this reader alone: the same answer.
        if share.revoked_at.is_some() || share.expired(chrono::Utc::now()) {
            return Err(not_found());
        }
        let removed = share_revocation::Entity::find_by_id((share.id, conversation.user().id()))
            .one(db)
            .await?;
        if removed.is_some() {
            return Err(not_found());
        }
        Ok(ShareAccess {
            share,
            conversation,
        })
    }

    /// Whether this person may read document `id` of a matter's tree (live or in the trash):
    /// exactly when they may read that matter's files. Anything else is "no such file", looked
    /// up by nothing but the id and answered before any of the document is used.
    pub async fn document(
        &self,
        db: &DatabaseConnection,
        id: DocumentId,
    ) -> Result<DocumentAccess, AppError> {
        let not_found = || AppError::NotFound(NO_SUCH_FILE.into());
        self.viewer()?;
        let document = document::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(not_found)?;
        let files = self
            .matter(db, document.matter_id)
            .await
            .and_then(MatterAccess::files)
            .map_err(|e| renamed(e, not_found))?;
        Ok(DocumentAccess { document, files })
    }

    /// Someone at the firm, who has set up an authenticator app if the firm requires it.
    pub fn firm_member(&self) -> Result<FirmMember, AppError> {
        let user = self.signed_in()?;
        if user.must_set_up_second_factor {
            return Err(AppError::Forbidden(SET_UP_SECOND_FACTOR.into()));
        }
        if matches!(user.role, Role::Admin | Role::Staff) {
            Ok(FirmMember(user.clone()))
        } else {
            Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRMS_STAFF_CAN_DO.into(),
            ))
        }
    }

    pub fn admin(&self) -> Result<Admin, AppError> {
        let user = self.signed_in()?;
        if user.must_set_up_second_factor {
            return Err(AppError::Forbidden(SET_UP_SECOND_FACTOR.into()));
        }
        if user.role == Role::Admin {
            Ok(Admin(user.clone()))
        } else {
            Err(AppError::Forbidden(
                crate::text::ONLY_AN_ADMINISTRATOR_CAN_DO_THIS.into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Actor {
        Actor::User(SignedInUser {
            id: crate::ids::UserId::fresh(),
            role,
            display_name: "Someone".into(),
            email: "someone@firm.example".into(),
            second_factor_at: None,
            step_up_window: chrono::Duration::hours(12),
            must_set_up_second_factor: false,
            has_mobile: false,
        })
    }

    #[test]
    fn only_administrators_get_the_admin_capability() {
        assert!(user(Role::Admin).admin().is_ok());
        for role in [Role::Staff, Role::Client] {
            assert!(
                matches!(user(role).admin(), Err(AppError::Forbidden(_))),
                "{role:?}"
            );
        }
        assert!(matches!(
            Actor::Anonymous.admin(),
            Err(AppError::Unauthenticated)
        ));
        assert!(user(Role::Admin).firm_member().is_ok());
        assert!(user(Role::Staff).firm_member().is_ok());
        assert!(matches!(
            user(Role::Client).firm_member(),
            Err(AppError::Forbidden(_))
        ));
        let staff = user(Role::Staff).firm_member().expect("staff");
        assert!(staff.may_manage(Role::Client).is_ok());
        assert!(staff.may_manage(Role::Staff).is_err());
        assert!(staff.may_manage(Role::Admin).is_err());
        let admin = user(Role::Admin).firm_member().expect("admin");
        for role in [Role::Admin, Role::Staff, Role::Client] {
            assert!(admin.may_manage(role).is_ok());
        }
        assert!(matches!(
            Actor::Anonymous.signed_in(),
            Err(AppError::Unauthenticated)
        ));
        for role in [Role::Admin, Role::Staff] {
            let Actor::User(mut u) = user(role) else {
                unreachable!()
            };
            u.must_set_up_second_factor = true;
            let actor = Actor::User(u);
            assert!(matches!(actor.firm_member(), Err(AppError::Forbidden(_))));
            assert!(matches!(actor.admin(), Err(AppError::Forbidden(_))));
            assert!(actor.signed_in().is_ok());
        }
    }

    #[test]
    fn the_step_up_window_counts_from_the_last_second_factor() {
        let Actor::User(mut user) = user(Role::Client) else {
            unreachable!()
        };
        let window = chrono::Duration::hours(12);
        assert!(!user.passed_second_factor_within(window));
        user.second_factor_at = Some(chrono::Utc::now() - chrono::Duration::hours(11));
        assert!(user.passed_second_factor_within(window));
        user.second_factor_at = Some(chrono::Utc::now() - chrono::Duration::hours(13));
        assert!(!user.passed_second_factor_within(window));
    }
}
