//! File requests (issue 22), on SQLite and PostgreSQL: the firm asks in a message for files, one
//! line a slot; the conversation's contacts upload into a line through the resumable upload, up
//! to 5 GB a file; what they upload is a document of All Files in a folder of theirs, the firm
//! sees it at once (live) and each contact sees only their own. Who may upload is the policy's:
//! tried here as an attacker would, with 50 uploads at once against a line's limit.

use crate::common;

use axum::{
    body::{Body, Bytes},
    http::Request,
};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use sha2::{Digest, Sha256};

use app::{
    AppError,
    conversations::{FILES_PER_REQUEST_LINE, MessageView, RequestView},
    files::FolderView,
};
use common::{
    BACKENDS, Backend, Browser, Reply, add_person,
    world::{Live, World, create, get, id_of},
};

/// A tus creation request into line `item` of the request in `message`, carrying `first`.
fn into_line(
    who: &Browser<'_>,
    message: &str,
    item: &str,
    name: &str,
    length: u64,
    first: Vec<u8>,
) -> Request<Body> {
    let meta = format!(
        "filename {},purpose {},message {},item {}",
        BASE64.encode(name),
        BASE64.encode("request"),
        BASE64.encode(message),
        BASE64.encode(item)
    );
    common::world::creation_request(who, &meta, length, first)
}

async fn upload(
    world: &World,
    who: &Browser<'_>,
    message: &str,
    item: usize,
    name: &str,
    data: &[u8],
) -> Reply {
    world
        .portal
        .send(into_line(
            who,
            message,
            &item.to_string(),
            name,
            data.len() as u64,
            data.to_vec(),
        ))
        .await
}

fn patch(who: &Browser<'_>, url: &str, offset: u64, body: Body) -> Request<Body> {
    Request::patch(url)
        .header("tus-resumable", "1.0.0")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", who.cookie.as_deref().unwrap_or_default())
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .body(body)
        .expect("request")
}

/// The request of message `id` as `who` sees it.
async fn request_of(who: &mut Browser<'_>, conversation: &str, id: &str) -> Option<RequestView> {
    let view = get(who, conversation).await.expect("readable");
    view.messages
        .into_iter()
        .find(|m| m.id.to_string() == id)
        .expect("the message")
        .request
}

