//! Writing in conversations on the server: who may be in one, opening one, posting a message
//! with its files and shares. Reading them is `reading`'s, the notifications `notices`'.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, sea_query::Expr,
};

use super::{
    ConversationKind, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, MessageView, NewConversation,
    attachments::{self, Enclosed},
    notices::{Enclosures, notify},
    reading::participants_of,
    receipts::mark_read,
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        conversation, conversation_participant, matter, matter_person, message, share,
        user::{self, Role},
    },
    files::tree::when,
    ids::{ConversationId, Item, MatterId, MessageId, UserId},
    live::Change,
    matters::MatterRole,
    policy::{ConversationAccess, ManageMatter, MatterAccess},
    state::{AppState, Portal},
};

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
pub(super) fn body_of(raw: &str, with_files: bool) -> Result<String, AppError> {
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
async fn pace(db: &DatabaseConnection, user: UserId) -> Result<(), AppError> {
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

/// Verification is asked of contacts: a conversation among staff cannot require it.
fn protection_fits(kind: ConversationKind, requires_second_factor: bool) -> Result<(), AppError> {
    if kind == ConversationKind::Internal && requires_second_factor {
        return Err(AppError::bad_request(
            "Only conversations with contacts can require verification: choose a contact too, \
             or leave that option off.",
        ));
    }
    Ok(())
}

/// Checks who may be in a new conversation: in an external one, the matter's contacts and the
/// firm's people; in an internal one, the firm's people only. Disabled accounts are refused.
pub(super) async fn recipients(
    db: &DatabaseConnection,
    matter_id: MatterId,
    kind: ConversationKind,
    ids: &[UserId],
) -> Result<Vec<user::Model>, AppError> {
    let ids: HashSet<UserId> = ids.iter().copied().collect();
    if ids.is_empty() {
        return Err(AppError::bad_request("Choose at least one recipient."));
    }
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let on_matter: HashMap<UserId, MatterRole> = matter_person::Entity::find()
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
) -> Result<ConversationId, AppError> {
    let (db, portal) = (&state.db, &*state.portal);
    let access = manage.access();
    open(access.matter())?;
    let subject = subject_of(&input.subject)?;
    input.enclosed.check(true)?;
    let body = body_of(&input.body, !input.enclosed.is_empty())?;
    let kind = if input.internal {
        ConversationKind::Internal
    } else {
        ConversationKind::External
    };
    protection_fits(kind, input.requires_second_factor)?;
    if input.sms {
        check_sms(db, portal).await?;
    }
    let me = access.user();
    pace(db, me.id()).await?;
    let chosen: Vec<UserId> = input
        .participants
        .iter()
        .copied()
        .filter(|id| *id != me.id())
        .collect();
    let others = recipients(db, access.id(), kind, &chosen).await?;
    let now = Utc::now();
    let id = ConversationId::fresh();
    let conversation = conversation::Model {
        id,
        matter_id: access.id(),
        kind,
        subject,
        requires_second_factor: input.requires_second_factor,
        created_by: Some(me.id()),
        created_at: now,
        last_message_at: now,
    };
    let txn = begin_write(db).await?;
    conversation::Entity::insert(conversation::ActiveModel::from(conversation.clone()))
        .exec_without_returning(&txn)
        .await?;
    let everyone = std::iter::once(me.id()).chain(others.iter().map(|u| u.id));
    conversation_participant::Entity::insert_many(everyone.map(|user_id| {
        conversation_participant::ActiveModel {
            conversation_id: Set(id),
            user_id: Set(user_id),
            added_at: Set(now),
            last_read_at: Set((user_id == me.id()).then_some(now)),
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    let written = write(&txn, &conversation, me.id(), &body, input.sms, now).await?;
    let files = attachments::attach(&txn, access, &written, &input.enclosed).await?;
    let shared =
        crate::shares::server::attach(&txn, manage, &written, &input.enclosed.shared).await?;
    notify(
        &txn,
        portal,
        access.matter(),
        &conversation,
        me.display_name(),
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
        Some(me.id()),
        Some(format!("{id} on matter {}", access.id())),
        None,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    let change = Change {
        matter: access.id(),
        conversation: id,
        message: None,
        read: None,
        left: None,
    };
    state.live.publish(db, change).await;
    Ok(id)
}

/// What the matter's **Message** button sends (`api::message_matter`).
#[derive(Debug, Clone)]
pub struct Message {
    pub body: String,
    pub participants: Vec<UserId>,
    /// For a conversation it starts; empty, the message's first words.
    pub subject: String,
    pub requires_second_factor: bool,
    pub sms: bool,
}

/// A new conversation's subject from its first message: the first line, cut at a word.
fn first_words(body: &str) -> String {
    const WORDS: usize = 60;
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let line: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= WORDS {
        return line;
    }
    let cut: String = line.chars().take(WORDS).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > WORDS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', '-']))
}

/// The latest conversation on the matter of this kind and protection whose participants, the
/// writer aside, are exactly `others`.
async fn same_recipients(
    db: &DatabaseConnection,
    matter_id: MatterId,
    kind: ConversationKind,
    protected: bool,
    me: UserId,
    others: &HashSet<UserId>,
) -> Result<Option<conversation::Model>, AppError> {
    use sea_orm::QueryOrder;
    let candidates = conversation::Entity::find()
        .filter(conversation::Column::MatterId.eq(matter_id))
        .filter(conversation::Column::Kind.eq(kind))
        .filter(conversation::Column::RequiresSecondFactor.eq(protected))
        .order_by_desc(conversation::Column::LastMessageAt)
        .all(db)
        .await?;
    let ids: Vec<ConversationId> = candidates.iter().map(|c| c.id).collect();
    let people = participants_of(db, &ids).await?;
    Ok(candidates.into_iter().find(|c| {
        let theirs: HashSet<UserId> = people
            .get(&c.id)
            .into_iter()
            .flatten()
            .map(|(p, _)| p.user_id)
            .filter(|id| *id != me)
            .collect();
        theirs == *others
    }))
}

/// The matter's **Message** button: continues the conversation with exactly these recipients
/// and this protection, or starts one (external when a contact is among them).
pub async fn message(
    state: &AppState,
    manage: &ManageMatter,
    input: Message,
) -> Result<super::Messaged, AppError> {
    let db = &state.db;
    let me = manage.user().id();
    body_of(&input.body, false)?;
    let others: HashSet<UserId> = input
        .participants
        .iter()
        .copied()
        .filter(|id| *id != me)
        .collect();
    if others.is_empty() {
        return Err(AppError::bad_request("Choose at least one recipient."));
    }
    let contacts = user::Entity::find()
        .filter(user::Column::Id.is_in(others.iter().copied()))
        .filter(user::Column::Role.eq(Role::Client))
        .count(db)
        .await?;
    let kind = if contacts > 0 {
        ConversationKind::External
    } else {
        ConversationKind::Internal
    };
    protection_fits(kind, input.requires_second_factor)?;
    let chosen: Vec<UserId> = others.iter().copied().collect();
    // Who may be written to is checked either way (a contact since removed from the matter
    // is not written to through an old conversation).
    recipients(db, manage.matter_id(), kind, &chosen).await?;
    let found = same_recipients(
        db,
        manage.matter_id(),
        kind,
        input.requires_second_factor,
        me,
        &others,
    )
    .await?;
    if let Some(conversation) = found {
        let subject = conversation.subject.clone();
        let access = manage.conversation(conversation)?;
        post(state, &access, &input.body, input.sms, &Enclosed::default()).await?;
        return Ok(super::Messaged {
            conversation: access.id(),
            subject,
            continued: true,
        });
    }
    let subject = if input.subject.trim().is_empty() {
        first_words(&input.body)
    } else {
        input.subject
    };
    let conversation = create(
        state,
        manage,
        NewConversation {
            subject: subject.clone(),
            body: input.body,
            participants: chosen,
            internal: kind == ConversationKind::Internal,
            requires_second_factor: input.requires_second_factor,
            sms: input.sms,
            enclosed: Enclosed::default(),
        },
    )
    .await?;
    Ok(super::Messaged {
        conversation,
        subject: subject_of(&subject)?,
        continued: false,
    })
}

/// Shares need the firm's capability, asked for only when a message shares something.
async fn share_items(
    txn: &impl ConnectionTrait,
    access: &MatterAccess,
    written: &message::Model,
    items: &[Item],
) -> Result<Vec<share::Model>, AppError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let manage = access.clone().manage()?;
    crate::shares::server::attach(txn, &manage, written, items).await
}

async fn write(
    txn: &impl ConnectionTrait,
    conversation: &conversation::Model,
    author: UserId,
    body: &str,
    sms: bool,
    now: chrono::DateTime<Utc>,
) -> Result<message::Model, AppError> {
    let model = message::Model {
        id: MessageId::fresh(),
        conversation_id: conversation.id,
        author_id: Some(author),
        body: body.to_string(),
        sent_as_sms: sms,
        created_at: now,
        edited_at: None,
        deleted_at: None,
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
    open(access.matter().matter())?;
    enclosed.check(access.matter().firm())?;
    let body = body_of(body, !enclosed.is_empty())?;
    let user = access.user();
    if sms {
        if !access.matter().firm() {
            return Err(AppError::Forbidden(
                "Only the firm can send messages as text messages.".into(),
            ));
        }
        check_sms(db, portal).await?;
    }
    pace(db, user.id()).await?;
    let conversation = access.conversation();
    let people = participants_of(db, &[conversation.id]).await?;
    let people = people.get(&conversation.id).cloned().unwrap_or_default();
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let written = write(&txn, conversation, user.id(), &body, sms, now).await?;
    let files = attachments::attach(&txn, access.matter(), &written, enclosed).await?;
    let shared = share_items(&txn, access.matter(), &written, &enclosed.shared).await?;
    conversation::Entity::update_many()
        .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
        .filter(conversation::Column::Id.eq(conversation.id))
        .exec(&txn)
        .await?;
    // A firm member who writes in a conversation they were not in joins it, so replies reach them.
    let mut read_now = false;
    if people.iter().all(|(p, _)| p.user_id != user.id()) {
        conversation_participant::Entity::insert(conversation_participant::ActiveModel {
            conversation_id: Set(conversation.id),
            user_id: Set(user.id()),
            added_at: Set(now),
            last_read_at: Set(Some(now)),
        })
        .exec_without_returning(&txn)
        .await?;
        super::participants::record(
            &txn,
            conversation.id,
            user.id(),
            None,
            super::MembershipChange::Joined,
            now,
        )
        .await?;
    } else {
        read_now = mark_read(&txn, conversation.id, user.id(), now).await?;
    }
    let others: Vec<user::Model> = people
        .into_iter()
        .map(|(_, u)| u)
        .filter(|u| u.id != user.id())
        .collect();
    notify(
        &txn,
        portal,
        access.matter().matter(),
        conversation,
        user.display_name(),
        Enclosures {
            written: &written,
            files: &files,
            shared: &shared,
        },
        &others,
    )
    .await?;
    crate::outbox::commit_and_send(txn).await?;
    let change = Change {
        matter: conversation.matter_id,
        conversation: conversation.id,
        message: Some(written.id),
        read: None,
        left: None,
    };
    state.live.publish(db, change).await;
    // Replying reads what came before: its writers' pages show the receipt too.
    if read_now {
        let read = crate::live::Read {
            by: user.id(),
            at: crate::files::tree::when(now),
        };
        state
            .live
            .publish(
                db,
                Change {
                    read: Some(read),
                    ..change
                },
            )
            .await;
    }
    let reader = crate::shares::server::Reader::of(access.matter());
    let shares = crate::shares::server::views(db, shared, reader).await?;
    let window = crate::settings::server::load(db)
        .await?
        .message_edit_window();
    Ok(MessageView {
        id: written.id,
        author: user.display_name().to_string(),
        author_id: Some(user.id()),
        mine: true,
        html: super::formatting::html(&written.body),
        body: written.body,
        sent_as_sms: sms,
        created_at: when(now),
        attachments: files.into_iter().map(attachments::view).collect(),
        shares,
        seen: Vec::new(),
        edited: false,
        deleted: false,
        editable_until: (window > chrono::Duration::zero()).then(|| when(now + window)),
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
    fn a_new_conversation_is_named_by_its_first_words() {
        assert_eq!(
            first_words("\n  Please sign  the lease.\nThanks"),
            "Please sign the lease."
        );
        let long = "Please find attached the revised settlement agreement, which reflects our call of Tuesday";
        let named = first_words(long);
        assert_eq!(
            named,
            "Please find attached the revised settlement agreement…"
        );
        assert!(named.chars().count() <= 61);
        assert_eq!(first_words(&"x".repeat(100)).chars().count(), 61);
        assert_eq!(first_words("   "), "");
    }
}
