//! Reading conversations on the server: the list a person may see, one conversation with its
//! latest messages, and what each person has read.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, Func},
};

use super::{
    ConversationKind, ConversationSummary, ConversationView, InboxLine, MessageView, Participant,
    attachments,
};
use crate::{
    AppError,
    entities::{
        conversation, conversation_participant, matter, message,
        user::{self, Role},
    },
    files::tree::when,
    ids::{ConversationId, MessageId, UserId},
    policy::{ConversationAccess, MatterAccess},
};

/// How many of a conversation's latest messages a page shows.
pub const PAGE: u64 = 500;

/// The conversations on a matter this person may see, latest first. A contact sees only the
/// external ones they take part in; of a protected one they have not unlocked, only that it is
/// there and whether something is unread.
pub async fn list(
    db: &DatabaseConnection,
    access: &MatterAccess,
) -> Result<Vec<ConversationSummary>, AppError> {
    let me = access.user().id();
    let mut query = conversation::Entity::find()
        .filter(conversation::Column::MatterId.eq(access.id()))
        .order_by_desc(conversation::Column::LastMessageAt);
    if !access.firm() {
        let mine = conversation_participant::Entity::find()
            .select_only()
            .column(conversation_participant::Column::ConversationId)
            .filter(conversation_participant::Column::UserId.eq(me))
            .into_query();
        query = query
            .filter(conversation::Column::Kind.eq(ConversationKind::External))
            .filter(conversation::Column::Id.in_subquery(mine));
    }
    let conversations = query.all(db).await?;
    let ids: Vec<ConversationId> = conversations.iter().map(|c| c.id).collect();
    let people = participants_of(db, &ids).await?;
    let unlocked = unlocked(access);
    let readable: Vec<&conversation::Model> = conversations
        .iter()
        .filter(|c| !c.requires_second_factor || unlocked)
        .collect();
    let previews = last_messages(db, &readable).await?;
    let unread = unread_counts(db, me, &ids).await?;
    Ok(conversations
        .iter()
        .map(|c| {
            line_of(
                c,
                people.get(&c.id),
                previews.get(&c.id),
                unlocked,
                unread.get(&c.id).copied().unwrap_or(0),
            )
        })
        .collect())
}

/// How many lines an inbox shows, and of how many matters (the most recently active).
pub const INBOX_LINES: usize = 50;
const INBOX_MATTERS: usize = 20;

/// The caller's conversations across the open matters they may see, latest first. Each matter
/// is asked of the policy like any other read, so the inbox shows exactly what the matter pages
/// would: a contact, only the external conversations they take part in; a locked one, no subject
/// or preview.
pub async fn inbox(call: &crate::policy::Call) -> Result<Vec<InboxLine>, AppError> {
    let db = &call.state.db;
    let user = call.actor.viewer()?;
    let matters = crate::matters::server::list(db, user, "", false).await?;
    let mut lines = Vec::new();
    for m in matters.into_iter().take(INBOX_MATTERS) {
        let access = call.actor.matter(db, m.id).await?;
        lines.extend(list(db, &access).await?.into_iter().map(|c| InboxLine {
            matter_id: m.id,
            matter_number: m.number.clone(),
            matter_name: m.name.clone(),
            conversation: c,
        }));
    }
    lines.sort_by_key(|l| std::cmp::Reverse(l.conversation.last_message_at));
    lines.truncate(INBOX_LINES);
    Ok(lines)
}

/// Whether this person reads a protected conversation's text: the firm always, a contact once
/// they have passed the second factor.
pub(super) fn unlocked(access: &MatterAccess) -> bool {
    access.firm() || access.user().passed_step_up()
}

/// A conversation's line as this person sees it: a protected one they have not unlocked shows
/// only that it is there and how much is unread.
pub(super) fn line_of(
    c: &conversation::Model,
    people: Option<&Vec<(conversation_participant::Model, user::Model)>>,
    latest: Option<&message::Model>,
    unlocked: bool,
    unread: u64,
) -> ConversationSummary {
    let locked = c.requires_second_factor && !unlocked;
    let (subject, preview, names) = if locked {
        (None, None, Vec::new())
    } else {
        let names = people
            .map(|p| p.iter().map(|(_, u)| u.display_name.clone()).collect())
            .unwrap_or_default();
        let preview = latest.map(|m| {
            if m.deleted_at.is_some() {
                crate::text::MESSAGE_DELETED.to_string()
            } else if m.body.is_empty() {
                crate::text::SENT_FILES.to_string()
            } else {
                quote(&m.body, 120)
            }
        });
        (Some(c.subject.clone()), preview, names)
    };
    ConversationSummary {
        id: c.id,
        kind: c.kind,
        subject,
        requires_second_factor: c.requires_second_factor,
        locked,
        participants: names,
        last_message_at: when(c.last_message_at),
        preview,
        // Counted for those taking part: the firm's other people are not waited on.
        unread,
    }
}

