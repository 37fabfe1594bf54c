//! `dossier check`: is everything the database names stored, whole and unchanged? The database's
//! own integrity (SQLite `PRAGMA integrity_check`), every version's and attachment's objects
//! present with their sizes, each file's SHA-256 read again (all of them, or `--sample N`), and
//! objects that no row names, and every matter's access log chain (`activity::log::verify`).
//! Each problem is one line; any problem makes the exit non-zero.

use std::collections::HashSet;

use app::state::AppState;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::stored;

pub async fn check(state: &AppState, sample: Option<usize>) -> Result<(), String> {
    let mut problems: Vec<String> = Vec::new();
    problems.extend(database_integrity(&state.db).await?);
    problems.extend(
        app::activity::log::verify(&state.db)
            .await
            .map_err(|e| format!("Cannot read the access log: {e}."))?,
    );

    let files = stored::files(&state.db).await?;
    let in_progress = stored::uploads_in_progress(&state.db).await?;
    let objects = stored::objects(&state.storage).await?;
    let present: std::collections::HashMap<&str, u64> =
        objects.iter().map(|(k, s)| (k.as_str(), *s)).collect();

    // Which files to read through: all, or every n-th for a sample spread over the whole list.
    let to_hash: HashSet<usize> = match sample {
        Some(n) if n < files.len() => {
            let step = files.len() as f64 / n.max(1) as f64;
            (0..n).map(|i| (i as f64 * step) as usize).collect()
        }
        _ => (0..files.len()).collect(),
    };
    let mut named: HashSet<&str> = HashSet::new();
    let mut bytes_read = 0u64;
    for (i, file) in files.iter().enumerate() {
        let mut whole = true;
        for part in &file.parts {
            named.insert(part.key.as_str());
            match present.get(part.key.as_str()) {
                None => {
                    whole = false;
                    problems.push(format!(
                        "missing: {} (named by {}) is not in storage",
                        part.key, file.named_by
                    ));
                }
                Some(&size) if size != part.size => {
                    whole = false;
                    problems.push(format!(
                        "wrong size: {} is {size} bytes, {} says {}",
                        part.key, file.named_by, part.size
                    ));
                }
                Some(_) => {}
            }
        }
        let total: u64 = file.parts.iter().map(|p| p.size).sum();
        if total != file.size {
            whole = false;
            problems.push(format!(
                "wrong size: the parts of {} add up to {total} bytes, the row says {}",
                file.named_by, file.size
            ));
        }
        if whole && to_hash.contains(&i) {
            bytes_read += file.size;
            match stored::file_sha256(&state.storage, file).await {
                Ok(sha256) if sha256 == file.sha256 => {}
                Ok(sha256) => problems.push(format!(
                    "damaged: the bytes of {} have SHA-256 {sha256}, not {} (objects {})",
                    file.named_by,
                    file.sha256,
                    file.parts
                        .iter()
                        .map(|p| p.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Err(e) => problems.push(format!("unreadable: {e}")),
            }
        }
    }
    for (key, size) in &objects {
        let live_upload = app::files::blobs::blob_of(key).is_some_and(|b| in_progress.contains(b));
        if !named.contains(key.as_str()) && !live_upload {
            problems.push(format!(
                "orphan: {key} ({}) is named by no version, attachment or upload",
                app::files::human_size(*size)
            ));
        }
    }

    for problem in &problems {
        println!("{problem}");
    }
    if problems.is_empty() {
        println!(
            "All sound: every matter's access log is unbroken; {} files checked, {} of them \
             read through ({}), {} objects stored.",
            files.len(),
            to_hash.len(),
            app::files::human_size(bytes_read),
            objects.len()
        );
        Ok(())
    } else {
        Err(format!(
            "{} problem(s), listed above. Restore what is damaged or missing from a backup; an \
             orphan is safe to delete once no upload is running; a broken access log means \
             someone changed the database: compare it with a backup.",
            problems.len()
        ))
    }
}

/// SQLite's own check of every page and index; PostgreSQL checks its pages as it reads them.
async fn database_integrity(db: &sea_orm::DatabaseConnection) -> Result<Vec<String>, String> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(Vec::new());
    }
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .map_err(|e| format!("Cannot check the database: {e}."))?;
    let lines: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    Ok(if lines == ["ok"] {
        Vec::new()
    } else {
        lines
            .into_iter()
            .map(|l| format!("database: {l}"))
            .collect()
    })
}
