//! Writing and verifying a matter's access log. Each entry holds the SHA-256 of the entry before
//! it in its matter and of its own content, and the matter's head (`access_heads`) holds the
//! newest entry's number and hash: an entry altered, removed from the middle or from the end
//! breaks the chain, and `dossier check` names the first broken one. One writer per node
//! (`Writer`) appends, a batch per transaction.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::OnConflict,
};
use sha2::{Digest, Sha256};

use super::AccessKind;
use crate::{
    AppError,
    entities::{access_event, access_head},
    ids::{AttachmentId, ConversationId, DocumentId, MatterId, ShareId},
    policy::SignedInUser,
};

/// The hash an empty log's first entry follows.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Longest user agent kept (the column's width).
const USER_AGENT_CHARS: usize = 300;

/// What one access was: what was reached, and how. Who and from where come with `record`.
#[derive(Debug, Clone)]
pub struct Access {
    pub matter: MatterId,
    pub kind: AccessKind,
    pub item_name: String,
    pub document: Option<DocumentId>,
    pub version: Option<i32>,
    pub attachment: Option<AttachmentId>,
    pub share: Option<ShareId>,
    pub conversation: Option<ConversationId>,
    pub sha256: Option<String>,
}

/// Where a request came from, as the log keeps it.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
}

/// An entry on its way to the log: who, what, from where, and where to say it is written.
struct Pending {
    who: (crate::ids::UserId, String),
    access: Access,
    origin: Origin,
    written: tokio::sync::oneshot::Sender<Result<(), AppError>>,
}

/// How many entries one transaction appends at most.
const BATCH: usize = 256;

/// The node's one writer of the access log. A request hands it its entry and waits until the
/// entry is committed (a download starts only once it is logged); the writer appends whatever
/// has queued meanwhile in one transaction (one fsync, one write lock), so parallel downloads
/// do not queue on SQLite's write lock one by one.
#[derive(Clone)]
pub struct Writer(tokio::sync::mpsc::Sender<Pending>);

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("access log writer")
    }
}

impl Writer {
    /// Starts the writer on `db` (it ends when every handle to it is gone).
    pub fn start(db: DatabaseConnection) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Pending>(4 * BATCH);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match rx.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let (entries, replies): (Vec<_>, Vec<_>) = batch
                    .into_iter()
                    .map(|p| ((p.who, p.access, p.origin), p.written))
                    .unzip();
                let result = append(&db, entries).await;
                if let Err(e) = &result {
                    tracing::error!(error = %e, "the access log could not be written");
                }
                for reply in replies {
                    let _ = reply.send(result.clone());
                }
            }
        });
        Self(tx)
    }

    /// Appends `access` by `who` to its matter's log, and returns once it is committed.
    pub async fn record(
        &self,
        who: &SignedInUser,
        access: Access,
        origin: Origin,
    ) -> Result<(), AppError> {
        let (written, done) = tokio::sync::oneshot::channel();
        let pending = Pending {
            who: (who.id(), who.display_name().to_string()),
            access,
            origin,
            written,
        };
        self.0
            .send(pending)
            .await
            .map_err(|_| AppError::internal("the access log writer has stopped"))?;
        done.await
            .map_err(|_| AppError::internal("the access log writer has stopped"))?
    }
}

