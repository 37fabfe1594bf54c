//! The security audit trail: who did what, when, from where.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::ids::UserId;
use crate::{AppError, entities::audit_event};

/// What happened, as stored in `audit_events.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SetupLinkIssued,
    SetupLinkRefused,
    AdminCreated,
    SignIn,
    SignInRefused,
    SignInLocked,
    SignedOutEverywhere,
    PasswordChanged,
    SecondFactorEnrolled,
    SecondFactorRemoved,
    SecondFactorPassed,
    SecondFactorRefused,
    RecoveryCodeUsed,
    PersonAdded,
    InvitationSent,
    InvitationAccepted,
    InvitationRefused,
    AccessRevoked,
    AccessRestored,
    PasswordResetRequested,
    PasswordReset,
    SettingsChanged,
    SignInLinkRequested,
    CodeSent,
    FileUploaded,
    FileTrashed,
    FileRestored,
    ConversationCreated,
    Shared,
    ShareRevoked,
    ShareExpirySet,
    LegalHoldPlaced,
    LegalHoldLifted,
    RetentionSet,
    MatterDeleted,
    TrashEmptied,
    ParticipantAdded,
    ParticipantRemoved,
    MessageDeleted,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetupLinkIssued => "setup.link_issued",
            Self::SetupLinkRefused => "setup.link_refused",
            Self::AdminCreated => "setup.admin_created",
            Self::SignIn => "auth.sign_in",
            Self::SignInRefused => "auth.sign_in_refused",
            Self::SignInLocked => "auth.sign_in_locked",
            Self::SignedOutEverywhere => "auth.signed_out_everywhere",
            Self::PasswordChanged => "auth.password_changed",
            Self::SecondFactorEnrolled => "mfa.enrolled",
            Self::SecondFactorRemoved => "mfa.removed",
            Self::SecondFactorPassed => "mfa.passed",
            Self::SecondFactorRefused => "mfa.refused",
            Self::RecoveryCodeUsed => "mfa.recovery_code_used",
            Self::PersonAdded => "people.added",
            Self::InvitationSent => "invitation.sent",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationRefused => "invitation.refused",
            Self::AccessRevoked => "people.access_revoked",
            Self::AccessRestored => "people.access_restored",
            Self::PasswordResetRequested => "auth.password_reset_requested",
            Self::PasswordReset => "auth.password_reset",
            Self::SettingsChanged => "settings.changed",
            Self::SignInLinkRequested => "auth.sign_in_link_requested",
            Self::CodeSent => "mfa.code_sent",
            Self::FileUploaded => "files.uploaded",
            Self::FileTrashed => "files.trashed",
            Self::FileRestored => "files.restored",
            Self::ConversationCreated => "conversations.created",
            Self::Shared => "shares.created",
            Self::ShareRevoked => "shares.revoked",
            Self::ShareExpirySet => "shares.expiry_set",
            Self::LegalHoldPlaced => "matters.legal_hold_placed",
            Self::LegalHoldLifted => "matters.legal_hold_lifted",
            Self::RetentionSet => "matters.retention_set",
            Self::MatterDeleted => "matters.deleted",
            Self::TrashEmptied => "files.trash_emptied",
            Self::ParticipantAdded => "conversations.participant_added",
            Self::ParticipantRemoved => "conversations.participant_removed",
            Self::MessageDeleted => "conversations.message_deleted",
        }
    }
}

pub async fn record(
    db: &impl ConnectionTrait,
    action: Action,
    actor_id: Option<UserId>,
    detail: Option<String>,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    audit_event::Entity::insert(audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        occurred_at: Set(chrono::Utc::now()),
        actor_id: Set(actor_id),
        action: Set(action.as_str().to_string()),
        detail: Set(detail),
        ip: Set(ip.map(|ip| ip.to_string())),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
