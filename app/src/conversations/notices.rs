//! What a new message sends besides itself: an email to each recipient, and a text message
//! where the writer asked for one. A protected conversation's notices carry no content.
//!
//! Emails are gathered, not sent one per message: the first message after a quiet
//! spell goes within `GRACE`; later ones in the same conversation go as one email `GATHER`
//! after the last. An email is written when it goes, from what is then unread: what the person
//! read on screen meanwhile (their page had the conversation open), what was deleted, and
//! everything once they are no longer in the conversation, is never sent. So the outbox never
//! holds a message's text: a deleted message leaves nothing behind.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    AppError,
    entities::{
        attachment, conversation, conversation_participant, matter, message,
        outbox_message::{self, Channel},
        share, user,
    },
    ids::{ConversationId, MessageId, UserId},
    outbox::{self, Outgoing},
    state::Portal,
};

use super::reading::quote;

/// How much of a message a notification quotes.
const QUOTE_CHARS: usize = 300;

/// How long the first message after a quiet spell waits before its email goes: time enough for
/// a page that has the conversation open to read it (then no email goes), short enough to be at
/// once for anyone who does not.
pub const GRACE: Duration = Duration::seconds(5);
/// After an email about a conversation, its later messages gather this long into one email.
pub const GATHER: Duration = Duration::minutes(3);

/// Where the messages go in an email waiting in the outbox: written in when it is sent. No name
/// or file name can hold it (they refuse control characters).
const MESSAGES: &str = "\u{1}messages\u{1}";
const KEY_PREFIX: &str = "messages:";
const PUSH_PREFIX: &str = "push:";

/// The email telling `person` of new messages in `conversation`.
pub fn digest_key(conversation: ConversationId, person: UserId) -> String {
    format!("{KEY_PREFIX}{conversation}:{person}")
}

/// The push telling `person` of them on one of their devices (`subscription`).
pub fn push_key(conversation: ConversationId, person: UserId, subscription: uuid::Uuid) -> String {
    format!("{PUSH_PREFIX}{conversation}:{person}:{subscription}")
}

fn parse_key(key: &str) -> Option<(ConversationId, UserId)> {
    let rest = match key.strip_prefix(KEY_PREFIX) {
        Some(rest) => rest,
        None => key.strip_prefix(PUSH_PREFIX)?.rsplit_once(':')?.0,
    };
    let (conversation, person) = rest.split_once(':')?;
    Some((conversation.parse().ok()?, person.parse().ok()?))
}

/// When a notice gathering under `key` goes: soon after a quiet spell, else `GATHER` after the
/// last one went.
async fn due(
    txn: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, AppError> {
    Ok(match outbox::last_sent(txn, key).await? {
        Some(sent) if sent + GATHER > now => sent + GATHER,
        _ => now + GRACE,
    })
}

/// A message and what it carries, as its notifications describe it.
#[derive(Clone, Copy)]
pub(super) struct Enclosures<'a> {
    pub(super) written: &'a message::Model,
    pub(super) files: &'a [attachment::Model],
    pub(super) shared: &'a [share::Model],
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
        add(crate::text::sent_files(e.files.len(), &names.join(", ")));
    }
    if !e.shared.is_empty() {
        add(crate::text::shared_items(e.shared.len()));
    }
    out
}

/// Emails every other participant (gathered: see the module), texts those with a mobile number
/// when the writer asked, and pushes to the devices that opted in, each as the person chose
/// (the firm may insist on a protected conversation's email). A protected conversation's
/// notifications say only that there is something to read: its subject, text and file names
/// stay behind the step-up.
pub(super) async fn notify(
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
    let now = Utc::now();
    let email_required = protected
        && crate::settings::server::in_force(txn)
            .await?
            .protected_email_required;
    let reachable: Vec<&user::Model> = to.iter().filter(|u| u.disabled_at.is_none()).collect();
    let devices = crate::accounts::push::of(txn, &reachable).await?;
    for person in reachable {
        if portal.channels.email && (person.notify_email || email_required) {
            // Changes to shared files waiting to be told go with this email instead.
            let batch = crate::shares::notices::batch_key(conversation.id, person.id);
            let changed = outbox::take(txn, &batch).await?.unwrap_or_default();
            let mut also = String::new();
            if !protected && !changed.is_empty() {
                also.push_str(crate::text::ALSO_CHANGED_IN_WHAT_IS_SHARED);
                for line in &changed {
                    also.push_str(line);
                    also.push('\n');
                }
            }
            let key = digest_key(conversation.id, person.id);
            // An email already gathering takes this message in when it goes.
            let joined = outbox::join(txn, &key, &also).await?;
            let due = due(txn, &key, now).await?;
            let (subject, head) = if protected {
                (
                    crate::text::a_secure_message_on(&matter.number),
                    crate::text::protected_messages_email(&person.display_name, &MESSAGES, &link),
                )
            } else {
                (
                    format!("{}: {}", matter.number, conversation.subject),
                    crate::text::messages_email(&person.display_name, &MESSAGES, &link),
                )
            };
            if !joined {
                let email = (person.email.clone(), subject, head + &also);
                outbox::enqueue_digest(txn, &key, Channel::Email, email, written.id, due).await?;
            }
        }
        for device in devices.iter().filter(|d| d.user_id == person.id) {
            let key = push_key(conversation.id, person.id, device.id);
            if outbox::join(txn, &key, "").await? {
                continue;
            }
            let title = if protected {
                crate::text::a_secure_message_on(&matter.number)
            } else {
                format!("{}: {}", matter.number, conversation.subject)
            };
            // The address first, then the messages written in when it goes.
            let push = (device.id.to_string(), title, format!("{link}\n{MESSAGES}"));
            let due = due(txn, &key, now).await?;
            outbox::enqueue_digest(txn, &key, Channel::Push, push, written.id, due).await?;
        }
        if let (true, true, Some(mobile)) = (
            written.sent_as_sms,
            person.notify_sms,
            person.mobile.clone(),
        ) {
            let body = if protected {
                crate::text::sent_you_a_secure_message_sign(&author, &link)
            } else {
                format!("{author}: {}\n{link}", summary(enclosures))
            };
            outbox::enqueue_about(txn, Outgoing::Sms { to: mobile, body }, Some(written.id))
                .await?;
        }
    }
    Ok(())
}

