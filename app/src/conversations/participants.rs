//! Who is in a conversation, changed after it started (the firm's staff). Someone added sees
//! the whole conversation, earlier messages included; someone removed loses it at their next
//! request (the policy asks who takes part on every one), and their open pages are told at
//! once. Each change is kept and shown among the messages: "Grace Hopper was added by Ada".

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, sea_query::OnConflict,
};

use super::{MembershipChange, MembershipView};
use crate::{
    AppError,
    audit::{self, Action},
    db::begin_write,
    entities::{conversation_event, conversation_participant},
    files::tree::when,
    ids::{ConversationId, UserId},
    live::Change,
    policy::ManageConversation,
    state::AppState,
};

/// Keeps that `person` joined or left, by `by`'s hand (`None`: they joined by writing).
pub(super) async fn record(
    txn: &impl ConnectionTrait,
    conversation: ConversationId,
    person: UserId,
    by: Option<UserId>,
    change: MembershipChange,
    at: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    conversation_event::Entity::insert(conversation_event::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        conversation_id: Set(conversation),
        kind: Set(change),
        user_id: Set(person),
        by_id: Set(by),
        at: Set(at),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Adds `person` to the conversation: someone who could have been in it from the start (a
/// contact on the matter for an external one, the firm's people for either).
pub async fn add(
    state: &AppState,
    manage: &ManageConversation,
    person: UserId,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let db = &state.db;
    let access = manage.access();
    let c = access.conversation();
    super::server::open(access.matter().matter())?;
    let added = super::server::recipients(db, c.matter_id, c.kind, &[person])
        .await?
        .pop()
        .ok_or_else(|| AppError::bad_request(crate::text::CHOOSE_SOMEONE_TO_ADD))?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    // Two adds at once: one inserts, the other finds them in already.
    let inserted =
        conversation_participant::Entity::insert(conversation_participant::ActiveModel {
            conversation_id: Set(c.id),
            user_id: Set(person),
            added_at: Set(now),
            last_read_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([
                conversation_participant::Column::ConversationId,
                conversation_participant::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    if inserted == 0 {
        return Err(AppError::bad_request(
            crate::text::is_already_in_this_conversation(&added.display_name),
        ));
    }
    let by = access.user().id();
    record(&txn, c.id, person, Some(by), MembershipChange::Joined, now).await?;
    audit::record(
        &txn,
        Action::ParticipantAdded,
        Some(by),
        Some(format!("{person} to conversation {}", c.id)),
        ip,
    )
    .await?;
    txn.commit().await?;
    publish(state, manage, None).await;
    Ok(())
}

/// Removes `person` from the conversation. What was shared in it, and what was sent, is
/// theirs no longer: every path to it asks the policy, which asks who takes part.
pub async fn remove(
    state: &AppState,
    manage: &ManageConversation,
    person: UserId,
    ip: Option<std::net::IpAddr>,
) -> Result<(), AppError> {
    let db = &state.db;
    let access = manage.access();
    let c = access.conversation();
    super::server::open(access.matter().matter())?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let gone = conversation_participant::Entity::delete_many()
        .filter(conversation_participant::Column::ConversationId.eq(c.id))
        .filter(conversation_participant::Column::UserId.eq(person))
        .exec(&txn)
        .await?;
    if gone.rows_affected == 0 {
        return Err(AppError::bad_request(
            crate::text::THAT_PERSON_IS_NOT_IN_THIS,
        ));
    }
    let by = access.user().id();
    record(&txn, c.id, person, Some(by), MembershipChange::Left, now).await?;
    // News of changed shared files still gathering for them goes no further.
    let batch = crate::shares::notices::batch_key(c.id, person);
    crate::outbox::take(&txn, &batch).await?;
    audit::record(
        &txn,
        Action::ParticipantRemoved,
        Some(by),
        Some(format!("{person} from conversation {}", c.id)),
        ip,
    )
    .await?;
    txn.commit().await?;
    publish(state, manage, Some(person)).await;
    Ok(())
}

async fn publish(state: &AppState, manage: &ManageConversation, left: Option<UserId>) {
    let c = manage.access().conversation();
    let change = Change {
        matter: c.matter_id,
        conversation: c.id,
        message: None,
        read: None,
        left,
        files: false,
    };
    state.live.publish(&state.db, change).await;
}

/// Who joined and left conversation `id`, oldest first, with names.
pub async fn changes(
    db: &DatabaseConnection,
    id: ConversationId,
) -> Result<Vec<MembershipView>, AppError> {
    let rows = conversation_event::Entity::find()
        .filter(conversation_event::Column::ConversationId.eq(id))
        .order_by_asc(conversation_event::Column::At)
        .order_by_asc(conversation_event::Column::Id)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: HashSet<UserId> = rows
        .iter()
        .flat_map(|r| [Some(r.user_id), r.by_id])
        .flatten()
        .collect();
    let names: HashMap<UserId, String> = crate::policy::RequestMemo::users(db, ids)
        .await?
        .into_values()
        .map(|u| (u.id, u.display_name))
        .collect();
    let name = |id: UserId| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| crate::text::A_FORMER_USER.into())
    };
    Ok(rows
        .into_iter()
        .map(|r| MembershipView {
            change: r.kind,
            name: name(r.user_id),
            // Someone who left of their own accord, or joined by writing, did it themselves.
            by: r.by_id.filter(|by| *by != r.user_id).map(name),
            at: when(r.at),
        })
        .collect())
}
