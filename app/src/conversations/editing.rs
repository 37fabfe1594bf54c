//! A message changed by its author after sending, within the firm's window (who may, and
//! until when, is `policy::Actor::own_message`'s to say). An edit replaces the text and marks
//! it "edited"; a delete removes the text from the database, withdraws the files it sent and
//! the shares it gave, and takes back its notices not yet sent. Open pages are told live.

use chrono::Utc;
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

use super::MessageView;
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{attachment, message, outbox_message, share},
    live::Change,
    policy::OwnMessage,
    state::AppState,
};

fn deleted_meanwhile() -> AppError {
    AppError::Conflict(crate::text::THIS_MESSAGE_WAS_DELETED.into())
}

/// Replaces the message's text; returns it as its author now sees it.
pub async fn edit(state: &AppState, own: &OwnMessage, body: &str) -> Result<MessageView, AppError> {
    let db = &state.db;
    let access = own.conversation();
    let m = own.message();
    super::server::open(access.matter().matter())?;
    let sent_files = attachment::Entity::find()
        .filter(attachment::Column::MessageId.eq(m.id))
        .count(db)
        .await?
        + share::Entity::find()
            .filter(share::Column::MessageId.eq(m.id))
            .count(db)
            .await?
        > 0;
    let body = super::server::body_of(body, sent_files)?;
    if body != m.body {
        let txn = begin_write(db).await?;
        let changed = message::Entity::update_many()
            .col_expr(message::Column::Body, Expr::value(body))
            .col_expr(message::Column::EditedAt, Expr::value(Some(Utc::now())))
            .filter(message::Column::Id.eq(m.id))
            .filter(message::Column::DeletedAt.is_null())
            .exec(&txn)
            .await?;
        if changed.rows_affected == 0 {
            return Err(deleted_meanwhile());
        }
        txn.commit().await?;
        publish(state, own).await;
    }
    let (mut view, _) = super::reading::message(db, access, m.id)
        .await?
        .ok_or_else(deleted_meanwhile)?;
    view.mine = true;
    Ok(view)
}

/// Deletes the message: its text is gone from the database (only that there was a message
/// stays, so a reply still makes sense), the files it sent can no longer be downloaded (their
/// bytes go with the next clean-up, unless a version of the matter's files holds them), what
/// it shared is revoked, and its notices still waiting in the outbox are not sent.
pub async fn delete(
    state: &AppState,
    own: &OwnMessage,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let db = &state.db;
    let access = own.conversation();
    let m = own.message();
    let by = access.user().id();
    super::server::open(access.matter().matter())?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let changed = message::Entity::update_many()
        .col_expr(message::Column::Body, Expr::value(""))
        .col_expr(message::Column::DeletedAt, Expr::value(Some(now)))
        .filter(message::Column::Id.eq(m.id))
        .filter(message::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(deleted_meanwhile());
    }
    attachment::Entity::delete_many()
        .filter(attachment::Column::MessageId.eq(m.id))
        .exec(&txn)
        .await?;
    super::requests::withdraw(&txn, m.id).await?;
    share::Entity::update_many()
        .col_expr(share::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(share::Column::RevokedBy, Expr::value(Some(by)))
        .filter(share::Column::MessageId.eq(m.id))
        .filter(share::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    // Texts quote it as written; a gathered email is written when it goes, without it.
    outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::MessageId.eq(m.id))
        .filter(outbox_message::Column::BatchKey.is_null())
        .filter(Expr::col(outbox_message::Column::SentAt).is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Action::MessageDeleted,
        Some(by),
        Some(format!("message {} in conversation {}", m.id, access.id())),
        ip,
    )
    .await?;
    txn.commit().await?;
    publish(state, own).await;
    Ok(())
}

/// Every open page that shows the message is told, with the message as it is now.
async fn publish(state: &AppState, own: &OwnMessage) {
    let m = own.message();
    let change = Change {
        matter: own.conversation().matter().id(),
        conversation: m.conversation_id,
        message: Some(m.id),
        read: None,
        left: None,
        files: false,
    };
    state.live.publish(&state.db, change).await;
}
