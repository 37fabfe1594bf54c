//! Email and text messages to send. They are written to the `outbox` table in the same
//! transaction as the change that causes them, so a message is neither lost nor sent for a change
//! that rolled back; the server's delivery task sends them, retrying with back-off.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    AppError,
    entities::outbox_message::{self, Channel},
};

/// Wakes the delivery task once queued messages are committed, so they go out at once.
pub static WAKE: tokio::sync::Notify = tokio::sync::Notify::const_new();

#[derive(Debug, Clone)]
pub enum Outgoing {
    Email {
        to: String,
        subject: String,
        body: String,
    },
    Sms {
        to: String,
        body: String,
    },
}

pub async fn enqueue(db: &impl ConnectionTrait, message: Outgoing) -> Result<(), AppError> {
    enqueue_about(db, message, None).await
}

/// Queues a notice of conversation message `about`: deleting that message before the notice
/// goes takes the notice back (`conversations::editing::delete`).
pub async fn enqueue_about(
    db: &impl ConnectionTrait,
    message: Outgoing,
    about: Option<crate::ids::MessageId>,
) -> Result<(), AppError> {
    let (channel, recipient, subject, body) = match message {
        Outgoing::Email { to, subject, body } => (Channel::Email, to, Some(subject), body),
        Outgoing::Sms { to, body } => (Channel::Sms, to, None, body),
    };
    let now = Utc::now();
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel: Set(channel),
        recipient: Set(recipient),
        subject: Set(subject),
        body: Set(body),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        sent_at: Set(None),
        gave_up_at: Set(None),
        last_error: Set(None),
        batch_key: Set(None),
        message_id: Set(about),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Where an email's gathered lines start (`gather`, `take`).
const LINES: &str = crate::text::WHAT_CHANGED;

/// An email that gathers lines while it waits: the first call for `key` queues `head` and
/// `line`, due after `wait`; later calls before then add their line to the same email (a burst
/// of uploads is one email). `line: None` adds nothing (a protected conversation's notice says
/// only that something changed). Runs in the caller's write transaction.
pub async fn gather(
    db: &impl ConnectionTrait,
    key: &str,
    to: &str,
    subject: String,
    head: String,
    line: Option<&str>,
    wait: chrono::Duration,
) -> Result<(), AppError> {
    let now = Utc::now();
    // Two uploads at once on PostgreSQL: the second's update finds the body changed, reads
    // it again and adds its line after the first's.
    for _ in 0..3 {
        let waiting = outbox_message::Entity::find()
            .filter(outbox_message::Column::BatchKey.eq(key))
            .filter(outbox_message::Column::Attempts.eq(0))
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::NextAttemptAt.gt(now))
            .one(db)
            .await?;
        let Some(waiting) = waiting else { break };
        let Some(line) = line else { return Ok(()) };
        if waiting.body.lines().any(|l| l == line) {
            return Ok(());
        }
        let added = outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::Body,
                Expr::value(format!("{}\n{line}", waiting.body)),
            )
            .filter(outbox_message::Column::Id.eq(waiting.id))
            .filter(outbox_message::Column::Body.eq(waiting.body))
            .exec(db)
            .await?;
        if added.rows_affected == 1 {
            return Ok(());
        }
    }
    let body = match line {
        Some(line) => format!("{head}{LINES}{line}"),
        None => head,
    };
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel: Set(Channel::Email),
        recipient: Set(to.to_string()),
        subject: Set(Some(subject)),
        body: Set(body),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now + wait),
        sent_at: Set(None),
        gave_up_at: Set(None),
        last_error: Set(None),
        batch_key: Set(Some(key.to_string())),
        message_id: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes back what an email gathering under `key` holds so far, to go with another email now
/// (a message in the same conversation): its lines, or `None` if nothing is waiting.
pub async fn take(db: &impl ConnectionTrait, key: &str) -> Result<Option<Vec<String>>, AppError> {
    let waiting = outbox_message::Entity::find()
        .filter(outbox_message::Column::BatchKey.eq(key))
        .filter(outbox_message::Column::Attempts.eq(0))
        .filter(outbox_message::Column::SentAt.is_null())
        .one(db)
        .await?;
    let Some(waiting) = waiting else {
        return Ok(None);
    };
    let gone = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::Id.eq(waiting.id))
        .filter(outbox_message::Column::Attempts.eq(0))
        .exec(db)
        .await?;
    if gone.rows_affected != 1 {
        return Ok(None);
    }
    Ok(Some(
        waiting
            .body
            .split_once(LINES)
            .map(|(_, lines)| lines.lines().map(str::to_string).collect())
            .unwrap_or_default(),
    ))
}

/// Queues the email gathering `key`'s messages (`conversations::notices`), due at `due`; its
/// body holds `MESSAGES` where they are written in when it goes, from `first` on.
pub async fn enqueue_digest(
    db: &impl ConnectionTrait,
    key: &str,
    channel: Channel,
    (to, subject, body): (String, String, String),
    first: crate::ids::MessageId,
    due: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        channel: Set(channel),
        recipient: Set(to),
        subject: Set(Some(subject)),
        body: Set(body),
        created_at: Set(Utc::now()),
        attempts: Set(0),
        next_attempt_at: Set(due),
        sent_at: Set(None),
        gave_up_at: Set(None),
        last_error: Set(None),
        batch_key: Set(Some(key.to_string())),
        message_id: Set(Some(first)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whether an email under `key` is still waiting, unclaimed: then it takes the caller's news in
/// when it goes, with `also` added to it now. Updating it holds it (on PostgreSQL, a node
/// claiming it meanwhile waits for the caller's commit, so it sees the caller's message).
pub async fn join(db: &impl ConnectionTrait, key: &str, also: &str) -> Result<bool, AppError> {
    for _ in 0..3 {
        let Some(waiting) = outbox_message::Entity::find()
            .filter(outbox_message::Column::BatchKey.eq(key))
            .filter(outbox_message::Column::Attempts.eq(0))
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::GaveUpAt.is_null())
            .one(db)
            .await?
        else {
            return Ok(false);
        };
        let joined = outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::Body,
                Expr::value(format!("{}{also}", waiting.body)),
            )
            .filter(outbox_message::Column::Id.eq(waiting.id))
            .filter(outbox_message::Column::Attempts.eq(0))
            .filter(outbox_message::Column::Body.eq(waiting.body))
            .exec(db)
            .await?;
        if joined.rows_affected == 1 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// When the last email under `key` went.
pub async fn last_sent(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::BatchKey.eq(key))
        .filter(outbox_message::Column::SentAt.is_not_null())
        .order_by_desc(outbox_message::Column::SentAt)
        .one(db)
        .await?
        .and_then(|m| m.sent_at))
}

/// When the next queued message falls due, if any is waiting: delivery sleeps until then.
pub async fn next_due(
    db: &impl ConnectionTrait,
) -> Result<Option<chrono::DateTime<Utc>>, AppError> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::SentAt.is_null())
        .filter(outbox_message::Column::GaveUpAt.is_null())
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .one(db)
        .await?
        .map(|m| m.next_attempt_at))
}

/// Commits a transaction that queued messages, then wakes delivery. Waking it before the commit
/// would let it look, find nothing yet, and leave the message to the next sweep (15 s later).
pub async fn commit_and_send(txn: DatabaseTransaction) -> Result<(), AppError> {
    txn.commit().await?;
    WAKE.notify_one();
    Ok(())
}
