//! The one place that decides who is asking and what they may do. Server functions and routes
//! start from an `Actor`; the capabilities it hands out (`SignedInUser`, `Admin`) are the only way
//! to reach the code that needs them, so a check cannot be forgotten.

use sea_orm::{DatabaseConnection, EntityTrait};
use tower_sessions::Session;
use uuid::Uuid;

use crate::{
    AppError,
    accounts::server::SESSION_USER,
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
}

/// Proof that the request comes from an administrator.
#[derive(Debug, Clone)]
pub struct Admin(pub SignedInUser);

impl Actor {
    /// Reads the session once. A session whose account was disabled or deleted is ended here,
    /// so a stale cookie never outlives the account.
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
        match user::Entity::find_by_id(id).one(db).await? {
            Some(u) if u.disabled_at.is_none() => Ok(Self::User(SignedInUser {
                id: u.id,
                role: u.role,
                display_name: u.display_name,
                email: u.email,
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
}
