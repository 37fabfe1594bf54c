//! Reading: having a conversation on screen reads it (its participant's `last_read_at`), and
//! each message's first reading per person is kept as its read receipt ("Seen by Grace ·
//! 14:02"), shown to the others as the policy allows.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, OnConflict},
};

use super::Seen;
use crate::{
    AppError,
    entities::{
        conversation_participant, message, message_read,
        user::{self, Role},
    },
    files::tree::when,
    ids::{ConversationId, MessageId, UserId},
    policy::ConversationAccess,
};

/// The reader has this conversation on screen: its messages count as read. Asked for by the
/// hydrated page with a POST; opening a conversation (a GET, a link followed) reads nothing.
/// Just opened (`opened` says from where), the matter's access log records it.
/// Returns when, if a message was read for the first time (its writer is then told, live).
pub async fn read(
    state: &crate::state::AppState,
    access: &ConversationAccess,
    opened: Option<crate::activity::log::Origin>,
) -> Result<Option<crate::when::Moment>, AppError> {
    let db = &state.db;
    let now = Utc::now();
    let first_read = mark_read(db, access.id(), access.user().id(), now)
        .await?
        .then(|| when(now));
    if let Some(origin) = opened {
        let c = access.conversation();
        let entry = crate::activity::log::Access {
            matter: c.matter_id,
            kind: crate::activity::AccessKind::ConversationOpened,
            item_name: c.subject.clone(),
            document: None,
            version: None,
            attachment: None,
            share: None,
            conversation: Some(c.id),
            sha256: None,
        };
        state
            .access_log
            .record(access.user(), entry, origin)
            .await?;
    }
    Ok(first_read)
}

/// Everything in the conversation up to `at` counts as read by `user`: the messages of others
/// they had not read get their read receipt (`message_reads`, the first time only). Returns
/// whether any did.
pub(super) async fn mark_read(
    db: &impl ConnectionTrait,
    conversation: ConversationId,
    user: UserId,
    at: chrono::DateTime<Utc>,
) -> Result<bool, AppError> {
    let before: Option<Option<chrono::DateTime<Utc>>> = conversation_participant::Entity::find()
        .select_only()
        .column(conversation_participant::Column::LastReadAt)
        .filter(conversation_participant::Column::ConversationId.eq(conversation))
        .filter(conversation_participant::Column::UserId.eq(user))
        .into_tuple()
        .one(db)
        .await?;
    let unseen: Vec<MessageId> = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::ConversationId.eq(conversation))
        .filter(message::Column::AuthorId.ne(user))
        .filter(message::Column::CreatedAt.lte(at))
        .apply_if(before.flatten(), |q, since| {
            q.filter(message::Column::CreatedAt.gt(since))
        })
        .into_tuple()
        .all(db)
        .await?;
    for chunk in unseen.chunks(500) {
        message_read::Entity::insert_many(chunk.iter().map(|&message_id| {
            message_read::ActiveModel {
                message_id: Set(message_id),
                user_id: Set(user),
                read_at: Set(at),
            }
        }))
        .on_conflict(
            OnConflict::columns([
                message_read::Column::MessageId,
                message_read::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    conversation_participant::Entity::update_many()
        .col_expr(
            conversation_participant::Column::LastReadAt,
            Expr::value(Some(at)),
        )
        .filter(conversation_participant::Column::ConversationId.eq(conversation))
        .filter(conversation_participant::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(!unseen.is_empty())
}

/// Who else has read each of `messages`, first reader first: everyone for the firm; for a
/// contact, only the firm's people (another contact's reading is theirs).
pub(super) async fn of(
    db: &DatabaseConnection,
    messages: &[MessageId],
    me: UserId,
    firm: bool,
) -> Result<HashMap<MessageId, Vec<Seen>>, AppError> {
    let mut rows: Vec<(MessageId, UserId, chrono::DateTime<Utc>, String, Role)> = Vec::new();
    for chunk in messages.chunks(500) {
        rows.extend(
            message_read::Entity::find()
                .select_only()
                .column(message_read::Column::MessageId)
                .column(message_read::Column::UserId)
                .column(message_read::Column::ReadAt)
                .column(user::Column::DisplayName)
                .column(user::Column::Role)
                .join(
                    JoinType::InnerJoin,
                    message_read::Entity::belongs_to(user::Entity)
                        .from(message_read::Column::UserId)
                        .to(user::Column::Id)
                        .into(),
                )
                .filter(message_read::Column::MessageId.is_in(chunk.iter().copied()))
                .filter(message_read::Column::UserId.ne(me))
                .order_by_asc(message_read::Column::ReadAt)
                .into_tuple::<(MessageId, UserId, chrono::DateTime<Utc>, String, Role)>()
                .all(db)
                .await?,
        );
    }
    let mut by_message: HashMap<MessageId, Vec<Seen>> = HashMap::new();
    for (message, user_id, at, name, role) in rows {
        if firm || role != Role::Client {
            by_message.entry(message).or_default().push(Seen {
                user_id,
                name,
                at: when(at),
            });
        }
    }
    Ok(by_message)
}
