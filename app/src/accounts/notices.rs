//! "Was this you?" emails: a person hears at once of every change to how they sign in, so a
//! takeover does not go unnoticed. They carry no link, code or secret.

use sea_orm::ConnectionTrait;

use crate::{
    AppError,
    outbox::{self, Outgoing},
    state::Portal,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    FactorAdded,
    FactorRemoved,
    PasswordChanged,
    PasswordReset,
}

impl Notice {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::FactorAdded => (
                "An authenticator app was added to your account",
                "An authenticator app was just set up for two-step verification on your account.",
            ),
            Self::FactorRemoved => (
                "Two-step verification was turned off",
                "The authenticator app of your account was just removed: signing in no longer asks for its code.",
            ),
            Self::PasswordChanged => (
                "Your password was changed",
                "The password of your account was just changed, and your other devices were signed out.",
            ),
            Self::PasswordReset => (
                "Your password was reset",
                "The password of your account was just reset with an emailed link, and every device was signed out.",
            ),
        }
    }
}

/// Queues `notice` to `email`, in the caller's transaction, when this server sends email.
/// Whom a notice goes to.
pub struct To<'a> {
    pub email: &'a str,
    pub name: &'a str,
}

impl<'a> To<'a> {
    pub fn account(user: &'a crate::entities::user::Model) -> Self {
        Self {
            email: &user.email,
            name: &user.display_name,
        }
    }

    pub fn signed_in(user: &'a crate::policy::SignedInUser) -> Self {
        Self {
            email: user.email(),
            name: user.display_name(),
        }
    }
}

pub async fn send(
    db: &impl ConnectionTrait,
    portal: &Portal,
    to: To<'_>,
    notice: Notice,
) -> Result<(), AppError> {
    let To { email, name } = to;
    if !portal.channels.email {
        return Ok(());
    }
    let (subject, what) = notice.words();
    outbox::enqueue(
        db,
        Outgoing::Email {
            to: email.to_string(),
            subject: subject.to_string(),
            body: format!(
                "Hello {name},\n\n{what}\n\nIf this was you, there is nothing to do. If this wasn't \
                 you, reset your password from the sign-in page at {url} at once, and tell your \
                 firm: someone else may know your password.\n",
                url = portal.public_url,
            ),
        },
    )
    .await
}
