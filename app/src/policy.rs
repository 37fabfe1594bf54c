//! The one place that decides who is asking and what they may do. Server functions and routes
//! start from an `Actor`; the capabilities it hands out (`SignedInUser`, `Admin`) are the only way
//! to reach the code that needs them, so a check cannot be forgotten.

use sea_orm::{DatabaseConnection, EntityTrait};
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError,
    accounts::{
        second_factor::SESSION_SECOND_FACTOR_AT,
        server::{ABSOLUTE_SESSION_LIFETIME, SESSION_SIGNED_IN_AT, SESSION_USER},
    },
    entities::user::{self, Role},
};

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

/// Who is making this request.
#[derive(Debug, Clone)]
pub enum Actor {
    Anonymous,
    User(SignedInUser),
}

/// Proof that the request comes from an active, signed-in account.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub id: Uuid,
    pub role: Role,
    pub display_name: String,
    pub email: String,
    /// When this session last passed the second factor, if it has.
    pub second_factor_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SignedInUser {
    /// Whether this session passed the second factor within `window` (the step-up rule of MFA
    /// conversations).
    pub fn passed_second_factor_within(&self, window: chrono::Duration) -> bool {
        self.second_factor_at
            .is_some_and(|at| chrono::Utc::now() - at < window)
    }
}

/// Proof that the request comes from an administrator.
#[derive(Debug, Clone)]
pub struct Admin(pub SignedInUser);

impl Actor {
    /// Reads the session once. A session is ended here, so no stale cookie outlives it, when its
    /// account was disabled or deleted, when all the account's sessions were revoked after it
    /// signed in, or when it is older than the absolute session lifetime.
    pub async fn from_session(
        db: &DatabaseConnection,
        session: &Session,
    ) -> Result<Self, AppError> {
        let id: Option<Uuid> = session
            .get(SESSION_USER)
            .await
            .map_err(AppError::internal)?;
        let Some(id) = id else {
            return Ok(Self::Anonymous);
        };
        let signed_in_at: Option<chrono::DateTime<chrono::Utc>> = session
            .get(SESSION_SIGNED_IN_AT)
            .await
            .map_err(AppError::internal)?;
        let second_factor_at: Option<chrono::DateTime<chrono::Utc>> = session
            .get(SESSION_SECOND_FACTOR_AT)
            .await
            .map_err(AppError::internal)?;
        let user = user::Entity::find_by_id(id).one(db).await?;
        let valid = |u: &user::Model, at: chrono::DateTime<chrono::Utc>| {
            u.disabled_at.is_none()
                && u.sessions_revoked_at.is_none_or(|revoked| at >= revoked)
                && chrono::Utc::now() - at < ABSOLUTE_SESSION_LIFETIME
        };
        match (user, signed_in_at) {
            (Some(u), Some(at)) if valid(&u, at) => Ok(Self::User(SignedInUser {
                id: u.id,
                role: u.role,
                display_name: u.display_name,
                email: u.email,
                second_factor_at,
            })),
            _ => {
                session.flush().await.map_err(AppError::internal)?;
                Ok(Self::Anonymous)
            }
        }
    }

    /// The actor of the current server function call.
    pub async fn current() -> Result<Self, AppError> {
        let state = crate::state::AppState::current()?;
        let session: Session = leptos_axum::extract().await.map_err(AppError::internal)?;
        Self::from_session(&state.db, &session).await
    }

    pub fn signed_in(&self) -> Result<&SignedInUser, AppError> {
        match self {
            Self::User(user) => Ok(user),
            Self::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    pub fn admin(&self) -> Result<Admin, AppError> {
        let user = self.signed_in()?;
        if user.role == Role::Admin {
            Ok(Admin(user.clone()))
        } else {
            Err(AppError::Forbidden(
                "Only an administrator can do this.".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Actor {
        Actor::User(SignedInUser {
            id: Uuid::now_v7(),
            role,
            display_name: "Someone".into(),
            email: "someone@firm.example".into(),
            second_factor_at: None,
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
        assert!(matches!(
            Actor::Anonymous.signed_in(),
            Err(AppError::Unauthenticated)
        ));
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
