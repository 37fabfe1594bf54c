//! `dossier backup --to DIR`: a consistent copy of a running portal. The database is copied
//! first, as one snapshot (SQLite `VACUUM INTO`; on PostgreSQL `pg_dump` of a snapshot exported
//! from the transaction that lists the objects); then every object a row of that snapshot
//! names. Objects are written once and never changed, so one already in DIR is not copied
//! again. `manifest.json` lists the database and every object with its size and SHA-256; it
//! is written last, so a DIR with a manifest holds everything the manifest lists.
//!
//! Uploads still in progress and files staged for a message not yet sent are left out: after a
//! restore those are simply started again.

use std::{
    collections::HashMap,
    io::IsTerminal,
    path::{Path, PathBuf},
};

use app::state::AppState;
use futures_util::{StreamExt, TryStreamExt};
use sea_orm::{ConnectionTrait, Database, DbBackend};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::stored;

pub const MANIFEST: &str = "manifest.json";
/// The database in a backup: a SQLite file, or a PostgreSQL dump (`pg_dump --format=custom`).
pub const DATABASE: &str = "dossier.db";
pub const DUMP: &str = "dossier.pgdump";
pub const OBJECTS: &str = "objects";
/// Objects copied at once; each holds one 4 MiB read buffer.
const COPIES_AT_ONCE: usize = 4;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Of this layout; a restore refuses one it does not know.
    pub format: u32,
    pub dossier_version: String,
    /// The newest migration the database had.
    pub schema: String,
    pub created_at: String,
    pub database: Entry,
    pub objects: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Self, String> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{} is not a Dossier backup: cannot read {} ({e}).",
                dir.display(),
                path.display()
            )
        })?;
        let manifest: Self = serde_json::from_str(&text)
            .map_err(|e| format!("The backup's manifest {} is damaged: {e}.", path.display()))?;
        let safe = |key: &str| {
            key.starts_with("blobs/") && !key.split('/').any(|s| s.is_empty() || s == "..")
        };
        if ![DATABASE, DUMP].contains(&manifest.database.key.as_str())
            || !manifest.objects.iter().all(|o| safe(&o.key))
        {
            return Err(format!(
                "The backup's manifest {} names files outside the backup: it is not one \
                 `dossier backup` wrote.",
                path.display()
            ));
        }
        if manifest.format != 1 {
            return Err(format!(
                "This backup has format {}, which this Dossier ({}) does not know. Restore it \
                 with the version that made it ({}).",
                manifest.format,
                env!("CARGO_PKG_VERSION"),
                manifest.dossier_version
            ));
        }
        Ok(manifest)
    }
}

/// Where the object `key` is kept in a backup folder.
pub fn object_path(dir: &Path, key: &str) -> PathBuf {
    dir.join(OBJECTS).join(key)
}

/// The database copied into the backup folder, and what its rows name.
struct Snapshot {
    /// The file written, under a `.partial` name until the objects are in.
    partial: PathBuf,
    file: &'static str,
    schema: String,
    files: Vec<stored::StoredFile>,
}

