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
                crate::text::AN_AUTHENTICATOR_APP_WAS_ADDED_TO,
                crate::text::AN_AUTHENTICATOR_APP_WAS_JUST_SET,
            ),
            Self::FactorRemoved => (
                crate::text::TWO_STEP_VERIFICATION_WAS_TURNED_OFF,
                crate::text::THE_AUTHENTICATOR_APP_OF_YOUR_ACCOUNT,
            ),
            Self::PasswordChanged => (
                crate::text::YOUR_PASSWORD_WAS_CHANGED,
                crate::text::THE_PASSWORD_OF_YOUR_ACCOUNT_WAS,
            ),
            Self::PasswordReset => (
                crate::text::YOUR_PASSWORD_WAS_RESET,
                crate::text::THE_PASSWORD_OF_YOUR_ACCOUNT_WAS_2,
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
            body: crate::text::hello_if_this_was_you_there(&name, &what, &portal.public_url),
        },
    )
    .await
}