async fn folder(who: &mut Browser<'_>, world: &World, folder: Option<&str>) -> FolderView {
    let mut form = vec![("matter_id", world.matter.as_str())];
    if let Some(f) = folder {
        form.push(("folder_id", f));
    }
    let reply = who.call("/api/files/list", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("folder")
}

fn refusal(reply: &Reply) -> String {
    serde_json::from_slice::<AppError>(&reply.body)
        .map(|e| e.to_string())
        .unwrap_or_else(|_| reply.text())
}

#[tokio::test]
async fn a_file_request_is_answered_into_the_clients_folder_and_shown_as_each_may_see_it() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        // On PostgreSQL a change reaches open pages through LISTEN/NOTIFY: this node listens.
        if backend == Backend::Postgres {
            let url = &world.portal.config.database.url;
            dossier::live::start_listener(url, &world.portal.state).await;
        }
        let mut ada = world.browser("ada@firm.example").await;
        let mut grace = world.browser(common::world::GRACE).await;
        let mut hugo = world.browser(common::world::HUGO).await;
        let sam = world.browser(common::world::SAM).await;
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace, &world.hugo],
                &[("subject", "Lease"), ("body", "Welcome")],
            )
            .await,
        );
        let mut staff_stream = Live::open(world.portal.router(), &ada, &world.matter).await;

        // Only the firm asks, only where contacts can answer, and within the limits.
        let asked = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("requested", "Your passport")],
            )
            .await;
        assert_eq!(asked.status, 403, "{backend:?}");
        let internal = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.sam],
                &[
                    ("subject", "Notes"),
                    ("body", "Internal"),
                    ("internal", "true"),
                ],
            )
            .await,
        );
        let asked = ada
            .call(
                "/api/conversations/post",
                &[("id", &internal), ("requested", "Passport")],
            )
            .await;
        assert_eq!(asked.status, 400, "{backend:?}");
        let too_many = "File\n".repeat(21);
        let asked = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("requested", &too_many)],
            )
            .await;
        assert_eq!(asked.status, 400, "{backend:?}");
        assert!(
            refusal(&asked).contains("at most 20"),
            "{}",
            refusal(&asked)
        );

        // The request, with no text of its own.
        let asked = ada
            .call(
                "/api/conversations/post",
                &[
                    ("id", &conversation),
                    ("requested", "- Passport\n\n- Last three payslips\n"),
                ],
            )
            .await;
        assert_eq!(asked.status, 200, "{backend:?}: {}", asked.text());
        let asked: MessageView = serde_json::from_slice(&asked.body).expect("message");
        let message = asked.id.to_string();
        assert_eq!(asked.body, "Please upload these files.");
        let labels: Vec<_> = asked
            .request
            .as_ref()
            .expect("a request")
            .items
            .iter()
            .map(|i| i.label.as_str())
            .collect();
        assert_eq!(labels, ["Passport", "Last three payslips"]);
        let told = about(&mut staff_stream, asked.id).await;
        assert!(told.message.is_some(), "{backend:?}");
        assert!(!told.change.files, "{backend:?}: asking changes no file");

        // Grace answers the first line.
        let passport = b"%PDF-1.7 Grace Hopper's passport".to_vec();
        let sent = upload(&world, &grace, &message, 0, "passport.pdf", &passport).await;
        assert_eq!(sent.status, 201, "{backend:?}: {}", sent.text());
        let document = sent.header("dossier-document").to_string();
        assert!(!document.is_empty(), "{backend:?}");

        // The firm sees it at once on its open page, and its file tree is told to look again…
        let told = about(&mut staff_stream, asked.id).await;
        assert!(told.change.files, "{backend:?}");
        let shown = told.message.expect("told with the message");
        let files = &shown.request.expect("a request").items[0].files;
        assert_eq!(files.len(), 1, "{backend:?}");
        assert_eq!(files[0].name, "passport.pdf");
        assert_eq!(files[0].by, "Grace Hopper");
        assert_eq!(files[0].sha256, hex::encode(Sha256::digest(&passport)));
        assert_eq!(
            files[0].document.map(|d| d.to_string()),
            Some(document.clone())
        );

        // …and in All Files, in a folder with her name, as hers.
        let top = folder(&mut ada, &world, None).await;
        let hers = top
            .folders
            .iter()
            .find(|f| f.name == "Uploads from Grace Hopper")
            .expect("her folder");
        let inside = folder(&mut ada, &world, Some(&hers.id.to_string())).await;
        assert_eq!(inside.documents.len(), 1, "{backend:?}");
        assert_eq!(inside.documents[0].name, "passport.pdf");
        assert_eq!(inside.documents[0].updated_by, "Grace Hopper");
        assert_eq!(inside.documents[0].id.to_string(), document);
        let download =
            common::world::fetch(&world, &ada, &format!("/files/{document}/download")).await;
        assert_eq!(download.body, passport, "{backend:?}");

        // Each contact sees their own uploads only; the firm sees everyone's.
        let mine = request_of(&mut grace, &conversation, &message)
            .await
            .expect("a request");
        assert_eq!(mine.items[0].files.len(), 1);
        assert_eq!(
            mine.items[0].files[0].document, None,
            "not where the firm keeps it"
        );
        let his = request_of(&mut hugo, &conversation, &message)
            .await
            .expect("a request");
        assert!(
            his.items[0].files.is_empty(),
            "{backend:?}: not Grace's to Hugo"
        );
        let sent = upload(&world, &hugo, &message, 0, "hugo-passport.pdf", b"Hugo").await;
        assert_eq!(sent.status, 201, "{backend:?}: {}", sent.text());
        let his = request_of(&mut hugo, &conversation, &message)
            .await
            .expect("a request");
        let names: Vec<_> = his.items[0].files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["hugo-passport.pdf"]);
        let all = request_of(&mut ada, &conversation, &message)
            .await
            .expect("a request");
        assert_eq!(all.items[0].files.len(), 2, "{backend:?}");

        // The firm puts its files in All Files; a line that is not there, a message that asks
        // for nothing, a stranger: no such request.
        for (who, item, status) in [(&ada, "0", 403), (&sam, "0", 403), (&grace, "2", 404)] {
            let reply = world
                .portal
                .send(into_line(who, &message, item, "x.pdf", 1, vec![1]))
                .await;
            assert_eq!(
                reply.status,
                status,
                "{backend:?} item {item}: {}",
                reply.text()
            );
        }
        let plain = asked_plain(&mut ada, &conversation).await;
        let reply = upload(&world, &grace, &plain, 0, "x.pdf", b"x").await;
        assert_eq!(reply.status, 404, "{backend:?}");
        let stranger = add_person(
            &world.portal,
            "Stranger Danger",
            "stranger@example.com",
            app::entities::user::Role::Client,
            None,
        )
        .await;
        let mut stranger_browser = Browser::new(&world.portal);
        stranger_browser
            .sign_in_as(&stranger.email, common::PASSWORD)
            .await;
        let reply = upload(&world, &stranger_browser, &message, 0, "x.pdf", b"x").await;
        assert_eq!(reply.status, 404, "{backend:?}: {}", reply.text());
        let reply = world
            .portal
            .send(into_line(&grace, &message, "0", "", 1, vec![1]))
            .await;
        assert_eq!(reply.status, 400, "{backend:?}: a file needs a name");

        // Larger than a file can be: refused before any byte.
        let reply = world
            .portal
            .send(into_line(
                &grace,
                &message,
                "1",
                "huge.bin",
                5 * 1024 * 1024 * 1024 + 1,
                Vec::new(),
            ))
            .await;
        assert_eq!(reply.status, 413, "{backend:?}: {}", reply.text());

        // 50 uploads into one line at once: a line takes ten files of one person's.
        let replies = futures_util::future::join_all((0..50).map(|i| {
            world.portal.send(into_line(
                &grace,
                &message,
                "1",
                &format!("payslip-{i}.pdf"),
                10,
                Vec::new(),
            ))
        }))
        .await;
        assert_eq!(
            common::count(&replies, 201),
            FILES_PER_REQUEST_LINE,
            "{backend:?}"
        );
        assert_eq!(common::count(&replies, 409), 50 - FILES_PER_REQUEST_LINE);
        let refused = replies.iter().find(|r| r.status == 409).expect("refused");
        assert!(
            refusal(refused).contains("the most one line takes"),
            "{}",
            refusal(refused)
        );

        // An upload under way when the matter closes is stopped at its last byte, and nothing
        // of it is kept.
        let started = world
            .portal
            .send(into_line(
                &hugo,
                &message,
                "1",
                "late.pdf",
                8,
                b"1234".to_vec(),
            ))
            .await;
        assert_eq!(started.status, 201, "{backend:?}: {}", started.text());
        let url = started.header("location").to_string();
        let closed = ada
            .call(
                "/api/matters/status",
                &[("id", &world.matter), ("open", "false")],
            )
            .await;
        assert_eq!(closed.status, 200);
        let rest = world
            .portal
            .send(patch(&hugo, &url, 4, Body::from(b"5678".to_vec())))
            .await;
        assert_eq!(rest.status, 409, "{backend:?}: {}", rest.text());
        assert!(
            refusal(&rest).contains("nothing of it was kept"),
            "{}",
            refusal(&rest)
        );
        let reply = upload(&world, &grace, &message, 0, "after.pdf", b"x").await;
        assert_eq!(reply.status, 409, "{backend:?}: closed");
        ada.call(
            "/api/matters/status",
            &[("id", &world.matter), ("open", "true")],
        )
        .await;

        // Someone removed from the conversation cannot answer any more.
        let removed = ada
            .call(
                "/api/conversations/participants/remove",
                &[("id", &conversation), ("user_id", &world.hugo)],
            )
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text());
        let reply = upload(&world, &hugo, &message, 0, "again.pdf", b"x").await;
        assert_eq!(reply.status, 404, "{backend:?}");

        // A deleted request asks for nothing more; the files stay in All Files.
        let deleted = ada
            .call("/api/conversations/messages/delete", &[("id", &message)])
            .await;
        assert_eq!(deleted.status, 200, "{}", deleted.text());
        assert!(
            request_of(&mut grace, &conversation, &message)
                .await
                .is_none()
        );
        let reply = upload(&world, &grace, &message, 0, "later.pdf", b"x").await;
        assert_eq!(reply.status, 404, "{backend:?}");
        let inside = folder(&mut ada, &world, Some(&hers.id.to_string())).await;
        assert_eq!(inside.documents.len(), 1, "{backend:?}: her passport stays");
        world.portal.finish().await;
    }
}

