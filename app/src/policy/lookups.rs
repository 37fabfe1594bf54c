//! What a person may reach: each look-up answers with the capability the code behind it needs
//! (a matter, a conversation, a message of theirs, a file request's slot, an attachment, a share,
//! a document), or with the same "no such ..." whether it is missing or not theirs.

use sea_orm::{DatabaseConnection, EntityTrait};

use super::{
    Actor, AttachmentAccess, ConversationAccess, DocumentAccess, MatterAccess,
    NO_SUCH_CONVERSATION, NO_SUCH_FILE, NO_SUCH_MATTER, NO_SUCH_MESSAGE, NO_SUCH_REQUEST,
    NO_SUCH_SHARE, OwnMessage, RequestMemo, RequestSlot, ShareAccess, SignedInUser,
};
use crate::{
    AppError,
    conversations::ConversationKind,
    entities::{
        attachment, conversation, conversation_participant, document, matter, matter_person,
        message, share, share_revocation, user::Role,
    },
    ids::{AttachmentId, ConversationId, DocumentId, MatterId, MessageId, ShareId},
    matters::MatterRole,
};

/// A "not found" from the container, said in the words of what was asked for, so that the
/// answer does not tell which of the two is missing.
fn renamed(e: AppError, not_found: impl Fn() -> AppError) -> AppError {
    match e {
        AppError::NotFound(_) => not_found(),
        other => other,
    }
}

impl Actor {
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
}
