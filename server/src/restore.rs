//! `dossier restore --from DIR`: a backup into a new, empty data folder (and an empty bucket on
//! S3, an empty database on PostgreSQL), every byte checked against the manifest on the way.
//! The portal's key is not in the backup (a stolen backup must not open the authenticator
//! secrets), so it is given again. With DATABASE_URL on PostgreSQL and DOSSIER_STORAGE=s3 this
//! is also how a portal moves from SQLite and local disk to several nodes.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncReadExt;

use crate::{
    backup::{self, Manifest},
    config::{Config, StorageConfig},
    stored,
};

pub async fn restore(config: &Config, from: &Path, key_file: Option<&Path>) -> Result<(), String> {
    let manifest = Manifest::read(from)?;
    refuse_unless_empty(&config.data_dir)?;
    let database = sqlite_path(config);
    if let Some(database) = database.as_ref().filter(|d| d.exists()) {
        return Err(format!(
            "{} already exists: restore only into a new, empty place, so that nothing is \
             overwritten.",
            database.display()
        ));
    }
    let dump = manifest.database.key == backup::DUMP;
    if dump && database.is_some() {
        return Err(
            "This backup holds a PostgreSQL dump: restore it with DATABASE_URL naming an empty \
             PostgreSQL database."
                .into(),
        );
    }
    let key = key_hex(config, key_file)?;

    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "Cannot create the data folder {}: {e}.",
            config.data_dir.display()
        )
    })?;
    if let Some(hex) = key {
        write_key(&config.data_dir.join("secret.key"), &hex)?;
    }
    let source = from.join(&manifest.database.key);
    let (sha256, _) = backup::file_sha256(&source).await?;
    if sha256 != manifest.database.sha256 {
        return Err(format!(
            "The backup's database {} is damaged: its SHA-256 is not the manifest's. Use \
             another backup.",
            source.display()
        ));
    }
    let storage = crate::storage::open(&config.storage).await?;
    if matches!(config.storage, StorageConfig::S3 { .. })
        && !stored::objects(&storage).await?.is_empty()
    {
        return Err(
            "The bucket already holds documents: restore only into an empty bucket.".into(),
        );
    }
    match database {
        Some(database) => {
            let partial = database.with_extension("partial");
            copy_synced(&source, &partial)?;
            backup::durable_rename(&partial, &database)?;
        }
        None if dump => from_dump(config, &source).await?,
        None => into_postgres(config, &source).await?,
    }

    let wanted: Vec<(String, u64)> = manifest
        .objects
        .iter()
        .map(|e| (e.key.clone(), e.size))
        .collect();
    let mut progress = backup::Progress::new(&wanted);
    for entry in &manifest.objects {
        copy_in(&storage, &backup::object_path(from, &entry.key), entry).await?;
        progress.copied(entry.size);
    }
    progress.finish();

    // Opening brings the schema up to date and checks the key against the database.
    crate::open(config).await?;
    println!(
        "Restored {} objects ({}) and the database (schema {}, backed up {}) into {}. Start \
         the portal on it: `dossier`.",
        manifest.objects.len(),
        app::files::human_size(manifest.objects.iter().map(|e| e.size).sum()),
        manifest.schema,
        manifest.created_at,
        config.data_dir.display(),
    );
    Ok(())
}

fn refuse_unless_empty(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!(
            "Cannot read the data folder {}: {e}.",
            dir.display()
        )),
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(format!(
                "The data folder {} is not empty: restore only into a new, empty folder, so \
                 that nothing is overwritten.",
                dir.display()
            )),
        },
    }
}

/// The SQLite file `DATABASE_URL` names (by default `dossier.db` in the data folder); `None`
/// on PostgreSQL.
fn sqlite_path(config: &Config) -> Option<PathBuf> {
    let url = &config.database.url;
    config.database.is_sqlite().then(|| {
        PathBuf::from(
            url.trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:")
                .split('?')
                .next()
                .unwrap_or_default(),
        )
    })
}

fn copy_synced(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .and_then(|_| std::fs::File::open(to)?.sync_all())
        .map_err(|e| format!("Cannot copy the database to {}: {e}.", to.display()))
}

