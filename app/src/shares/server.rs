//! Shares on the server: sharing items of the tree in a message, what a share reaches (the item
//! as it is now, and for a folder everything inside it now), revoking (for everyone or for one
//! recipient) and end dates.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, OnConflict},
};

use super::{OpenedShare, Recipient, ShareStatus, ShareView};
use crate::{
    AppError,
    audit::{self, Action},
    conversations::ConversationKind,
    entities::{
        conversation, conversation_participant, document, document_version, folder, message, share,
        share_revocation,
    },
    files::{ItemKind, tree},
    ids::{DocumentId, FolderId, Item, MessageId, ShareId, UserId},
    live::Change,
    policy::{ManageMatter, ManageShare, MatterAccess, NO_SUCH_SHARE, ShareAccess},
    state::AppState,
};

/// The most items one message shares.
pub const MAX_SHARES: usize = 20;

/// Shares `items` of the matter's tree in `message`, in its transaction. Who and how many are
/// checked before (`Enclosed::check`); each item must be live, and a folder must not be the
/// whole tree.
pub async fn attach(
    txn: &impl ConnectionTrait,
    manage: &ManageMatter,
    message: &message::Model,
    items: &[Item],
) -> Result<Vec<share::Model>, AppError> {
    let user = manage.user();
    let mut out = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for &item in items {
        if !seen.insert(item) {
            continue;
        }
        match item {
            Item::Document(id) => {
                tree::live_document(txn, manage, id).await?;
            }
            Item::Folder(id) if id == manage.matter_id().root_folder() => {
                return Err(AppError::bad_request(
                    crate::text::SHARE_A_FOLDER_INSIDE_ALL_FILES,
                ));
            }
            Item::Folder(id) => {
                tree::live_folder(txn, manage, Some(id)).await?;
            }
        }
        let (kind, item_id) = (item.kind(), item.uuid());
        let row = share::Model {
            id: ShareId::fresh(),
            matter_id: manage.matter_id(),
            conversation_id: message.conversation_id,
            message_id: message.id,
            kind,
            item_id,
            created_by: Some(user.id()),
            created_at: message.created_at,
            revoked_at: None,
            revoked_by: None,
            expires_at: None,
        };
        share::Entity::insert(share::ActiveModel::from(row.clone()))
            .exec_without_returning(txn)
            .await?;
        audit::record(
            txn,
            Action::Shared,
            Some(user.id()),
            Some(format!(
                "{} {item_id} in conversation {} (share {})",
                kind.noun(),
                message.conversation_id,
                row.id
            )),
            None,
        )
        .await?;
        out.push(row);
    }
    Ok(out)
}

/// Who is looking at a share: the reader, and whether they are the firm (who also sees whom it
/// reaches and for whom access was removed).
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub id: UserId,
    pub firm: bool,
}

impl Reader {
    pub fn of(access: &MatterAccess) -> Self {
        Self {
            id: access.user().id(),
            firm: access.firm(),
        }
    }
}