/// Appends `entries` in one transaction: for each matter (in id order, so that two nodes lock
/// the same matters in the same order), its lock, its head, then its entries chained on.
async fn append(
    db: &DatabaseConnection,
    mut entries: Vec<((crate::ids::UserId, String), Access, Origin)>,
) -> Result<(), AppError> {
    entries.sort_by_key(|(_, access, _)| access.matter);
    let txn = crate::db::begin_write(db).await?;
    let mut at = 0;
    while at < entries.len() {
        let matter = entries[at].1.matter;
        let end = entries[at..]
            .iter()
            .position(|(_, a, _)| a.matter != matter)
            .map_or(entries.len(), |n| at + n);
        crate::db::lock_key(&txn, matter.0).await?;
        let head = access_head::Entity::find_by_id(matter).one(&txn).await?;
        let (mut seq, mut prev_hash) = head.map_or((0, GENESIS.to_string()), |h| (h.seq, h.hash));
        let mut rows = Vec::with_capacity(end - at);
        for ((person, name), access, origin) in entries[at..end].iter().cloned() {
            seq += 1;
            let mut row = access_event::Model {
                id: uuid::Uuid::now_v7(),
                matter_id: matter,
                seq,
                occurred_at: to_micros(chrono::Utc::now()),
                person_id: Some(person),
                person_name: name.chars().take(200).collect(),
                kind: access.kind.as_str().to_string(),
                item_name: access.item_name.chars().take(300).collect(),
                document_id: access.document,
                version: access.version,
                attachment_id: access.attachment,
                share_id: access.share,
                conversation_id: access.conversation,
                sha256: access.sha256,
                ip: origin.ip.map(|ip| ip.to_string()),
                user_agent: origin
                    .user_agent
                    .map(|ua| ua.chars().take(USER_AGENT_CHARS).collect()),
                prev_hash,
                hash: String::new(),
            };
            row.hash = entry_hash(&row);
            prev_hash = row.hash.clone();
            rows.push(access_event::ActiveModel::from(row));
        }
        access_event::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
        access_head::Entity::insert(access_head::ActiveModel {
            matter_id: Set(matter),
            seq: Set(seq),
            hash: Set(prev_hash),
        })
        .on_conflict(
            OnConflict::column(access_head::Column::MatterId)
                .update_columns([access_head::Column::Seq, access_head::Column::Hash])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        at = end;
    }
    txn.commit().await?;
    Ok(())
}

/// PostgreSQL keeps microseconds: the hash is taken over what the database will give back.
fn to_micros(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// SHA-256 over every field but the hash itself, each length-prefixed (an absent one marked
/// apart from an empty one), so no two different entries hash the same by shifting text
/// between fields.
pub fn entry_hash(e: &access_event::Model) -> String {
    let mut h = Sha256::new();
    let mut field = |value: Option<&[u8]>| match value {
        Some(bytes) => {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        }
        None => h.update(u64::MAX.to_be_bytes()),
    };
    let id = |u: Option<uuid::Uuid>| u.map(|u| u.into_bytes());
    field(Some(b"dossier access log v1"));
    field(Some(e.id.as_bytes()));
    field(Some(e.matter_id.0.as_bytes()));
    field(Some(&e.seq.to_be_bytes()));
    field(Some(&e.occurred_at.timestamp_micros().to_be_bytes()));
    field(id(e.person_id.map(|p| p.0)).as_ref().map(|b| &b[..]));
    field(Some(e.person_name.as_bytes()));
    field(Some(e.kind.as_bytes()));
    field(Some(e.item_name.as_bytes()));
    field(id(e.document_id.map(|d| d.0)).as_ref().map(|b| &b[..]));
    field(e.version.map(|v| v.to_be_bytes()).as_ref().map(|b| &b[..]));
    field(id(e.attachment_id.map(|a| a.0)).as_ref().map(|b| &b[..]));
    field(id(e.share_id.map(|s| s.0)).as_ref().map(|b| &b[..]));
    field(id(e.conversation_id.map(|c| c.0)).as_ref().map(|b| &b[..]));
    field(e.sha256.as_deref().map(str::as_bytes));
    field(e.ip.as_deref().map(str::as_bytes));
    field(e.user_agent.as_deref().map(str::as_bytes));
    field(Some(e.prev_hash.as_bytes()));
    hex::encode(h.finalize())
}

/// How many entries are read at a time.
const PAGE: u64 = 1000;

/// Every matter's chain, walked from its first entry: one sentence per matter whose chain is
/// broken, naming the first broken entry. Empty when all hold.
pub async fn verify(db: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    let mut matters: Vec<MatterId> = access_event::Entity::find()
        .select_only()
        .column(access_event::Column::MatterId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let heads = access_head::Entity::find().all(db).await?;
    for h in &heads {
        if !matters.contains(&h.matter_id) {
            matters.push(h.matter_id);
        }
    }
    let mut problems = Vec::new();
    for matter in matters {
        let head = heads.iter().find(|h| h.matter_id == matter);
        if let Some(problem) = verify_matter(db, matter, head).await? {
            problems.push(format!("access log of matter {matter}: {problem}"));
        }
    }
    Ok(problems)
}

async fn verify_matter(
    db: &impl ConnectionTrait,
    matter: MatterId,
    head: Option<&access_head::Model>,
) -> Result<Option<String>, AppError> {
    let (mut seq, mut prev) = (0i64, GENESIS.to_string());
    loop {
        let page = access_event::Entity::find()
            .filter(access_event::Column::MatterId.eq(matter))
            .filter(access_event::Column::Seq.gt(seq))
            .order_by_asc(access_event::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let done = (page.len() as u64) < PAGE;
        for e in page {
            if e.seq != seq + 1 {
                return Ok(Some(format!(
                    "entry {} is missing (the next one kept is entry {}, {})",
                    seq + 1,
                    e.seq,
                    e.id
                )));
            }
            if e.prev_hash != prev {
                return Ok(Some(format!(
                    "entry {} ({}) does not follow entry {}: one of them was changed",
                    e.seq, e.id, seq
                )));
            }
            if entry_hash(&e) != e.hash {
                return Ok(Some(format!(
                    "entry {} ({}) was changed after it was written: its content no longer \
                     matches its hash",
                    e.seq, e.id
                )));
            }
            (seq, prev) = (e.seq, e.hash);
        }
        if done {
            break;
        }
    }
    Ok(match head {
        None => Some(format!(
            "the log has {seq} entries but no head: its record of the latest entry was removed"
        )),
        Some(h) if h.seq == seq && h.hash != prev => Some(format!(
            "entry {seq} does not match the hash its head recorded: it was changed"
        )),
        Some(h) if h.seq != seq => Some(format!(
            "the log ends at entry {seq}, but its head says entry {} was written: the latest \
             entries were removed",
            h.seq
        )),
        Some(_) => None,
    })
}
