//! Conversations on the server: who may be in one, writing messages, what each person has read,
//! and the email and text notifications a message causes.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, Func},
};
use uuid::Uuid;

use super::{
    ConversationKind, ConversationSummary, ConversationView, MAX_BODY_CHARS, MAX_SUBJECT_CHARS,
    MessageView, NewConversation, Participant,
    attachments::{self, Enclosed},
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        attachment, conversation, conversation_participant, matter, matter_person, message, share,
        user::{self, Role},
    },
    files::server::when,
    live::Change,
    matters::MatterRole,
    outbox::{self, Outgoing},
    policy::{ConversationAccess, ManageMatter, MatterAccess},
    state::{AppState, Portal},
};

/// How many of a conversation's latest messages a page shows.
pub const PAGE: u64 = 500;
/// How much of a message a notification quotes.
const QUOTE_CHARS: usize = 300;

fn subject_of(raw: &str) -> Result<String, AppError> {
    let subject = raw.trim();
    if subject.is_empty() {
        return Err(AppError::bad_request(
            "Give the conversation a subject, e.g. \"Signing the lease\".",
        ));
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS || subject.chars().any(char::is_control) {
        return Err(AppError::bad_request(format!(
            "A subject is one line of at most {MAX_SUBJECT_CHARS} characters."
        )));
    }
    Ok(subject.to_string())
}

/// The text of a message; it may be left out when the message sends files.
fn body_of(raw: &str, with_files: bool) -> Result<String, AppError> {
    let body = raw.trim();
    if body.is_empty() && !with_files {
        return Err(AppError::bad_request("Write a message first."));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::bad_request(format!(
            "A message can be at most {MAX_BODY_CHARS} characters. Send a long text as a file."
        )));
    }
    // Line breaks and tabs are writing; other control characters are not.
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::bad_request(
            "The message holds characters that cannot be shown. Retype it and try again.",
        ));
    }
    Ok(body.replace("\r\n", "\n"))
}

/// A closed matter's conversations can be read, not added to.
pub(crate) fn open(matter: &matter::Model) -> Result<(), AppError> {
    if matter.status == matter::Status::Closed {
        return Err(AppError::Conflict(
            "This matter is closed, so its conversations are read-only. Reopen it to write.".into(),
        ));
    }
    Ok(())
}

/// Messages one person may write in a minute: more than anyone types, few enough that a
/// script cannot flood a conversation (or, through notifications, an inbox or a phone).
pub const MESSAGES_PER_MINUTE: u64 = 30;

/// Reserves one message of `user`'s per-minute budget (`crate::limits`: parallel posts cannot
/// slip past it).
async fn pace(db: &DatabaseConnection, user: Uuid) -> Result<(), AppError> {
    let key = format!("message:{user}");
    let budget = crate::limits::Budget {
        scope: "message",
        key: &key,
        rule: crate::limits::Rule::new(MESSAGES_PER_MINUTE, chrono::Duration::minutes(1)),
        ip: None,
    };
    match crate::limits::reserve(db, budget).await? {
        Ok(reservation) => {
            reservation.keep();
            Ok(())
        }
        Err(e) => Err(e.refusal("You have written a great many messages in the last minute")),
    }
}

/// Whether the firm can text participants now; asking for it when it cannot is an error the
/// writer sees before the message goes, not a silent email-only send.
async fn check_sms(db: &DatabaseConnection, portal: &Portal) -> Result<(), AppError> {
    if !portal.channels.sms || !crate::settings::server::load(db).await?.sms_enabled {
        return Err(AppError::bad_request(
            "Text messages cannot be sent from this portal. Send the message without them.",
        ));
    }
    Ok(())
}

