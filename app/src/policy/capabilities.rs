//! What `Actor` hands out once it has checked a request. Every field is private to `policy`, so
//! no other module, and no other crate, can make one: a function that takes a capability can
//! only have been reached through the check that made it. Reads go through accessors.
//!
//! Reading one is open to all:
//!
//! ```no_run
//! use app::ids::{FolderId, MatterId};
//! use app::policy::{ManageMatter, MatterAccess, MatterFiles};
//! fn read(access: &MatterAccess, manage: &ManageMatter) -> (MatterId, FolderId) {
//!     (access.id(), manage.files().matter_id().root_folder())
//! }
//! fn narrow(access: MatterAccess) -> Result<MatterFiles, app::AppError> {
//!     access.files()
//! }
//! ```
//!
//! but making one anywhere else does not compile, by its fields or by its constructor,
//!
//! ```compile_fail
//! use app::policy::{MatterAccess, SignedInUser};
//! fn forge(matter: app::entities::matter::Model, user: SignedInUser) -> MatterAccess {
//!     MatterAccess { matter, user, firm: true }
//! }
//! ```
//!
//! ```compile_fail
//! use app::policy::{ManageMatter, MatterAccess};
//! fn forge(access: MatterAccess) -> ManageMatter {
//!     ManageMatter(access)
//! }
//! ```
//!
//! nor does widening one that was checked, or vouching for a matter without a check:
//!
//! ```compile_fail
//! fn widen(access: &mut app::policy::MatterAccess) {
//!     access.firm = true;
//! }
//! ```
//!
//! ```compile_fail
//! struct Trust;
//! impl app::policy::InMatter for Trust {
//!     fn matter_id(&self) -> app::ids::MatterId {
//!         app::ids::MatterId(uuid::Uuid::nil())
//!     }
//! }
//! ```

use crate::{
    AppError,
    entities::{attachment, conversation, document, matter, message, share, user::Role},
    ids::{ConversationId, MatterId, ShareId, UserId},
};

/// Proof that the request comes from an active, signed-in account.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub(super) id: UserId,
    pub(super) role: Role,
    pub(super) display_name: String,
    pub(super) email: String,
    /// When this session last passed the second factor, if it has.
    pub(super) second_factor_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The firm's step-up window for MFA conversations.
    pub(super) step_up_window: chrono::Duration,
    /// The firm requires an authenticator app of its staff and this firm member has none yet:
    /// until they set one up, they may only manage their own account.
    pub(super) must_set_up_second_factor: bool,
    /// A mobile number is on the account (texts can reach them).
    pub(super) has_mobile: bool,
}

impl SignedInUser {
    pub fn id(&self) -> UserId {
        self.id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Someone at the firm (an administrator or staff), not a contact.
    pub fn is_firm(&self) -> bool {
        self.role != Role::Client
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn must_set_up_second_factor(&self) -> bool {
        self.must_set_up_second_factor
    }

    pub fn has_mobile(&self) -> bool {
        self.has_mobile
    }

    /// Whether this session passed the second factor within `window` (the step-up rule of MFA
    /// conversations).
    pub fn passed_second_factor_within(&self, window: chrono::Duration) -> bool {
        self.second_factor_at
            .is_some_and(|at| chrono::Utc::now() - at < window)
    }

    /// Whether this session may see what an MFA conversation holds now.
    pub fn passed_step_up(&self) -> bool {
        self.passed_second_factor_within(self.step_up_window)
    }
}

/// Proof that this person may see this matter: someone at the firm, or a contact on it.
#[derive(Debug, Clone)]
pub struct MatterAccess {
    pub(super) matter: matter::Model,
    pub(super) user: SignedInUser,
    /// Seen as the firm (all of it), not as a contact (their part of it).
    pub(super) firm: bool,
}

impl MatterAccess {
    pub fn id(&self) -> MatterId {
        self.matter.id
    }

    pub fn matter(&self) -> &matter::Model {
        &self.matter
    }

    pub fn user(&self) -> &SignedInUser {
        &self.user
    }

    /// Seen as the firm (all of it), not as a contact (their part of it).
    pub fn firm(&self) -> bool {
        self.firm
    }

    /// Changing the matter (details, status, people, files) is for the firm.
    pub fn manage(self) -> Result<ManageMatter, AppError> {
        if self.firm {
            Ok(ManageMatter(self))
        } else {
            Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRMS_STAFF_CAN_CHANGE.into(),
            ))
        }
    }