/// Writes a gathered email as it goes (`server::delivery`): the messages by others since the
/// first it was queued for that its recipient has not read, is still in the conversation to
/// read, and were not deleted. `None`: nothing is left to tell, and nothing is sent.
pub async fn compose(
    db: &impl ConnectionTrait,
    row: &outbox_message::Model,
) -> Result<Option<String>, AppError> {
    let Some((conversation_id, person)) = row.batch_key.as_deref().and_then(parse_key) else {
        return Ok(Some(row.body.clone()));
    };
    let Some(taking_part) = conversation_participant::Entity::find_by_id((conversation_id, person))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(conversation) = conversation::Entity::find_by_id(conversation_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let first = match row.message_id {
        Some(id) => message::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let since: DateTime<Utc> = first.map_or(row.created_at, |m| m.created_at);
    let mut query = message::Entity::find()
        .filter(message::Column::ConversationId.eq(conversation_id))
        .filter(message::Column::CreatedAt.gte(since))
        .filter(message::Column::DeletedAt.is_null())
        .filter(
            sea_orm::Condition::any()
                .add(message::Column::AuthorId.ne(person))
                .add(message::Column::AuthorId.is_null()),
        )
        .order_by_asc(message::Column::CreatedAt);
    if let Some(read) = taking_part.last_read_at {
        query = query.filter(message::Column::CreatedAt.gt(read));
    }
    let unread = query.all(db).await?;
    if unread.is_empty() {
        return Ok(None);
    }
    let authors: HashSet<UserId> = unread.iter().filter_map(|m| m.author_id).collect();
    let names: HashMap<UserId, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(authors))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |m: &message::Model| {
        m.author_id
            .and_then(|a| names.get(&a).cloned())
            .unwrap_or_else(|| crate::text::A_FORMER_USER.into())
    };
    let written = if conversation.requires_second_factor {
        let mut seen = HashSet::new();
        unread
            .iter()
            .map(name)
            .filter(|n| seen.insert(n.clone()))
            .map(|n| crate::text::sent_you_a_secure_message(&n))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        let ids: Vec<MessageId> = unread.iter().map(|m| m.id).collect();
        let mut files: HashMap<MessageId, Vec<attachment::Model>> = HashMap::new();
        for a in attachment::Entity::find()
            .filter(attachment::Column::MessageId.is_in(ids.iter().copied()))
            .order_by_asc(attachment::Column::Name)
            .all(db)
            .await?
        {
            if let Some(m) = a.message_id {
                files.entry(m).or_default().push(a);
            }
        }
        let mut shared: HashMap<MessageId, Vec<share::Model>> = HashMap::new();
        for s in share::Entity::find()
            .filter(share::Column::MessageId.is_in(ids.iter().copied()))
            .all(db)
            .await?
        {
            shared.entry(s.message_id).or_default().push(s);
        }
        unread
            .iter()
            .map(|m| {
                let e = Enclosures {
                    written: m,
                    files: files.get(&m.id).map_or(&[], Vec::as_slice),
                    shared: shared.get(&m.id).map_or(&[], Vec::as_slice),
                };
                crate::text::wrote(&name(m), &summary(e))
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    Ok(Some(row.body.replacen(MESSAGES, &written, 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_key_names_its_conversation_and_person() {
        let c = ConversationId(uuid::Uuid::from_u128(1));
        let p = UserId(uuid::Uuid::from_u128(2));
        assert_eq!(parse_key(&digest_key(c, p)), Some((c, p)));
        let device = uuid::Uuid::from_u128(3);
        assert_eq!(parse_key(&push_key(c, p, device)), Some((c, p)));
        assert_eq!(parse_key("shared-files:x:y"), None);
    }
}
