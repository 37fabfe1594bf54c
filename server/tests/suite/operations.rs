//! Running a portal: backup while it works, restore into an empty folder, `dossier check`
//! finding damage, a newer schema refused, metrics on their own address, request ids in the
//! logs, email at once, and two real processes on one PostgreSQL and one S3 acting as one.
//! Everything here is the real binary in its own process.

use crate::common;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use common::process::{Client, Env, Node, file_bytes, free_port};
use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use sha2::{Digest, Sha256};

const ADA: &str = "ada@firm.example";
const PASSWORD: &str = common::PASSWORD;

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn sqlite(path: &Path) -> sea_orm::DatabaseConnection {
    Database::connect(format!("sqlite://{}?mode=rw", path.display()))
        .await
        .expect("open the SQLite file")
}

async fn scalar(db: &impl ConnectionTrait, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a number")
}

async fn create_matter(ada: &Client, number: &str) -> String {
    let matter: app::matters::MatterSummary = ada
        .call_ok(
            "/api/matters/create",
            &[("number", number), ("name", "Operations")],
        )
        .await;
    matter.id.to_string()
}

/// Grace, a client with an email address, on the matter; her id.
async fn add_client(ada: &Client, matter: &str) -> String {
    let grace: app::people::Person = ada
        .call_ok(
            "/api/people/add",
            &[
                ("display_name", "Grace Hopper"),
                ("email", "grace@client.example"),
                ("role", "client"),
            ],
        )
        .await;
    let _: serde_json::Value = ada
        .call_ok(
            "/api/matters/people/add",
            &[
                ("id", matter),
                ("email", "grace@client.example"),
                ("role", "client"),
            ],
        )
        .await;
    grace.id.to_string()
}

/// What a test portal holds before a backup: a matter, files with their SHA-256, and a
/// conversation with Grace whose first message carries the second file.
struct Filled {
    files: Vec<(String, String)>,
    conversation: String,
}

const FILLED_MESSAGE: &str = "Nothing changes for you.";

async fn fill(ada: &Client, number: &str, sizes: &[usize]) -> Filled {
    let matter = create_matter(ada, number).await;
    let mut files = Vec::new();
    for (i, len) in sizes.iter().enumerate() {
        let bytes = file_bytes(*len, i as u8);
        let id = ada.upload(&matter, &format!("f{i}.bin"), &bytes).await;
        files.push((id, sha256(&bytes)));
    }
    let grace = add_client(ada, &matter).await;
    let conversation: uuid::Uuid = ada
        .call_ok(
            "/api/conversations/create",
            &[
                ("matter_id", &matter),
                ("subject", "Moving"),
                ("body", FILLED_MESSAGE),
                ("participants[0]", &grace),
                ("documents[0]", &files[1].0),
            ],
        )
        .await;
    Filled {
        files,
        conversation: conversation.to_string(),
    }
}

/// Every file and the message of `fill`, as they were.
async fn still_there(ada: &Client, filled: &Filled) {
    for (id, expected) in &filled.files {
        assert_eq!(&sha256(&ada.download(id).await), expected);
    }
    let view: app::conversations::ConversationView = ada
        .call_ok("/api/conversations/get", &[("id", &filled.conversation)])
        .await;
    assert_eq!(view.messages[0].body, FILLED_MESSAGE);
    assert_eq!(view.messages[0].attachments.len(), 1);
}

/// A portal started on a restore serves every file and message of `fill`, and `dossier check`
/// finds nothing wrong.
async fn serves_what_it_held(env: &Env, log: &Path, filled: &Filled) {
    let node = Node::start(env, log);
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    still_there(&ada, filled).await;
    let checked = env.run(&["check"]);
    assert!(
        checked.status.success(),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );
}

/// Every object file under a local-disk storage root.
fn object_files(files: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for blob in std::fs::read_dir(files.join("blobs")).expect("blobs") {
        for part in std::fs::read_dir(blob.expect("blob").path()).expect("parts") {
            found.push(part.expect("part").path());
        }
    }
    found.sort();
    found
}

fn key_of(files: &Path, object: &Path) -> String {
    object
        .strip_prefix(files)
        .expect("under the root")
        .display()
        .to_string()
}

