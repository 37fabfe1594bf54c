//! Opening a conversation on a matter: the "+" form (`create`) and the matter's **Message**
//! button (`message`), which continues the conversation with exactly those recipients or starts
//! one. Writing in one is `server`'s.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};

use super::server::{
    body_of, check_sms, open, pace, post, protection_fits, recipients, subject_of, write,
};
use super::{
    ConversationKind, NewConversation,
    attachments::{self, Enclosed},
    notices::{Enclosures, notify},
    reading::participants_of,
};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{
        conversation, conversation_participant,
        user::{self, Role},
    },
    ids::{ConversationId, MatterId, UserId},
    live::Change,
    policy::ManageMatter,
    state::AppState,
};

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
    let written = write(&txn, &conversation, me.id(), &body, input.sms, None, now).await?;
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
        files: false,
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
        return Err(AppError::bad_request(
            crate::text::CHOOSE_AT_LEAST_ONE_RECIPIENT,
        ));
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
        post(
            state,
            &access,
            &input.body,
            input.sms,
            &Enclosed::default(),
            "",
        )
        .await?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