/// The latest message of each conversation, in one query: the one written at the
/// conversation's `last_message_at`, which every write sets to its message's time.
pub(super) async fn last_messages(
    db: &DatabaseConnection,
    conversations: &[&conversation::Model],
) -> Result<HashMap<ConversationId, message::Model>, AppError> {
    let ids: Vec<ConversationId> = conversations.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let latest = message::Entity::find()
        .join(
            JoinType::InnerJoin,
            message::Entity::belongs_to(conversation::Entity)
                .from(message::Column::ConversationId)
                .to(conversation::Column::Id)
                .into(),
        )
        .filter(message::Column::ConversationId.is_in(ids))
        .filter(
            Expr::col((message::Entity, message::Column::CreatedAt)).eq(Expr::col((
                conversation::Entity,
                conversation::Column::LastMessageAt,
            ))),
        )
        .order_by_asc(message::Column::Id)
        .all(db)
        .await?;
    // Two messages in the same instant: the later id wins.
    Ok(latest.into_iter().map(|m| (m.conversation_id, m)).collect())
}

/// How many messages by others `me` has not read, by conversation `me` takes part in, in one
/// query.
pub(super) async fn unread_counts(
    db: &DatabaseConnection,
    me: UserId,
    ids: &[ConversationId],
) -> Result<HashMap<ConversationId, u64>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let read_at = Expr::col((
        conversation_participant::Entity,
        conversation_participant::Column::LastReadAt,
    ));
    let author = || Expr::col((message::Entity, message::Column::AuthorId));
    let rows: Vec<(ConversationId, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::ConversationId)
        .expr(Func::count(Expr::col((
            message::Entity,
            message::Column::Id,
        ))))
        .join(
            JoinType::InnerJoin,
            message::Entity::belongs_to(conversation_participant::Entity)
                .from(message::Column::ConversationId)
                .to(conversation_participant::Column::ConversationId)
                .into(),
        )
        .filter(conversation_participant::Column::UserId.eq(me))
        .filter(message::Column::ConversationId.is_in(ids.iter().copied()))
        .filter(author().ne(me).or(author().is_null()))
        .filter(Expr::col((message::Entity, message::Column::DeletedAt)).is_null())
        .filter(
            read_at
                .clone()
                .is_null()
                .or(Expr::col((message::Entity, message::Column::CreatedAt)).gt(read_at)),
        )
        .group_by(message::Column::ConversationId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

pub(crate) type People =
    HashMap<ConversationId, Vec<(conversation_participant::Model, user::Model)>>;

/// The participants of `ids`, with their accounts, in two queries.
pub(crate) async fn participants_of(
    db: &impl ConnectionTrait,
    ids: &[ConversationId],
) -> Result<People, AppError> {
    let rows = conversation_participant::Entity::find()
        .filter(conversation_participant::Column::ConversationId.is_in(ids.iter().copied()))
        .order_by_asc(conversation_participant::Column::AddedAt)
        .all(db)
        .await?;
    let user_ids: HashSet<UserId> = rows.iter().map(|r| r.user_id).collect();
    let users = crate::policy::RequestMemo::users(db, user_ids).await?;
    let mut out: People = HashMap::new();
    for row in rows {
        if let Some(u) = users.get(&row.user_id) {
            out.entry(row.conversation_id)
                .or_default()
                .push((row, u.clone()));
        }
    }
    Ok(out)
}

pub(super) fn quote(body: &str, chars: usize) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > chars {
        format!("{}…", line.chars().take(chars).collect::<String>())
    } else {
        line
    }
}

