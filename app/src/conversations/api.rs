//! The server functions of conversations.

// A server function's arguments are the named fields of a form, not positions a caller can
// mix up; `#[server]` generates a function per side, so the allow covers the module.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::{ConversationSummary, ConversationView, InboxLine, MessageView, Messaged};
use crate::AppError;
use crate::ids::{AttachmentId, ConversationId, DocumentId, FolderId, MatterId, MessageId, UserId};
#[cfg(feature = "ssr")]
use crate::policy::{Call, read_once};

/// The conversations on a matter that the signed-in person may see.
#[server(name = ListConversations, prefix = "/api", endpoint = "conversations/list")]
pub async fn list_conversations(matter_id: MatterId) -> Result<Vec<ConversationSummary>, AppError> {
    read_once(format!("conversations/list {matter_id}"), async {
        let (state, access) = Call::current().await?.matter(matter_id).await?;
        super::reading::list(&state.db, &access).await
    })
    .await
}

/// The signed-in person's conversations across their open matters, latest first: a client's
/// home page.
#[server(name = GetInbox, prefix = "/api", endpoint = "conversations/inbox")]
pub async fn get_inbox() -> Result<Vec<InboxLine>, AppError> {
    read_once("conversations/inbox".into(), async {
        let call = Call::current().await?;
        super::reading::inbox(&call).await
    })
    .await
}

/// Opens a conversation on a matter with its first message; returns its id. For the firm.
/// `attachments`: files the writer uploaded for it; `documents`: files from the matter's tree,
/// sent as copies of their current version; `shared_documents` and `shared_folders`: items of
/// the tree shared as live links.
#[server(name = CreateConversation, prefix = "/api", endpoint = "conversations/create")]
pub async fn create_conversation(
    matter_id: MatterId,
    subject: String,
    #[server(default)] body: String,
    #[server(default)] participants: Vec<UserId>,
    #[server(default)] internal: bool,
    #[server(default)] requires_second_factor: bool,
    #[server(default)] sms: bool,
    #[server(default)] attachments: Vec<AttachmentId>,
    #[server(default)] documents: Vec<DocumentId>,
    #[server(default)] shared_documents: Vec<DocumentId>,
    #[server(default)] shared_folders: Vec<FolderId>,
) -> Result<ConversationId, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    let input = super::NewConversation {
        subject,
        body,
        participants,
        internal,
        requires_second_factor,
        sms,
        enclosed: super::attachments::Enclosed {
            staged: attachments,
            documents,
            shared: super::attachments::shared_items(shared_documents, shared_folders),
        },
    };
    super::opening::create(&state, &manage, input).await
}

/// The matter's **Message** button (the reference guide's first flow): writes to the
/// conversation on the matter whose other participants are exactly `participants` and whose
/// protection is `requires_second_factor`, the latest such one; with none, starts one. Contacts
/// among them make it external, staff only internal. `subject` names a new conversation; left
/// empty, its first words do. For the firm.
#[server(name = MessageMatter, prefix = "/api", endpoint = "conversations/message")]
pub async fn message_matter(
    matter_id: MatterId,
    #[server(default)] body: String,
    #[server(default)] participants: Vec<UserId>,
    #[server(default)] subject: String,
    #[server(default)] requires_second_factor: bool,
    #[server(default)] sms: bool,
) -> Result<Messaged, AppError> {
    let (state, manage) = Call::current().await?.manage_matter(matter_id).await?;
    let input = super::opening::Message {
        body,
        participants,
        subject,
        requires_second_factor,
        sms,
    };
    super::opening::message(&state, &manage, input).await
}

/// One conversation and its messages.
#[server(name = GetConversation, prefix = "/api", endpoint = "conversations/get")]
pub async fn get_conversation(id: ConversationId) -> Result<ConversationView, AppError> {
    read_once(format!("conversations/get {id}"), async {
        let (state, access) = Call::current().await?.conversation(id).await?;
        super::reading::view(&state.db, &access).await
    })
    .await
}

