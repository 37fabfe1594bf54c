//! Who saw what (issue 21), on SQLite and PostgreSQL: every open of a conversation and every
//! view or download of a file (from the tree, sent with a message, through a share; one entry
//! per download, not per range) is logged with its version and SHA-256; the log is chained so
//! that a changed, a removed or a last entry deleted shows in `dossier check`; the firm reads it
//! on a file, on a share and as the matter's CSV, and a contact reads none of it. Read receipts:
//! who read each message, told live, a contact seeing only the firm's. A share revoked while it
//! is being downloaded stops the download.

use crate::common;

use axum::{body::Body, http::Request};
use sha2::{Digest, Sha256};

use app::activity::{AccessKind, ActivityLine, Through};
use common::{
    BACKENDS, Browser,
    world::{
        GRACE, HUGO, Live, SAM, World, create, fetch, fetch_with, get, id_of, list, shares_on,
        upload,
    },
};

fn filed(reply: &common::Reply) -> String {
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.header("dossier-document").to_string()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn lines(who: &mut Browser<'_>, path: &str, form: &[(&str, &str)]) -> Vec<ActivityLine> {
    let reply = who.call(path, form).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    serde_json::from_slice(&reply.body).expect("lines")
}

/// A file uploaded into another matter's tree (tus creation-with-upload).
async fn upload_to(world: &World, who: &Browser<'_>, matter: &str, name: &str) -> common::Reply {
    use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
    let meta = format!(
        "filename {},matter {},purpose {}",
        BASE64.encode(name),
        BASE64.encode(matter),
        BASE64.encode("files")
    );
    let request = Request::post("/uploads")
        .header("tus-resumable", "1.0.0")
        .header("sec-fetch-site", "same-origin")
        .header("upload-length", "9")
        .header("upload-metadata", meta)
        .header("content-type", "application/offset+octet-stream")
        .header("cookie", who.cookie.clone().unwrap_or_default());
    world
        .portal
        .send(
            request
                .body(Body::from(&b"elsewhere"[..]))
                .expect("request"),
        )
        .await
}

/// What a thief with the database would do: change where entry `seq` came from (an UPDATE).
async fn set_ip(world: &World, seq: i64, ip: Option<&str>) {
    use app::entities::access_event::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let matter: app::ids::MatterId = world.matter.parse().expect("id");
    let changed = Entity::update_many()
        .col_expr(Column::Ip, Expr::value(ip.map(str::to_string)))
        .filter(Column::MatterId.eq(matter))
        .filter(Column::Seq.eq(seq))
        .exec(&world.portal.state.db)
        .await
        .expect("update");
    assert_eq!(changed.rows_affected, 1);
}

/// ... or remove entry `seq` (a DELETE).
async fn delete_entry(world: &World, seq: i64) {
    use app::entities::access_event::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let matter: app::ids::MatterId = world.matter.parse().expect("id");
    let gone = Entity::delete_many()
        .filter(Column::MatterId.eq(matter))
        .filter(Column::Seq.eq(seq))
        .exec(&world.portal.state.db)
        .await
        .expect("delete");
    assert_eq!(gone.rows_affected, 1);
}

async fn problems(world: &World) -> Vec<String> {
    app::activity::log::verify(&world.portal.state.db)
        .await
        .expect("the log reads")
}

#[tokio::test]
async fn every_open_and_download_is_logged_with_its_version_and_digest() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let lease = filed(&upload(&world, &ada, "Lease.txt", b"lease v1", "files").await);
        filed(&upload(&world, &ada, "Lease.txt", b"lease, version two", "files").await);
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "The lease"),
                    ("body", "Here it is."),
                    ("shared_documents[0]", &lease),
                    ("documents[0]", &lease),
                ],
            )
            .await,
        );

        // Grace opens the conversation (the page says so once), downloads the share whole, then
        // in two ranges (one download), and the copy sent with the message.
        let mut grace = world.browser(GRACE).await;
        let view = get(&mut grace, &conversation).await.expect("hers");
        let share = view.messages[0].shares[0].id.to_string();
        let attachment = view.messages[0].attachments[0].id.to_string();
        for opened in ["true", "false"] {
            let read = grace
                .call(
                    "/api/conversations/read",
                    &[("id", &conversation), ("opened", opened)],
                )
                .await;
            assert_eq!(read.status, 200, "{}", read.text());
        }
        // The viewer shows the shared file's versions, each with its SHA-256.
        let opened = grace.call("/api/shares/open", &[("id", &share)]).await;
        let opened: app::shares::OpenedShare = serde_json::from_slice(&opened.body).expect("share");
        let history: Vec<_> = opened
            .history
            .iter()
            .map(|v| (v.number, v.sha256.clone(), v.uploaded_by.as_str()))
            .collect();
        assert_eq!(
            history,
            [
                (2, sha256(b"lease, version two"), "Ada Lovelace"),
                (1, sha256(b"lease v1"), "Ada Lovelace")
            ]
        );
        let through_share = format!("/shares/{share}/files/{lease}/download");
        let whole = fetch(&world, &grace, &through_share).await;
        assert_eq!(&whole.body[..], b"lease, version two");
        // RFC 9530: the whole file's digest, for the client to check.
        use base64::Engine;
        let digest =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"lease, version two"));
        assert_eq!(whole.header("repr-digest"), format!("sha-256=:{digest}:"));
        assert_eq!(
            fetch_with(&world, &grace, &through_share, &[("range", "bytes=0-4")])
                .await
                .status,
            206
        );
        assert_eq!(
            fetch_with(&world, &grace, &through_share, &[("range", "bytes=5-")])
                .await
                .status,
            206
        );
        let copy = fetch(
            &world,
            &grace,
            &format!("/attachments/{attachment}/download"),
        )
        .await;
        assert_eq!(copy.status, 200);
        let viewed = fetch(
            &world,
            &grace,
            &format!("/attachments/{attachment}/preview"),
        )
        .await;
        assert_eq!(viewed.status, 200);
        // Ada downloads the first version from the tree.
        let v1 = fetch(&world, &ada, &format!("/files/{lease}/download?version=1")).await;
        assert_eq!(&v1.body[..], b"lease v1");

        // On the file: every access to the document (not the copy), newest first.
        let on_file = lines(
            &mut ada,
            "/api/activity/document",
            &[("matter_id", &world.matter), ("document_id", &lease)],
        )
        .await;
        let seen: Vec<_> = on_file
            .iter()
            .map(|l| (l.who.as_str(), l.kind, l.version, l.through))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "Ada Lovelace",
                    AccessKind::FileDownloaded,
                    Some(1),
                    Through::Files
                ),
                (
                    "Grace Hopper",
                    AccessKind::FileDownloaded,
                    Some(2),
                    Through::Share
                ),
                (
                    "Grace Hopper",
                    AccessKind::FileDownloaded,
                    Some(2),
                    Through::Share
                ),
            ],
            "{backend:?}: a download in ranges counts once"
        );
        let on_share = lines(
            &mut ada,
            "/api/activity/share",
            &[("matter_id", &world.matter), ("share_id", &share)],
        )
        .await;
        assert_eq!(on_share.len(), 2, "{backend:?}");
        assert!(on_share.iter().all(|l| l.who == "Grace Hopper"));

        // The CSV: every entry in order, with the version's SHA-256 and where it came from.
        let csv = fetch(
            &world,
            &ada,
            &format!("/matters/{}/activity.csv", world.matter),
        )
        .await;
        assert_eq!(csv.status, 200, "{}", csv.text());
        assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
        assert!(
            csv.header("content-disposition")
                .contains("activity-2026-0142.csv")
        );
        let mut reader = csv::Reader::from_reader(&csv.body[..]);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        let actions: Vec<_> = rows.iter().map(|r| r[4].to_string()).collect();
        assert_eq!(
            actions,
            [
                "conversation.opened",
                "file.downloaded",
                "file.downloaded",
                "file.downloaded",
                "file.previewed",
                "file.downloaded",
            ],
            "{backend:?}: opened once, not on every read"
        );
        assert_eq!(&rows[1][2], "Grace Hopper");
        assert_eq!(&rows[1][6], "2");
        assert_eq!(rows[1][7], sha256(b"lease, version two"));
        assert_eq!(&rows[1][8], "share");
        assert_eq!(&rows[3][8], "message");
        assert_eq!(rows[5][7], sha256(b"lease v1"));
        let numbers: Vec<_> = rows.iter().map(|r| r[0].to_string()).collect();
        assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"]);

        // Contacts never see the log.
        for (path, form) in [
            (
                "/api/activity/document",
                vec![
                    ("matter_id", world.matter.as_str()),
                    ("document_id", &lease),
                ],
            ),
            (
                "/api/activity/share",
                vec![("matter_id", world.matter.as_str()), ("share_id", &share)],
            ),
        ] {
            let refused = grace.call(path, &form).await;
            assert_eq!(refused.status, 404, "{path}: {}", refused.text());
        }
        let refused = fetch(
            &world,
            &grace,
            &format!("/matters/{}/activity.csv", world.matter),
        )
        .await;
        assert_eq!(refused.status, 404);
        assert!(!refused.text().contains("Grace Hopper"));

        world.portal.finish().await;
    }
}

