use leptos::prelude::*;
use uuid::Uuid;

use super::{ConversationSummary, ConversationView, MessageView};
use crate::AppError;

/// The conversations on a matter that the signed-in person may see.
#[server(name = ListConversations, prefix = "/api", endpoint = "conversations/list")]
pub async fn list_conversations(matter_id: Uuid) -> Result<Vec<ConversationSummary>, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .matter(&state.db, matter_id)
        .await?;
    super::server::list(&state.db, &access).await
}

/// Opens a conversation on a matter with its first message; returns its id. For the firm.
/// `attachments`: files the writer uploaded for it; `documents`: files from the matter's tree,
/// sent as copies of their current version; `shared_documents` and `shared_folders`: items of
/// the tree shared as live links.
#[server(name = CreateConversation, prefix = "/api", endpoint = "conversations/create")]
#[allow(clippy::too_many_arguments)]
pub async fn create_conversation(
    matter_id: Uuid,
    subject: String,
    #[server(default)] body: String,
    #[server(default)] participants: Vec<Uuid>,
    #[server(default)] internal: bool,
    #[server(default)] requires_second_factor: bool,
    #[server(default)] sms: bool,
    #[server(default)] attachments: Vec<Uuid>,
    #[server(default)] documents: Vec<Uuid>,
    #[server(default)] shared_documents: Vec<Uuid>,
    #[server(default)] shared_folders: Vec<Uuid>,
) -> Result<Uuid, AppError> {
    let state = crate::state::AppState::current()?;
    let manage = crate::policy::Actor::current()
        .await?
        .matter(&state.db, matter_id)
        .await?
        .manage()?;
    let input = super::NewConversation {
        subject,
        body,
        participants,
        internal,
        requires_second_factor,
        sms,
        enclosed: super::attachments::Enclosed::new(
            attachments,
            documents,
            shared_documents,
            shared_folders,
        ),
    };
    super::server::create(&state, &manage, input).await
}

/// One conversation and its messages.
#[server(name = GetConversation, prefix = "/api", endpoint = "conversations/get")]
pub async fn get_conversation(id: Uuid) -> Result<ConversationView, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .conversation(&state.db, id)
        .await?;
    super::server::view(&state.db, &access).await
}

/// Marks a conversation read by the signed-in person (the page has it on screen).
#[server(name = MarkConversationRead, prefix = "/api", endpoint = "conversations/read")]
pub async fn mark_conversation_read(id: Uuid) -> Result<(), AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .conversation(&state.db, id)
        .await?;
    super::server::read(&state.db, &access).await
}

/// Writes a message in a conversation; `sms` also texts it (the firm only). It can send files:
/// `attachments` the writer uploaded for it, and (the firm only) `documents` from the matter's
/// tree, and shares of the tree's files and folders; with any of them, the text may be left
/// out.
#[server(name = PostMessage, prefix = "/api", endpoint = "conversations/post")]
pub async fn post_message(
    id: Uuid,
    #[server(default)] body: String,
    #[server(default)] sms: bool,
    #[server(default)] attachments: Vec<Uuid>,
    #[server(default)] documents: Vec<Uuid>,
    #[server(default)] shared_documents: Vec<Uuid>,
    #[server(default)] shared_folders: Vec<Uuid>,
) -> Result<MessageView, AppError> {
    let state = crate::state::AppState::current()?;
    let access = crate::policy::Actor::current()
        .await?
        .conversation(&state.db, id)
        .await?;
    let enclosed =
        super::attachments::Enclosed::new(attachments, documents, shared_documents, shared_folders);
    super::server::post(&state, &access, &body, sms, &enclosed).await
}