    /// The matter's file tree is the firm's: to a contact it is not there, the same answer as
    /// for a matter that is not theirs. (What is shared with them they open as shares.)
    pub fn files(self) -> Result<MatterFiles, AppError> {
        if self.firm {
            Ok(MatterFiles(self))
        } else {
            Err(AppError::NotFound(super::NO_SUCH_MATTER.into()))
        }
    }
}

/// Proof that this person may read this matter's file tree (the firm's staff).
#[derive(Debug, Clone)]
pub struct MatterFiles(MatterAccess);

impl MatterFiles {
    pub fn matter_id(&self) -> MatterId {
        self.0.matter.id
    }

    pub fn matter(&self) -> &matter::Model {
        &self.0.matter
    }

    pub fn user(&self) -> &SignedInUser {
        &self.0.user
    }
}

/// Proof that this person may change this matter.
#[derive(Debug, Clone)]
pub struct ManageMatter(MatterAccess);

impl ManageMatter {
    pub fn matter_id(&self) -> MatterId {
        self.0.matter.id
    }

    pub fn matter(&self) -> &matter::Model {
        &self.0.matter
    }

    pub fn user(&self) -> &SignedInUser {
        &self.0.user
    }

    pub fn access(&self) -> &MatterAccess {
        &self.0
    }

    /// Who may change a matter may read its files.
    pub fn files(&self) -> MatterFiles {
        MatterFiles(self.0.clone())
    }

    /// The firm reads every conversation on a matter it may change (`Actor::conversation`):
    /// one found on this matter needs no other check.
    pub fn conversation(
        &self,
        conversation: conversation::Model,
    ) -> Result<ConversationAccess, AppError> {
        if conversation.matter_id != self.matter_id() {
            return Err(AppError::NotFound(super::NO_SUCH_CONVERSATION.into()));
        }
        Ok(ConversationAccess {
            conversation,
            matter: self.0.clone(),
        })
    }
}

/// Proof that this person may read this document of a matter's tree, live or in the trash.
#[derive(Debug, Clone)]
pub struct DocumentAccess {
    pub(super) document: document::Model,
    pub(super) files: MatterFiles,
}

impl DocumentAccess {
    pub fn document(&self) -> &document::Model {
        &self.document
    }

    pub fn files(&self) -> &MatterFiles {
        &self.files
    }
}

/// Proof that this person may read this conversation: someone at the firm, or a contact who
/// takes part in an external conversation on a matter they are on and, where the conversation
/// asks for it, has passed the second factor within the firm's window.
#[derive(Debug, Clone)]
pub struct ConversationAccess {
    pub(super) conversation: conversation::Model,
    pub(super) matter: MatterAccess,
}

impl ConversationAccess {
    pub fn id(&self) -> ConversationId {
        self.conversation.id
    }

    pub fn conversation(&self) -> &conversation::Model {
        &self.conversation
    }

    pub fn matter(&self) -> &MatterAccess {
        &self.matter
    }

    pub fn user(&self) -> &SignedInUser {
        &self.matter.user
    }

    /// Changing who is in a conversation is for the firm.
    pub fn manage(self) -> Result<ManageConversation, AppError> {
        if self.matter.firm {
            Ok(ManageConversation(self))
        } else {
            Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRMS_STAFF_CAN_CHANGE_2.into(),
            ))
        }
    }
}

/// Proof that this person may change who is in this conversation (the firm's staff).
#[derive(Debug, Clone)]
pub struct ManageConversation(ConversationAccess);

impl ManageConversation {
    pub fn access(&self) -> &ConversationAccess {
        &self.0
    }
}

/// Proof that this person wrote this message, may still read its conversation, and is within
/// the firm's window for changing it; it is not deleted.
#[derive(Debug, Clone)]
pub struct OwnMessage {
    pub(super) message: message::Model,
    pub(super) conversation: ConversationAccess,
}

impl OwnMessage {
    pub fn message(&self) -> &message::Model {
        &self.message
    }

    pub fn conversation(&self) -> &ConversationAccess {
        &self.conversation
    }
}

