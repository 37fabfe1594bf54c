//! Email and text messages to send. They are written to the `outbox` table in the same
//! transaction as the change that causes them, so a message is neither lost nor sent for a change
//! that rolled back; the server's delivery task sends them, retrying with back-off.

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait};
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
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Commits a transaction that queued messages, then wakes delivery. Waking it before the commit
/// would let it look, find nothing yet, and leave the message to the next sweep (15 s later).
pub async fn commit_and_send(txn: DatabaseTransaction) -> Result<(), AppError> {
    txn.commit().await?;
    WAKE.notify_one();
    Ok(())
}