#[tokio::test]
async fn a_backup_taken_during_uploads_restores_every_row_and_byte_and_check_finds_damage() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let env = Env::data_dir(&data);
    env.create_admin(ADA, PASSWORD);
    let node = Node::start(&env, &dir.path().join("a.log"));
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    let matter = create_matter(&ada, "B-1").await;
    let mut before = Vec::new();
    for i in 0..5u8 {
        let bytes = file_bytes(200_000 + usize::from(i) * 7_919, i);
        let id = ada
            .upload(&matter, &format!("before-{i}.bin"), &bytes)
            .await;
        before.push((id, sha256(&bytes)));
    }
    let grace = add_client(&ada, &matter).await;
    let conversation: uuid::Uuid = ada
        .call_ok(
            "/api/conversations/create",
            &[
                ("matter_id", &matter),
                ("subject", "Plan"),
                ("body", "The draft claim"),
                ("participants[0]", &grace),
                ("documents[0]", &before[0].0),
            ],
        )
        .await;
    // An upload left half sent: a backup leaves it out, and nothing it wrote breaks the check.
    let half = ada.start_upload(&matter, "half.bin", 100_000).await;
    assert_eq!(
        ada.patch(&half, 0, &file_bytes(50_000, 9)).await.status(),
        204
    );

    // Uploads keep arriving while the backup runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let uploader = {
        let (ada, matter, stop) = (ada.clone(), matter.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let bytes = file_bytes(150_000, n as u8);
                ada.upload(&matter, &format!("during-{n}.bin"), &bytes)
                    .await;
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let backups = dir.path().join("backups");
    let backed_up = {
        let (env, to) = (env.clone(), backups.display().to_string());
        tokio::task::spawn_blocking(move || env.run(&["backup", "--to", &to]))
            .await
            .expect("backup ran")
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let during = uploader.await.expect("uploader");
    assert!(backed_up.status.success(), "{}", text(&backed_up.stderr));
    assert!(during > 0, "uploads ran beside the backup");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backups.join("manifest.json")).expect("manifest"))
            .expect("manifest json");
    for object in manifest["objects"].as_array().expect("objects") {
        let key = object["key"].as_str().expect("key");
        let bytes = std::fs::read(backups.join("objects").join(key)).expect("object in backup");
        assert_eq!(object["sha256"], sha256(&bytes), "{key}");
        assert_eq!(object["size"], bytes.len(), "{key}");
    }

    // Restoring refuses a folder in use, and needs the key, which the backup does not hold.
    let from = backups.display().to_string();
    let key_file = data.join("secret.key").display().to_string();
    let refused = env.run(&["restore", "--from", &from, "--key-file", &key_file]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("is not empty"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!backups.join("secret.key").exists());
    let restored_dir = dir.path().join("restored");
    let restored_env = Env::data_dir(&restored_dir);
    let keyless = restored_env.run(&["restore", "--from", &from]);
    assert!(!keyless.status.success());
    assert!(
        text(&keyless.stderr).contains("key"),
        "{}",
        text(&keyless.stderr)
    );
    std::fs::remove_dir_all(&restored_dir).ok();
    let restored = restored_env.run(&["restore", "--from", &from, "--key-file", &key_file]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));

    // Every restored row is the original row, unchanged; rows the uploads did not touch are
    // all there.
    let original = sqlite(&data.join("dossier.db")).await;
    original
        .execute_unprepared(&format!(
            "ATTACH DATABASE '{}' AS restored",
            restored_dir.join("dossier.db").display()
        ))
        .await
        .expect("attach");
    for table in [
        "users",
        "matters",
        "matter_people",
        "folders",
        "documents",
        "document_versions",
        "conversations",
        "conversation_participants",
        "messages",
        "attachments",
        "shares",
        "firm_settings",
    ] {
        let changed = scalar(
            &original,
            &format!("SELECT count(*) FROM (SELECT * FROM restored.{table} EXCEPT SELECT * FROM main.{table})"),
        )
        .await;
        assert_eq!(changed, 0, "{table}: every restored row is an original row");
    }
    for table in [
        "users",
        "matters",
        "conversations",
        "messages",
        "attachments",
    ] {
        let missing = scalar(
            &original,
            &format!("SELECT count(*) FROM (SELECT * FROM main.{table} EXCEPT SELECT * FROM restored.{table})"),
        )
        .await;
        assert_eq!(missing, 0, "{table}: every original row was restored");
    }
    let versions = scalar(&original, "SELECT count(*) FROM restored.document_versions").await;
    assert!(versions >= 5, "the files from before the backup, at least");
    assert_eq!(
        scalar(
            &original,
            "SELECT count(*) FROM restored.uploads WHERE version_id IS NULL"
        )
        .await,
        0,
        "the half-sent upload is left out"
    );

    // The restored portal serves every version with its SHA-256.
    let restored_node = Node::start(&restored_env, &dir.path().join("r.log"));
    let ada_again = Client::sign_in(&restored_node.base, ADA, PASSWORD).await;
    let rows = original
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT document_id, sha256 FROM restored.document_versions",
        ))
        .await
        .expect("versions");
    for row in rows {
        let document: uuid::Uuid = row.try_get_by_index(0).expect("document");
        let expected: String = row.try_get_by_index(1).expect("sha256");
        let bytes = ada_again.download(&document.to_string()).await;
        assert_eq!(sha256(&bytes), expected);
    }
    for (id, expected) in &before {
        assert_eq!(&sha256(&ada_again.download(id).await), expected);
    }
    let _ = conversation;

    // `dossier check` passes on the restore, and names each kind of damage.
    let checked = restored_env.run(&["check"]);
    assert!(
        checked.status.success(),
        "{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );
    assert!(text(&checked.stdout).contains("All sound"));
    let files = restored_dir.join("files");
    let objects = object_files(&files);
    let victim = &objects[0];
    let key = key_of(&files, victim);
    let good = std::fs::read(victim).expect("object");
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x01;
    std::fs::write(victim, &flipped).expect("flip one byte");
    let damaged = restored_env.run(&["check"]);
    assert!(!damaged.status.success());
    let report = text(&damaged.stdout);
    assert!(
        report.contains("damaged:") && report.contains(&key),
        "{report}"
    );
    let sampled = restored_env.run(&["check", "--sample", "1000"]);
    assert!(
        !sampled.status.success(),
        "a sample larger than the files reads them all"
    );
    std::fs::remove_file(victim).expect("delete one object");
    let missing = restored_env.run(&["check"]);
    assert!(!missing.status.success());
    let report = text(&missing.stdout);
    assert!(report.contains(&format!("missing: {key}")), "{report}");
    std::fs::write(victim, &good).expect("put it back");
    let orphan = files.join("blobs/nobody/orphan");
    std::fs::create_dir_all(orphan.parent().expect("folder")).expect("folder");
    std::fs::write(&orphan, b"left behind").expect("orphan");
    let orphaned = restored_env.run(&["check"]);
    assert!(!orphaned.status.success());
    let report = text(&orphaned.stdout);
    assert!(report.contains("orphan: blobs/nobody/orphan"), "{report}");
    std::fs::remove_file(&orphan).expect("remove the orphan");
    assert!(restored_env.run(&["check"]).status.success());

    // Incremental: a second backup copies only what is new; a third copies nothing.
    let again = env.run(&["backup", "--to", &from]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let third = env.run(&["backup", "--to", &from]);
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert!(
        text(&third.stdout).contains(": 0 copied"),
        "{}",
        text(&third.stdout)
    );
    drop(node);
}

#[tokio::test]
async fn an_older_binary_refuses_a_database_a_newer_one_migrated() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let env = Env::data_dir(&data);
    assert!(env.run(&["migrate"]).status.success());
    let db = sqlite(&data.join("dossier.db")).await;
    db.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m20991231_000001_future', 0)",
    )
    .await
    .expect("a newer migration");
    db.close().await.expect("close");
    for args in [&["migrate"][..], &["check"][..]] {
        let refused = env.run(args);
        assert!(!refused.status.success());
        let said = text(&refused.stderr);
        assert!(
            said.contains("m20991231_000001_future")
                && said.contains(&dossier::db::schema_version())
                && said.contains(env!("CARGO_PKG_VERSION")),
            "{said}"
        );
    }
}

