//! The matter's file tree and its bytes: folders, names, the trash and the limits (on SQLite and
//! PostgreSQL); tus uploads that break off and resume, checksums, versions, Range downloads and
//! the viewer's headers, on local disk and on a real S3-compatible server.

use crate::common;

use axum::{
    body::{Body, Bytes},
    http::Request,
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use common::{BACKENDS, Backend, Browser, PASSWORD, Reply, TestPortal, s3::S3Server};
use sha2::{Digest, Sha256};

use app::{
    entities::user::Role,
    files::{FolderEntry, FolderView, TrashEntry, VersionEntry},
    matters::MatterSummary,
};

fn parse<T: serde::de::DeserializeOwned>(reply: &Reply) -> T {
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("json")
}

async fn add_person(portal: &TestPortal, email: &str, role: Role) {
    let hash = app::accounts::passwords::hash_password(PASSWORD.into())
        .await
        .expect("hash");
    app::accounts::server::insert_person(
        &portal.state.db,
        app::accounts::server::NewPerson {
            display_name: email.into(),
            email: email.into(),
            mobile: None,
            role,
            password_hash: Some(hash),
        },
    )
    .await
    .expect("person");
}

/// A signed-in administrator and two matters.
async fn setup(portal: &TestPortal) -> (Browser<'_>, String, String) {
    let mut staff = Browser::new(portal);
    staff.sign_in().await;
    let a: MatterSummary = parse(
        &staff
            .call(
                "/api/matters/create",
                &[("number", "F-1"), ("name", "Files")],
            )
            .await,
    );
    let b: MatterSummary = parse(
        &staff
            .call(
                "/api/matters/create",
                &[("number", "F-2"), ("name", "Other")],
            )
            .await,
    );
    (staff, a.id.to_string(), b.id.to_string())
}

async fn list(who: &mut Browser<'_>, matter: &str, folder: Option<&str>) -> FolderView {
    let mut form = vec![("matter_id", matter)];
    if let Some(f) = folder {
        form.push(("folder_id", f));
    }
    parse(&who.call("/api/files/list", &form).await)
}

async fn mkdir(who: &mut Browser<'_>, matter: &str, parent: Option<&str>, name: &str) -> Reply {
    let mut form = vec![("matter_id", matter), ("name", name)];
    if let Some(p) = parent {
        form.push(("parent_id", p));
    }
    who.call("/api/files/folders/create", &form).await
}

#[tokio::test]
async fn folders_names_trash_and_other_matters() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let (mut staff, matter, other) = setup(&portal).await;
        let court: FolderEntry = parse(&mkdir(&mut staff, &matter, None, "Court").await);
        let court_id = court.id.to_string();
        let orders: FolderEntry =
            parse(&mkdir(&mut staff, &matter, Some(&court_id), "Orders").await);
        let orders_id = orders.id.to_string();

        // Names are data: decomposed Unicode is stored composed, and a name that differs only
        // by case or Unicode form is taken.
        let named: FolderEntry =
            parse(&mkdir(&mut staff, &matter, None, "  Re\u{301}sume\u{301} ").await);
        assert_eq!(named.name, "Résumé");
        for (name, status) in [
            ("résumé", 409),
            ("COURT", 409),
            ("../etc", 400),
            ("a\0b", 400),
            ("line\nbreak", 400),
            ("..", 400),
            ("", 400),
        ] {
            let reply = mkdir(&mut staff, &matter, None, name).await;
            assert_eq!(reply.status, status, "{name:?}: {}", reply.text());
            assert!(reply.text().len() > 20, "a sentence: {}", reply.text());
        }
        let long = "x".repeat(256);
        let reply = mkdir(&mut staff, &matter, None, &long).await;
        assert_eq!(reply.status, 400);
        assert!(reply.text().contains("too long"), "{}", reply.text());

        let root = list(&mut staff, &matter, None).await;
        assert_eq!(
            root.folders
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>(),
            ["Court", "Résumé"]
        );
        let inside = list(&mut staff, &matter, Some(&orders_id)).await;
        assert_eq!(
            inside
                .path
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["All Files", "Court", "Orders"]
        );

        // Rename, and moves: never into itself, never into another matter.
        let reply = staff
            .call(
                "/api/files/rename",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &court_id),
                    ("name", "Court papers"),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let reply = staff
            .call(
                "/api/files/move",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &court_id),
                    ("to", &orders_id),
                ],
            )
            .await;
        assert_eq!(reply.status, 400, "{}", reply.text());
        let theirs: FolderEntry = parse(&mkdir(&mut staff, &other, None, "Theirs").await);
        let reply = staff
            .call(
                "/api/files/move",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &orders_id),
                    ("to", &theirs.id.to_string()),
                ],
            )
            .await;
        assert_eq!(reply.status, 404, "{}", reply.text());
        // An id from another matter is not found through this one.
        let reply = staff
            .call(
                "/api/files/list",
                &[
                    ("matter_id", &matter),
                    ("folder_id", &theirs.id.to_string()),
                ],
            )
            .await;
        assert_eq!(reply.status, 404);
        let reply = staff
            .call(
                "/api/files/move",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &orders_id),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());

        // The trash hides a folder with everything in it; restore brings it back.
        let reply = staff
            .call(
                "/api/files/trash",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &court_id),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let root = list(&mut staff, &matter, None).await;
        assert!(root.folders.iter().all(|f| f.id != court.id));
        let trash: Vec<TrashEntry> = parse(
            &staff
                .call("/api/files/trash/list", &[("matter_id", &matter)])
                .await,
        );
        assert_eq!(trash.len(), 1);
        assert_eq!(trash[0].name, "Court papers");
        // Its name is free again while it is in the trash; restoring then needs a rename.
        parse::<FolderEntry>(&mkdir(&mut staff, &matter, None, "Court papers").await);
        let reply = staff
            .call(
                "/api/files/restore",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &court_id),
                ],
            )
            .await;
        assert_eq!(reply.status, 409, "{}", reply.text());
        let root = list(&mut staff, &matter, None).await;
        let clash = root
            .folders
            .iter()
            .find(|f| f.name == "Court papers")
            .expect("new folder");
        staff
            .call(
                "/api/files/trash",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &clash.id.to_string()),
                ],
            )
            .await;
        let reply = staff
            .call(
                "/api/files/restore",
                &[
                    ("matter_id", &matter),
                    ("kind", "folder"),
                    ("id", &court_id),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        assert!(
            list(&mut staff, &matter, None)
                .await
                .folders
                .iter()
                .any(|f| f.id == court.id)
        );

        // Clients do not reach the file tree: to them it is not there, the same answer, word for
        // word, for their own matter as for another.
        add_person(&portal, "client@example.com", Role::Client).await;
        staff
            .call(
                "/api/matters/people/add",
                &[
                    ("id", &matter),
                    ("email", "client@example.com"),
                    ("role", "client"),
                ],
            )
            .await;
        let mut client = Browser::new(&portal);
        client.sign_in_as("client@example.com", PASSWORD).await;
        let own = client
            .call("/api/files/list", &[("matter_id", &matter)])
            .await;
        let others = client
            .call("/api/files/list", &[("matter_id", &other)])
            .await;
        assert_eq!(own.status, 404, "{}", own.text());
        assert_eq!(others.status, 404, "{}", others.text());
        assert_eq!(own.text(), others.text());

        // A closed matter's files are read-only.
        staff
            .call("/api/matters/status", &[("id", &matter), ("open", "false")])
            .await;
        assert_eq!(mkdir(&mut staff, &matter, None, "Late").await.status, 409);
        assert!(!list(&mut staff, &matter, None).await.writable);
        portal.finish().await;
    }
}

