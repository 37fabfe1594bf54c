//! Who is asking: what a session says (`SessionFacts`), whether it still stands (`Actor::from_session`,
//! and for many stored sessions at once `Actor::from_many`), and the standing a person has
//! whatever they ask for (signed in, a viewer, a firm member, an administrator).

use sea_orm::{DatabaseConnection, EntityTrait};
use tower_sessions::Session;

use super::{Actor, Admin, FirmMember, RequestMemo, SET_UP_SECOND_FACTOR, SignedInUser};
use crate::{
    AppError,
    accounts::{
        second_factor::SESSION_SECOND_FACTOR_AT,
        server::{SESSION_LAST_ACTIVE_AT, SESSION_SIGNED_IN_AT, SESSION_USER},
    },
    entities::user::{self, Role},
};

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

    /// Who holds `session` as the database has it now, not as this request loaded it: nobody
    /// once it was signed out (its row is gone) or ended since (the same rules as
    /// `from_session`). For a write that must not outlive its session, asked after the write
    /// is committed.
    pub async fn stored(db: &DatabaseConnection, session: &Session) -> Result<Self, AppError> {
        use crate::entities::session as row;
        use sea_orm::{ColumnTrait, QueryFilter};
        let Some(id) = session.id() else {
            return Ok(Self::Anonymous);
        };
        let found = row::Entity::find_by_id(row::row_id(&id))
            .filter(row::Column::ExpiresAt.gt(chrono::Utc::now()))
            .one(db)
            .await?;
        // A row that does not decode is a session that no longer stands.
        let Some(data) = found.and_then(|r| serde_json::from_str(&r.data).ok()) else {
            return Ok(Self::Anonymous);
        };
        let mut actors = Self::from_many(db, vec![((), SessionFacts::from_data(&data))]).await?;
        Ok(actors.remove(&()).unwrap_or(Self::Anonymous))
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