#[tokio::test]
async fn metrics_are_served_on_their_own_address_and_every_log_line_of_a_request_has_its_id() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let env = Env::data_dir(&dir.path().join("data"));
    let same = env
        .clone()
        .with("DOSSIER_LISTEN", "127.0.0.1:3999")
        .with("DOSSIER_METRICS_LISTEN", "127.0.0.1:3999")
        .run(&["migrate"]);
    assert!(!same.status.success());
    assert!(
        text(&same.stderr).contains("DOSSIER_METRICS_LISTEN"),
        "{}",
        text(&same.stderr)
    );

    env.create_admin(ADA, PASSWORD);
    let metrics_port = free_port();
    let node = Node::start(
        &env.clone()
            .with(
                "DOSSIER_METRICS_LISTEN",
                format!("127.0.0.1:{metrics_port}"),
            )
            .with("DOSSIER_LOG_FORMAT", "json"),
        &dir.path().join("node.log"),
    );
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    let matter = create_matter(&ada, "M-1").await;
    ada.upload(&matter, "counted.bin", &file_bytes(70_000, 3))
        .await;
    let http = reqwest::Client::new();
    let wrong = ada
        .req(reqwest::Method::POST, "/api/matters/get")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("id=not-an-id")
        .send()
        .await
        .expect("a bad request");
    let request_id = wrong.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_string();
    assert!(!request_id.is_empty());
    assert_eq!(
        http.get(format!("{}/metrics", node.base))
            .send()
            .await
            .expect("public port")
            .status(),
        404,
        "never on the public port"
    );
    let scraped = http
        .get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(scraped.status(), 200);
    let body = scraped.text().await.expect("text");
    for series in [
        "dossier_http_requests_total{",
        "route=\"/api/matters/create\"",
        "dossier_http_request_duration_seconds_bucket{",
        "dossier_uploads_in_progress",
        "dossier_upload_bytes_total 70000",
        "dossier_live_streams_open 0",
        "dossier_outbox_pending",
        "dossier_db_pool_connections{state=\"in_use\"}",
    ] {
        assert!(body.contains(series), "{series} in\n{body}");
    }

    // Every JSON line logged inside a request carries the id the response sent.
    let log = node.log_text();
    let mut of_this_request = 0;
    for line in log.lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else {
            panic!("a log line that is not JSON: {line}");
        };
        if let Some(span) = entry.get("span").filter(|s| s["name"] == "request") {
            assert!(
                span["id"].as_str().is_some_and(|id| !id.is_empty()),
                "{line}"
            );
            if span["id"] == request_id.as_str() {
                of_this_request += 1;
            }
        }
    }
    assert!(of_this_request >= 1, "a line for the request: {log}");
}