/// tus requests as a browser sends them (same origin, with the session cookie).
struct Tus<'a> {
    portal: &'a TestPortal,
    cookie: String,
}

impl Tus<'_> {
    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header("tus-resumable", "1.0.0")
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &self.cookie)
    }

    async fn create(&self, matter: &str, folder: Option<&str>, name: &str, length: u64) -> Reply {
        let mut meta = format!(
            "filename {},matter {}",
            BASE64.encode(name),
            BASE64.encode(matter)
        );
        if let Some(f) = folder {
            meta.push_str(&format!(",folder {}", BASE64.encode(f)));
        }
        self.portal
            .send(
                self.request("POST", "/uploads")
                    .header("upload-length", length.to_string())
                    .header("upload-metadata", meta)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
    }

    /// Creates an upload and returns its URL.
    async fn start(&self, matter: &str, folder: Option<&str>, name: &str, length: u64) -> String {
        let reply = self.create(matter, folder, name, length).await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        reply.header("location").to_string()
    }

    async fn patch(&self, url: &str, offset: u64, body: Body, checksum: Option<&[u8]>) -> Reply {
        let mut request = self
            .request("PATCH", url)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string());
        if let Some(data) = checksum {
            request = request.header(
                "upload-checksum",
                format!("sha256 {}", BASE64.encode(Sha256::digest(data))),
            );
        }
        self.portal.send(request.body(body).expect("request")).await
    }

    async fn head(&self, url: &str) -> Reply {
        self.portal
            .send(
                self.request("HEAD", url)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
    }

    /// Uploads `data` in one request; returns the document id.
    async fn upload(&self, matter: &str, folder: Option<&str>, name: &str, data: &[u8]) -> String {
        let url = self.start(matter, folder, name, data.len() as u64).await;
        let reply = self.patch(&url, 0, Body::from(data.to_vec()), None).await;
        assert_eq!(reply.status, 204, "{}", reply.text());
        reply.header("dossier-document").to_string()
    }

    async fn get(&self, path: &str, range: Option<&str>) -> Reply {
        let mut request = Request::get(path).header("cookie", &self.cookie);
        if let Some(r) = range {
            request = request.header("range", r);
        }
        self.portal
            .send(request.body(Body::empty()).expect("request"))
            .await
    }
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A body that delivers `head` and then breaks, as a dropped connection does.
fn broken_body(head: Vec<u8>) -> Body {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(head)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped",
        )),
    ];
    Body::from_stream(futures_util::stream::iter(chunks))
}