/// Shares as a message or list shows them to `reader`: the item's name now (none once it is in
/// the trash), whether it opens for them (active, revoked, expired), its end date, who shared
/// it, and for the firm whom it reaches.
pub async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<share::Model>,
    reader: Reader,
) -> Result<Vec<ShareView>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = |kind: ItemKind| -> Vec<uuid::Uuid> {
        rows.iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.item_id)
            .collect()
    };
    let mut names: HashMap<uuid::Uuid, String> = HashMap::new();
    for d in document::Entity::find()
        .filter(document::Column::Id.is_in(ids(ItemKind::Document)))
        .filter(document::Column::TrashedAt.is_null())
        .all(db)
        .await?
    {
        names.insert(d.id.0, d.name);
    }
    for f in folder::Entity::find()
        .filter(folder::Column::Id.is_in(ids(ItemKind::Folder)))
        .filter(folder::Column::TrashedAt.is_null())
        .all(db)
        .await?
    {
        names.insert(f.id.0, f.name);
    }
    let people: HashMap<UserId, String> =
        crate::policy::RequestMemo::users(db, rows.iter().filter_map(|r| r.created_by))
            .await?
            .into_values()
            .map(|u| (u.id, u.display_name))
            .collect();
    let removed: HashSet<(ShareId, UserId)> = share_revocation::Entity::find()
        .filter(share_revocation::Column::ShareId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.share_id, r.user_id))
        .collect();
    // Whom each conversation's shares reach: its people (the firm sees them).
    let mut reached: HashMap<crate::ids::ConversationId, Vec<(UserId, String)>> = HashMap::new();
    if reader.firm {
        let conversations: Vec<_> = rows.iter().map(|r| r.conversation_id).collect();
        for (conversation, people) in
            crate::conversations::reading::participants_of(db, &conversations).await?
        {
            reached.insert(
                conversation,
                people
                    .into_iter()
                    .map(|(_, u)| (u.id, u.display_name))
                    .collect(),
            );
        }
    }
    let now = Utc::now();
    let open: Vec<share::Model> = rows
        .iter()
        .filter(|r| {
            r.revoked_at.is_none() && !r.expired(now) && !removed.contains(&(r.id, reader.id))
        })
        .cloned()
        .collect();
    let unseen = super::changes::counts(db, &open, reader.id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = if r.revoked_at.is_some() {
                ShareStatus::Revoked
            } else if r.expired(now) {
                ShareStatus::Expired
            } else if removed.contains(&(r.id, reader.id)) {
                ShareStatus::Revoked
            } else {
                ShareStatus::Active
            };
            let recipients = reached
                .get(&r.conversation_id)
                .map(|people| {
                    people
                        .iter()
                        .filter(|(id, _)| Some(*id) != r.created_by)
                        .map(|(id, name)| Recipient {
                            user_id: *id,
                            name: name.clone(),
                            removed: removed.contains(&(r.id, *id)),
                        })
                        .collect()
                })
                .unwrap_or_default();
            ShareView {
                id: r.id,
                kind: r.kind,
                name: names.get(&r.item_id).cloned(),
                revoked: status != ShareStatus::Active,
                status,
                expires_at: r.expires_at.map(tree::when),
                recipients,
                shared_by: r
                    .created_by
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_else(|| crate::text::A_FORMER_USER.into()),
                shared_at: tree::when(r.created_at),
                conversation_id: r.conversation_id,
                unseen: unseen.get(&r.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

/// Marks what in `view` is shared now (a share neither revoked nor past its date), for the
/// firm's tree ("All Files" shows the Shared icon on it).
pub async fn mark_shared(
    db: &impl ConnectionTrait,
    matter: crate::ids::MatterId,
    view: &mut crate::files::FolderView,
) -> Result<(), AppError> {
    let ids: Vec<uuid::Uuid> = view
        .folders
        .iter()
        .map(|f| f.id.0)
        .chain(view.documents.iter().map(|d| d.id.0))
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let live: HashSet<uuid::Uuid> = share::Entity::find()
        .select_only()
        .column(share::Column::ItemId)
        .filter(share::Column::MatterId.eq(matter))
        .filter(share::Column::ItemId.is_in(ids))
        .filter(share::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(share::Column::ExpiresAt.is_null())
                .add(share::Column::ExpiresAt.gt(Utc::now())),
        )
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    for f in &mut view.folders {
        f.shared = live.contains(&f.id.0);
    }
    for d in &mut view.documents {
        d.shared = live.contains(&d.id.0);
    }
    Ok(())
}

/// The shares of `messages`, by message.
pub async fn of_messages(
    db: &DatabaseConnection,
    messages: &[MessageId],
    reader: Reader,
) -> Result<HashMap<MessageId, Vec<ShareView>>, AppError> {
    let mut out: HashMap<MessageId, Vec<ShareView>> = HashMap::new();
    if messages.is_empty() {
        return Ok(out);
    }
    let rows = share::Entity::find()
        .filter(share::Column::MessageId.is_in(messages.iter().copied()))
        .order_by_asc(share::Column::CreatedAt)
        .order_by_asc(share::Column::Id)
        .all(db)
        .await?;
    let by_message: Vec<MessageId> = rows.iter().map(|r| r.message_id).collect();
    for (message, view) in by_message.into_iter().zip(views(db, rows, reader).await?) {
        out.entry(message).or_default().push(view);
    }
    Ok(out)
}

/// Everything shared on a matter that this person may open now, newest first: for the firm
/// all of it (revoked shares too, marked), for a contact what was shared in the conversations
/// they may read now (a protected one only after the step-up).
pub async fn list(
    db: &DatabaseConnection,
    access: &MatterAccess,
) -> Result<Vec<ShareView>, AppError> {
    let mut query = share::Entity::find()
        .filter(share::Column::MatterId.eq(access.id()))
        .order_by_desc(share::Column::CreatedAt);
    if !access.firm() {
        let mine = conversation_participant::Entity::find()
            .select_only()
            .column(conversation_participant::Column::ConversationId)
            .filter(conversation_participant::Column::UserId.eq(access.user().id()))
            .into_query();
        let mut readable = conversation::Entity::find()
            .select_only()
            .column(conversation::Column::Id)
            .filter(conversation::Column::MatterId.eq(access.id()))
            .filter(conversation::Column::Kind.eq(ConversationKind::External))
            .filter(conversation::Column::Id.in_subquery(mine));
        if !access.user().passed_step_up() {
            readable = readable.filter(conversation::Column::RequiresSecondFactor.eq(false));
        }
        query = query
            .filter(share::Column::RevokedAt.is_null())
            .filter(share::Column::ConversationId.in_subquery(readable.into_query()));
    }
    let mut shown = views(db, query.all(db).await?, Reader::of(access)).await?;
    // A contact's list holds only what opens for them (not expired, not removed for them).
    if !access.firm() {
        shown.retain(|v| v.status == ShareStatus::Active);
    }
    Ok(shown)
}

/// The chain from `folder_id` (default: the shared folder) up to the shared folder, if it is
/// inside it; nothing above the shared folder is shown.
async fn within(
    db: &impl ConnectionTrait,
    access: &ShareAccess,
    folder_id: Option<FolderId>,
) -> Result<Vec<folder::Model>, AppError> {
    let not_inside = || AppError::NotFound(NO_SUCH_SHARE.into());
    let Item::Folder(shared) = access.share().item() else {
        return Err(not_inside());
    };
    let start = folder_id.unwrap_or(shared);
    let mut chain = tree::live_lineage(db, access, Some(start))
        .await
        .map_err(|_| not_inside())?;
    let at = chain
        .iter()
        .position(|f| f.id == shared)
        .ok_or_else(not_inside)?;
    chain.truncate(at + 1);
    Ok(chain)
}

/// What a share shows now: the document as it is (latest version, last update), or the
/// folder being looked at inside the shared folder.
pub async fn open(
    db: &DatabaseConnection,
    access: &ShareAccess,
    folder_id: Option<FolderId>,
    fresh: bool,
) -> Result<OpenedShare, AppError> {
    let share = access.share();
    let reader = access.conversation().matter().user().id();
    let since = super::changes::look(db, share, reader, fresh).await?;
    let gone = || AppError::NotFound(crate::text::shared_item_in_trash(share.kind));
    let (mut document, mut folder) = match share.item() {
        Item::Document(id) => {
            let doc = tree::live_document(db, access, id)
                .await
                .map_err(|_| gone())?;
            (tree::entries(db, vec![doc]).await?.pop(), None)
        }
        Item::Folder(id) => {
            if folder_id.is_none() {
                tree::live_folder(db, access, Some(id))
                    .await
                    .map_err(|_| gone())?;
            }
            let chain = within(db, access, folder_id).await?;
            let view = tree::contents(db, access, &chain, false).await?;
            (None, Some(view))
        }
    };
    if let Some(d) = document.as_mut() {
        super::changes::mark(db, reader, since, std::slice::from_mut(d)).await?;
    }
    if let Some(f) = folder.as_mut() {
        super::changes::mark(db, reader, since, &mut f.documents).await?;
    }
    let view = views(
        db,
        vec![share.clone()],
        Reader::of(access.conversation().matter()),
    )
    .await?
    .pop()
    .ok_or_else(|| AppError::internal("a share without its view"))?;
    let history = match &document {
        Some(d) => crate::files::server::history(db, d.id).await?,
        None => Vec::new(),
    };
    Ok(OpenedShare {
        share: view,
        document,
        history,
        folder,
        can_revoke: access.conversation().matter().firm(),
        matter_id: access.conversation().matter().id(),
    })
}

/// The document `document_id` as the share reaches it now: the shared document itself, or a
/// live document anywhere inside the shared folder; with its latest version.
pub async fn reach(
    db: &DatabaseConnection,
    access: &ShareAccess,
    document_id: DocumentId,
) -> Result<(document::Model, document_version::Model), AppError> {
    let share = access.share();
    let not_shared = || AppError::NotFound(NO_SUCH_SHARE.into());
    if share.kind == ItemKind::Document && share.item() != Item::Document(document_id) {
        return Err(not_shared());
    }
    let doc = tree::live_document(db, access, document_id)
        .await
        .map_err(|_| not_shared())?;
    if share.kind == ItemKind::Folder {
        within(db, access, Some(doc.folder_id)).await?;
    }
    let version = tree::current_version(db, &doc).await?;
    Ok((doc, version))
}

/// Removes access to a share at once, for everyone or (`person`) for one of the conversation's
/// people: from the next request on it opens nothing for them, and a download in progress
/// stops. The firm's.
pub async fn revoke(
    state: &AppState,
    manage: &ManageShare,
    person: Option<UserId>,
) -> Result<(), AppError> {
    let db = &state.db;
    let (share, user) = (manage.share(), manage.user());
    let detail = match person {
        None => {
            share::Entity::update_many()
                .col_expr(share::Column::RevokedAt, Expr::value(Some(Utc::now())))
                .col_expr(share::Column::RevokedBy, Expr::value(Some(user.id())))
                .filter(share::Column::Id.eq(share.id))
                .filter(share::Column::RevokedAt.is_null())
                .exec(db)
                .await?;
            format!("share {}", share.id)
        }
        Some(person) => {
            let recipient =
                conversation_participant::Entity::find_by_id((share.conversation_id, person))
                    .one(db)
                    .await?;
            if recipient.is_none() {
                return Err(AppError::bad_request(
                    crate::text::THAT_PERSON_IS_NOT_IN_THIS_2,
                ));
            }
            share_revocation::Entity::insert(share_revocation::ActiveModel {
                share_id: Set(share.id),
                user_id: Set(person),
                revoked_at: Set(Utc::now()),
                revoked_by: Set(Some(user.id())),
            })
            .on_conflict(
                OnConflict::columns([
                    share_revocation::Column::ShareId,
                    share_revocation::Column::UserId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            format!("share {} for {person}", share.id)
        }
    };
    audit::record(
        db,
        Action::ShareRevoked,
        Some(user.id()),
        Some(detail),
        None,
    )
    .await?;
    publish(state, share).await;
    Ok(())
}

/// Sets (or clears) the day after which a share opens nothing. A time already past is refused:
/// that is removing access, which says so.
pub async fn set_expiry(
    state: &AppState,
    manage: &ManageShare,
    expires_at: Option<chrono::DateTime<Utc>>,
) -> Result<(), AppError> {
    if expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(AppError::bad_request(
            crate::text::CHOOSE_A_DAY_FROM_TOMORROW_ON,
        ));
    }
    let share = manage.share();
    share::Entity::update_many()
        .col_expr(share::Column::ExpiresAt, Expr::value(expires_at))
        .filter(share::Column::Id.eq(share.id))
        .exec(&state.db)
        .await?;
    audit::record(
        &state.db,
        Action::ShareExpirySet,
        Some(manage.user().id()),
        Some(format!(
            "share {} until {}",
            share.id,
            expires_at.map_or_else(
                || crate::text::NO_END_DATE_2.to_string(),
                |at| at.to_rfc3339()
            )
        )),
        None,
    )
    .await?;
    publish(state, share).await;
    Ok(())
}

/// The pages with the share's matter open show it as it is now.
async fn publish(state: &AppState, share: &share::Model) {
    let change = Change {
        matter: share.matter_id,
        conversation: share.conversation_id,
        message: None,
        read: None,
        left: None,
        files: false,
    };
    state.live.publish(&state.db, change).await;
}