/// Message `id` of this conversation as its readers see it, and its author.
pub(crate) async fn message(
    db: &DatabaseConnection,
    access: &ConversationAccess,
    id: MessageId,
) -> Result<Option<(MessageView, Option<UserId>)>, AppError> {
    let Some(m) = message::Entity::find_by_id(id)
        .filter(message::Column::ConversationId.eq(access.id()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let author = m.author_id;
    Ok(shown(db, access, vec![m])
        .await?
        .pop()
        .map(|view| (view, author)))
}

/// `messages` as the reader sees them, with their authors' names, what came with them and who
/// has read them (for a contact, only who of the firm).
async fn shown(
    db: &DatabaseConnection,
    access: &ConversationAccess,
    messages: Vec<message::Model>,
) -> Result<Vec<MessageView>, AppError> {
    let me = access.user().id();
    let authors: HashSet<UserId> = messages.iter().filter_map(|m| m.author_id).collect();
    let names: HashMap<UserId, String> = crate::policy::RequestMemo::users(db, authors)
        .await?
        .into_values()
        .map(|u| (u.id, u.display_name))
        .collect();
    let ids: Vec<MessageId> = messages.iter().map(|m| m.id).collect();
    let mut files = attachments::of_messages(db, &ids).await?;
    let reader = crate::shares::server::Reader::of(access.matter());
    let mut shares = crate::shares::server::of_messages(db, &ids, reader).await?;
    let mut receipts = super::receipts::of(db, &ids, me, access.matter().firm()).await?;
    let mut requests = super::requests::of_messages(db, &messages).await?;
    let window = crate::settings::server::in_force(db)
        .await?
        .message_edit_window();
    Ok(messages
        .into_iter()
        .map(|m| {
            let deleted = m.deleted_at.is_some();
            // What a deleted message sent is withdrawn with it (`editing::delete`).
            let mut files = files.remove(&m.id).unwrap_or_default();
            let mut shares = shares.remove(&m.id).unwrap_or_default();
            if deleted {
                files.clear();
                shares.clear();
            }
            MessageView {
                id: m.id,
                author: m
                    .author_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_else(|| crate::text::A_FORMER_USER.into()),
                mine: m.author_id == Some(me),
                author_id: m.author_id,
                attachments: files,
                shares,
                seen: receipts.remove(&m.id).unwrap_or_default(),
                html: super::formatting::html(&m.body),
                body: m.body,
                sent_as_sms: m.sent_as_sms,
                created_at: when(m.created_at),
                edited: m.edited_at.is_some(),
                deleted,
                // For its author only: each reader's view clears it for the others (`view`,
                // `told`), as a change's message is worked out once for all its readers.
                editable_until: (!deleted && window > chrono::Duration::zero())
                    .then(|| when(m.created_at + window)),
                request: requests.remove(&m.id),
            }
        })
        .collect())
}

/// One conversation and its latest messages (reading it marks nothing: see `read`).
pub async fn view(
    db: &DatabaseConnection,
    access: &ConversationAccess,
) -> Result<ConversationView, AppError> {
    let c = access.conversation();
    let me = access.user().id();
    let people = participants_of(db, &[c.id]).await?;
    let people = people.get(&c.id).cloned().unwrap_or_default();
    let mut messages = message::Entity::find()
        .filter(message::Column::ConversationId.eq(c.id))
        .order_by_desc(message::Column::CreatedAt)
        .limit(PAGE)
        .all(db)
        .await?;
    messages.reverse();
    // As the list counts it: a message by someone else since I last read it here.
    let read_at = people
        .iter()
        .find(|(p, _)| p.user_id == me)
        .map(|(p, _)| p.last_read_at);
    let unread = read_at.is_some_and(|read_at| {
        messages.iter().any(|m| {
            m.author_id != Some(me)
                && m.deleted_at.is_none()
                && read_at.is_none_or(|at| m.created_at > at)
        })
    });
    Ok(ConversationView {
        id: c.id,
        matter_id: c.matter_id,
        kind: c.kind,
        subject: c.subject.clone(),
        requires_second_factor: c.requires_second_factor,
        participants: people
            .into_iter()
            .map(|(_, u)| Participant {
                user_id: u.id,
                name: u.display_name,
                firm: u.role != Role::Client,
            })
            .collect(),
        messages: shown(db, access, messages)
            .await?
            .into_iter()
            .map(|mut m| {
                if !m.mine {
                    m.editable_until = None;
                }
                super::requests::for_reader(&mut m, me, access.matter().firm());
                m
            })
            .collect(),
        can_write: access.matter().matter().status == matter::Status::Open,
        firm: access.matter().firm(),
        unread,
        changes: super::participants::changes(db, c.id).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_one_line_and_short() {
        assert_eq!(quote("a\n\n b", 10), "a b");
        assert_eq!(quote("abcdef", 3), "abc…");
    }
}
