//! What each person's open page is told of a change (`server/src/live.rs` asks, once per
//! person): nothing if they may not see its conversation, else the new message and the
//! conversation's line as they would read them. What is the same for every reader is worked
//! out once per change (`Shown`), who may see which conversation once per batch (`Checked`).

use std::collections::HashMap;

use sea_orm::{DatabaseConnection, EntityTrait};

use super::{
    ConversationKind, ConversationSummary, MessageView, Seen,
    reading::{last_messages, line_of, message, participants_of, unlocked, unread_counts},
};
use crate::{
    AppError,
    entities::{
        conversation, conversation_participant, message,
        user::{self, Role},
    },
    ids::{ConversationId, UserId},
    policy::{ConversationAccess, MatterAccess},
};

/// What everyone who may read a change's message is shown of it, worked out once per change:
/// the message as anyone sees it, and its author (whether it is "mine" is each reader's own).
#[derive(Default)]
pub struct Shown {
    message: tokio::sync::OnceCell<Option<(MessageView, Option<UserId>)>>,
    /// The conversation's line, but for what is each reader's own.
    line: tokio::sync::OnceCell<Option<SharedLine>>,
    /// Who read, for a read receipt.
    reader: tokio::sync::OnceCell<Option<user::Model>>,
}

/// Who may see which conversation, worked out once per person for changes told together: a
/// burst of read receipts on one conversation asks everyone the same question many times. It
/// lives for one batch of changes only, so it holds nothing that could go stale.
#[derive(Default)]
pub struct Checked {
    access: std::sync::Mutex<HashMap<(UserId, ConversationId), CheckedCell>>,
}

type CheckedCell = std::sync::Arc<tokio::sync::OnceCell<Result<ConversationAccess, AppError>>>;

impl Checked {
    async fn conversation(
        &self,
        db: &DatabaseConnection,
        actor: &crate::policy::Actor,
        id: ConversationId,
    ) -> Result<ConversationAccess, AppError> {
        let Ok(user) = actor.signed_in() else {
            return actor.conversation(db, id).await;
        };
        let cell = self
            .access
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((user.id(), id))
            .or_default()
            .clone();
        cell.get_or_init(|| actor.conversation(db, id))
            .await
            .clone()
    }
}

/// What this person is told of `change` on their open page of its matter: `None` if they may
/// not see its conversation (`Actor::conversation`); else the change with, when they can read
/// it, the new message as they see it (from `shown`, shared by the change's readers), and the
/// conversation's line in their list (a protected one they have not unlocked: locked, with its
/// unread count), so that the page need not reload them.
pub async fn told(
    db: &DatabaseConnection,
    actor: &crate::policy::Actor,
    change: crate::live::Change,
    shown: &Shown,
    checked: &Checked,
) -> Result<Option<crate::live::Told>, AppError> {
    if let Some(read) = change.read {
        return receipt(db, actor, change, read, shown, checked).await;
    }
    let (matter, message) = match checked.conversation(db, actor, change.conversation).await {
        Ok(access) => {
            let message = match change.message {
                Some(id) => shown
                    .message
                    .get_or_try_init(|| message(db, &access, id))
                    .await?
                    .clone()
                    .map(|(mut view, author)| {
                        view.mine = author == Some(access.user().id());
                        if !view.mine {
                            view.editable_until = None;
                        }
                        super::requests::for_reader(
                            &mut view,
                            access.user().id(),
                            access.matter().firm(),
                        );
                        view
                    }),
                None => None,
            };
            (access.matter().clone(), message)
        }
        Err(AppError::StepUpRequired) => (actor.matter(db, change.matter).await?, None),
        // Removed from it: their own pages are told that it is gone, and nothing more.
        Err(AppError::NotFound(_))
            if change.left.is_some() && change.left == actor.signed_in().ok().map(|u| u.id()) =>
        {
            return Ok(Some(crate::live::Told {
                change,
                message: None,
                summary: None,
                seen: None,
                gone: true,
            }));
        }
        Err(AppError::NotFound(_) | AppError::Forbidden(_) | AppError::Unauthenticated) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    Ok(Some(crate::live::Told {
        change,
        message,
        summary: summary(db, &matter, change.conversation, shown).await?,
        seen: None,
        gone: false,
    }))
}

/// A read receipt, for whoever may read the conversation and may see who read it (the firm
/// sees everyone; a contact, the firm's people); the reader's own pages are told nothing.
async fn receipt(
    db: &DatabaseConnection,
    actor: &crate::policy::Actor,
    change: crate::live::Change,
    read: crate::live::Read,
    shown: &Shown,
    checked: &Checked,
) -> Result<Option<crate::live::Told>, AppError> {
    let access = match checked.conversation(db, actor, change.conversation).await {
        Ok(access) => access,
        Err(
            AppError::NotFound(_)
            | AppError::Forbidden(_)
            | AppError::Unauthenticated
            | AppError::StepUpRequired,
        ) => return Ok(None),
        Err(e) => return Err(e),
    };
    if access.user().id() == read.by {
        return Ok(None);
    }
    let reader = shown
        .reader
        .get_or_try_init(|| user::Entity::find_by_id(read.by).one(db))
        .await?;
    let Some(reader) = reader else {
        return Ok(None);
    };
    if !access.matter().firm() && reader.role == Role::Client {
        return Ok(None);
    }
    Ok(Some(crate::live::Told {
        change,
        message: None,
        summary: None,
        seen: Some(Seen {
            user_id: reader.id,
            name: reader.display_name.clone(),
            at: read.at,
        }),
        gone: false,
    }))
}

/// What every reader's line of one conversation shares: the conversation, who takes part and
/// its latest message. A change is told to many people, so it is read once for them all
/// (`Shown`); only whether they may see it and what they have not read is theirs.
pub(crate) struct SharedLine {
    conversation: conversation::Model,
    people: Vec<(conversation_participant::Model, user::Model)>,
    latest: Option<message::Model>,
}

async fn shared_line(
    db: &DatabaseConnection,
    id: ConversationId,
) -> Result<Option<SharedLine>, AppError> {
    let Some(conversation) = conversation::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let people = participants_of(db, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    let latest = last_messages(db, &[&conversation]).await?.remove(&id);
    Ok(Some(SharedLine {
        conversation,
        people,
        latest,
    }))
}

/// Conversation `id`'s line in this person's list, if it is in their list (as `list` decides:
/// the firm sees every one, a contact the external ones they take part in), from what its
/// readers share (`shown`) and their own unread count.
async fn summary(
    db: &DatabaseConnection,
    access: &MatterAccess,
    id: ConversationId,
    shown: &Shown,
) -> Result<Option<ConversationSummary>, AppError> {
    let shared = shown.line.get_or_try_init(|| shared_line(db, id)).await?;
    let Some(line) = shared else {
        return Ok(None);
    };
    let me = access.user().id();
    let c = &line.conversation;
    let in_list = c.matter_id == access.id()
        && (access.firm()
            || (c.kind == ConversationKind::External
                && line.people.iter().any(|(p, _)| p.user_id == me)));
    if !in_list {
        return Ok(None);
    }
    let unread = unread_counts(db, me, &[id]).await?;
    Ok(Some(line_of(
        c,
        Some(&line.people),
        line.latest.as_ref(),
        unlocked(access),
        unread.get(&id).copied().unwrap_or(0),
    )))
}