#[tokio::test]
async fn the_chain_shows_an_entry_changed_removed_or_cut_off() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let ada = world.browser("ada@firm.example").await;
        let lease = filed(&upload(&world, &ada, "Lease.txt", b"lease", "files").await);
        // 50 downloads at once: one chain, numbered 1 to 50 with no gap and no repeat.
        let path = format!("/files/{lease}/download");
        let replies =
            futures_util::future::join_all((0..50).map(|_| fetch(&world, &ada, &path))).await;
        assert!(replies.iter().all(|r| r.status == 200), "{backend:?}");
        assert_eq!(problems(&world).await, Vec::<String>::new(), "{backend:?}");
        let csv = fetch(
            &world,
            &ada,
            &format!("/matters/{}/activity.csv", world.matter),
        )
        .await;
        let numbers: Vec<i64> = csv::Reader::from_reader(&csv.body[..])
            .records()
            .map(|r| r.expect("row")[0].parse().expect("number"))
            .collect();
        assert_eq!(numbers, (1..=50).collect::<Vec<_>>(), "{backend:?}");
        assert!(
            dossier::check::check(&world.portal.state, Some(0))
                .await
                .is_ok()
        );

        // A thief changes where entry 7 came from: the entry no longer matches its hash.
        set_ip(&world, 7, Some("10.9.9.9")).await;
        let found = problems(&world).await;
        assert_eq!(found.len(), 1, "{backend:?}: {found:?}");
        assert!(
            found[0].contains("entry 7") && found[0].contains("changed"),
            "{found:?}"
        );
        assert!(
            dossier::check::check(&world.portal.state, Some(0))
                .await
                .is_err()
        );

        // Put back, then the newest entry is deleted: the head says it was there.
        set_ip(&world, 7, None).await;
        assert_eq!(problems(&world).await, Vec::<String>::new(), "{backend:?}");
        delete_entry(&world, 50).await;
        let found = problems(&world).await;
        assert!(
            found.len() == 1 && found[0].contains("ends at entry 49"),
            "{backend:?}: {found:?}"
        );

        // An entry removed from the middle: the first gap is named.
        delete_entry(&world, 20).await;
        let found = problems(&world).await;
        assert!(
            found.len() == 1 && found[0].contains("entry 20 is missing"),
            "{backend:?}: {found:?}"
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn a_matters_export_holds_nothing_of_another_matter() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let here = filed(&upload(&world, &ada, "Here.txt", b"here", "files").await);
        let other = ada
            .call(
                "/api/matters/create",
                &[("number", "2026-0999"), ("name", "Elsewhere")],
            )
            .await;
        let other: app::matters::MatterSummary =
            serde_json::from_slice(&other.body).expect("matter");
        let elsewhere =
            filed(&upload_to(&world, &ada, &other.id.to_string(), "Elsewhere.txt").await);
        assert_eq!(
            fetch(&world, &ada, &format!("/files/{here}/download"))
                .await
                .status,
            200
        );
        assert_eq!(
            fetch(&world, &ada, &format!("/files/{elsewhere}/download"))
                .await
                .status,
            200
        );
        let csv = fetch(
            &world,
            &ada,
            &format!("/matters/{}/activity.csv", world.matter),
        )
        .await
        .text();
        assert!(csv.contains("Here.txt"), "{csv}");
        assert!(!csv.contains("Elsewhere.txt"), "{backend:?}: {csv}");
        // The other matter's own document is not reached through this matter's panel either.
        let on_file = lines(
            &mut ada,
            "/api/activity/document",
            &[("matter_id", &world.matter), ("document_id", &elsewhere)],
        )
        .await;
        assert!(on_file.is_empty(), "{backend:?}");
        world.portal.finish().await;
    }
}