/// The next change on `stream` that tells of message `id` (others, such as a new
/// conversation's or a read receipt, are passed over); within 30 seconds.
async fn about(stream: &mut Live, id: app::ids::MessageId) -> app::live::Told {
    let wait = async {
        loop {
            let told = stream.next().await;
            if told.change.message == Some(id) && told.change.read.is_none() {
                return told;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(30), wait)
        .await
        .expect("the change about the message arrives")
}

/// A message from the firm that asks for `lines`; its id.
async fn ask(ada: &mut Browser<'_>, conversation: &str, lines: &str) -> String {
    let asked = ada
        .call(
            "/api/conversations/post",
            &[("id", conversation), ("requested", lines)],
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.text());
    serde_json::from_slice::<MessageView>(&asked.body)
        .expect("message")
        .id
        .to_string()
}

#[tokio::test]
async fn photos_of_one_name_answer_their_lines_as_files_of_their_own() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let mut grace = world.browser(common::world::GRACE).await;
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Identity"), ("body", "Hello")],
            )
            .await,
        );
        let message = ask(&mut ada, &conversation, "Passport\nUtility bill").await;
        // A phone names every photo "image.jpg": three photos, three files, each under its line.
        for (item, photo) in [
            (0, "passport photo"),
            (1, "bill, page 1"),
            (1, "bill, page 2"),
        ] {
            let sent = upload(
                &world,
                &grace,
                &message,
                item,
                "image.jpg",
                photo.as_bytes(),
            )
            .await;
            assert_eq!(sent.status, 201, "{backend:?}: {}", sent.text());
        }
        let top = folder(&mut ada, &world, None).await;
        let hers = top
            .folders
            .iter()
            .find(|f| f.name == "Uploads from Grace Hopper");
        let inside = folder(
            &mut ada,
            &world,
            Some(&hers.expect("her folder").id.to_string()),
        )
        .await;
        let mut names: Vec<_> = inside.documents.iter().map(|d| d.name.as_str()).collect();
        names.sort();
        assert_eq!(
            names,
            ["image (2).jpg", "image (3).jpg", "image.jpg"],
            "{backend:?}"
        );
        let request = request_of(&mut ada, &conversation, &message)
            .await
            .expect("a request");
        let lines: Vec<Vec<&str>> = request
            .items
            .iter()
            .map(|i| i.files.iter().map(|f| f.name.as_str()).collect())
            .collect();
        assert_eq!(
            lines,
            [vec!["image.jpg"], vec!["image (2).jpg", "image (3).jpg"]]
        );
        // The passport line's link is the passport, not the last photo of that name.
        let passport = request.items[0].files[0].document.expect("where it is");
        let download =
            common::world::fetch(&world, &ada, &format!("/files/{passport}/download")).await;
        assert_eq!(download.body, b"passport photo", "{backend:?}");
        let mine = request_of(&mut grace, &conversation, &message)
            .await
            .expect("a request");
        assert_eq!(mine.items[1].files.len(), 2, "{backend:?}");
        world.portal.finish().await;
    }
}