pub async fn backup(state: &AppState, database_url: &str, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir.join(OBJECTS))
        .map_err(|e| format!("Cannot create the backup folder {}: {e}.", dir.display()))?;
    // What an earlier backup into this folder already holds, and its digests.
    let earlier: HashMap<String, Entry> = Manifest::read(dir)
        .map(|m| m.objects.into_iter().map(|e| (e.key.clone(), e)).collect())
        .unwrap_or_default();
    let Snapshot {
        partial: snapshot,
        file,
        schema,
        files,
    } = match state.db.get_database_backend() {
        DbBackend::Postgres => snapshot_postgres(state, database_url, dir).await?,
        _ => snapshot_sqlite(state, dir).await?,
    };

    let mut wanted: Vec<(String, u64)> = files
        .iter()
        .flat_map(|f| f.parts.iter().map(|p| (p.key.clone(), p.size)))
        .collect();
    wanted.sort();
    wanted.dedup();
    let mut progress = Progress::new(&wanted);
    // A few objects at a time, so hashing one overlaps reading and syncing another.
    let mut copies = futures_util::stream::iter(wanted.into_iter().map(|(key, size)| {
        let path = object_path(dir, &key);
        let kept = earlier
            .get(&key)
            .filter(|e| e.size == size && std::fs::metadata(&path).is_ok_and(|m| m.len() == size))
            .cloned();
        async move {
            let Some(entry) = kept else {
                let entry = copy_out(state, &key, &path).await?;
                if entry.size != size {
                    return Err(format!(
                        "The object {key} is {} bytes, but the database says {size}: run \
                         `dossier check`.",
                        entry.size
                    ));
                }
                return Ok((entry, true));
            };
            Ok((entry, false))
        }
    }))
    .buffer_unordered(COPIES_AT_ONCE);
    let mut objects = Vec::new();
    while let Some(copied) = copies.next().await {
        let (entry, copied) = copied?;
        if copied {
            progress.copied(entry.size);
        } else {
            progress.skipped(entry.size);
        }
        objects.push(entry);
    }
    drop(copies);
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    progress.finish();

    let (database_sha256, database_size) = file_sha256(&snapshot).await?;
    let manifest = Manifest {
        format: 1,
        dossier_version: env!("CARGO_PKG_VERSION").into(),
        schema,
        created_at: chrono::Utc::now().to_rfc3339(),
        database: Entry {
            key: file.into(),
            size: database_size,
            sha256: database_sha256,
        },
        objects,
    };
    durable_rename(&snapshot, &dir.join(file))?;
    let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    let partial = dir.join(format!("{MANIFEST}.partial"));
    write_synced(&partial, &json)?;
    durable_rename(&partial, &dir.join(MANIFEST))?;
    println!(
        "Backed up the database and {} objects ({}) to {}: {} copied, {} already there. Keep \
         the portal's key (secret.key or DOSSIER_SECRET_KEY) apart from the backup: a restore \
         needs it.",
        manifest.objects.len(),
        app::files::human_size(progress.bytes_total),
        dir.display(),
        progress.copied,
        progress.skipped,
    );
    Ok(())
}

async fn snapshot_sqlite(state: &AppState, dir: &Path) -> Result<Snapshot, String> {
    let snapshot = dir.join(format!("{DATABASE}.partial"));
    let _ = std::fs::remove_file(&snapshot);
    let quoted = snapshot.to_string_lossy().replace('\'', "''");
    state
        .db
        .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await
        .map_err(|e| format!("Cannot copy the database: {e}."))?;
    let copy = Database::connect(format!("sqlite://{}?mode=rw", snapshot.display()))
        .await
        .map_err(|e| format!("Cannot open the database copy: {e}."))?;
    copy.execute_unprepared(LEFT_OUT)
        .await
        .map_err(|e| format!("Cannot prepare the database copy: {e}."))?;
    let schema = crate::db::newest_applied(&copy).await?;
    let files = stored::files(&copy).await?;
    copy.close()
        .await
        .map_err(|e| format!("Cannot close the database copy: {e}."))?;
    Ok(Snapshot {
        partial: snapshot,
        file: DATABASE,
        schema,
        files,
    })
}

/// Rows whose bytes a running server may delete at any moment (uploads in progress, files
/// staged for a message not sent): a backup leaves them out, and they are started again.
pub const LEFT_OUT: &str = "DELETE FROM uploads WHERE version_id IS NULL; DELETE FROM attachments WHERE message_id IS NULL;";

/// `pg_dump` of the snapshot that the listing of objects reads, so the two agree exactly.
async fn snapshot_postgres(state: &AppState, url: &str, dir: &Path) -> Result<Snapshot, String> {
    use sea_orm::{AccessMode, IsolationLevel, Statement, TransactionTrait};
    let failed = |e: sea_orm::DbErr| format!("Cannot read the database: {e}.");
    let txn = state
        .db
        .begin_with_config(
            Some(IsolationLevel::RepeatableRead),
            Some(AccessMode::ReadOnly),
        )
        .await
        .map_err(failed)?;
    let exported = txn
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_export_snapshot()",
        ))
        .await
        .map_err(failed)?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .ok_or("PostgreSQL did not export a snapshot.")?;
    let partial = dir.join(format!("{DUMP}.partial"));
    let dumped = pg_tool("pg_dump", url)?
        .arg("--format=custom")
        .arg("--no-owner")
        .arg(format!("--snapshot={exported}"))
        .arg("--file")
        .arg(&partial)
        .status()
        .await
        .map_err(|e| {
            format!(
                "Cannot run pg_dump ({e}): install PostgreSQL's client tools, of the server's \
                 major version or newer."
            )
        })?;
    if !dumped.success() {
        return Err("pg_dump failed; its message is above.".into());
    }
    let schema = crate::db::newest_applied(&txn).await?;
    let files = stored::files_kept(&txn).await?;
    txn.rollback().await.map_err(failed)?;
    Ok(Snapshot {
        partial,
        file: DUMP,
        schema,
        files,
    })
}