async fn seen(who: &mut Browser<'_>, conversation: &str) -> Vec<Vec<String>> {
    get(who, conversation)
        .await
        .expect("readable")
        .messages
        .into_iter()
        .map(|m| m.seen.into_iter().map(|s| s.name).collect())
        .collect()
}

async fn read(who: &mut Browser<'_>, conversation: &str) {
    let reply = who
        .call("/api/conversations/read", &[("id", conversation)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

#[tokio::test]
async fn read_receipts_say_who_read_each_message_and_a_contact_sees_only_the_firm() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace, &world.hugo, &world.sam],
                &[
                    ("subject", "Completion"),
                    ("body", "We complete on Friday."),
                ],
            )
            .await,
        );
        // On PostgreSQL a change travels by LISTEN/NOTIFY, to the node's own listener too.
        if backend == common::Backend::Postgres {
            let url = &world.portal.config.database.url;
            dossier::live::start_listener(url, &world.portal.state).await;
        }
        let mut ada_live = Live::open(world.portal.router(), &ada, &world.matter).await;
        let mut grace = world.browser(GRACE).await;
        let mut hugo = world.browser(HUGO).await;
        let mut sam = world.browser(SAM).await;

        // Loading the conversation or the list reads nothing: only having it on screen does.
        assert_eq!(
            seen(&mut grace, &conversation).await,
            [Vec::<String>::new()]
        );
        list(&mut grace, &world).await;
        assert_eq!(seen(&mut ada, &conversation).await, [Vec::<String>::new()]);

        read(&mut grace, &conversation).await;
        assert_eq!(seen(&mut ada, &conversation).await, [vec!["Grace Hopper"]]);
        // The writer's page is told at once, with the receipt.
        let told = tokio::time::timeout(std::time::Duration::from_secs(10), ada_live.next())
            .await
            .expect("the writer's page is told");
        assert_eq!(told.change.conversation.to_string(), conversation);
        let receipt = told.seen.expect("a read receipt");
        assert_eq!(receipt.name, "Grace Hopper");
        let first = get(&mut ada, &conversation).await.expect("hers").messages[0].seen[0].at;

        read(&mut hugo, &conversation).await;
        read(&mut sam, &conversation).await;
        // Read again later: the receipt keeps the first time.
        read(&mut grace, &conversation).await;
        let all = get(&mut ada, &conversation).await.expect("hers");
        let names: Vec<_> = all.messages[0]
            .seen
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Grace Hopper", "Hugo Other", "Sam Staff"],
            "{backend:?}"
        );
        assert_eq!(all.messages[0].seen[0].at, first);
        // Grace sees who of the firm read it, not the other party.
        assert_eq!(seen(&mut grace, &conversation).await, [vec!["Sam Staff"]]);
        assert_eq!(seen(&mut hugo, &conversation).await, [vec!["Sam Staff"]]);

        // Ada writes again; Grace replies without the page saying it read: replying reads
        // what came before, and Ada's page is told so, live.
        let reply = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("body", "Bring your ID.")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let reply = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("body", "Friday suits me.")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let receipt = loop {
            let told = tokio::time::timeout(std::time::Duration::from_secs(10), ada_live.next())
                .await
                .expect("the writer's page is told of the reply's reading");
            match told.seen {
                Some(seen) if seen.name == "Grace Hopper" => break seen,
                _ => continue,
            }
        };
        assert!(receipt.at >= first, "{backend:?}");
        assert_eq!(seen(&mut ada, &conversation).await[1], ["Grace Hopper"]);
        // Ada reads the reply when she has it on screen.
        assert_eq!(
            seen(&mut grace, &conversation).await[2],
            Vec::<String>::new()
        );
        read(&mut ada, &conversation).await;
        assert_eq!(
            seen(&mut grace, &conversation).await[2],
            ["Ada Lovelace"],
            "{backend:?}"
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn removing_access_cuts_off_a_download_in_flight() {
    use futures_util::StreamExt;
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let size = 24 * 1024 * 1024;
        let bundle = filed(&upload(&world, &ada, "Bundle.bin", &vec![7u8; size], "files").await);
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Bundle"), ("shared_documents[0]", &bundle)],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let view = get(&mut grace, &conversation).await.expect("hers");
        let share = view.messages[0].shares[0].id.to_string();
        let request = Request::get(format!("/shares/{share}/files/{bundle}/download"))
            .header("cookie", grace.cookie.clone().unwrap_or_default())
            .body(Body::empty())
            .expect("request");
        let response = tower::ServiceExt::oneshot(world.portal.router(), request)
            .await
            .expect("router answers");
        assert_eq!(response.status(), 200);
        let mut body = response.into_body().into_data_stream();
        let mut received = 0;
        while received < 2 * 1024 * 1024 {
            received += body.next().await.expect("more").expect("bytes").len();
        }
        // Ada removes access while Grace is downloading: the rest does not come.
        let revoked = ada.call("/api/shares/revoke", &[("id", &share)]).await;
        assert_eq!(revoked.status, 200, "{}", revoked.text());
        let mut cut = false;
        while let Some(frame) = body.next().await {
            match frame {
                Ok(bytes) => received += bytes.len(),
                Err(_) => {
                    cut = true;
                    break;
                }
            }
        }
        assert!(cut, "{backend:?}: the download ends as failed");
        assert!(
            received <= 2 * 1024 * 1024 + 4 * 1024 * 1024 + 1024 * 1024,
            "{backend:?}: {received} bytes went out after the revoke"
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn access_is_removed_for_one_recipient_or_ends_on_its_date() {
    use app::shares::ShareStatus;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let lease = filed(&upload(&world, &ada, "Lease.txt", b"lease", "files").await);
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace, &world.hugo],
                &[("subject", "Lease"), ("shared_documents[0]", &lease)],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let mut hugo = world.browser(HUGO).await;
        let share = get(&mut grace, &conversation).await.expect("hers").messages[0].shares[0]
            .id
            .to_string();
        let download = format!("/shares/{share}/files/{lease}/download");
        assert_eq!(fetch(&world, &grace, &download).await.status, 200);

        // Removed for Grace alone, 20 times at once: once is enough, and Hugo keeps it.
        let cookie = ada.cookie.clone();
        let replies = common::at_once(
            &world.portal,
            20,
            "/api/shares/revoke",
            &[("id", &share), ("person", &world.grace)],
            cookie.as_deref(),
            "203.0.113.9",
        )
        .await;
        assert_eq!(common::count(&replies, 200), 20, "{backend:?}");
        assert_eq!(fetch(&world, &grace, &download).await.status, 404);
        let open = grace.call("/api/shares/open", &[("id", &share)]).await;
        assert_eq!(open.status, 404);
        let hers = get(&mut grace, &conversation).await.expect("hers");
        assert_eq!(hers.messages[0].shares[0].status, ShareStatus::Revoked);
        assert!(shares_on(&mut grace, &world).await.is_empty());
        assert_eq!(fetch(&world, &hugo, &download).await.status, 200);
        let listed = shares_on(&mut ada, &world).await;
        let reach: Vec<_> = listed[0]
            .recipients
            .iter()
            .map(|r| (r.name.as_str(), r.removed))
            .collect();
        assert_eq!(
            reach,
            [("Grace Hopper", true), ("Hugo Other", false)],
            "{backend:?}"
        );
        assert_eq!(listed[0].status, ShareStatus::Active);
        assert!(
            shared_in_tree(&mut ada, &world).await,
            "still shared with Hugo"
        );
        // Contacts are not told whom else it reaches.
        assert!(shares_on(&mut hugo, &world).await[0].recipients.is_empty());
        // Someone the share never reached is a mistake, said so.
        let not_in = ada
            .call(
                "/api/shares/revoke",
                &[("id", &share), ("person", &world.sam)],
            )
            .await;
        assert_eq!(not_in.status, 400, "{}", not_in.text());

        // An end date: not in the past; ahead, it is shown; once passed, it opens nothing.
        let now = chrono::Utc::now().timestamp_millis();
        let past = ada
            .call(
                "/api/shares/expiry",
                &[("id", &share), ("expires_at", &(now - 1000).to_string())],
            )
            .await;
        assert_eq!(past.status, 400, "{}", past.text());
        let ahead = now + 86_400_000;
        let set = ada
            .call(
                "/api/shares/expiry",
                &[("id", &share), ("expires_at", &ahead.to_string())],
            )
            .await;
        assert_eq!(set.status, 200, "{}", set.text());
        let listed = shares_on(&mut ada, &world).await;
        assert_eq!(listed[0].expires_at.map(|m| m.0), Some(ahead));
        assert_eq!(fetch(&world, &hugo, &download).await.status, 200);
        app::entities::share::Entity::update_many()
            .col_expr(
                app::entities::share::Column::ExpiresAt,
                Expr::value(Some(chrono::Utc::now() - chrono::Duration::seconds(1))),
            )
            .filter(app::entities::share::Column::Id.eq(share.parse::<uuid::Uuid>().expect("id")))
            .exec(&world.portal.state.db)
            .await
            .expect("the date passes");
        assert_eq!(
            fetch(&world, &hugo, &download).await.status,
            404,
            "{backend:?}"
        );
        let open = hugo.call("/api/shares/open", &[("id", &share)]).await;
        assert_eq!(open.status, 404);
        assert_eq!(
            shares_on(&mut ada, &world).await[0].status,
            ShareStatus::Expired
        );
        assert!(shares_on(&mut hugo, &world).await.is_empty());
        assert!(
            !shared_in_tree(&mut ada, &world).await,
            "{backend:?}: no longer shared"
        );
        world.portal.finish().await;
    }
}

/// Whether "All Files" marks the matter's only file as shared.
async fn shared_in_tree(ada: &mut Browser<'_>, world: &World) -> bool {
    let reply = ada
        .call("/api/files/list", &[("matter_id", &world.matter)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let view: app::files::FolderView = serde_json::from_slice(&reply.body).expect("folder");
    view.documents[0].shared
}

/// The share opened by `who`; `look`: as the viewer does when it opens.
async fn look_at(who: &mut Browser<'_>, share: &str, look: bool) -> app::shares::OpenedShare {
    let form = [("id", share), ("look", if look { "true" } else { "false" })];
    let reply = who.call("/api/shares/open", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("share")
}

/// Each file of an opened folder with its mark.
fn marks(opened: &app::shares::OpenedShare) -> Vec<(String, Option<app::files::Unseen>)> {
    opened
        .folder
        .as_ref()
        .expect("a folder")
        .documents
        .iter()
        .map(|d| (d.name.clone(), d.unseen))
        .collect()
}

/// The gathering emails fall due (what two minutes would do).
async fn batches_fall_due(world: &World) {
    use app::entities::outbox_message::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    Entity::update_many()
        .col_expr(
            Column::NextAttemptAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(Column::BatchKey.is_not_null())
        .filter(Column::SentAt.is_null())
        .exec(&world.portal.state.db)
        .await
        .expect("time passes");
}

#[tokio::test]
async fn a_share_marks_what_changed_since_each_recipient_last_looked() {
    use app::files::Unseen::{New, Updated};
    use common::world::{mkdir, upload_into};
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let evidence = mkdir(&mut ada, &world, None, "Evidence").await;
        let photos = mkdir(&mut ada, &world, Some(&evidence), "Photos").await;
        for name in ["Letter.txt", "Invoice.txt"] {
            filed(&upload_into(&world, &ada, Some(&evidence), name, b"v1", "files").await);
        }
        let outside = filed(&upload(&world, &ada, "Elsewhere.txt", b"not shared", "files").await);
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace, &world.hugo],
                &[("subject", "Evidence"), ("shared_folders[0]", &evidence)],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let mut hugo = world.browser(HUGO).await;
        let share = shares_on(&mut grace, &world).await[0].id.to_string();

        // A first look marks nothing.
        let first = look_at(&mut grace, &share, true).await;
        assert!(
            marks(&first).iter().all(|(_, m)| m.is_none()),
            "{backend:?}"
        );
        world.deliver().await;
        world.smtp.clear();

        // Ada updates the letter and adds a photo in a subfolder.
        let letter =
            filed(&upload_into(&world, &ada, Some(&evidence), "Letter.txt", b"v2", "files").await);
        filed(&upload_into(&world, &ada, Some(&photos), "Scene.jpg", b"jpeg", "files").await);
        let cards = shares_on(&mut grace, &world).await;
        assert_eq!(cards[0].unseen, 2, "{backend:?}: the card counts both");
        assert_eq!(
            shares_on(&mut hugo, &world).await[0].unseen,
            0,
            "{backend:?}: Hugo never looked"
        );
        assert_eq!(
            get(&mut grace, &conversation).await.expect("hers").messages[0].shares[0].unseen,
            2
        );
        assert_eq!(
            shares_on(&mut ada, &world).await[0].unseen,
            0,
            "who shared it"
        );

        // She looks: the letter is updated; inside Photos, the photo is new.
        let second = look_at(&mut grace, &share, true).await;
        assert_eq!(
            marks(&second),
            [
                ("Invoice.txt".to_string(), None),
                ("Letter.txt".to_string(), Some(Updated))
            ],
            "{backend:?}"
        );
        let inner = grace
            .call(
                "/api/shares/open",
                &[("id", &share), ("folder_id", &photos)],
            )
            .await;
        let inner: app::shares::OpenedShare = serde_json::from_slice(&inner.body).expect("open");
        assert_eq!(marks(&inner), [("Scene.jpg".to_string(), Some(New))]);
        // Looking, the card has nothing more to say; a reload keeps the marks.
        assert_eq!(shares_on(&mut grace, &world).await[0].unseen, 0);
        assert_eq!(
            marks(&look_at(&mut grace, &share, false).await)[1].1,
            Some(Updated)
        );
        assert_eq!(
            marks(&look_at(&mut grace, &share, true).await)[1].1,
            Some(Updated),
            "{backend:?}: a second look within minutes, nothing changed, is the same look"
        );

        // Opening the letter clears its mark, for her only.
        let download = format!("/shares/{share}/files/{letter}/download");
        assert_eq!(fetch(&world, &grace, &download).await.status, 200);
        assert_eq!(marks(&look_at(&mut grace, &share, true).await)[1].1, None);
        assert!(
            marks(&look_at(&mut hugo, &share, true).await)
                .iter()
                .all(|(_, m)| m.is_none())
        );

        // Its versions, through the share; a file outside it is not there.
        let history = grace
            .call(
                "/api/shares/history",
                &[("id", &share), ("document_id", &letter)],
            )
            .await;
        assert_eq!(history.status, 200, "{}", history.text());
        let versions: Vec<app::files::VersionEntry> =
            serde_json::from_slice(&history.body).expect("versions");
        let digests: Vec<_> = versions
            .iter()
            .map(|v| (v.number, v.sha256.clone()))
            .collect();
        assert_eq!(digests, [(2, sha256(b"v2")), (1, sha256(b"v1"))]);
        let elsewhere = grace
            .call(
                "/api/shares/history",
                &[("id", &share), ("document_id", &outside)],
            )
            .await;
        assert_eq!(elsewhere.status, 404, "{backend:?}");

        // Told by email: the two changes in one email each, once due; none to Ada.
        world.deliver().await;
        assert!(
            world.smtp.received().is_empty(),
            "it waits for more changes"
        );
        batches_fall_due(&world).await;
        world.deliver().await;
        let mails = world.smtp.received();
        assert_eq!(mails.len(), 2, "{backend:?}: Grace and Hugo, one each");
        let hers = mails.iter().find(|m| m.to == [GRACE]).expect("hers").text();
        assert!(
            hers.contains("Letter.txt: version 2, by Ada Lovelace"),
            "{hers}"
        );
        assert!(
            hers.contains("Scene.jpg: new, added by Ada Lovelace"),
            "{hers}"
        );
        world.smtp.clear();

        // A message written meanwhile takes the waiting changes along.
        filed(&upload_into(&world, &ada, Some(&evidence), "Invoice.txt", b"v2", "files").await);
        let reply = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("body", "The invoice is corrected.")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        batches_fall_due(&world).await;
        world.deliver().await;
        let mails = world.smtp.received();
        let hers: Vec<_> = mails.iter().filter(|m| m.to == [GRACE]).collect();
        assert_eq!(hers.len(), 1, "{backend:?}: one email, not two");
        assert!(hers[0].text().contains("The invoice is corrected."));
        assert!(
            hers[0].text().contains("Invoice.txt: version 2"),
            "{}",
            hers[0].text()
        );
        world.smtp.stop();
        world.portal.finish().await;
    }
}