/// Marks a conversation read by the signed-in person (the page has it on screen); `opened`
/// when it has just been opened, which the matter's access log records.
#[server(name = MarkConversationRead, prefix = "/api", endpoint = "conversations/read")]
pub async fn mark_conversation_read(
    id: ConversationId,
    #[server(default)] opened: bool,
) -> Result<(), AppError> {
    let call = Call::current().await?;
    let origin = call.origin();
    let (state, access) = call.conversation(id).await?;
    if let Some(at) = super::receipts::read(&state, &access, opened.then_some(origin)).await? {
        // Its writers' pages show the read receipt.
        let change = crate::live::Change {
            matter: access.matter().id(),
            conversation: id,
            message: None,
            read: Some(crate::live::Read {
                by: access.user().id(),
                at,
            }),
            left: None,
            files: false,
        };
        state.live.publish(&state.db, change).await;
    }
    Ok(())
}

/// Writes a message in a conversation; `sms` also texts it (the firm only). It can send files:
/// `attachments` the writer uploaded for it, and (the firm only) `documents` from the matter's
/// tree, and shares of the tree's files and folders; with any of them, the text may be left
/// out.
#[server(name = PostMessage, prefix = "/api", endpoint = "conversations/post")]
pub async fn post_message(
    id: ConversationId,
    #[server(default)] body: String,
    #[server(default)] sms: bool,
    #[server(default)] attachments: Vec<AttachmentId>,
    #[server(default)] documents: Vec<DocumentId>,
    #[server(default)] shared_documents: Vec<DocumentId>,
    #[server(default)] shared_folders: Vec<FolderId>,
    #[server(default)] requested: String,
) -> Result<MessageView, AppError> {
    let posted = async {
        let (state, access) = Call::current().await?.conversation(id).await?;
        let enclosed = super::attachments::Enclosed {
            staged: attachments,
            documents,
            shared: super::attachments::shared_items(shared_documents, shared_folders),
        };
        super::server::post(&state, &access, &body, sms, &enclosed, &requested).await
    }
    .await;
    // The reply box posted as a plain form (before the Wasm): back to the conversation, which
    // says so if the reply was refused.
    crate::ui::back_from_plain_form(
        super::REPLY_NOT_SENT.0,
        posted.is_err().then_some(super::REPLY_NOT_SENT.1),
        None,
    );
    posted
}

/// Adds someone to a conversation: a contact on the matter (external conversations) or one of
/// the firm's people. They see the whole conversation. For the firm.
#[server(name = AddParticipant, prefix = "/api", endpoint = "conversations/participants/add")]
pub async fn add_participant(id: ConversationId, user_id: UserId) -> Result<(), AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, manage) = call.manage_conversation(id).await?;
    super::participants::add(&state, &manage, user_id, ip).await
}

/// Removes someone from a conversation: it is gone for them from their next request, and
/// their open pages are told at once. For the firm.
#[server(name = RemoveParticipant, prefix = "/api", endpoint = "conversations/participants/remove")]
pub async fn remove_participant(id: ConversationId, user_id: UserId) -> Result<(), AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, manage) = call.manage_conversation(id).await?;
    super::participants::remove(&state, &manage, user_id, ip).await
}

/// Changes the text of one's own message, within the firm's window after sending it.
#[server(name = EditMessage, prefix = "/api", endpoint = "conversations/messages/edit")]
pub async fn edit_message(id: MessageId, body: String) -> Result<MessageView, AppError> {
    let (state, own) = Call::current().await?.own_message(id).await?;
    super::editing::edit(&state, &own, &body).await
}

/// Deletes one's own message, within the firm's window after sending it: its text is gone,
/// and what it sent or shared with it.
#[server(name = DeleteMessage, prefix = "/api", endpoint = "conversations/messages/delete")]
pub async fn delete_message(id: MessageId) -> Result<(), AppError> {
    let call = Call::current().await?;
    let ip = call.ip;
    let (state, own) = call.own_message(id).await?;
    super::editing::delete(&state, &own, ip).await
}
