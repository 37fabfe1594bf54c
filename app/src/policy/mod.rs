//! The one place that decides who is asking and what they may do. Server functions start from
//! a `Call`, routes from an `Actor`; the capabilities it hands out (`capabilities`) are the only
//! way to reach the code that needs them, and only this module can make one, so a check cannot
//! be forgotten or skipped.
//!
//! Who is asking is `sessions` (a session's facts, whether it still stands, a person's standing);
//! what they may reach is `lookups` (each look-up hands out its capability); `call` is the
//! preamble every server function starts with, and the per-request memo.

mod call;
mod capabilities;
mod lookups;
mod sessions;

pub use call::{Call, RequestMemo, read_once};
pub use capabilities::{
    Admin, AttachmentAccess, ConversationAccess, DocumentAccess, FirmMember, InMatter,
    ManageConversation, ManageMatter, ManageShare, MatterAccess, MatterFiles, OwnMessage,
    RequestSlot, ShareAccess, SignedInUser,
};
pub use sessions::SessionFacts;

#[cfg(test)]
use crate::{AppError, entities::user::Role};

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