/// `pg_restore` of the backup's dump into an empty PostgreSQL database.
async fn from_dump(config: &Config, dump: &Path) -> Result<(), String> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let postgres = crate::db::connect(&config.database).await?;
    let tables = postgres
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
        ))
        .await
        .map_err(|e| format!("Cannot read the PostgreSQL database: {e}."))?
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or(0);
    if tables > 0 {
        return Err(
            "The PostgreSQL database already holds tables: restore only into an empty \
             database, so that nothing is overwritten."
                .into(),
        );
    }
    let restored = backup::pg_tool("pg_restore", &config.database.url)?
        .arg("--no-owner")
        .arg("--exit-on-error")
        .arg(dump)
        .status()
        .await
        .map_err(|e| {
            format!(
                "Cannot run pg_restore ({e}): install PostgreSQL's client tools, of the \
                 dump's major version or newer."
            )
        })?;
    if !restored.success() {
        return Err("pg_restore failed; its message is above.".into());
    }
    postgres
        .execute_unprepared(backup::LEFT_OUT)
        .await
        .map_err(|e| format!("Cannot prepare the restored database: {e}."))?;
    let _ = postgres.close().await;
    Ok(())
}

/// The backup's SQLite database, brought to this version's schema, copied row by row into the
/// (empty) PostgreSQL database.
async fn into_postgres(config: &Config, source: &Path) -> Result<(), String> {
    let scratch = config.data_dir.join("restoring.db");
    copy_synced(source, &scratch)?;
    let sqlite = crate::db::connect(&crate::config::DatabaseConfig {
        url: format!("sqlite://{}?mode=rw", scratch.display()),
        max_connections: 1,
    })
    .await?;
    crate::db::migrate(&sqlite).await?;
    let postgres = crate::db::connect(&config.database).await?;
    crate::db::migrate(&postgres).await?;
    crate::to_postgres::copy_rows(&sqlite, &postgres).await?;
    let _ = sqlite.close().await;
    let _ = postgres.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", scratch.display()));
    }
    Ok(())
}

/// The key to write into the data folder: from `--key-file`; none when DOSSIER_SECRET_KEY is set.
fn key_hex(config: &Config, key_file: Option<&Path>) -> Result<Option<String>, String> {
    match (key_file, &config.secret_key) {
        (None, Some(_)) => Ok(None),
        (Some(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("Cannot read the key file {}: {e}.", path.display()))?;
            app::secrets::parse_key_hex(&text).ok_or_else(|| {
                format!(
                    "The key file {} must hold 64 hexadecimal digits.",
                    path.display()
                )
            })?;
            Ok(Some(text.trim().to_string()))
        }
        (None, None) => Err(
            "Give the portal's key: --key-file with the secret.key of the old data folder, or \
             DOSSIER_SECRET_KEY. Backups never hold it, so that a stolen backup cannot open the \
             authenticator secrets."
                .into(),
        ),
    }
}

fn write_key(path: &Path, hex: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut f| {
            f.write_all(hex.as_bytes())?;
            f.sync_all()
        })
        .map_err(|e| format!("Cannot write the key file {}: {e}.", path.display()))
}

/// Streams one object from the backup into storage, refusing it if its digest is not the
/// manifest's.
async fn copy_in(
    storage: &opendal::Operator,
    path: &Path,
    entry: &backup::Entry,
) -> Result<(), String> {
    let failed =
        |e: &dyn std::fmt::Display| format!("Cannot restore the object {}: {e}.", entry.key);
    let mut file = tokio::fs::File::open(path).await.map_err(|e| failed(&e))?;
    let mut writer = storage
        .writer_with(&entry.key)
        .chunk(8 * 1024 * 1024)
        .await
        .map_err(|e| failed(&e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1024 * 1024];
    loop {
        let n = file.read(&mut buffer).await.map_err(|e| failed(&e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        writer
            .write(buffer[..n].to_vec())
            .await
            .map_err(|e| failed(&e))?;
    }
    if hex::encode(hasher.finalize()) != entry.sha256 {
        let _ = writer.abort().await;
        return Err(format!(
            "The object {} is damaged in the backup: its SHA-256 is not the manifest's. Use \
             another backup.",
            entry.key
        ));
    }
    writer.close().await.map_err(|e| failed(&e))?;
    Ok(())
}