/// PostgreSQL on loopback, a new empty database on it, and its URL.
async fn new_postgres_database() -> String {
    let name = format!("dossier_ops_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(common::postgres_admin_url())
        .await
        .expect("PostgreSQL must be running for the tests");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");
    let mut url = url::Url::parse(&common::postgres_admin_url()).expect("url");
    url.set_path(&name);
    url.to_string()
}

#[tokio::test]
async fn two_processes_on_one_postgresql_and_one_s3_act_as_one_portal() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let s3 = common::s3::S3Server::start();
    let smtp = common::outside::SmtpSink::start().await;
    let shared = postgres_and_s3(&s3)
        .await
        .with("DOSSIER_SECRET_KEY", app::secrets::new_key_hex())
        .with("DOSSIER_SMTP_URL", smtp.url());
    let env_a = shared
        .clone()
        .with("DOSSIER_DATA_DIR", dir.path().join("a").display());
    let env_b = shared
        .clone()
        .with("DOSSIER_DATA_DIR", dir.path().join("b").display());
    env_a.create_admin(ADA, PASSWORD);
    let a = Node::start(&env_a, &dir.path().join("a.log"));
    let b = Node::start(&env_b, &dir.path().join("b.log"));

    // A session made on A works on B.
    let on_a = Client::sign_in(&a.base, ADA, PASSWORD).await;
    let on_b = on_a.to(&b.base);
    let me: Option<app::accounts::api::SignedIn> = on_b.call_ok("/api/accounts/me", &[]).await;
    assert_eq!(me.expect("signed in on B").display_name, "Ada");

    // An upload started on A resumes on B, and the file is whole.
    let matter = create_matter(&on_a, "N-1").await;
    let file = file_bytes(9_000_000, 7);
    let url = on_a
        .start_upload(&matter, "two-nodes.bin", file.len())
        .await;
    assert_eq!(on_a.patch(&url, 0, &file[..3_000_000]).await.status(), 204);
    assert_eq!(on_b.offset(&url).await, 3_000_000);
    let finished = on_b.patch(&url, 3_000_000, &file[3_000_000..]).await;
    assert_eq!(finished.status(), 204);
    let document = finished.headers()["dossier-document"]
        .to_str()
        .expect("id")
        .to_string();
    assert_eq!(sha256(&on_a.download(&document).await), sha256(&file));

    // A client with an email address, on the matter.
    let grace_id = add_client(&on_a, &matter).await;

    // A message posted on A reaches a live stream open on B.
    let mut events = on_b
        .req(reqwest::Method::GET, &format!("/events?matter={matter}"))
        .send()
        .await
        .expect("events on B")
        .bytes_stream();
    let posted_at = Instant::now();
    let conversation: uuid::Uuid = on_a
        .call_ok(
            "/api/conversations/create",
            &[
                ("matter_id", &matter),
                ("subject", "Lease"),
                ("body", "The draft is ready."),
                ("participants[0]", &grace_id),
            ],
        )
        .await;
    let heard = tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen = String::new();
        while let Some(Ok(chunk)) = events.next().await {
            seen.push_str(&text(&chunk));
            if seen.contains("change") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(heard, Ok(true), "B's stream heard A's message");

    // The email goes out at once: within the grace an open page has to read it first, not at
    // the next sweep (15 s later); and once.
    let to_grace = || {
        smtp.received()
            .iter()
            .filter(|m| m.to == ["grace@client.example"])
            .count()
    };
    let grace = app::conversations::notices::GRACE
        .to_std()
        .expect("a duration");
    while to_grace() == 0 {
        assert!(
            posted_at.elapsed() < grace + Duration::from_secs(5),
            "the notification was not sent at once"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // More messages, from both nodes at once; then long enough for both nodes' sweeps.
    let conversation = conversation.to_string();
    for (i, node) in [&on_a, &on_b, &on_a, &on_b].into_iter().enumerate() {
        let body = format!("Message {i}");
        let _: serde_json::Value = node
            .call_ok(
                "/api/conversations/post",
                &[("id", &conversation), ("body", &body)],
            )
            .await;
    }
    // They gather into one email, minutes after the first (`notices::GATHER`): brought
    // forward here, it goes once, from one node, with all four.
    tokio::time::sleep(Duration::from_secs(17)).await;
    assert_eq!(to_grace(), 1, "the later ones wait, and nothing goes twice");
    let url = shared
        .0
        .iter()
        .find(|(name, _)| name == "DATABASE_URL")
        .map(|(_, url)| url.clone())
        .expect("a database");
    let db = sea_orm::Database::connect(url).await.expect("PostgreSQL");
    db.execute_unprepared(
        "UPDATE outbox SET next_attempt_at = now() WHERE sent_at IS NULL AND batch_key LIKE 'messages:%'",
    )
    .await
    .expect("time passes");
    tokio::time::sleep(Duration::from_secs(17)).await;
    let mails: Vec<String> = smtp
        .received()
        .iter()
        .filter(|m| m.to == ["grace@client.example"])
        .map(|m| m.text())
        .collect();
    assert_eq!(
        mails.len(),
        2,
        "one email for four messages, not one per node"
    );
    assert!(
        (0..4).all(|i| mails[1].contains(&format!("Message {i}"))),
        "{}",
        mails[1]
    );
    drop((a, b));
}

/// The environment of a portal on PostgreSQL (a new database) and S3 (a new bucket).
async fn postgres_and_s3(s3: &common::s3::S3Server) -> Env {
    let bucket = format!("ops-{}", uuid::Uuid::new_v4().simple());
    s3.bucket(&bucket).await;
    Env::default()
        .with("DATABASE_URL", new_postgres_database().await)
        .with("DOSSIER_STORAGE", "s3")
        .with("DOSSIER_S3_ENDPOINT", &s3.endpoint)
        .with("DOSSIER_S3_BUCKET", &bucket)
        .with("DOSSIER_S3_ACCESS_KEY_ID", "test")
        .with("DOSSIER_S3_SECRET_ACCESS_KEY", "test")
}

/// README's steps for moving: back up the SQLite portal, restore the backup with DATABASE_URL
/// on PostgreSQL and DOSSIER_STORAGE=s3, start the new servers.
#[tokio::test]
async fn a_portal_moves_from_sqlite_and_disk_to_postgresql_and_s3_by_backup_and_restore() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let old_data = dir.path().join("old");
    let old = Env::data_dir(&old_data);
    old.create_admin(ADA, PASSWORD);
    let node = Node::start(&old, &dir.path().join("old.log"));
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    // One file larger than a storage write chunk, so it is stored in pieces.
    let filled = fill(&ada, "S-1", &[10_000, 9_500_000, 1]).await;
    let backups = dir.path().join("backups");
    let backed_up = old.run(&["backup", "--to", &backups.display().to_string()]);
    assert!(backed_up.status.success(), "{}", text(&backed_up.stderr));
    drop(node);

    let s3 = common::s3::S3Server::start();
    let new = postgres_and_s3(&s3)
        .await
        .with("DOSSIER_DATA_DIR", dir.path().join("new").display());
    let args = [
        "restore",
        "--from",
        &backups.display().to_string(),
        "--key-file",
        &old_data.join("secret.key").display().to_string(),
    ];
    let restored = new.run(&args);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    let again = new.run(&args);
    assert!(!again.status.success(), "never over a restored portal");

    serves_what_it_held(&new, &dir.path().join("new.log"), &filled).await;
}

/// On PostgreSQL the backup is `pg_dump` of the snapshot the object listing reads; it restores
/// into an empty database and bucket, and never into SQLite.
#[tokio::test]
async fn a_postgresql_portal_is_backed_up_with_pg_dump_and_restored_into_an_empty_database() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let s3 = common::s3::S3Server::start();
    let key = app::secrets::new_key_hex();
    let old = postgres_and_s3(&s3)
        .await
        .with("DOSSIER_SECRET_KEY", &key)
        .with("DOSSIER_DATA_DIR", dir.path().join("old").display());
    old.create_admin(ADA, PASSWORD);
    let node = Node::start(&old, &dir.path().join("old.log"));
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    let filled = fill(&ada, "P-1", &[50_000, 100_000, 150_000]).await;
    let backups = dir.path().join("backups").display().to_string();
    let backed_up = old.run(&["backup", "--to", &backups]);
    assert!(backed_up.status.success(), "{}", text(&backed_up.stderr));
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(&backups).join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    assert_eq!(manifest["database"]["key"], "dossier.pgdump");
    drop(node);

    let into_sqlite = Env::data_dir(&dir.path().join("sqlite"))
        .with("DOSSIER_SECRET_KEY", &key)
        .run(&["restore", "--from", &backups]);
    assert!(!into_sqlite.status.success());
    assert!(
        text(&into_sqlite.stderr).contains("PostgreSQL dump"),
        "{}",
        text(&into_sqlite.stderr)
    );
    let new = postgres_and_s3(&s3)
        .await
        .with("DOSSIER_SECRET_KEY", &key)
        .with("DOSSIER_DATA_DIR", dir.path().join("new").display());
    let restored = new.run(&["restore", "--from", &backups]);
    assert!(restored.status.success(), "{}", text(&restored.stderr));
    serves_what_it_held(&new, &dir.path().join("new.log"), &filled).await;
}

/// How many objects storage holds under `blobs/`.
async fn stored_objects(state: &app::state::AppState) -> usize {
    dossier::stored::objects(&state.storage)
        .await
        .expect("list")
        .len()
}

async fn retention(ada: &mut common::Browser<'_>, matter: &str, day: &str) -> common::Reply {
    ada.call("/api/matters/retention", &[("id", matter), ("until", day)])
        .await
}

async fn set_open(
    ada: &mut common::Browser<'_>,
    matter: &str,
    open: &str,
) -> app::matters::MatterDetails {
    let reply = ada
        .call("/api/matters/status", &[("id", matter), ("open", open)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("details")
}

async fn retention_on(backend: common::Backend) {
    // The cause of an internal error is only in the log.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    use common::world::{self, World};
    let world = World::start(backend).await;
    let state = &world.portal.state;
    let mut ada = world.browser("ada@firm.example").await;
    let matter = world.matter.clone();
    let document = |reply: common::Reply| {
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.header("dossier-document").to_string()
    };
    let kept = document(world::upload(&world, &ada, "kept.pdf", b"kept", "files").await);
    let trashed = document(world::upload(&world, &ada, "trashed.pdf", b"trashed", "files").await);
    let sent = document(world::upload(&world, &ada, "sent.pdf", b"sent copy", "files").await);
    let folder: app::files::FolderEntry = serde_json::from_slice(
        &ada.call(
            "/api/files/folders/create",
            &[("matter_id", &matter), ("name", "Old drafts")],
        )
        .await
        .body,
    )
    .expect("folder");
    let folder = folder.id.to_string();
    document(
        world::upload_into(
            &world,
            &ada,
            Some(&folder),
            "draft.pdf",
            b"in the folder",
            "files",
        )
        .await,
    );
    let created = world::create(
        &mut ada,
        &world,
        &[&world.sam],
        &[
            ("subject", "Sent"),
            ("body", "A copy"),
            ("internal", "true"),
            ("documents[0]", &sent),
        ],
    )
    .await;
    let conversation = world::id_of(&created);
    for (kind, id) in [
        ("document", &trashed),
        ("document", &sent),
        ("folder", &folder),
    ] {
        let reply = ada
            .call(
                "/api/files/trash",
                &[("matter_id", &matter), ("kind", kind), ("id", id)],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    let objects_before = stored_objects(state).await;

    // A legal hold: nothing is deleted however old the trash is. A contact cannot lift it.
    let held = ada
        .call("/api/matters/hold", &[("id", &matter), ("on", "true")])
        .await;
    assert_eq!(held.status, 200, "{}", held.text());
    let details: app::matters::MatterDetails = serde_json::from_slice(&held.body).expect("details");
    assert!(details.legal_hold);
    let mut grace = world.browser(common::world::GRACE).await;
    let refused = grace
        .call("/api/matters/hold", &[("id", &matter), ("on", "false")])
        .await;
    assert_eq!(refused.status, 403, "only the firm places or lifts a hold");
    let db = &state.db;
    let month_ago = if backend == common::Backend::Sqlite {
        "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-31 days')"
    } else {
        "now() - interval '31 days'"
    };
    for table in ["documents", "folders"] {
        db.execute_unprepared(&format!(
            "UPDATE {table} SET trashed_at = {month_ago} WHERE trashed_at IS NOT NULL"
        ))
        .await
        .expect("age the trash");
    }
    let purged = app::files::clean_up::purge(state).await.expect("purge");
    assert_eq!(
        purged,
        app::files::clean_up::Purged::default(),
        "the hold keeps everything"
    );
    assert_eq!(stored_objects(state).await, objects_before);

    // Lifted: the trash older than the firm's 30 days goes, once, though two nodes run the
    // clean-up at once; bytes a sent copy still names stay.
    let lifted = ada
        .call("/api/matters/hold", &[("id", &matter), ("on", "false")])
        .await;
    assert_eq!(lifted.status, 200, "{}", lifted.text());
    let other_node = dossier::open(&world.portal.config)
        .await
        .expect("second node");
    let (one, two) = tokio::join!(
        app::files::clean_up::purge(state),
        app::files::clean_up::purge(&other_node)
    );
    let (one, two) = (one.expect("purge"), two.expect("purge"));
    assert_eq!(
        one.trashed_items + two.trashed_items,
        3,
        "two files and a folder"
    );
    assert_eq!(
        common::audit_count(&world.portal, "files.trash_emptied").await,
        3
    );
    assert_eq!(
        stored_objects(state).await,
        objects_before - 2,
        "the trashed file's and the folder's file's bytes"
    );
    assert_eq!(
        world::fetch(&world, &ada, &format!("/files/{kept}/download"))
            .await
            .status,
        200
    );
    assert_eq!(
        world::fetch(&world, &ada, &format!("/files/{trashed}/download"))
            .await
            .status,
        404
    );
    let view = ada
        .call("/api/conversations/get", &[("id", &conversation)])
        .await;
    let view: app::conversations::ConversationView =
        serde_json::from_slice(&view.body).expect("conversation");
    let copy = view.messages[0].attachments[0].id.to_string();
    let copy = world::fetch(&world, &ada, &format!("/attachments/{copy}/download")).await;
    assert_eq!(copy.status, 200);
    assert_eq!(
        &copy.body[..],
        b"sent copy",
        "the sent copy outlives its file"
    );
    assert_eq!(
        dossier::check::check(state, None).await,
        Ok(()),
        "nothing orphaned"
    );

    // An upload nobody finished: a day later, two nodes' clean-ups abandon it once, bytes and all.
    let started = world
        .portal
        .send(world::upload_request(
            &world, &ada, None, "left.bin", 1000, &[7; 400], "files",
        ))
        .await;
    assert_eq!(started.status, 201, "{}", started.text());
    let objects = stored_objects(state).await;
    db.execute_unprepared(&format!(
        "UPDATE uploads SET updated_at = {} WHERE received < length",
        if backend == common::Backend::Sqlite {
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-25 hours')"
        } else {
            "now() - interval '25 hours'"
        }
    ))
    .await
    .expect("a day passes");
    let (one, two) = tokio::join!(
        app::files::clean_up::clean_up(state),
        app::files::clean_up::clean_up(&other_node)
    );
    assert_eq!(one.expect("clean-up") + two.expect("clean-up"), 1);
    assert_eq!(stored_objects(state).await, objects - 1);

    // The firm's days: a setting with its range.
    let refused = ada
        .call(
            "/api/settings/save",
            &[
                ("idle_timeout_minutes", "30"),
                ("session_lifetime_hours", "12"),
                ("step_up_window_hours", "12"),
                ("trash_retention_days", "0"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text());

    // A retention date: only on a closed matter, only in the future; reopening clears it.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    let open = retention(&mut ada, &matter, &tomorrow).await;
    assert_eq!(open.status, 400);
    assert!(
        open.text().contains("Close the matter first"),
        "{}",
        open.text()
    );
    set_open(&mut ada, &matter, "false").await;
    assert_eq!(
        retention(&mut ada, &matter, &today).await.status,
        400,
        "not today or earlier"
    );
    assert_eq!(retention(&mut ada, &matter, "31/12/2030").await.status, 400);
    let dated = retention(&mut ada, &matter, &tomorrow).await;
    assert_eq!(dated.status, 200, "{}", dated.text());
    assert_eq!(
        set_open(&mut ada, &matter, "true").await.retain_until,
        None,
        "reopening clears the date"
    );
    set_open(&mut ada, &matter, "false").await;
    assert_eq!(retention(&mut ada, &matter, &tomorrow).await.status, 200);
    db.execute_unprepared(if backend == common::Backend::Sqlite {
        "UPDATE matters SET retain_until = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-1 minutes')"
    } else {
        "UPDATE matters SET retain_until = now() - interval '1 minute'"
    })
    .await
    .expect("the day has come");
    assert_eq!(
        ada.call("/api/matters/hold", &[("id", &matter), ("on", "true")])
            .await
            .status,
        200
    );
    assert_eq!(
        app::files::clean_up::purge(state)
            .await
            .expect("purge")
            .matters,
        0
    );
    assert_eq!(
        ada.call("/api/matters/hold", &[("id", &matter), ("on", "false")])
            .await
            .status,
        200
    );
    let purged = app::files::clean_up::purge(state).await.expect("purge");
    assert_eq!(purged.matters, 1);
    assert_eq!(
        stored_objects(state).await,
        0,
        "every byte of the matter went with it"
    );
    assert_eq!(
        ada.call("/api/matters/get", &[("id", &matter)])
            .await
            .status,
        404
    );
    assert_eq!(
        common::audit_count(&world.portal, "matters.deleted").await,
        1
    );
}

#[tokio::test]
async fn the_trash_and_closed_matters_are_deleted_on_time_unless_a_legal_hold_stands_sqlite() {
    retention_on(common::Backend::Sqlite).await;
}

#[tokio::test]
async fn the_trash_and_closed_matters_are_deleted_on_time_unless_a_legal_hold_stands_postgres() {
    retention_on(common::Backend::Postgres).await;
}

/// Delivery is woken only once the message it is to send is committed: woken earlier, it looks,
/// finds nothing and leaves the message to the next sweep (11.5 s measured before the fix).
#[tokio::test]
async fn delivery_is_woken_only_once_the_queued_message_is_committed() {
    use app::outbox::{self, Outgoing};
    use sea_orm::{EntityTrait, PaginatorTrait};
    for backend in common::BACKENDS {
        let portal = common::TestPortal::start(backend).await;
        let db = portal.state.db.clone();
        let delivery = tokio::spawn(async move {
            outbox::WAKE.notified().await;
            // What the delivery task reads when woken, on a connection of its own.
            app::entities::outbox_message::Entity::find()
                .count(&db)
                .await
                .expect("count")
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        let txn = app::db::begin_write(&portal.state.db).await.expect("begin");
        outbox::enqueue(
            &txn,
            Outgoing::Email {
                to: "grace@client.example".into(),
                subject: "Subject".into(),
                body: "Body".into(),
            },
        )
        .await
        .expect("queued");
        // A transaction that goes on a moment after queueing, as most do.
        tokio::time::sleep(Duration::from_millis(300)).await;
        outbox::commit_and_send(txn).await.expect("committed");
        let seen = tokio::time::timeout(Duration::from_secs(5), delivery)
            .await
            .expect("woken")
            .expect("task");
        assert_eq!(seen, 1, "{backend:?}: woken before the commit");
        portal.finish().await;
    }
}

/// The ten-minute clean-up deletes what a write a crash cut off left in the scratch folder, and
/// leaves a file a live write is still filling.
#[tokio::test]
async fn the_clean_up_deletes_scratch_files_no_write_has_touched_for_ten_minutes() {
    let portal = common::TestPortal::start(common::Backend::Sqlite).await;
    let scratch = portal.config.data_dir.join("files/.incoming");
    let (cut_off, live) = (scratch.join("cut-off"), scratch.join("live"));
    std::fs::write(&cut_off, vec![0u8; 1000]).expect("scratch file");
    std::fs::write(&live, b"still arriving").expect("scratch file");
    std::fs::File::options()
        .write(true)
        .open(&cut_off)
        .and_then(|f| f.set_modified(std::time::SystemTime::now() - Duration::from_secs(11 * 60)))
        .expect("age it");
    let freed =
        app::files::blobs::clean_scratch(&portal.state.storage, app::files::clean_up::SCRATCH_IDLE)
            .await
            .expect("clean");
    assert_eq!(freed, 1000);
    assert!(!cut_off.exists(), "the cut-off write's file is gone");
    assert!(live.exists(), "the live write's file stays");
    portal.finish().await;
}

/// The value of an unlabelled counter in a Prometheus scrape (0 if it is not there yet).
fn counter(scrape: &str, name: &str) -> u64 {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

/// A live stream, read until it says `change`.
async fn hears_a_change(stream: reqwest::Response) {
    let mut bytes = stream.bytes_stream();
    let mut seen = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(chunk)) = bytes.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event: change") {
                return;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "no change heard: {seen:?}");
}

/// The node decides who may hear a change once per person, whatever number of pages and
/// sessions each has open: two people with seven pages between them cost two policy checks.
#[tokio::test]
async fn a_change_is_checked_once_per_person_however_many_pages_they_have_open() {
    const BEN: &str = "ben@firm.example";
    let dir = tempfile::tempdir().expect("temporary folder");
    let env = Env::data_dir(&dir.path().join("data"));
    env.create_admin(ADA, PASSWORD);
    env.create_admin(BEN, PASSWORD);
    let metrics_port = free_port();
    let node = Node::start(
        &env.clone().with(
            "DOSSIER_METRICS_LISTEN",
            format!("127.0.0.1:{metrics_port}"),
        ),
        &dir.path().join("node.log"),
    );
    let ada = Client::sign_in(&node.base, ADA, PASSWORD).await;
    let ada_phone = Client::sign_in(&node.base, ADA, PASSWORD).await;
    let ben = Client::sign_in(&node.base, BEN, PASSWORD).await;
    let matter = create_matter(&ada, "M-1").await;
    let mut pages = Vec::new();
    for (who, n) in [(&ada, 3), (&ada_phone, 2), (&ben, 2)] {
        for _ in 0..n {
            let page = who
                .req(reqwest::Method::GET, &format!("/events?matter={matter}"))
                .send()
                .await
                .expect("stream");
            assert_eq!(page.status(), 200);
            pages.push(page);
        }
    }
    let scrape = || async {
        reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    };
    let people: Vec<app::people::Person> = ada.call_ok("/api/people/list", &[]).await;
    let ben_id = people
        .iter()
        .find(|p| p.email == BEN)
        .map(|p| p.id.to_string())
        .expect("Ben in the directory");
    let before = scrape().await;
    let (status, body) = ada
        .call(
            "/api/conversations/create",
            &[
                ("matter_id", matter.as_str()),
                ("subject", "Fees"),
                ("body", "Between us"),
                ("internal", "true"),
                ("participants[0]", ben_id.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    futures_util::future::join_all(pages.into_iter().map(hears_a_change)).await;
    let after = scrape().await;
    let grew = |name| counter(&after, name) - counter(&before, name);
    assert_eq!(grew("dossier_live_changes_total"), 1, "{after}");
    assert_eq!(grew("dossier_live_access_checks_total"), 2, "{after}");
    assert_eq!(grew("dossier_live_events_sent_total"), 7, "{after}");
}
