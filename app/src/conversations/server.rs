//! Writing in conversations on the server: who may be in one, opening one, posting a message
//! with its files and shares. Reading them is `reading`'s, the notifications `notices`'.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use super::{
    ConversationKind, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, MessageView,
    attachments::{self, Enclosed},
    notices::{Enclosures, notify},
    reading::participants_of,
    receipts::mark_read,
};
use crate::{
    AppError,
    db::begin_write,
    entities::{
        conversation, conversation_participant, matter, matter_person, message, share,
        user::{self, Role},
    },
    files::tree::when,
    ids::{Item, MatterId, MessageId, UserId},
    live::Change,
    matters::MatterRole,
    policy::{ConversationAccess, MatterAccess},
    state::{AppState, Portal},
};

pub(super) fn subject_of(raw: &str) -> Result<String, AppError> {
    let subject = raw.trim();
    if subject.is_empty() {
        return Err(AppError::bad_request(
            crate::text::GIVE_THE_CONVERSATION_A_SUBJECT_E,
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
        return Err(AppError::bad_request(crate::text::WRITE_A_MESSAGE_FIRST));
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
            crate::text::THE_MESSAGE_HOLDS_CHARACTERS_THAT_CANNOT,
        ));
    }
    Ok(body.replace("\r\n", "\n"))
}

/// A closed matter's conversations can be read, not added to.
pub(crate) fn open(matter: &matter::Model) -> Result<(), AppError> {
    if matter.status == matter::Status::Closed {
        return Err(AppError::Conflict(
            crate::text::THIS_MATTER_IS_CLOSED_SO_ITS.into(),
        ));
    }
    Ok(())
}

/// Messages one person may write in a minute: more than anyone types, few enough that a
/// script cannot flood a conversation (or, through notifications, an inbox or a phone).
pub const MESSAGES_PER_MINUTE: u64 = 30;

/// Reserves one message of `user`'s per-minute budget (`crate::limits`: parallel posts cannot
/// slip past it).
pub(super) async fn pace(db: &DatabaseConnection, user: UserId) -> Result<(), AppError> {
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
        Err(e) => Err(e.refusal(crate::text::YOU_HAVE_WRITTEN_A_GREAT_MANY)),
    }
}

/// Whether the firm can text participants now; asking for it when it cannot is an error the
/// writer sees before the message goes, not a silent email-only send.
pub(super) async fn check_sms(db: &DatabaseConnection, portal: &Portal) -> Result<(), AppError> {
    if !portal.channels.sms || !crate::settings::server::in_force(db).await?.sms_enabled {
        return Err(AppError::bad_request(
            crate::text::TEXT_MESSAGES_CANNOT_BE_SENT_FROM,
        ));
    }
    Ok(())
}

/// Verification is asked of contacts: a conversation among staff cannot require it.
pub(super) fn protection_fits(
    kind: ConversationKind,
    requires_second_factor: bool,
) -> Result<(), AppError> {
    if kind == ConversationKind::Internal && requires_second_factor {
        return Err(AppError::bad_request(
            crate::text::ONLY_CONVERSATIONS_WITH_CONTACTS_CAN_REQUIRE,
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
        return Err(AppError::bad_request(
            crate::text::CHOOSE_AT_LEAST_ONE_RECIPIENT,
        ));
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
            crate::text::ONE_OF_THE_RECIPIENTS_IS_NOT,
        ));
    }
    for u in &users {
        let firm = u.role != Role::Client;
        let contact_here = on_matter
            .get(&u.id)
            .is_some_and(|r| MatterRole::CONTACTS.contains(r));
        if u.disabled_at.is_some() {
            return Err(AppError::bad_request(
                crate::text::no_longer_has_access_to_the(&u.display_name),
            ));
        }
        match kind {
            ConversationKind::Internal if !firm => {
                return Err(AppError::bad_request(
                    crate::text::internal_conversations_are_for_the_firms(&u.display_name),
                ));
            }
            ConversationKind::External if !firm && !contact_here => {
                return Err(AppError::bad_request(
                    crate::text::is_not_a_contact_on_this(&u.display_name),
                ));
            }
            _ => {}
        }
    }
    Ok(users)
}

/// Shares need the firm's capability, asked for only when a message shares something.
pub(super) async fn share_items(
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

pub(super) async fn write(
    txn: &impl ConnectionTrait,
    conversation: &conversation::Model,
    author: UserId,
    body: &str,
    sms: bool,
    requested: Option<String>,
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
        requested,
    };
    message::Entity::insert(message::ActiveModel::from(model.clone()))
        .exec_without_returning(txn)
        .await?;
    Ok(model)
}

/// Adds a message to a conversation the writer may read; the firm's may ask for files
/// (`requested`: one line a file, `requests`).
pub async fn post(
    state: &AppState,
    access: &ConversationAccess,
    body: &str,
    sms: bool,
    enclosed: &Enclosed,
    requested: &str,
) -> Result<MessageView, AppError> {
    let (db, portal) = (&state.db, &*state.portal);
    open(access.matter().matter())?;
    enclosed.check(access.matter().firm())?;
    let requested = super::requests::parse(requested)?;
    if requested.is_some() && !access.matter().firm() {
        return Err(AppError::Forbidden(
            crate::text::ONLY_THE_FIRM_CAN_ASK_FOR.into(),
        ));
    }
    if requested.is_some() && access.conversation().kind == ConversationKind::Internal {
        return Err(AppError::bad_request(
            crate::text::ASK_FOR_FILES_IN_A_CONVERSATION,
        ));
    }
    let body = body_of(body, !enclosed.is_empty() || requested.is_some())?;
    let body = match (&requested, body.is_empty()) {
        (Some(_), true) => crate::text::PLEASE_UPLOAD_THESE_FILES.to_string(),
        _ => body,
    };
    let user = access.user();
    if sms {
        if !access.matter().firm() {
            return Err(AppError::Forbidden(
                crate::text::ONLY_THE_FIRM_CAN_SEND_MESSAGES.into(),
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
    let written = write(&txn, conversation, user.id(), &body, sms, requested, now).await?;
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
        files: false,
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
    let window = crate::settings::server::in_force(db)
        .await?
        .message_edit_window();
    let request = super::requests::of_messages(db, std::slice::from_ref(&written))
        .await?
        .remove(&written.id);
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
        request,
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
}