/// A message that asks for nothing; its id.
async fn asked_plain(ada: &mut Browser<'_>, conversation: &str) -> String {
    let reply = ada
        .call(
            "/api/conversations/post",
            &[("id", conversation), ("body", "Thank you")],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice::<MessageView>(&reply.body)
        .expect("message")
        .id
        .to_string()
}

/// The byte at `at` of the test's gigabyte: a pattern no two nearby blocks share.
fn byte_at(at: u64) -> u8 {
    (at.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// Bytes `from..to` of the gigabyte, in 8 MiB pieces, each hashed into `hasher` as it goes;
/// with `break_at`, the body breaks there as a dropped connection does.
fn gigabyte(
    from: u64,
    to: u64,
    break_at: Option<u64>,
    hasher: std::sync::Arc<std::sync::Mutex<Sha256>>,
) -> Body {
    const PIECE: u64 = 8 * 1024 * 1024;
    let end = break_at.unwrap_or(to).min(to);
    let pieces = futures_util::stream::unfold(from, move |at| {
        let hasher = hasher.clone();
        async move {
            if at >= end {
                return if break_at.is_some() && at < to {
                    Some((
                        Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionReset,
                            "connection dropped",
                        )),
                        to,
                    ))
                } else {
                    None
                };
            }
            let next = (at + PIECE).min(end);
            let piece: Vec<u8> = (at..next).map(byte_at).collect();
            if let Ok(mut h) = hasher.lock() {
                h.update(&piece);
            }
            Some((Ok(Bytes::from(piece)), next))
        }
    });
    Body::from_stream(pieces)
}

#[tokio::test]
async fn a_one_gigabyte_client_upload_into_a_request_resumes_after_a_dropped_connection() {
    const SIZE: u64 = 1_000_000_000;
    let world = World::start(Backend::Sqlite).await;
    let mut ada = world.browser("ada@firm.example").await;
    let grace = world.browser(common::world::GRACE).await;
    let conversation = id_of(
        &create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "Evidence"), ("body", "Hello")],
        )
        .await,
    );
    let message = ask(&mut ada, &conversation, "The video recording").await;

    let started = world
        .portal
        .send(into_line(
            &grace,
            &message,
            "0",
            "recording.mp4",
            SIZE,
            Vec::new(),
        ))
        .await;
    assert_eq!(started.status, 201, "{}", started.text());
    let url = started.header("location").to_string();
    // The connection drops after 600 MB; the phone asks where the upload is and resumes.
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Sha256::new()));
    let _ = world
        .portal
        .send(patch(
            &grace,
            &url,
            0,
            gigabyte(0, SIZE, Some(600_000_000), sent.clone()),
        ))
        .await;
    let head = world
        .portal
        .send(
            Request::head(&url)
                .header("tus-resumable", "1.0.0")
                .header("cookie", grace.cookie.as_deref().unwrap_or_default())
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let offset: u64 = head.header("upload-offset").parse().expect("an offset");
    assert_eq!(offset, 600_000_000, "the bytes before the break are kept");
    let finished = world
        .portal
        .send(patch(
            &grace,
            &url,
            offset,
            gigabyte(offset, SIZE, None, sent.clone()),
        ))
        .await;
    assert_eq!(finished.status, 204, "{}", finished.text());
    let expected = hex::encode(sent.lock().expect("hasher").clone().finalize());

    let request = request_of(&mut ada, &conversation, &message)
        .await
        .expect("a request");
    let file = &request.items[0].files[0];
    assert_eq!(file.name, "recording.mp4");
    assert_eq!(file.size, SIZE);
    assert_eq!(file.sha256, expected, "every byte arrived once, in order");
    let top = folder(&mut ada, &world, None).await;
    let hers = top
        .folders
        .iter()
        .find(|f| f.name == "Uploads from Grace Hopper")
        .expect("her folder");
    let inside = folder(&mut ada, &world, Some(&hers.id.to_string())).await;
    assert_eq!(inside.documents[0].size, SIZE);
    world.portal.finish().await;
}