/// Proof that this person may put files into one line (slot) of a file request: a contact who
/// may read the conversation it was asked in, the message is not deleted and asks for that line.
/// What they upload goes into their own folder of the matter's tree, whatever the tree's rules
/// for contacts: this proof is the firm's asking.
#[derive(Debug, Clone)]
pub struct RequestSlot {
    pub(super) message: message::Model,
    pub(super) item: usize,
    pub(super) label: String,
    pub(super) conversation: ConversationAccess,
}

impl RequestSlot {
    pub fn message(&self) -> &message::Model {
        &self.message
    }

    /// Which line, from 0.
    pub fn item(&self) -> usize {
        self.item
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn conversation(&self) -> &ConversationAccess {
        &self.conversation
    }

    pub fn matter(&self) -> &MatterAccess {
        &self.conversation.matter
    }
}

/// Proof that this person may download this file sent with a message: it was sent (not only
/// staged) in a conversation they may read.
#[derive(Debug, Clone)]
pub struct AttachmentAccess {
    pub(super) attachment: attachment::Model,
    pub(super) conversation: ConversationAccess,
}

impl AttachmentAccess {
    pub fn attachment(&self) -> &attachment::Model {
        &self.attachment
    }

    pub fn conversation(&self) -> &ConversationAccess {
        &self.conversation
    }
}

/// Proof that this person may open this share: it is not revoked, and they may read the
/// conversation it was shared in (step-up included). What inside a shared folder it reaches is
/// `shares::server::reach`'s to say.
#[derive(Debug, Clone)]
pub struct ShareAccess {
    pub(super) share: share::Model,
    pub(super) conversation: ConversationAccess,
}

impl ShareAccess {
    pub fn id(&self) -> ShareId {
        self.share.id
    }

    pub fn share(&self) -> &share::Model {
        &self.share
    }

    pub fn conversation(&self) -> &ConversationAccess {
        &self.conversation
    }

    /// Revoking a share is for the firm.
    pub fn manage(self) -> Result<ManageShare, AppError> {
        if self.conversation.matter.firm {
            Ok(ManageShare(self))
        } else {
            Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRM_CAN_REMOVE_ACCESS.into(),
            ))
        }
    }
}

/// Proof that this person may revoke this share (the firm's staff).
#[derive(Debug, Clone)]
pub struct ManageShare(ShareAccess);

impl ManageShare {
    pub fn share(&self) -> &share::Model {
        &self.0.share
    }

    pub fn user(&self) -> &SignedInUser {
        self.0.conversation.user()
    }
}

/// Proof that the request comes from an administrator.
#[derive(Debug, Clone)]
pub struct Admin(pub(super) SignedInUser);

impl Admin {
    pub fn user(&self) -> &SignedInUser {
        &self.0
    }

    pub fn id(&self) -> UserId {
        self.0.id
    }
}

/// Proof that the request comes from someone at the firm (an administrator or staff), not a
/// contact.
#[derive(Debug, Clone)]
pub struct FirmMember(pub(super) SignedInUser);

impl FirmMember {
    pub fn user(&self) -> &SignedInUser {
        &self.0
    }

    pub fn id(&self) -> UserId {
        self.0.id
    }

    /// Whether this firm member may add, invite, revoke or restore a person of `role`: staff
    /// manage contacts; only administrators manage the firm's own accounts.
    pub fn may_manage(&self, role: Role) -> Result<(), AppError> {
        match (self.0.role, role) {
            (Role::Admin, _) | (Role::Staff, Role::Client) => Ok(()),
            _ => Err(AppError::Forbidden(
                crate::text::ONLY_AN_ADMINISTRATOR_CAN_MANAGE_STAFF.into(),
            )),
        }
    }
}

/// A capability that names the one matter it was checked for. Lookups inside a matter (its file
/// tree) take one of these instead of a bare matter id, so they can only look where the policy
/// already let the caller in. Sealed: only the capabilities above implement it.
pub trait InMatter: sealed::Sealed {
    fn matter_id(&self) -> MatterId;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! in_matter {
    ($($ty:ty => |$c:ident| $id:expr;)*) => {$(
        impl sealed::Sealed for $ty {}
        impl InMatter for $ty {
            fn matter_id(&self) -> MatterId {
                let $c = self;
                $id
            }
        }
    )*};
}

in_matter! {
    MatterAccess => |c| c.matter.id;
    MatterFiles => |c| c.0.matter.id;
    ManageMatter => |c| c.0.matter.id;
    DocumentAccess => |c| c.document.matter_id;
    ShareAccess => |c| c.share.matter_id;
}
