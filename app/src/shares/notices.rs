//! Telling a share's recipients that what it reaches changed: a new version of a shared file,
//! or a new file in a shared folder. One email per person and conversation gathers the changes
//! of a few minutes (`outbox::gather`: a burst of uploads is one email), and a message written
//! in that conversation meanwhile takes them along (`conversations::notices`). A protected
//! conversation's notice names nothing.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{
    AppError,
    entities::{conversation, document, matter, share, share_revocation},
    files::{ItemKind, tree},
    ids::{ConversationId, DocumentId, ShareId, UserId},
    outbox,
    policy::MatterAccess,
    state::Portal,
};

/// How long an email about changed files waits for more changes.
pub const WAIT: Duration = Duration::minutes(2);

/// The email gathering changes for `person` in `conversation`.
pub fn batch_key(conversation: ConversationId, person: UserId) -> String {
    format!("shared-files:{conversation}:{person}")
}

/// The line a change adds to its email.
fn line(doc: &document::Model, by: &str) -> String {
    if doc.version_count <= 1 {
        crate::text::new_added_by(&doc.name, &by)
    } else {
        format!("- {}: version {}, by {by}", doc.name, doc.version_count)
    }
}

/// After `document` got a new version (its first, when it is new) in the uploader's write
/// transaction: queues the notices of every share that reaches it now, and answers the
/// conversations whose open pages should look again.
pub async fn file_changed(
    txn: &impl ConnectionTrait,
    portal: &Portal,
    access: &MatterAccess,
    document: DocumentId,
) -> Result<Vec<ConversationId>, AppError> {
    let doc = tree::live_document(txn, access, document).await?;
    let folders: Vec<uuid::Uuid> = tree::live_lineage(txn, access, Some(doc.folder_id))
        .await?
        .iter()
        .map(|f| f.id.0)
        .collect();
    let now = Utc::now();
    let shares = share::Entity::find()
        .filter(share::Column::MatterId.eq(access.id()))
        .filter(share::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(share::Column::ExpiresAt.is_null())
                .add(share::Column::ExpiresAt.gt(now)),
        )
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(share::Column::Kind.eq(ItemKind::Document))
                        .add(share::Column::ItemId.eq(doc.id.0)),
                )
                .add(
                    Condition::all()
                        .add(share::Column::Kind.eq(ItemKind::Folder))
                        .add(share::Column::ItemId.is_in(folders)),
                ),
        )
        .all(txn)
        .await?;
    if shares.is_empty() {
        return Ok(Vec::new());
    }
    let removed: HashSet<(ShareId, UserId)> = share_revocation::Entity::find()
        .filter(share_revocation::Column::ShareId.is_in(shares.iter().map(|s| s.id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.share_id, r.user_id))
        .collect();
    // Whom each conversation's shares reach with this file: its people but the uploader, for
    // whom no share of it was removed.
    let mut reached: HashMap<ConversationId, HashSet<UserId>> = HashMap::new();
    let conversations: Vec<ConversationId> = shares.iter().map(|s| s.conversation_id).collect();
    let people = crate::conversations::reading::participants_of(txn, &conversations).await?;
    for s in &shares {
        for (_, person) in people.get(&s.conversation_id).into_iter().flatten() {
            if person.id != access.user().id()
                && person.disabled_at.is_none()
                && !removed.contains(&(s.id, person.id))
            {
                reached
                    .entry(s.conversation_id)
                    .or_default()
                    .insert(person.id);
            }
        }
    }
    if portal.channels.email && !reached.is_empty() {
        let matter = matter::Entity::find_by_id(access.id())
            .one(txn)
            .await?
            .ok_or_else(|| AppError::internal("a matter without its row"))?;
        let line = line(&doc, access.user().display_name());
        for (conversation_id, who) in &reached {
            let Some(conversation) = conversation::Entity::find_by_id(*conversation_id)
                .one(txn)
                .await?
            else {
                continue;
            };
            let link = format!(
                "{}/matters/{}?conversation={}",
                portal.public_url, matter.id, conversation.id
            );
            for (_, person) in people.get(conversation_id).into_iter().flatten() {
                // Told by email only, so only those who take email.
                if !who.contains(&person.id) || !person.notify_email {
                    continue;
                }
                let name = &person.display_name;
                let (subject, head, line) = if conversation.requires_second_factor {
                    (
                        crate::text::shared_files_updated_on(&matter.number),
                        crate::text::protected_shares_changed_email(name, &link),
                        None,
                    )
                } else {
                    (
                        crate::text::shared_files_updated_in(&matter.number, &conversation.subject),
                        crate::text::shares_changed_email(name, &conversation.subject, &link),
                        Some(line.as_str()),
                    )
                };
                outbox::gather(
                    txn,
                    &batch_key(conversation.id, person.id),
                    &person.email,
                    subject,
                    head,
                    line,
                    WAIT,
                )
                .await?;
            }
        }
    }
    Ok(reached.into_keys().collect())
}