/// The conversations on a matter this person may see, latest first. A contact sees only the
/// external ones they take part in; of a protected one they have not unlocked, only that it is
/// there and whether something is unread.
pub async fn list(
    db: &DatabaseConnection,
    access: &MatterAccess,
) -> Result<Vec<ConversationSummary>, AppError> {
    let me = access.user.id;
    let mut query = conversation::Entity::find()
        .filter(conversation::Column::MatterId.eq(access.matter.id))
        .order_by_desc(conversation::Column::LastMessageAt);
    if !access.firm {
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
    let ids: Vec<Uuid> = conversations.iter().map(|c| c.id).collect();
    let people = participants_of(db, &ids).await?;
    let unlocked = access.firm || access.user.passed_step_up();
    let readable: Vec<&conversation::Model> = conversations
        .iter()
        .filter(|c| !c.requires_second_factor || unlocked)
        .collect();
    let mut previews = last_messages(db, &readable).await?;
    let unread = unread_counts(db, me, &ids).await?;
    let mut out = Vec::with_capacity(conversations.len());
    for c in conversations {
        let locked = c.requires_second_factor && !unlocked;
        let (subject, preview, names) = if locked {
            (None, None, Vec::new())
        } else {
            let names = people
                .get(&c.id)
                .map(|p| p.iter().map(|(_, u)| u.display_name.clone()).collect())
                .unwrap_or_default();
            let preview = previews.remove(&c.id).map(|m| {
                if m.body.is_empty() {
                    "Sent files".to_string()
                } else {
                    quote(&m.body, 120)
                }
            });
            (Some(c.subject.clone()), preview, names)
        };
        out.push(ConversationSummary {
            id: c.id,
            kind: c.kind,
            subject,
            requires_second_factor: c.requires_second_factor,
            locked,
            participants: names,
            last_message_at: when(c.last_message_at),
            preview,
            // Counted for those taking part: the firm's other people are not waited on.
            unread: unread.get(&c.id).copied().unwrap_or(0),
        });
    }
    Ok(out)
}

/// The latest message of each conversation, in one query: the one written at the
/// conversation's `last_message_at`, which every write sets to its message's time.
async fn last_messages(
    db: &DatabaseConnection,
    conversations: &[&conversation::Model],
) -> Result<HashMap<Uuid, message::Model>, AppError> {
    let ids: Vec<Uuid> = conversations.iter().map(|c| c.id).collect();
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
async fn unread_counts(
    db: &DatabaseConnection,
    me: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let read_at = Expr::col((
        conversation_participant::Entity,
        conversation_participant::Column::LastReadAt,
    ));
    let author = || Expr::col((message::Entity, message::Column::AuthorId));
    let rows: Vec<(Uuid, i64)> = message::Entity::find()
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

type People = HashMap<Uuid, Vec<(conversation_participant::Model, user::Model)>>;

/// The participants of `ids`, with their accounts, in two queries.
async fn participants_of(db: &DatabaseConnection, ids: &[Uuid]) -> Result<People, AppError> {
    let rows = conversation_participant::Entity::find()
        .filter(conversation_participant::Column::ConversationId.is_in(ids.iter().copied()))
        .order_by_asc(conversation_participant::Column::AddedAt)
        .all(db)
        .await?;
    let user_ids: HashSet<Uuid> = rows.iter().map(|r| r.user_id).collect();
    let users: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
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

fn quote(body: &str, chars: usize) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > chars {
        format!("{}…", line.chars().take(chars).collect::<String>())
    } else {
        line
    }
}

/// Checks who may be in a new conversation: in an external one, the matter's contacts and the
/// firm's people; in an internal one, the firm's people only. Disabled accounts are refused.
async fn recipients(
    db: &DatabaseConnection,
    matter_id: Uuid,
    kind: ConversationKind,
    ids: &[Uuid],
) -> Result<Vec<user::Model>, AppError> {
    let ids: HashSet<Uuid> = ids.iter().copied().collect();
    if ids.is_empty() {
        return Err(AppError::bad_request("Choose at least one recipient."));
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let on_matter: HashMap<Uuid, MatterRole> = matter_person::Entity::find()
        .filter(matter_person::Column::MatterId.eq(matter_id))
        .filter(matter_person::Column::UserId.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.role))
        .collect();
    if users.len() != ids.len() {
        return Err(AppError::bad_request(
            "One of the recipients is not in the firm's directory. Reload the page and choose again.",
        ));
    }
    for u in &users {
        let firm = u.role != Role::Client;
        let contact_here = on_matter
            .get(&u.id)
            .is_some_and(|r| MatterRole::CONTACTS.contains(r));
        if u.disabled_at.is_some() {
            return Err(AppError::bad_request(format!(
                "{} no longer has access to the portal.",
                u.display_name
            )));
        }
        match kind {
            ConversationKind::Internal if !firm => {
                return Err(AppError::bad_request(format!(
                    "Internal conversations are for the firm's people only; {} is a contact.",
                    u.display_name
                )));
            }
            ConversationKind::External if !firm && !contact_here => {
                return Err(AppError::bad_request(format!(
                    "{} is not a contact on this matter. Add them to the matter first.",
                    u.display_name
                )));
            }
            _ => {}
        }
    }
    Ok(users)
}

/// Opens a conversation with its first message, and tells its recipients.
pub async fn create(
    state: &AppState,
    manage: &ManageMatter,
    input: NewConversation,
) -> Result<Uuid, AppError> {
    let (db, portal) = (&state.db, &*state.portal);
    let access = &manage.0;
    open(&access.matter)?;
    let subject = subject_of(&input.subject)?;
    input.enclosed.check(true)?;
    let body = body_of(&input.body, !input.enclosed.is_empty())?;
    let kind = if input.internal {
        ConversationKind::Internal
    } else {
        ConversationKind::External
    };
    if kind == ConversationKind::Internal && input.requires_second_factor {
        return Err(AppError::bad_request(
            "Only conversations with contacts can require verification.",
        ));
    }
    if input.sms {
        check_sms(db, portal).await?;
    }
    pace(db, access.user.id).await?;
    let chosen: Vec<Uuid> = input
        .participants
        .iter()
        .copied()
        .filter(|id| *id != access.user.id)
        .collect();
    let others = recipients(db, access.matter.id, kind, &chosen).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let conversation = conversation::Model {
        id,
        matter_id: access.matter.id,
        kind,
        subject,
        requires_second_factor: input.requires_second_factor,
        created_by: Some(access.user.id),
        created_at: now,
        last_message_at: now,
    };
    let txn = begin_write(db).await?;
    conversation::Entity::insert(conversation::ActiveModel::from(conversation.clone()))
        .exec_without_returning(&txn)
        .await?;
    let everyone = std::iter::once(access.user.id).chain(others.iter().map(|u| u.id));
    conversation_participant::Entity::insert_many(everyone.map(|user_id| {
        conversation_participant::ActiveModel {
            conversation_id: Set(id),
            user_id: Set(user_id),
            added_at: Set(now),
            last_read_at: Set((user_id == access.user.id).then_some(now)),
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    let written = write(&txn, &conversation, access.user.id, &body, input.sms, now).await?;
    let files = attachments::attach(
        &txn,
        &access.user,
        access.matter.id,
        &written,
        &input.enclosed,
    )
    .await?;
    let shared = crate::shares::server::attach(
        &txn,
        &access.user,
        access.matter.id,
        &written,
        &input.enclosed.shared,
    )
    .await?;
    notify(
        &txn,
        portal,
        &access.matter,
        &conversation,
        &access.user.display_name,
        Enclosures {
            written: &written,
            files: &files,
            shared: &shared,
        },
        &others,
    )
    .await?;
    audit::record(
        &txn,
        Action::ConversationCreated,
        Some(access.user.id),
        Some(format!("{id} on matter {}", access.matter.id)),
        None,
    )
    .await?;
    txn.commit().await?;
    let change = Change {
        matter: access.matter.id,
        conversation: id,
    };
    state.live.publish(db, change).await;
    Ok(id)
}

async fn write(
    txn: &impl ConnectionTrait,
    conversation: &conversation::Model,
    author: Uuid,
    body: &str,
    sms: bool,
    now: chrono::DateTime<Utc>,
) -> Result<message::Model, AppError> {
    let model = message::Model {
        id: Uuid::now_v7(),
        conversation_id: conversation.id,
        author_id: Some(author),
        body: body.to_string(),
        sent_as_sms: sms,
        created_at: now,
    };
    message::Entity::insert(message::ActiveModel::from(model.clone()))
        .exec_without_returning(txn)
        .await?;
    Ok(model)
}

/// Adds a message to a conversation the writer may read.
pub async fn post(
    state: &AppState,
    access: &ConversationAccess,
    body: &str,
    sms: bool,
    enclosed: &Enclosed,
) -> Result<MessageView, AppError> {
    let (db, portal) = (&state.db, &*state.portal);
    open(&access.matter.matter)?;
    enclosed.check(access.matter.firm)?;
    let body = body_of(body, !enclosed.is_empty())?;
    let user = access.user();
    if sms {
        if !access.matter.firm {
            return Err(AppError::Forbidden(
                "Only the firm can send messages as text messages.".into(),
            ));
        }
        check_sms(db, portal).await?;
    }
    pace(db, user.id).await?;
    let conversation = &access.conversation;
    let people = participants_of(db, &[conversation.id]).await?;
    let people = people.get(&conversation.id).cloned().unwrap_or_default();
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let written = write(&txn, conversation, user.id, &body, sms, now).await?;
    let files = attachments::attach(&txn, user, conversation.matter_id, &written, enclosed).await?;
    let shared = crate::shares::server::attach(
        &txn,
        user,
        conversation.matter_id,
        &written,
        &enclosed.shared,
    )
    .await?;
    conversation::Entity::update_many()
        .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
        .filter(conversation::Column::Id.eq(conversation.id))
        .exec(&txn)
        .await?;
    // A firm member who writes in a conversation they were not in joins it, so replies reach them.
    if people.iter().all(|(p, _)| p.user_id != user.id) {
        conversation_participant::Entity::insert(conversation_participant::ActiveModel {
            conversation_id: Set(conversation.id),
            user_id: Set(user.id),
            added_at: Set(now),
            last_read_at: Set(Some(now)),
        })
        .exec_without_returning(&txn)
        .await?;
    } else {
        mark_read(&txn, conversation.id, user.id, now).await?;
    }
    let others: Vec<user::Model> = people
        .into_iter()
        .map(|(_, u)| u)
        .filter(|u| u.id != user.id)
        .collect();
    notify(
        &txn,
        portal,
        &access.matter.matter,
        conversation,
        &user.display_name,
        Enclosures {
            written: &written,
            files: &files,
            shared: &shared,
        },
        &others,
    )
    .await?;
    txn.commit().await?;
    let change = Change {
        matter: conversation.matter_id,
        conversation: conversation.id,
    };
    state.live.publish(db, change).await;
    let shares = crate::shares::server::views(db, shared).await?;
    Ok(MessageView {
        id: written.id,
        author: user.display_name.clone(),
        mine: true,
        body: written.body,
        sent_as_sms: sms,
        created_at: when(now),
        attachments: files.into_iter().map(attachments::view).collect(),
        shares,
    })
}

/// The reader has this conversation on screen: its messages count as read. Asked for by the
/// hydrated page with a POST; opening a conversation (a GET, a link followed) reads nothing.
pub async fn read(db: &DatabaseConnection, access: &ConversationAccess) -> Result<(), AppError> {
    mark_read(db, access.conversation.id, access.user().id, Utc::now()).await
}

async fn mark_read(
    db: &impl ConnectionTrait,
    conversation: Uuid,
    user: Uuid,
    at: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    conversation_participant::Entity::update_many()
        .col_expr(
            conversation_participant::Column::LastReadAt,
            Expr::value(Some(at)),
        )
        .filter(conversation_participant::Column::ConversationId.eq(conversation))
        .filter(conversation_participant::Column::UserId.eq(user))
        .exec(db)
        .await?;
    Ok(())
}

/// A message and what it carries, as its notifications describe it.
#[derive(Clone, Copy)]
struct Enclosures<'a> {
    written: &'a message::Model,
    files: &'a [attachment::Model],
    shared: &'a [share::Model],
}

/// What a notification says of a message: its text, and how many files it sends or shares
/// with the names of those sent (a shared item's name is seen in the portal, as it is now).
fn summary(e: Enclosures<'_>) -> String {
    let mut out = quote(&e.written.body, QUOTE_CHARS);
    let mut add = |line: String| {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&line);
    };
    if !e.files.is_empty() {
        let names: Vec<&str> = e.files.iter().map(|f| f.name.as_str()).collect();
        let noun = if e.files.len() == 1 { "file" } else { "files" };
        add(format!(
            "Sent {} {noun}: {}",
            e.files.len(),
            names.join(", ")
        ));
    }
    if !e.shared.is_empty() {
        let noun = if e.shared.len() == 1 { "item" } else { "items" };
        add(format!(
            "Shared {} {noun} from the matter's files: open the conversation to see them.",
            e.shared.len()
        ));
    }
    out
}

/// Emails every other participant, and texts those with a mobile number when the writer asked.
/// A protected conversation's notifications say only that there is something to read: its
/// subject, text and file names stay behind the step-up.
async fn notify(
    txn: &impl ConnectionTrait,
    portal: &Portal,
    matter: &matter::Model,
    conversation: &conversation::Model,
    author: &str,
    enclosures: Enclosures<'_>,
    to: &[user::Model],
) -> Result<(), AppError> {
    let written = enclosures.written;
    let link = format!(
        "{}/matters/{}?conversation={}",
        portal.public_url, matter.id, conversation.id
    );
    let protected = conversation.requires_second_factor;
    for person in to.iter().filter(|u| u.disabled_at.is_none()) {
        if portal.channels.email {
            let (subject, text) = if protected {
                (
                    format!("A secure message on {}", matter.number),
                    format!(
                        "Hello {name},\n\n{author} sent you a secure message. Sign in and confirm \
                         it is you to read it:\n{link}\n",
                        name = person.display_name
                    ),
                )
            } else {
                (
                    format!("{}: {}", matter.number, conversation.subject),
                    format!(
                        "Hello {name},\n\n{author} wrote:\n\n{quoted}\n\nRead and reply:\n{link}\n",
                        name = person.display_name,
                        quoted = summary(enclosures)
                    ),
                )
            };
            outbox::enqueue(
                txn,
                Outgoing::Email {
                    to: person.email.clone(),
                    subject,
                    body: text,
                },
            )
            .await?;
        }
        if let (true, Some(mobile)) = (written.sent_as_sms, person.mobile.clone()) {
            let body = if protected {
                format!("{author} sent you a secure message. Sign in to read it: {link}")
            } else {
                format!("{author}: {}\n{link}", summary(enclosures))
            };
            outbox::enqueue(txn, Outgoing::Sms { to: mobile, body }).await?;
        }
    }
    Ok(())
}

/// One conversation, marked read for whoever opens it.
pub async fn view(
    db: &DatabaseConnection,
    access: &ConversationAccess,
) -> Result<ConversationView, AppError> {
    let c = &access.conversation;
    let me = access.user().id;
    let people = participants_of(db, &[c.id]).await?;
    let people = people.get(&c.id).cloned().unwrap_or_default();
    let mut messages = message::Entity::find()
        .filter(message::Column::ConversationId.eq(c.id))
        .order_by_desc(message::Column::CreatedAt)
        .limit(PAGE)
        .all(db)
        .await?;
    messages.reverse();
    let authors: HashSet<Uuid> = messages.iter().filter_map(|m| m.author_id).collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(authors))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
    let mut files = attachments::of_messages(db, &ids).await?;
    let mut shares = crate::shares::server::of_messages(db, &ids).await?;
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
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                id: m.id,
                author: m
                    .author_id
                    .and_then(|a| names.get(&a).cloned())
                    .unwrap_or_else(|| "A former user".into()),
                mine: m.author_id == Some(me),
                attachments: files.remove(&m.id).unwrap_or_default(),
                shares: shares.remove(&m.id).unwrap_or_default(),
                body: m.body,
                sent_as_sms: m.sent_as_sms,
                created_at: when(m.created_at),
            })
            .collect(),
        can_write: access.matter.matter.status == matter::Status::Open,
        firm: access.matter.firm,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_bodies_are_checked() {
        assert_eq!(subject_of("  Lease ").ok().as_deref(), Some("Lease"));
        assert!(subject_of("").is_err());
        assert!(subject_of("a\nb").is_err());
        assert!(subject_of(&"x".repeat(MAX_SUBJECT_CHARS + 1)).is_err());
        assert_eq!(body_of(" a\r\nb ", false).ok().as_deref(), Some("a\nb"));
        assert!(body_of("  ", false).is_err());
        assert_eq!(body_of("  ", true).ok().as_deref(), Some(""));
        assert!(body_of("a\u{0}b", true).is_err());
        assert!(body_of(&"x".repeat(MAX_BODY_CHARS + 1), true).is_err());
    }

    #[test]
    fn quotes_are_one_line_and_short() {
        assert_eq!(quote("a\n\n b", 10), "a b");
        assert_eq!(quote("abcdef", 3), "abc…");
    }
}