/// `pg_dump` or `pg_restore` for the database at `url`; the password goes in the environment,
/// not on a command line other accounts can read.
pub fn pg_tool(tool: &str, url: &str) -> Result<tokio::process::Command, String> {
    let mut url = url::Url::parse(url).map_err(|e| format!("DATABASE_URL: {e}."))?;
    let password = url.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = url.set_password(None);
    let mut command = tokio::process::Command::new(tool);
    command.arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    Ok(command)
}

/// Copies one stored object to `path` (via `path.partial`, synced, then renamed).
async fn copy_out(state: &AppState, key: &str, path: &Path) -> Result<Entry, String> {
    let failed = |e: &dyn std::fmt::Display| format!("Cannot copy the object {key}: {e}.");
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| failed(&e))?;
    }
    let partial = path.with_extension("partial");
    let mut file = tokio::fs::File::create(&partial)
        .await
        .map_err(|e| failed(&e))?;
    let mut stream = state
        .storage
        .reader_with(key)
        .chunk(4 * 1024 * 1024)
        .await
        .map_err(|e| failed(&e))?
        .into_bytes_stream(..)
        .await
        .map_err(|e| failed(&e))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    while let Some(bytes) = stream.try_next().await.map_err(|e| failed(&e))? {
        hasher.update(&bytes);
        size += bytes.len() as u64;
        file.write_all(&bytes).await.map_err(|e| failed(&e))?;
    }
    file.sync_all().await.map_err(|e| failed(&e))?;
    drop(file);
    durable_rename(&partial, path)?;
    Ok(Entry {
        key: key.into(),
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

/// The SHA-256 (hex) and length of a local file, read in pieces.
pub async fn file_sha256(path: &Path) -> Result<(String, u64), String> {
    use tokio::io::AsyncReadExt;
    let failed = |e: std::io::Error| format!("Cannot read {}: {e}.", path.display());
    let mut file = tokio::fs::File::open(path).await.map_err(failed)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buffer).await.map_err(failed)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    std::fs::File::create(path)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| format!("Cannot write {}: {e}.", path.display()))
}

/// Renames `from` to `to` and syncs the folder, so the new name survives a power cut.
pub fn durable_rename(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::rename(from, to)
        .and_then(|()| match to.parent() {
            Some(dir) => std::fs::File::open(dir)?.sync_all(),
            None => Ok(()),
        })
        .map_err(|e| format!("Cannot write {}: {e}.", to.display()))
}

/// A line on the terminal that says how far the copy is; nothing when the output is a file.
pub(crate) struct Progress {
    terminal: bool,
    objects: usize,
    bytes_total: u64,
    bytes_done: u64,
    copied: usize,
    skipped: usize,
}

impl Progress {
    pub(crate) fn new(wanted: &[(String, u64)]) -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            objects: wanted.len(),
            bytes_total: wanted.iter().map(|(_, s)| s).sum(),
            bytes_done: 0,
            copied: 0,
            skipped: 0,
        }
    }

    pub(crate) fn copied(&mut self, size: u64) {
        self.copied += 1;
        self.bytes_done += size;
        self.show();
    }

    fn skipped(&mut self, size: u64) {
        self.skipped += 1;
        self.bytes_done += size;
        self.show();
    }

    fn show(&self) {
        if self.terminal {
            eprint!(
                "\r  {} of {} objects, {} of {}   ",
                self.copied + self.skipped,
                self.objects,
                app::files::human_size(self.bytes_done),
                app::files::human_size(self.bytes_total)
            );
        }
    }

    pub(crate) fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}