async fn uploads_on(backend: Backend, storage: Option<dossier::config::StorageConfig>) {
    let portal = TestPortal::start_storage(backend, "http://127.0.0.1:3000", None, storage).await;
    let account =
        app::accounts::passwords::NewAccount::parse("Ada", "ada@firm.example", PASSWORD.into())
            .expect("valid");
    app::accounts::setup::create_admin(&portal.state.db, account)
        .await
        .expect("admin");
    let (mut staff, matter, other) = setup(&portal).await;
    let tus = Tus {
        portal: &portal,
        cookie: staff.cookie.clone().expect("signed in"),
    };

    // A 20 MB file in three requests: the second breaks off halfway, the client asks where the
    // upload is and resumes from there.
    let file = data(20_000_000, 7);
    let url = tus
        .start(&matter, None, "Evidence bundle.pdf", file.len() as u64)
        .await;
    assert_eq!(tus.head(&url).await.header("upload-offset"), "0");
    let reply = tus
        .patch(
            &url,
            0,
            Body::from(file[..9_000_000].to_vec()),
            Some(&file[..9_000_000]),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    assert_eq!(reply.header("upload-offset"), "9000000");
    // Bytes for the wrong place are refused and say where the upload is.
    let reply = tus.patch(&url, 5, Body::from(vec![0u8; 10]), None).await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.header("upload-offset"), "9000000");
    // A corrupted request (checksum mismatch) is not kept.
    let reply = tus
        .patch(
            &url,
            9_000_000,
            Body::from(vec![0u8; 1000]),
            Some(b"something else"),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 460, "{}", reply.text());
    assert_eq!(tus.head(&url).await.header("upload-offset"), "9000000");
    let _ = tus
        .patch(
            &url,
            9_000_000,
            broken_body(file[9_000_000..15_000_000].to_vec()),
            None,
        )
        .await;
    let offset: u64 = tus
        .head(&url)
        .await
        .header("upload-offset")
        .parse()
        .expect("offset");
    assert_eq!(offset, 15_000_000, "the bytes before the break are kept");
    // Not visible until complete.
    assert!(list(&mut staff, &matter, None).await.documents.is_empty());
    let reply = tus
        .patch(
            &url,
            offset,
            Body::from(file[offset as usize..].to_vec()),
            None,
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    let document = reply.header("dossier-document").to_string();
    let listed = list(&mut staff, &matter, None).await;
    assert_eq!(listed.documents.len(), 1);
    assert_eq!(listed.documents[0].size, file.len() as u64);
    assert_eq!(listed.documents[0].updated_by, "Ada");

    // The download is the same bytes, with safe headers.
    let whole = tus.get(&format!("/files/{document}/download"), None).await;
    assert_eq!(whole.status, 200);
    assert_eq!(
        hex::encode(Sha256::digest(&whole.body)),
        hex::encode(Sha256::digest(&file))
    );
    assert_eq!(whole.header("content-type"), "application/pdf");
    assert_eq!(whole.header("x-content-type-options"), "nosniff");
    assert_eq!(whole.header("accept-ranges"), "bytes");
    assert_eq!(
        whole.header("content-disposition"),
        "attachment; filename=\"Evidence bundle.pdf\"; filename*=UTF-8''Evidence%20bundle.pdf"
    );
    // Ranges across part boundaries, open-ended and suffix ranges, and one out of the file.
    for (range, from, to) in [
        ("bytes=8999990-9000009", 8_999_990usize, 9_000_010usize),
        ("bytes=14999999-15000000", 14_999_999, 15_000_001),
        ("bytes=19999000-", 19_999_000, 20_000_000),
        ("bytes=-100", 19_999_900, 20_000_000),
    ] {
        let part = tus
            .get(&format!("/files/{document}/download"), Some(range))
            .await;
        assert_eq!(part.status, 206, "{range}");
        assert_eq!(part.body, file[from..to], "{range}");
        assert_eq!(
            part.header("content-range"),
            format!("bytes {from}-{}/20000000", to - 1)
        );
    }
    let outside = tus
        .get(
            &format!("/files/{document}/download"),
            Some("bytes=30000000-"),
        )
        .await;
    assert_eq!(outside.status, 416);
    assert_eq!(outside.header("content-range"), "bytes */20000000");

    // The viewer: inline, and nothing in the document can run or load from elsewhere.
    let text = tus
        .upload(&matter, None, "notes.txt", b"<script>alert(1)</script>")
        .await;
    let shown = tus.get(&format!("/files/{text}/preview"), None).await;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.header("content-type"), "text/plain; charset=utf-8");
    assert!(shown.header("content-disposition").starts_with("inline;"));
    assert!(
        shown
            .header("content-security-policy")
            .starts_with("sandbox;")
    );
    assert!(
        shown
            .header("content-security-policy")
            .contains("default-src 'none'")
    );
    // An empty file is finished when it is created: tus-js-client sends no PATCH for it.
    let empty = tus.create(&matter, None, "empty.txt", 0).await;
    assert_eq!(empty.status, 201, "{}", empty.text());
    let empty = empty.header("dossier-document").to_string();
    let got = tus.get(&format!("/files/{empty}/download"), None).await;
    assert_eq!((got.status.as_u16(), got.body.len()), (200, 0));
    let html = tus.upload(&matter, None, "page.html", b"<h1>hi</h1>").await;
    assert_eq!(
        tus.get(&format!("/files/{html}/preview"), None)
            .await
            .status,
        400
    );

    // The same name again is a new version; every version keeps its bytes and checksum.
    let second = data(1000, 9);
    let again = tus
        .upload(&matter, None, "evidence BUNDLE.pdf", &second)
        .await;
    assert_eq!(again, document);
    let versions: Vec<VersionEntry> = parse(
        &staff
            .call(
                "/api/files/versions",
                &[("matter_id", &matter), ("document_id", &document)],
            )
            .await,
    );
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(versions[1].sha256, hex::encode(Sha256::digest(&file)));
    assert_eq!(versions[0].sha256, hex::encode(Sha256::digest(&second)));
    let old = tus
        .get(
            &format!("/files/{document}/download?version=1"),
            Some("bytes=0-9"),
        )
        .await;
    assert_eq!(old.body, file[..10]);
    assert_eq!(
        tus.get(&format!("/files/{document}/download"), None)
            .await
            .body,
        second
    );

    // Refused before any byte: too large, a folder's name, another matter's folder.
    let reply = tus
        .create(&matter, None, "huge.iso", 5 * 1024 * 1024 * 1024 + 1)
        .await;
    assert_eq!(reply.status, 413);
    assert!(reply.text().contains("5 GB"), "{}", reply.text());
    let folder: FolderEntry = parse(&mkdir(&mut staff, &matter, None, "Pleadings").await);
    assert_eq!(tus.create(&matter, None, "pleadings", 10).await.status, 409);
    let theirs: FolderEntry = parse(&mkdir(&mut staff, &other, None, "Theirs").await);
    let reply = tus
        .create(&matter, Some(&theirs.id.to_string()), "x.txt", 10)
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        tus.create(&matter, None, "bad/name.txt", 10).await.status,
        400
    );
    // More bytes than declared.
    let url = tus.start(&matter, None, "short.txt", 10).await;
    let reply = tus.patch(&url, 0, Body::from(vec![1u8; 11]), None).await;
    assert_eq!(reply.status, 413);

    // Cancelling deletes the bytes; the upload is gone.
    let url = tus.start(&matter, None, "cancel.bin", 100).await;
    tus.patch(&url, 0, Body::from(vec![1u8; 50]), None).await;
    let reply = portal
        .send(
            tus.request("DELETE", &url)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(reply.status, 204);
    assert_eq!(tus.head(&url).await.status, 404);

    // Another person cannot touch someone's upload, nor read the matter's files.
    add_person(&portal, "client@example.com", Role::Client).await;
    let mut client = Browser::new(&portal);
    client.sign_in_as("client@example.com", PASSWORD).await;
    let intruder = Tus {
        portal: &portal,
        cookie: client.cookie.clone().expect("signed in"),
    };
    let url = tus
        .start(&matter, Some(&folder.id.to_string()), "mine.txt", 4)
        .await;
    assert_eq!(intruder.head(&url).await.status, 404);
    assert_eq!(
        intruder
            .patch(&url, 0, Body::from("evil"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        intruder
            .get(&format!("/files/{document}/download"), None)
            .await
            .status,
        404
    );
    assert_eq!(intruder.create(&matter, None, "x.txt", 4).await.status, 404);

    // Abandoned uploads are deleted with their bytes.
    let url = tus.start(&matter, None, "abandoned.bin", 100).await;
    tus.patch(&url, 0, Body::from(vec![1u8; 50]), None).await;
    let id = url.trim_start_matches("/uploads/").to_string();
    assert!(
        !portal
            .state
            .storage
            .list(&format!("blobs/{id}/"))
            .await
            .expect("list")
            .is_empty()
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, prelude::Expr};
    app::entities::upload::Entity::update_many()
        .col_expr(
            app::entities::upload::Column::UpdatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(25)),
        )
        .filter(app::entities::upload::Column::Id.eq(id.clone()))
        .exec(&portal.state.db)
        .await
        .expect("age the upload");
    assert!(
        app::files::clean_up::clean_up(&portal.state)
            .await
            .expect("clean up")
            >= 1
    );
    assert_eq!(tus.head(&url).await.status, 404);
    let left = portal
        .state
        .storage
        .list(&format!("blobs/{id}/"))
        .await
        .unwrap_or_default();
    assert!(
        left.iter().all(|e| e.path().ends_with('/')),
        "bytes left: {left:?}"
    );
    // A finished document's bytes stay.
    assert_eq!(
        tus.get(&format!("/files/{document}/download"), None)
            .await
            .body,
        second
    );
    portal.finish().await;
}

#[tokio::test]
async fn uploads_resume_verify_and_download_on_disk() {
    for backend in BACKENDS {
        uploads_on(backend, None).await;
    }
}

#[tokio::test]
async fn uploads_resume_verify_and_download_on_s3() {
    let s3 = S3Server::start();
    let storage = s3.bucket("dossier-test").await;
    uploads_on(Backend::Sqlite, Some(storage)).await;
}

#[tokio::test]
async fn a_folder_holds_at_most_130_files() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let (mut staff, matter, _) = setup(&portal).await;
    let tus = Tus {
        portal: &portal,
        cookie: staff.cookie.clone().expect("signed in"),
    };
    let full: FolderEntry = parse(&mkdir(&mut staff, &matter, None, "Full").await);
    let full_id = full.id.to_string();
    for i in 0..130 {
        tus.upload(&matter, Some(&full_id), &format!("page {i}.txt"), b"x")
            .await;
    }
    let reply = tus.create(&matter, Some(&full_id), "page 130.txt", 1).await;
    assert_eq!(reply.status, 409);
    assert!(reply.text().contains("130 files"), "{}", reply.text());
    // A new version of a file already there is fine, and subfolders do not count.
    tus.upload(&matter, Some(&full_id), "page 0.txt", b"y")
        .await;
    parse::<FolderEntry>(&mkdir(&mut staff, &matter, Some(&full_id), "More").await);
    // Moving a 131st file in is refused too.
    let loose = tus.upload(&matter, None, "loose.txt", b"z").await;
    let reply = staff
        .call(
            "/api/files/move",
            &[
                ("matter_id", &matter),
                ("kind", "document"),
                ("id", &loose),
                ("to", &full_id),
            ],
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(
        list(&mut staff, &matter, Some(&full_id))
            .await
            .documents
            .len(),
        130
    );
    portal.finish().await;
}
