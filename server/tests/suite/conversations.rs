//! Conversations on a matter, on SQLite and PostgreSQL: external ones with the matter's contacts
//! (notified by email at a real SMTP server and by text at a Twilio-compatible gateway, both on
//! loopback), internal ones that contacts never see, and protected ones that show a contact
//! nothing, not even in a notification, until they pass the second factor again. Files go with
//! messages as copies (from the device or from the matter's files), up to 100 MB, readable by
//! exactly those who may read the conversation; shared files and folders are live links that
//! always show what is there now, and nothing once the firm revokes them.

use crate::common;

use axum::{body::Body, http::Request};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

use app::{AppError, entities::user::Role};
use common::{
    BACKENDS, Backend, Browser, add_person,
    world::{
        GRACE, HUGO, Live, SAM, URL, World, create, fetch, get, id_of, list, message, mkdir,
        shares_on, upload, upload_into,
    },
};

#[tokio::test]
async fn contacts_see_only_their_external_conversations_and_everyone_is_told() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let external = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Signing the lease"),
                    ("body", "Please sign the lease by Friday.\nThank you."),
                    ("sms", "true"),
                ],
            )
            .await,
        );
        let internal = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.sam],
                &[
                    ("subject", "Strategy"),
                    ("body", "Between us: settle below 40k."),
                    ("internal", "true"),
                ],
            )
            .await,
        );

        // Grace is emailed and texted the message; Sam is emailed the internal one.
        world.deliver().await;
        let mails = world.smtp.received();
        let to_grace: Vec<_> = mails.iter().filter(|m| m.to == [GRACE]).collect();
        assert_eq!(to_grace.len(), 1, "{backend:?}");
        let text = to_grace[0].text();
        assert!(text.contains("Please sign the lease by Friday."), "{text}");
        assert!(
            text.contains(&format!(
                "{URL}/matters/{}?conversation={external}",
                world.matter
            )),
            "{text}"
        );
        assert!(!text.contains("settle"), "{text}");
        assert_eq!(mails.iter().filter(|m| m.to == [SAM]).count(), 1);
        assert!(mails.iter().all(|m| m.to != [HUGO]), "Hugo is in neither");
        let texts = world.sms.received();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].to, "+447700900123");
        assert!(
            texts[0].body.contains("Please sign the lease"),
            "{}",
            texts[0].body
        );

        // Grace sees the external conversation only; the internal one does not exist for her.
        let mut grace = world.browser(GRACE).await;
        let seen = list(&mut grace, &world).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].subject.as_deref(), Some("Signing the lease"));
        assert_eq!(seen[0].unread, 1);
        let (status, error) = get(&mut grace, &internal).await.expect_err("internal");
        assert_eq!(status, 404);
        assert_eq!(error.to_string(), app::policy::NO_SUCH_CONVERSATION);
        let opened = get(&mut grace, &external).await.expect("her conversation");
        assert_eq!(opened.messages.len(), 1);
        assert_eq!(
            opened.messages[0].body,
            "Please sign the lease by Friday.\nThank you."
        );
        assert!(opened.messages[0].sent_as_sms);
        // The page has it on screen: it says so (a POST; opening it alone reads nothing).
        let read = grace
            .call("/api/conversations/read", &[("id", &external)])
            .await;
        assert_eq!(read.status, 200, "{}", read.text());
        assert_eq!(
            list(&mut grace, &world).await[0].unread,
            0,
            "reading marks read"
        );

        // She replies; a contact cannot text, start a conversation, or post in the internal one.
        let reply = grace
            .call(
                "/api/conversations/post",
                &[("id", &external), ("body", "Signed!")],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let texted = grace
            .call(
                "/api/conversations/post",
                &[("id", &external), ("body", "x"), ("sms", "true")],
            )
            .await;
        assert_eq!(texted.status, 403);
        let started = create(
            &mut grace,
            &world,
            &[&world.grace],
            &[("subject", "x"), ("body", "x")],
        )
        .await;
        assert_eq!(started.status, 403);
        let intruding = grace
            .call(
                "/api/conversations/post",
                &[("id", &internal), ("body", "x")],
            )
            .await;
        assert_eq!(intruding.status, 404);

        // Hugo is on the matter but in neither conversation: he sees nothing.
        let mut hugo = world.browser(HUGO).await;
        assert!(list(&mut hugo, &world).await.is_empty());
        assert_eq!(get(&mut hugo, &external).await.expect_err("not his").0, 404);

        // The firm sees both, and Grace's reply as unread.
        let firm = list(&mut ada, &world).await;
        assert_eq!(firm.len(), 2);
        let line = firm
            .iter()
            .find(|c| c.id.to_string() == external)
            .expect("external");
        assert_eq!(line.unread, 1);
        assert_eq!(line.preview.as_deref(), Some("Signed!"));
        let mut sam = world.browser(SAM).await;
        let view = get(&mut sam, &external).await.expect("staff read it");
        assert_eq!(view.messages.len(), 2);

        // Who may be in which conversation.
        let contact_inside = create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "x"), ("body", "x"), ("internal", "true")],
        )
        .await;
        assert_eq!(contact_inside.status, 400);
        assert!(contact_inside.text().contains("for the firm's people only"));
        let nobody = create(&mut ada, &world, &[], &[("subject", "x"), ("body", "x")]).await;
        assert_eq!(nobody.status, 400);
        let stranger = add_person(
            &world.portal,
            "Stranger",
            "stranger@else.example",
            Role::Client,
            None,
        )
        .await;
        let outsider = create(
            &mut ada,
            &world,
            &[&stranger.id.to_string()],
            &[("subject", "x"), ("body", "x")],
        )
        .await;
        assert_eq!(outsider.status, 400);
        assert!(outsider.text().contains("not a contact on this matter"));
        let empty = create(
            &mut ada,
            &world,
            &[&world.hugo],
            &[("subject", " "), ("body", "x")],
        )
        .await;
        assert_eq!(empty.status, 400);

        // A closed matter's conversations are read-only.
        let closed = ada
            .call(
                "/api/matters/status",
                &[("id", &world.matter), ("open", "false")],
            )
            .await;
        assert_eq!(closed.status, 200);
        let late = grace
            .call(
                "/api/conversations/post",
                &[("id", &external), ("body", "One more")],
            )
            .await;
        assert_eq!(late.status, 409, "{}", late.text());
        assert!(get(&mut grace, &external).await.is_ok(), "still readable");
        world.smtp.stop();
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn a_protected_conversation_shows_a_contact_nothing_until_they_confirm_it_is_them() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let secret = "The settlement offer is 125,000.";
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Settlement offer"),
                    ("body", secret),
                    ("requires_second_factor", "true"),
                    ("sms", "true"),
                ],
            )
            .await,
        );

        // The notifications say there is something to read, and nothing of what it is.
        world.deliver().await;
        let mails = world.smtp.received();
        let mail = mails
            .iter()
            .find(|m| m.to == [GRACE])
            .expect("mail to Grace");
        let text = mail.text();
        assert!(text.contains("secure message"), "{text}");
        assert!(
            !text.contains("125,000") && !text.contains("Settlement"),
            "{text}"
        );
        let texts = world.sms.received();
        assert_eq!(texts.len(), 1);
        assert!(!texts[0].body.contains("125,000"), "{}", texts[0].body);

        // Signed in with her password only: the list shows a locked line, and nothing opens.
        let mut grace = world.browser(GRACE).await;
        let seen = list(&mut grace, &world).await;
        assert_eq!(seen.len(), 1);
        assert!(seen[0].locked);
        assert_eq!(seen[0].subject, None);
        assert_eq!(seen[0].preview, None);
        assert!(seen[0].participants.is_empty());
        let (status, error) = get(&mut grace, &id).await.expect_err("locked");
        assert_eq!((status, error), (403, AppError::StepUpRequired));
        let reply = grace
            .call("/api/conversations/post", &[("id", &id), ("body", "x")])
            .await;
        assert_eq!(reply.status, 403);
        // A wrong code is refused and opens nothing.
        let wrong = grace
            .call("/api/accounts/step-up", &[("code", "000000")])
            .await;
        assert_eq!(wrong.status, 403);
        assert!(get(&mut grace, &id).await.is_err());

        // She asks for a code by email and types it in: now it opens, under a new session id.
        let sent = grace
            .call("/api/accounts/code/send", &[("channel", "email")])
            .await;
        assert_eq!(sent.status, 200, "{}", sent.text());
        let code = world.emailed_code(GRACE).await;
        let before = grace.cookie.clone();
        let stepped = grace
            .call("/api/accounts/step-up", &[("code", &code)])
            .await;
        assert_eq!(stepped.status, 200, "{}", stepped.text());
        assert_ne!(grace.cookie, before, "a step-up changes the session id");
        let opened = get(&mut grace, &id).await.expect("unlocked");
        assert_eq!(opened.messages[0].body, secret);
        let seen = list(&mut grace, &world).await;
        assert!(!seen[0].locked);
        assert_eq!(seen[0].subject.as_deref(), Some("Settlement offer"));

        // The firm needs no step-up of its own to read what it wrote.
        assert!(get(&mut ada, &id).await.is_ok());

        // Another session of hers has not passed it.
        let mut phone = world.browser(GRACE).await;
        assert_eq!(get(&mut phone, &id).await.expect_err("new session").0, 403);

        // An internal conversation cannot ask contacts for a step-up it will never show them.
        let odd = create(
            &mut ada,
            &world,
            &[&world.sam],
            &[
                ("subject", "x"),
                ("body", "x"),
                ("internal", "true"),
                ("requires_second_factor", "true"),
            ],
        )
        .await;
        assert_eq!(odd.status, 400);
        world.smtp.stop();
        world.portal.finish().await;
    }
}

fn filed(reply: &common::Reply, header: &str) -> String {
    assert_eq!(reply.status, 201, "{}", reply.text());
    let id = reply.header(header).to_string();
    assert!(!id.is_empty(), "no {header} header");
    id
}

#[tokio::test]
async fn files_are_sent_as_copies_to_exactly_those_who_may_read_the_conversation() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;

        // A lease in the matter's files, sent to Grace in a new conversation with no text.
        let first = b"lease, first draft";
        let doc = filed(
            &upload(&world, &ada, "Lease.pdf", first, "files").await,
            "dossier-document",
        );
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "The lease"), ("documents[0]", &doc)],
            )
            .await,
        );
        world.deliver().await;
        let mails = world.smtp.received();
        let mail = mails.iter().find(|m| m.to == [GRACE]).expect("mail");
        assert!(
            mail.text().contains("Sent 1 file: Lease.pdf"),
            "{}",
            mail.text()
        );

        let mut grace = world.browser(GRACE).await;
        let view = get(&mut grace, &conversation).await.expect("hers");
        let sent = &view.messages[0].attachments;
        assert_eq!(sent.len(), 1, "{backend:?}");
        assert_eq!(
            (sent[0].name.as_str(), sent[0].size, sent[0].from_files),
            ("Lease.pdf", first.len() as u64, true)
        );
        let lease = format!("/attachments/{}/download", sent[0].id);
        let got = fetch(&world, &grace, &lease).await;
        assert_eq!(got.status, 200, "{}", got.text());
        assert_eq!(&got.body[..], first);
        assert!(got.header("content-disposition").contains("Lease.pdf"));
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        let preview = fetch(
            &world,
            &grace,
            &format!("/attachments/{}/preview", sent[0].id),
        )
        .await;
        assert_eq!(preview.status, 200);
        assert!(
            preview
                .header("content-security-policy")
                .contains("default-src 'none'")
        );

        // A new version of the document leaves the copy she was sent as it was.
        let again = upload(&world, &ada, "Lease.pdf", b"lease, second draft", "files").await;
        assert_eq!(filed(&again, "dossier-document"), doc);
        assert_eq!(&fetch(&world, &grace, &lease).await.body[..], first);

        // She attaches a file from her phone and sends it without text. Until it is sent it is
        // nobody's to download, and only she can send it.
        let staged = filed(
            &upload(&world, &grace, "Signed lease.pdf", b"signed", "attachment").await,
            "dossier-attachment",
        );
        let early = fetch(&world, &grace, &format!("/attachments/{staged}/download")).await;
        assert_eq!(early.status, 404);
        let taken = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("attachments[0]", &staged)],
            )
            .await;
        assert_eq!(taken.status, 409, "{}", taken.text());
        let posted = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("attachments[0]", &staged)],
            )
            .await;
        assert_eq!(posted.status, 200, "{}", posted.text());
        let twice = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("attachments[0]", &staged)],
            )
            .await;
        assert_eq!(twice.status, 409);
        let view = get(&mut ada, &conversation).await.expect("firm");
        let signed = &view.messages[1].attachments[0];
        assert_eq!(
            (signed.name.as_str(), signed.from_files),
            ("Signed lease.pdf", false)
        );
        let signed_path = format!("/attachments/{}/download", signed.id);
        assert_eq!(&fetch(&world, &ada, &signed_path).await.body[..], b"signed");
        let line = list(&mut ada, &world).await;
        assert_eq!(line[0].preview.as_deref(), Some("Sent files"));

        // A contact cannot send from the matter's files; nobody can send a message with neither
        // text nor files.
        let from_tree = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("documents[0]", &doc)],
            )
            .await;
        assert_eq!(from_tree.status, 403);
        let nothing = ada
            .call("/api/conversations/post", &[("id", &conversation)])
            .await;
        assert_eq!(nothing.status, 400);
        // At most 20 files and 20 shares a message, refused before anything is looked up.
        let ids: Vec<String> = (0..21).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        for (field, sentence) in [
            ("attachments", "at most 20 files"),
            ("shared_documents", "at most 20 files and folders"),
        ] {
            let keys: Vec<String> = (0..21).map(|i| format!("{field}[{i}]")).collect();
            let mut form = vec![("id", conversation.as_str())];
            form.extend(
                keys.iter()
                    .map(String::as_str)
                    .zip(ids.iter().map(String::as_str)),
            );
            let too_many = ada.call("/api/conversations/post", &form).await;
            assert_eq!(too_many.status, 400, "{field}: {}", too_many.text());
            assert!(too_many.text().contains(sentence), "{}", too_many.text());
        }

        // Hugo is on the matter but not in the conversation; a signed-out browser is nobody.
        let hugo = world.browser(HUGO).await;
        assert_eq!(fetch(&world, &hugo, &lease).await.status, 404);
        assert_eq!(fetch(&world, &hugo, &signed_path).await.status, 404);
        let nobody = Browser::new(&world.portal);
        assert_eq!(fetch(&world, &nobody, &lease).await.status, 401);

        // 100 MB a file: a larger upload is refused before any byte, and so is a larger
        // document from the tree, with a sentence that says what to do instead.
        let empty = upload(&world, &grace, "Scan.tiff", &[], "attachment").await;
        filed(&empty, "dossier-attachment");
        let meta = format!(
            "filename {},matter {},purpose {}",
            BASE64.encode("Video.mp4"),
            BASE64.encode(&world.matter),
            BASE64.encode("attachment")
        );
        let too_big = world
            .portal
            .send(
                Request::post("/uploads")
                    .header("tus-resumable", "1.0.0")
                    .header("sec-fetch-site", "same-origin")
                    .header("cookie", grace.cookie.clone().expect("signed in"))
                    .header("upload-length", (100 * 1024 * 1024 + 1).to_string())
                    .header("upload-metadata", meta)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(too_big.status, 413, "{}", too_big.text());
        assert!(too_big.text().contains("files up to 100 MB can be sent"));
        // A client cannot share: she is told what she can do, not "share it instead".
        assert!(too_big.text().contains("ask the firm how to send it"));
        assert!(!too_big.text().contains("Share it"), "{}", too_big.text());
        {
            use app::entities::document;
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
            document::Entity::update_many()
                .col_expr(document::Column::Size, Expr::value(200_i64 * 1024 * 1024))
                .filter(document::Column::Id.eq(uuid::Uuid::parse_str(&doc).expect("uuid")))
                .exec(&world.portal.state.db)
                .await
                .expect("update");
        }
        let large = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("documents[0]", &doc)],
            )
            .await;
        assert_eq!(large.status, 413, "{}", large.text());
        assert!(large.text().contains("Share it instead"));
        assert_eq!(
            get(&mut ada, &conversation)
                .await
                .expect("firm")
                .messages
                .len(),
            2,
            "a refused message is not half-sent"
        );

        // A protected conversation's files stay behind the step-up too.
        let small = filed(
            &upload(&world, &ada, "Offer.txt", b"125,000", "files").await,
            "dossier-document",
        );
        let protected = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Offer"),
                    ("documents[0]", &small),
                    ("requires_second_factor", "true"),
                ],
            )
            .await,
        );
        let offer = get(&mut ada, &protected).await.expect("firm").messages[0].attachments[0].id;
        let locked = fetch(&world, &grace, &format!("/attachments/{offer}/download")).await;
        assert_eq!(locked.status, 403, "{}", locked.text());
        assert!(!locked.text().contains("125,000"));

        // Files uploaded for a message that never went are deleted with their bytes.
        let left = upload(&world, &ada, "Draft.txt", b"never sent", "attachment").await;
        let location = left.header("location").to_string();
        let blob = location.trim_start_matches("/uploads/").to_string();
        let draft = filed(&left, "dossier-attachment");
        // A client that lost that answer learns the file's id by asking where the upload is.
        let head = world
            .portal
            .send(
                Request::head(&location)
                    .header("tus-resumable", "1.0.0")
                    .header("cookie", ada.cookie.clone().expect("signed in"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(head.status, 200);
        assert_eq!(head.header("dossier-attachment"), draft);
        let removed = app::conversations::attachments::clean_up(
            &world.portal.state,
            chrono::Utc::now() + chrono::Duration::seconds(1),
        )
        .await
        .expect("clean up");
        assert_eq!(removed, 2, "Draft.txt and the empty Scan.tiff");
        let objects = world
            .portal
            .state
            .storage
            .list(&format!("blobs/{blob}/"))
            .await
            .expect("list");
        assert!(
            objects.iter().all(|e| e.path().ends_with('/')),
            "bytes left behind"
        );
        world.smtp.stop();
        world.portal.finish().await;
    }
}

async fn open_share(
    who: &mut Browser<'_>,
    id: &str,
    folder: Option<&str>,
) -> Result<app::shares::OpenedShare, (u16, String)> {
    let mut form = vec![("id", id)];
    if let Some(f) = folder {
        form.push(("folder_id", f));
    }
    let reply = who.call("/api/shares/open", &form).await;
    if reply.status == 200 {
        Ok(serde_json::from_slice(&reply.body).expect("share"))
    } else {
        let error: AppError = serde_json::from_slice(&reply.body).expect("typed error");
        Err((reply.status.as_u16(), error.to_string()))
    }
}

#[tokio::test]
async fn a_share_shows_what_is_there_now_and_nothing_once_revoked() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let court = mkdir(&mut ada, &world, None, "Court").await;
        let order = filed(
            &upload_into(
                &world,
                &ada,
                Some(&court),
                "Order.txt",
                b"order v1",
                "files",
            )
            .await,
            "dossier-document",
        );
        let lease = filed(
            &upload(&world, &ada, "Lease.txt", b"lease v1", "files").await,
            "dossier-document",
        );

        // Ada shares the Court folder and the lease with Grace, with no text.
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Court papers"),
                    ("shared_folders[0]", &court),
                    ("shared_documents[0]", &lease),
                ],
            )
            .await,
        );
        world.deliver().await;
        let mails = world.smtp.received();
        let mail = mails.iter().find(|m| m.to == [GRACE]).expect("mail");
        assert!(mail.text().contains("Shared 2 items"), "{}", mail.text());

        let mut grace = world.browser(GRACE).await;
        let view = get(&mut grace, &conversation).await.expect("hers");
        let shares = &view.messages[0].shares;
        let names: Vec<_> = shares.iter().map(|s| s.name.clone()).collect();
        assert_eq!(
            names,
            [Some("Lease.txt".to_string()), Some("Court".to_string())],
            "{backend:?}: files, then folders, as shared"
        );
        let lease_share = shares[0].id.to_string();
        let court_share = shares[1].id.to_string();
        assert_eq!(shares_on(&mut grace, &world).await.len(), 2);

        // The folder shows from itself down: nothing above it.
        let opened = open_share(&mut grace, &court_share, None)
            .await
            .expect("open");
        let folder = opened.folder.expect("a folder");
        assert_eq!(folder.path.len(), 1);
        assert_eq!(folder.path[0].name, "Court");
        assert_eq!(folder.documents[0].name, "Order.txt");
        assert!(!opened.can_revoke);
        let through = |doc: &str| format!("/shares/{court_share}/files/{doc}/download");
        assert_eq!(
            &fetch(&world, &grace, &through(&order)).await.body[..],
            b"order v1"
        );

        // Live: a new version, a new subfolder and its file show at once.
        filed(
            &upload_into(
                &world,
                &ada,
                Some(&court),
                "Order.txt",
                b"order v2",
                "files",
            )
            .await,
            "dossier-document",
        );
        assert_eq!(
            &fetch(&world, &grace, &through(&order)).await.body[..],
            b"order v2"
        );
        let exhibits = mkdir(&mut ada, &world, Some(&court), "Exhibits").await;
        let exhibit = filed(
            &upload_into(
                &world,
                &ada,
                Some(&exhibits),
                "A.txt",
                b"exhibit A",
                "files",
            )
            .await,
            "dossier-document",
        );
        let inner = open_share(&mut grace, &court_share, Some(&exhibits))
            .await
            .expect("inside");
        let inner = inner.folder.expect("folder");
        assert_eq!(
            inner
                .path
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["Court", "Exhibits"]
        );
        assert_eq!(
            &fetch(&world, &grace, &through(&exhibit)).await.body[..],
            b"exhibit A"
        );

        // Nothing outside the shared folder is reached through it: not the lease, not the top
        // folder, and not a file moved out of it.
        assert_eq!(fetch(&world, &grace, &through(&lease)).await.status, 404);
        // The tree itself is not there for a contact: a document of her own matter, asked for
        // by its id, answers word for word as one that does not exist.
        let direct = fetch(&world, &grace, &format!("/files/{lease}/download")).await;
        let nowhere = format!("/files/{}/download", uuid::Uuid::now_v7());
        let nowhere = fetch(&world, &grace, &nowhere).await;
        assert_eq!(nowhere.status, 404);
        assert_eq!(
            (direct.status, direct.text()),
            (nowhere.status, nowhere.text())
        );
        let matter = world.matter.clone();
        assert_eq!(
            open_share(&mut grace, &court_share, Some(&matter))
                .await
                .err()
                .map(|e| e.0),
            Some(404)
        );
        let moved = ada
            .call(
                "/api/files/move",
                &[("matter_id", &matter), ("kind", "document"), ("id", &order)],
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.text());
        assert_eq!(fetch(&world, &grace, &through(&order)).await.status, 404);

        // A shared file is always its latest version, with its last update.
        filed(
            &upload(&world, &ada, "Lease.txt", b"lease v2", "files").await,
            "dossier-document",
        );
        let opened = open_share(&mut grace, &lease_share, None)
            .await
            .expect("lease");
        let doc = opened.document.expect("a document");
        assert_eq!((doc.versions, doc.updated_by.as_str()), (2, "Ada Lovelace"));
        let lease_path = format!("/shares/{lease_share}/files/{lease}/download");
        assert_eq!(
            &fetch(&world, &grace, &lease_path).await.body[..],
            b"lease v2"
        );
        assert_eq!(
            fetch(
                &world,
                &grace,
                &format!("/shares/{lease_share}/files/{exhibit}/download")
            )
            .await
            .status,
            404,
            "a file share reaches that file only"
        );

        // Hugo is on the matter but not in the conversation: none of it exists for him.
        let mut hugo = world.browser(HUGO).await;
        assert!(shares_on(&mut hugo, &world).await.is_empty());
        assert_eq!(
            open_share(&mut hugo, &court_share, None)
                .await
                .err()
                .map(|e| e.0),
            Some(404)
        );
        assert_eq!(fetch(&world, &hugo, &lease_path).await.status, 404);

        // Contacts cannot share or revoke.
        let sharing = grace
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("shared_documents[0]", &lease)],
            )
            .await;
        assert_eq!(sharing.status, 403);
        let revoking = grace
            .call("/api/shares/revoke", &[("id", &court_share)])
            .await;
        assert_eq!(revoking.status, 403);

        // Revoked: the very next request opens nothing, and the firm still sees it was shared.
        let revoked = ada
            .call("/api/shares/revoke", &[("id", &court_share)])
            .await;
        assert_eq!(revoked.status, 200, "{}", revoked.text());
        let (status, sentence) = open_share(&mut grace, &court_share, None)
            .await
            .expect_err("revoked");
        assert_eq!(
            (status, sentence.as_str()),
            (404, app::policy::NO_SUCH_SHARE)
        );
        assert_eq!(fetch(&world, &grace, &through(&exhibit)).await.status, 404);
        assert_eq!(shares_on(&mut grace, &world).await.len(), 1);
        let firm_view = get(&mut ada, &conversation).await.expect("firm");
        assert!(firm_view.messages[0].shares[1].revoked);

        // A shared item moved to the trash is no longer available.
        let trashed = ada
            .call(
                "/api/files/trash",
                &[("matter_id", &matter), ("kind", "document"), ("id", &lease)],
            )
            .await;
        assert_eq!(trashed.status, 200, "{}", trashed.text());
        let (status, _) = open_share(&mut grace, &lease_share, None)
            .await
            .expect_err("trashed");
        assert_eq!(status, 404);
        assert_eq!(fetch(&world, &grace, &lease_path).await.status, 404);
        let view = get(&mut grace, &conversation).await.expect("hers");
        assert_eq!(view.messages[0].shares.len(), 2);
        assert_eq!(view.messages[0].shares[0].name, None);

        // The whole tree cannot be shared at once.
        let everything = ada
            .call(
                "/api/conversations/post",
                &[("id", &conversation), ("shared_folders[0]", &matter)],
            )
            .await;
        assert_eq!(everything.status, 400, "{}", everything.text());
        world.smtp.stop();
        world.portal.finish().await;
    }
}

/// A page's live-update stream, read one event at a time.
#[tokio::test]
async fn open_pages_hear_of_changes_they_may_see_from_any_node() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let with_grace = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Lease"), ("body", "Hello Grace")],
            )
            .await,
        );
        let internal = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.sam],
                &[("subject", "Fees"), ("body", "x"), ("internal", "true")],
            )
            .await,
        );

        // On PostgreSQL Grace's page is served by a second node on the same database, and a
        // change travels between the nodes by LISTEN/NOTIFY; SQLite is one node.
        let other = match backend {
            Backend::Postgres => {
                let node = dossier::open(&world.portal.config)
                    .await
                    .expect("second node");
                let url = &world.portal.config.database.url;
                dossier::live::start_listener(url, &world.portal.state).await;
                dossier::live::start_listener(url, &node).await;
                node
            }
            Backend::Sqlite => world.portal.state.clone(),
        };
        let grace = world.browser(GRACE).await;
        let hugo = world.browser(HUGO).await;
        let mut grace_live =
            Live::open(dossier::routes::router(other), &grace, &world.matter).await;
        let mut hugo_live = Live::open(world.portal.router(), &hugo, &world.matter).await;
        let mut ada_live = Live::open(world.portal.router(), &ada, &world.matter).await;

        // Ada writes in the internal conversation, then in Grace's: Grace hears of hers only.
        for (id, text) in [(&internal, "Between us"), (&with_grace, "Any news?")] {
            let posted = ada
                .call("/api/conversations/post", &[("id", id), ("body", text)])
                .await;
            assert_eq!(posted.status, 200, "{}", posted.text());
        }
        let heard = grace_live.next().await;
        assert_eq!(
            heard.change.conversation.to_string(),
            with_grace,
            "{backend:?}"
        );
        assert_eq!(heard.change.matter.to_string(), world.matter);
        // With the message and her list's line as she sees them: no reload needed.
        let message = heard.message.expect("the message comes with the change");
        assert_eq!((message.body.as_str(), message.mine), ("Any news?", false));
        assert_eq!(message.author, "Ada Lovelace");
        let line = heard.summary.expect("and the conversation's line");
        assert_eq!(line.preview.as_deref(), Some("Any news?"));
        assert_eq!(
            line.unread, 2,
            "counted as in her list: the first message and this one"
        );
        // Ada, who wrote it, is told the same message as hers (built once, "mine" per person).
        assert_eq!(
            ada_live.next().await.change.conversation.to_string(),
            internal
        );
        let own = ada_live.next().await;
        assert_eq!(own.change.conversation.to_string(), with_grace);
        let message = own.message.expect("her own message");
        assert_eq!((message.body.as_str(), message.mine), ("Any news?", true));
        assert_eq!(
            own.summary.map(|s| s.unread),
            Some(0),
            "nothing unread for her"
        );

        // A new conversation with Hugo: the first change he hears of is his own.
        let with_hugo = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.hugo],
                &[("subject", "Your statement"), ("body", "Please check it")],
            )
            .await,
        );
        let heard = hugo_live.next().await;
        assert_eq!(heard.change.conversation.to_string(), with_hugo);
        assert_eq!(
            heard.summary.and_then(|s| s.subject).as_deref(),
            Some("Your statement"),
            "a new conversation comes with its line for the list"
        );

        // A protected conversation Grace has not unlocked: she hears of it and of its next
        // message, locked, and nothing of what they say.
        let protected = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Offer"),
                    ("body", "Secret terms"),
                    ("requires_second_factor", "true"),
                ],
            )
            .await,
        );
        // The line is read when the change is told, so the second message is posted only once
        // the first change is heard: otherwise both lines could already count two.
        for (unread, next) in [(1, Some("More secret terms")), (2, None)] {
            let heard = grace_live.next().await;
            assert_eq!(heard.change.conversation.to_string(), protected);
            assert!(heard.message.is_none(), "no text before the code");
            let line = heard.summary.expect("the locked line");
            assert!(line.locked && line.subject.is_none() && line.preview.is_none());
            assert_eq!(line.unread, unread, "{backend:?}");
            if let Some(body) = next {
                let posted = ada
                    .call(
                        "/api/conversations/post",
                        &[("id", &protected), ("body", body)],
                    )
                    .await;
                assert_eq!(posted.status, 200, "{}", posted.text());
            }
        }

        // A node shutting down ends its streams instead of waiting on them.
        world.portal.state.live.close();
        hugo_live.ended().await;
        world.smtp.stop();
        world.portal.finish().await;
    }
}

/// The `<time>` elements of a page: (`datetime`, `title`, text).
fn times(html: &str) -> Vec<(String, String, String)> {
    html.split("<time ")
        .skip(1)
        .filter_map(|rest| {
            let attr = |name: &str| {
                let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
                Some(rest[start..start + rest[start..].find('"')?].to_string())
            };
            let open = rest.find('>')?;
            let text = &rest[open + 1..open + 1 + rest[open + 1..].find("</time>")?];
            // Leptos may leave hydration markers (comments) around the text.
            let text = text.split("<!").next().unwrap_or_default().to_string();
            Some((attr("datetime")?, attr("title")?, text))
        })
        .collect()
}

/// A page rendered on the server shows times in the zone the reader's browser told it (a
/// cookie the front end sets), else in the firm's zone; never a time written in UTC.
#[tokio::test]
async fn pages_show_times_in_the_readers_own_time_zone() {
    use chrono::{DateTime, Timelike, Utc};
    let world = World::start(Backend::Sqlite).await;
    let mut ada = world.browser("ada@firm.example").await;
    let id = id_of(
        &create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "Completion"), ("body", "Keys on Friday")],
        )
        .await,
    );
    let page = format!("/matters/{}?conversation={id}", world.matter);
    let session = ada.cookie.clone().expect("signed in");
    for (told, zone) in [
        (Some("Asia/Tokyo"), chrono_tz::Asia::Tokyo),
        (Some("America/New_York"), chrono_tz::America::New_York),
        // A zone that does not exist is ignored: the firm's zone (UTC in these tests).
        (Some("Mars/Olympus_Mons"), chrono_tz::UTC),
        (None, chrono_tz::UTC),
    ] {
        let cookie = match told {
            Some(zone) => format!("{session}; dossier_tz={zone}"),
            None => session.clone(),
        };
        let reply = world
            .portal
            .send(
                Request::get(&page)
                    .header("cookie", cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, 200);
        let html = reply.text();
        assert!(
            !html.contains(" UTC<") && !html.contains(" UTC ·"),
            "{html}"
        );
        let shown = times(&html);
        assert!(shown.len() >= 2, "the list line and the message: {shown:?}");
        for (datetime, title, text) in shown {
            let at: DateTime<Utc> = datetime.parse().expect("an RFC 3339 datetime");
            let local = at.with_timezone(&zone);
            // Written just now: today's clock time where the reader is.
            assert_eq!(
                text,
                format!("{:02}:{:02}", local.hour(), local.minute()),
                "{told:?}"
            );
            let offset = local.format("%:z").to_string();
            assert!(title.ends_with(&format!("(UTC{offset})")), "{title}");
            assert!(title.contains(&local.format("%-d %B %Y").to_string()));
        }
    }
    world.smtp.stop();
    world.portal.finish().await;
}

/// A person's inbox holds their conversations across their matters, latest first, exactly as
/// each matter's page would show them: a contact never sees an internal conversation, one they
/// are not in, or another matter's; a protected one is a locked line without subject or preview.
#[tokio::test]
async fn the_inbox_holds_a_persons_conversations_across_matters_as_their_pages_would() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        // A second matter with Grace on it, and a third without her.
        let mut second = String::new();
        for (number, with_grace) in [("2026-0200", true), ("2026-0300", false)] {
            let created = ada
                .call(
                    "/api/matters/create",
                    &[("number", number), ("name", "Another")],
                )
                .await;
            let m: app::matters::MatterSummary =
                serde_json::from_slice(&created.body).expect("matter");
            let email = if with_grace { GRACE } else { HUGO };
            let added = ada
                .call(
                    "/api/matters/people/add",
                    &[
                        ("id", &m.id.to_string()),
                        ("email", email),
                        ("role", "client"),
                    ],
                )
                .await;
            assert_eq!(added.status, 200, "{}", added.text());
            let participant = if with_grace {
                &world.grace
            } else {
                &world.hugo
            };
            let opened = ada
                .call(
                    "/api/conversations/create",
                    &[
                        ("matter_id", &m.id.to_string()),
                        ("participants[0]", participant),
                        ("subject", &format!("About {number}")),
                        ("body", "On the other matter."),
                    ],
                )
                .await;
            id_of(&opened);
            if with_grace {
                second = m.id.to_string();
            }
        }
        let plain = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Lease"), ("body", "Sign it.")],
            )
            .await,
        );
        create(
            &mut ada,
            &world,
            &[&world.sam],
            &[("subject", "Strategy"), ("body", "x"), ("internal", "true")],
        )
        .await;
        create(
            &mut ada,
            &world,
            &[&world.hugo],
            &[("subject", "Hugo only"), ("body", "x")],
        )
        .await;
        let protected = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "Offer"),
                    ("body", "125,000"),
                    ("requires_second_factor", "true"),
                ],
            )
            .await,
        );

        let mut grace = world.browser(GRACE).await;
        let reply = grace.call("/api/conversations/inbox", &[]).await;
        assert_eq!(reply.status, 200, "{backend:?}: {}", reply.text());
        let inbox: Vec<app::conversations::InboxLine> =
            serde_json::from_slice(&reply.body).expect("inbox");
        let ids: Vec<String> = inbox
            .iter()
            .map(|l| l.conversation.id.to_string())
            .collect();
        assert_eq!(ids.len(), 3, "{backend:?}: {inbox:#?}");
        assert_eq!(ids[0], protected, "latest first");
        assert_eq!(ids[1], plain);
        assert_eq!(inbox[2].matter_id.to_string(), second);
        assert_eq!(inbox[2].matter_number, "2026-0200");
        let locked = &inbox[0].conversation;
        assert!(locked.locked && locked.subject.is_none() && locked.preview.is_none());
        assert_eq!(locked.unread, 1);
        assert_eq!(inbox[1].conversation.preview.as_deref(), Some("Sign it."));
        let shown = reply.text();
        for hidden in ["Strategy", "Hugo only", "2026-0300", "125,000", "Offer"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
        // Signed out, nothing.
        let signed_out = world.portal.call("/api/conversations/inbox", &[]).await;
        assert_eq!(signed_out.status, 401);
        world.portal.finish().await;
    }
}

fn messaged(reply: &common::Reply) -> app::conversations::Messaged {
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("messaged")
}

#[tokio::test]
async fn the_message_button_continues_the_conversation_with_exactly_those_recipients() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let lease = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Lease"), ("body", "Sign it.")],
            )
            .await,
        );
        // Sam writes to Grace later: his conversation has other people in it than Ada's.
        let mut sam = world.browser(SAM).await;
        let sams = id_of(
            &create(
                &mut sam,
                &world,
                &[&world.grace],
                &[("subject", "Sam's note"), ("body", "Hello from Sam.")],
            )
            .await,
        );

        // To Grace alone, unprotected: Ada's "Lease", by text too; a subject given is not used.
        let continued = messaged(
            &message(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("body", "Any news on the lease?"),
                    ("sms", "true"),
                    ("subject", "Ignored"),
                ],
            )
            .await,
        );
        assert!(continued.continued, "{backend:?}: {continued:?}");
        assert_eq!(continued.conversation.to_string(), lease);
        assert_eq!(continued.subject, "Lease");
        let mut grace = world.browser(GRACE).await;
        let read = get(&mut grace, &lease).await.expect("hers");
        assert_eq!(read.messages.len(), 2);
        assert_eq!(read.messages[1].body, "Any news on the lease?");
        assert!(read.messages[1].sent_as_sms);
        assert_eq!(
            get(&mut grace, &sams).await.expect("hers").messages.len(),
            1
        );
        world.deliver().await;
        assert!(
            world
                .sms
                .received()
                .iter()
                .any(|t| t.body.contains("Any news on the lease?"))
        );

        // Protected: another conversation, named by its first words, and continued next time.
        let protected = messaged(
            &message(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("body", "The offer is in.\nDetails below."),
                    ("requires_second_factor", "true"),
                ],
            )
            .await,
        );
        assert!(!protected.continued);
        assert_eq!(protected.subject, "The offer is in.");
        let again = messaged(
            &message(
                &mut ada,
                &world,
                &[&world.grace],
                &[("body", "Reminder."), ("requires_second_factor", "true")],
            )
            .await,
        );
        assert!(again.continued);
        assert_eq!(again.conversation, protected.conversation);
        let (status, _) = get(&mut grace, &protected.conversation.to_string())
            .await
            .expect_err("protected");
        assert_eq!(status, 403, "Grace confirms it is her first");

        // Grace and Hugo together: a new external conversation; Sam alone: an internal one.
        let both = messaged(
            &message(
                &mut ada,
                &world,
                &[&world.grace, &world.hugo],
                &[("body", "To you both.")],
            )
            .await,
        );
        assert!(!both.continued);
        let internal =
            messaged(&message(&mut ada, &world, &[&world.sam], &[("body", "Between us.")]).await);
        assert!(!internal.continued);
        let sam_sees = get(&mut sam, &internal.conversation.to_string())
            .await
            .expect("his");
        assert_eq!(
            sam_sees.kind,
            app::conversations::ConversationKind::Internal
        );
        assert!(
            get(&mut grace, &internal.conversation.to_string())
                .await
                .is_err(),
            "an internal conversation does not exist for a contact"
        );
        assert_eq!(
            messaged(&message(&mut ada, &world, &[&world.sam], &[("body", "And again.")]).await)
                .conversation,
            internal.conversation
        );

        // Refusals, each with its sentence; a contact cannot use the button.
        for (people, extra, status, sentence) in [
            (
                vec![world.sam.as_str()],
                vec![("body", "x"), ("requires_second_factor", "true")],
                400,
                "Only conversations with contacts can require verification",
            ),
            (
                vec![],
                vec![("body", "x")],
                400,
                "Choose at least one recipient.",
            ),
            (
                vec![world.grace.as_str()],
                vec![("body", "  ")],
                400,
                "Write a message first.",
            ),
        ] {
            let refused = message(&mut ada, &world, &people, &extra).await;
            assert_eq!(refused.status, status, "{}", refused.text());
            assert!(refused.text().contains(sentence), "{}", refused.text());
        }
        let by_grace = message(&mut grace, &world, &[&world.hugo], &[("body", "x")]).await;
        assert_eq!(by_grace.status, 403, "{}", by_grace.text());
        assert_eq!(
            list(&mut ada, &world).await.len(),
            5,
            "nothing else started"
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn a_message_is_formatted_and_nothing_in_it_runs() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let text = "Dear Grace,\nthe **offer** stands.\n\n- sign it\n- send it back\n\n\
                    See https://court.example/a <script>alert(1)</script> \
                    [here](javascript:alert(2)) <img src=x onerror=alert(3)>";
        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Offer"), ("body", text)],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let shown = get(&mut grace, &conversation).await.expect("hers");
        let m = &shown.messages[0];
        assert_eq!(m.body, text, "{backend:?}: kept as written");
        assert!(m.html.contains("Dear Grace,<br>"), "{}", m.html);
        assert!(m.html.contains("<strong>offer</strong>"), "{}", m.html);
        assert!(m.html.contains("<li>sign it</li>"), "{}", m.html);
        assert!(
            m.html.contains(
                r#"<a href="https://court.example/a" target="_blank" rel="noopener noreferrer">"#
            ),
            "{}",
            m.html
        );
        for never in ["<script", "href=\"javascript:", "href=\"\"", "<img"] {
            assert!(!m.html.contains(never), "{never} in {}", m.html);
        }
        // The page as the server sends it: formatted, and nothing of it runs (in the markup or
        // in the data the page hydrates from).
        let page = fetch(
            &world,
            &grace,
            &format!("/matters/{}?conversation={conversation}", world.matter),
        )
        .await;
        assert_eq!(page.status, 200);
        let page = page.text();
        assert!(page.contains("<strong>offer</strong>"), "{backend:?}");
        assert!(!page.contains("<script>alert(1)"), "{backend:?}");
        assert!(!page.contains("<img src=x"), "{backend:?}");
        // The email quotes it as written, no markup.
        world.deliver().await;
        let mails = world.smtp.received();
        let mail = mails.iter().find(|m| m.to == [GRACE]).expect("mail").text();
        assert!(mail.contains("the **offer** stands"), "{mail}");
        assert!(!mail.contains("<strong>"), "{mail}");
        world.smtp.stop();
        world.portal.finish().await;
    }
}

/// On PostgreSQL a change reaches open pages through LISTEN/NOTIFY: this node listens.
async fn listen(world: &World, backend: Backend) {
    if backend == Backend::Postgres {
        let url = &world.portal.config.database.url;
        dossier::live::start_listener(url, &world.portal.state).await;
    }
}

#[tokio::test]
async fn the_firm_adds_and_removes_people_and_someone_removed_is_refused_everywhere_at_once() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        listen(&world, backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let lease = filed(
            &upload(&world, &ada, "Lease.pdf", b"the lease", "files").await,
            "dossier-document",
        );
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[
                    ("subject", "The lease"),
                    ("body", "Hello Grace, the lease is attached."),
                    ("documents[0]", &lease),
                    ("shared_documents[0]", &lease),
                ],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let mut hugo = world.browser(HUGO).await;
        let seen = get(&mut grace, &id).await.expect("hers");
        let attachment = format!(
            "/attachments/{}/download",
            seen.messages[0].attachments[0].id
        );
        let share = seen.messages[0].shares[0].id.to_string();
        assert!(get(&mut hugo, &id).await.is_err(), "not his yet");
        let mut grace_live = Live::open(world.portal.router(), &grace, &world.matter).await;
        let mut hugo_live = Live::open(world.portal.router(), &hugo, &world.matter).await;

        // A contact cannot change who is in it; the firm can add a contact on the matter.
        let add_hugo = [("id", id.as_str()), ("user_id", world.hugo.as_str())];
        let refused = grace
            .call("/api/conversations/participants/add", &add_hugo)
            .await;
        assert_eq!(refused.status, 403, "{}", refused.text());
        // Twenty adds of Hugo at once: one adds him, the others say he is in already.
        let cookie = ada.cookie.clone();
        let replies = common::at_once(
            &world.portal,
            20,
            "/api/conversations/participants/add",
            &add_hugo,
            cookie.as_deref(),
            "127.0.0.1",
        )
        .await;
        assert_eq!(common::count(&replies, 200), 1, "{backend:?}");
        assert_eq!(common::count(&replies, 400), 19, "{backend:?}");
        assert!(replies.iter().find(|r| r.status == 400).is_some_and(|r| {
            r.text()
                .contains("Hugo Other is already in this conversation.")
        }));
        // He is told at once, and sees the whole conversation, earlier messages included.
        let heard = hugo_live.next().await;
        assert_eq!(heard.change.conversation.to_string(), id);
        assert!(heard.summary.is_some() && !heard.gone);
        let his = get(&mut hugo, &id).await.expect("his now");
        assert_eq!(his.messages[0].body, "Hello Grace, the lease is attached.");
        assert_eq!(
            his.changes.iter().map(|c| c.sentence()).collect::<Vec<_>>(),
            ["Hugo Other was added by Ada Lovelace"]
        );
        // Only someone who could have been in it from the start: not a contact in an internal one.
        let internal = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.sam],
                &[("subject", "Fees"), ("body", "x"), ("internal", "true")],
            )
            .await,
        );
        let contact_inside = ada
            .call(
                "/api/conversations/participants/add",
                &[("id", &internal), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(contact_inside.status, 400, "{}", contact_inside.text());
        assert!(
            contact_inside
                .text()
                .contains("Internal conversations are for the firm")
        );

        // Grace is removed: her open page is told at once, and every path refuses her.
        assert!(!grace_live.next().await.gone, "Hugo's arrival first");
        let removed = ada
            .call(
                "/api/conversations/participants/remove",
                &[("id", &id), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text());
        let told = grace_live.next().await;
        assert_eq!(told.change.conversation.to_string(), id);
        assert!(told.gone && told.message.is_none() && told.summary.is_none());
        let (status, _) = get(&mut grace, &id).await.expect_err("gone for her");
        assert_eq!(status, 404);
        assert!(
            list(&mut grace, &world)
                .await
                .iter()
                .all(|c| c.id.to_string() != id)
        );
        assert_eq!(fetch(&world, &grace, &attachment).await.status, 404);
        assert_eq!(
            open_share(&mut grace, &share, None)
                .await
                .map(|_| ())
                .expect_err("no share")
                .0,
            404
        );
        for (path, form) in [
            (
                "/api/conversations/post",
                vec![("id", id.as_str()), ("body", "Still here?")],
            ),
            ("/api/conversations/read", vec![("id", id.as_str())]),
        ] {
            let reply = grace.call(path, &form).await;
            assert_eq!(reply.status, 404, "{path}: {}", reply.text());
        }
        let inbox = grace.call("/api/conversations/inbox", &[]).await;
        assert!(!inbox.text().contains(&id), "not in her inbox");
        let twice = ada
            .call(
                "/api/conversations/participants/remove",
                &[("id", &id), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(twice.status, 400, "{}", twice.text());

        // What is written next reaches Hugo, and neither her page nor her inbox: the next
        // thing her stream tells is a new conversation of hers.
        world.deliver().await;
        let mails_before = world
            .smtp
            .received()
            .iter()
            .filter(|m| m.to == [GRACE])
            .count();
        let posted = ada
            .call(
                "/api/conversations/post",
                &[("id", &id), ("body", "Hugo, please sign.")],
            )
            .await;
        assert_eq!(posted.status, 200, "{}", posted.text());
        world.deliver().await;
        let mails_after = world
            .smtp
            .received()
            .iter()
            .filter(|m| m.to == [GRACE])
            .count();
        assert_eq!(mails_before, mails_after, "{backend:?}: no email to her");
        let told = hugo_live.next().await;
        assert!(
            !told.gone && told.summary.is_some(),
            "he still reads it: Grace left"
        );
        let heard = hugo_live.next().await;
        assert_eq!(
            heard.message.map(|m| m.body).as_deref(),
            Some("Hugo, please sign.")
        );
        let other = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Keys"), ("body", "Keys?")],
            )
            .await,
        );
        assert_eq!(
            grace_live.next().await.change.conversation.to_string(),
            other
        );

        // Everyone reading it sees who joined and left, in order.
        let view = get(&mut ada, &id).await.expect("the firm's");
        assert_eq!(
            view.changes
                .iter()
                .map(|c| c.sentence())
                .collect::<Vec<_>>(),
            [
                "Hugo Other was added by Ada Lovelace",
                "Grace Hopper was removed by Ada Lovelace"
            ]
        );
        assert!(view.participants.iter().all(|p| p.name != "Grace Hopper"));
        // Added again, she reads it again.
        let back = ada
            .call(
                "/api/conversations/participants/add",
                &[("id", &id), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(back.status, 200, "{}", back.text());
        assert!(get(&mut grace, &id).await.is_ok());
        world.smtp.stop();
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn an_author_edits_or_deletes_a_message_within_the_firms_window_and_deleted_text_is_gone() {
    const SECRET: &str = "the client will accept 40,000";
    for backend in BACKENDS {
        let world = World::start(backend).await;
        listen(&world, backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let mut sam = world.browser(SAM).await;
        let mut grace = world.browser(GRACE).await;
        let offer = filed(
            &upload(&world, &ada, "Offer.pdf", b"the offer", "files").await,
            "dossier-document",
        );
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Offer"), ("body", "First draft of the offer")],
            )
            .await,
        );
        world.deliver().await;
        let posted = ada
            .call(
                "/api/conversations/post",
                &[
                    ("id", &id),
                    ("body", &format!("Between us: {SECRET}")),
                    ("documents[0]", &offer),
                    ("shared_documents[0]", &offer),
                ],
            )
            .await;
        assert_eq!(posted.status, 200, "{}", posted.text());
        let secret: app::conversations::MessageView =
            serde_json::from_slice(&posted.body).expect("message");
        assert!(
            secret.editable_until.is_some(),
            "hers to change for a while"
        );
        let view = get(&mut grace, &id).await.expect("hers");
        let first = view.messages[0].id.to_string();
        let secret_id = secret.id.to_string();
        assert!(
            view.messages.iter().all(|m| m.editable_until.is_none()),
            "not Grace's to change"
        );
        let attachment = format!(
            "/attachments/{}/download",
            view.messages[1].attachments[0].id
        );
        let share = view.messages[1].shares[0].id.to_string();
        let mut grace_live = Live::open(world.portal.router(), &grace, &world.matter).await;

        // Only its author: not the client it was written to, nor a colleague who may read it.
        for who in [&mut grace, &mut sam] {
            for (path, form) in [
                (
                    "/api/conversations/messages/edit",
                    vec![("id", first.as_str()), ("body", "x")],
                ),
                (
                    "/api/conversations/messages/delete",
                    vec![("id", first.as_str())],
                ),
            ] {
                let reply = who.call(path, &form).await;
                assert_eq!(reply.status, 403, "{path}: {}", reply.text());
            }
        }
        // Nor a message of a conversation that is not yours to read.
        let mut hugo = world.browser(HUGO).await;
        let hidden = hugo
            .call("/api/conversations/messages/delete", &[("id", &first)])
            .await;
        assert_eq!(hidden.status, 404, "{}", hidden.text());

        // The author edits: "edited", told live to the reader's open page.
        let empty = ada
            .call(
                "/api/conversations/messages/edit",
                &[("id", &first), ("body", "  ")],
            )
            .await;
        assert_eq!(empty.status, 400, "{}", empty.text());
        let edited = ada
            .call(
                "/api/conversations/messages/edit",
                &[("id", &first), ("body", "Second draft of the **offer**")],
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text());
        let told = grace_live.next().await;
        let m = told.message.expect("the message as it is now");
        assert_eq!(m.id.to_string(), first);
        assert!(m.edited && !m.deleted && m.editable_until.is_none());
        assert!(
            m.html
                .contains("Second draft of the <strong>offer</strong>"),
            "{}",
            m.html
        );

        // Fifty deletes at once: one deletes it, the others are told it is gone.
        let cookie = ada.cookie.clone();
        let replies = common::at_once(
            &world.portal,
            50,
            "/api/conversations/messages/delete",
            &[("id", &secret_id)],
            cookie.as_deref(),
            "127.0.0.1",
        )
        .await;
        assert_eq!(common::count(&replies, 200), 1, "{backend:?}");
        assert_eq!(common::count(&replies, 409), 49, "{backend:?}");
        let told = grace_live.next().await;
        let m = told.message.expect("the deleted message");
        assert!(m.deleted && m.body.is_empty() && m.html.is_empty());
        assert!(m.attachments.is_empty() && m.shares.is_empty());
        let view = get(&mut grace, &id).await.expect("hers");
        assert!(view.messages[1].deleted && view.messages[1].body.is_empty());
        assert_eq!(
            list(&mut grace, &world).await[0].preview.as_deref(),
            Some("Message deleted")
        );
        // What it sent and shared went with it, and so did its email, not yet sent.
        assert_eq!(fetch(&world, &grace, &attachment).await.status, 404);
        assert_eq!(
            open_share(&mut grace, &share, None)
                .await
                .map(|_| ())
                .expect_err("revoked")
                .0,
            404
        );
        world.deliver().await;
        assert!(
            world
                .smtp
                .received()
                .iter()
                .all(|m| !m.text().contains("40,000")),
            "{backend:?}: its notice never went"
        );
        // A thief with the database finds the text nowhere.
        assert_eq!(
            common::tables_holding(&world.portal.state.db, "40,000").await,
            Vec::<String>::new(),
            "{backend:?}"
        );
        let again = ada
            .call(
                "/api/conversations/messages/edit",
                &[("id", &secret_id), ("body", "x")],
            )
            .await;
        assert_eq!(again.status, 409, "{}", again.text());

        // Past the firm's window, or with none, it stays as it is.
        let late = ada
            .call(
                "/api/conversations/post",
                &[("id", &id), ("body", "Late thought")],
            )
            .await;
        let late: app::conversations::MessageView =
            serde_json::from_slice(&late.body).expect("message");
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        app::entities::message::Entity::update_many()
            .col_expr(
                app::entities::message::Column::CreatedAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(16)),
            )
            .filter(app::entities::message::Column::Id.eq(late.id))
            .exec(&world.portal.state.db)
            .await
            .expect("aged");
        let late = late.id.to_string();
        let refused = ada
            .call(
                "/api/conversations/messages/edit",
                &[("id", &late), ("body", "x")],
            )
            .await;
        assert_eq!(refused.status, 409, "{}", refused.text());
        assert!(refused.text().contains("15 minutes"), "{}", refused.text());
        let saved = ada
            .call(
                "/api/settings/save",
                &[
                    ("idle_timeout_minutes", "30"),
                    ("session_lifetime_hours", "12"),
                    ("step_up_window_hours", "12"),
                    ("message_edit_minutes", "0"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        let never = ada
            .call("/api/conversations/messages/delete", &[("id", &first)])
            .await;
        assert_eq!(never.status, 409, "{}", never.text());
        assert!(never.text().contains("does not allow"), "{}", never.text());
        assert!(
            get(&mut ada, &id)
                .await
                .expect("hers")
                .messages
                .iter()
                .all(|m| m.editable_until.is_none()),
            "nothing offers to change it"
        );
        world.smtp.stop();
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn message_emails_are_gathered_and_none_goes_to_someone_reading_it() {
    use app::entities::outbox_message::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let db = &world.portal.state.db;
        let mut ada = world.browser("ada@firm.example").await;
        let mut grace = world.browser(GRACE).await;
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Keys"), ("body", "Alpha first")],
            )
            .await,
        );
        // What Grace has been emailed, in order, by the portal running `seconds` from now.
        let hers = |seconds: i64| {
            let world = &world;
            async move {
                let at = chrono::Utc::now() + chrono::Duration::seconds(seconds);
                world
                    .transports
                    .run_once_at(db, at)
                    .await
                    .expect("delivery");
                world
                    .smtp
                    .received()
                    .iter()
                    .filter(|m| m.to == [GRACE])
                    .map(|m| m.text())
                    .collect::<Vec<_>>()
            }
        };
        let cookie = ada.cookie.clone();
        let post = |body: &'static str| {
            let (world, cookie, id) = (&world, cookie.clone(), id.clone());
            async move {
                let reply = world
                    .portal
                    .call_with_cookie(
                        "/api/conversations/post",
                        &[("id", &id), ("body", body)],
                        cookie.as_deref(),
                    )
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
                serde_json::from_slice::<app::conversations::MessageView>(&reply.body)
                    .expect("message")
                    .id
                    .to_string()
            }
        };
        // A quiet spell ends: the email goes within the grace an open page has to read it.
        let quiet_spell = || async {
            Entity::update_many()
                .col_expr(
                    Column::SentAt,
                    Expr::value(chrono::Utc::now() - chrono::Duration::minutes(10)),
                )
                .filter(Column::SentAt.is_not_null())
                .exec(db)
                .await
                .expect("time passes");
        };

        // The first message after a quiet spell: at once (within the grace), once.
        assert!(
            hers(0).await.is_empty(),
            "{backend:?}: an open page may read it first"
        );
        let mails = hers(6).await;
        assert_eq!(mails.len(), 1, "{backend:?}");
        assert!(mails[0].contains("Alpha first"), "{}", mails[0]);

        // Three more within minutes: one email, a few minutes after the last.
        for body in ["Bravo second", "Charlie third", "Delta fourth"] {
            post(body).await;
        }
        assert_eq!(hers(6).await.len(), 1, "{backend:?}: they gather");
        let mails = hers(200).await;
        assert_eq!(mails.len(), 2, "{backend:?}: as one email");
        let digest = &mails[1];
        let at = |word: &str| {
            digest
                .find(word)
                .unwrap_or_else(|| panic!("{word} in {digest}"))
        };
        assert!(
            at("Bravo second") < at("Charlie third") && at("Charlie third") < at("Delta fourth"),
            "in order"
        );
        assert!(!digest.contains("Alpha first"), "nothing told twice");

        // She has it open: her page reads what arrives, and no email goes.
        post("Echo fifth").await;
        let read = grace.call("/api/conversations/read", &[("id", &id)]).await;
        assert_eq!(read.status, 200, "{}", read.text());
        assert_eq!(hers(200).await.len(), 2, "{backend:?}: read on screen");

        // Edited before it goes: as it is now; deleted: not at all.
        quiet_spell().await;
        let typo = post("Golf sevnth").await;
        let edited = ada
            .call(
                "/api/conversations/messages/edit",
                &[("id", &typo), ("body", "Golf seventh")],
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.text());
        let gone = post("Eight: the code is 4711").await;
        let deleted = ada
            .call("/api/conversations/messages/delete", &[("id", &gone)])
            .await;
        assert_eq!(deleted.status, 200, "{}", deleted.text());
        let mails = hers(6).await;
        assert_eq!(mails.len(), 3, "{backend:?}");
        assert!(mails[2].contains("Golf seventh") && !mails[2].contains("sevnth"));
        assert!(mails.iter().all(|m| !m.contains("4711")), "{backend:?}");

        // Removed before it goes: nothing.
        quiet_spell().await;
        post("India ninth").await;
        let removed = ada
            .call(
                "/api/conversations/participants/remove",
                &[("id", &id), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text());
        assert_eq!(hers(200).await.len(), 3, "{backend:?}: no longer hers");
        world.smtp.stop();
        world.portal.finish().await;
    }
}

/// What the matter page with an open conversation of 21 messages costs the database, counted
/// (how fast it is, `./dossier.sh bench` measures): a server function reads the session, the
/// firm's settings and the matter once however many of its checks ask, a GET writes nothing,
/// and the whole page stays within its number of statements.
#[tokio::test]
async fn the_matter_page_reads_each_thing_once_and_writes_nothing() {
    /// As measured once the page's nested parts came to fetch their data once (28 before) and
    /// a request read each account once (26 before).
    const STATEMENTS: usize = 22;
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Lease"), ("body", "Message 1")],
            )
            .await,
        );
        for i in 2..=21 {
            let body = format!("Message {i}: {}", "words ".repeat(30));
            let posted = ada
                .call("/api/conversations/post", &[("id", &id), ("body", &body)])
                .await;
            assert_eq!(posted.status, 200, "{}", posted.text());
        }
        let reading = |seen: &[String], table: &str| {
            seen.iter()
                .filter(|s| s.contains(&format!("FROM \"{table}\" WHERE")))
                .count()
        };

        let (reply, seen) =
            dossier::db::statements::record(ada.call("/api/conversations/get", &[("id", &id)]))
                .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        for table in ["sessions", "firm_settings", "matters", "conversations"] {
            assert_eq!(reading(&seen, table), 1, "{backend:?} {table}: {seen:#?}");
        }

        let page = format!("/matters/{}?conversation={id}", world.matter);
        // The first look makes the matter's root folder.
        assert_eq!(fetch(&world, &ada, &page).await.status, 200);
        let (reply, seen) = dossier::db::statements::record(fetch(&world, &ada, &page)).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let html = reply.text();
        assert!(html.contains("Message 21"), "{backend:?}");
        // Leptos builds the page's nested parts twice on the server; their data is fetched and
        // sent to the browser once (`app::resources`): the conversation's last message is in
        // the page's data one time.
        assert_eq!(
            html.matches("\\\"body\\\":\\\"Message 21").count(),
            1,
            "{backend:?}"
        );
        for table in ["sessions", "firm_settings", "matters"] {
            assert_eq!(reading(&seen, table), 1, "{backend:?} {table}: {seen:#?}");
        }
        // The caller, then the matter's people; the participants, the authors and the
        // responsible person are among those already read.
        assert_eq!(reading(&seen, "users"), 2, "{backend:?}: {seen:#?}");
        let writes: Vec<_> = seen
            .iter()
            .filter(|s| !s.trim_start().starts_with("SELECT"))
            .collect();
        assert!(writes.is_empty(), "{backend:?}: {writes:#?}");
        assert!(
            seen.len() <= STATEMENTS,
            "{backend:?}: {} statements: {seen:#?}",
            seen.len()
        );
        world.portal.finish().await;
    }
}

/// What telling open pages of a new message costs the database (how fast, `./dossier.sh bench`
/// measures with 1,000 pages): nothing more for more pages of the same people, and for one more
/// person only their own part (may they see it, what have they not read); the conversation's
/// line, its participants and its latest message are read once for everyone told.
#[tokio::test]
async fn telling_pages_of_a_change_costs_a_few_statements_a_person_and_none_a_page() {
    /// As measured: whether Sam may see the conversation and what he has not read.
    const A_PERSON: usize = 3;
    for backend in BACKENDS {
        let world = World::start(backend).await;
        if backend == Backend::Postgres {
            let url = &world.portal.config.database.url;
            dossier::live::start_listener(url, &world.portal.state).await;
        }
        let mut ada = world.browser("ada@firm.example").await;
        let mut conversations = Vec::new();
        for subject in ["One", "Two", "Three"] {
            conversations.push(id_of(
                &create(
                    &mut ada,
                    &world,
                    &[&world.grace],
                    &[("subject", subject), ("body", "Hello")],
                )
                .await,
            ));
        }
        let grace = world.browser(GRACE).await;
        let sam = world.browser(SAM).await;
        let mut pages = Vec::new();
        // One router, as the server has: its streams share one dispatcher.
        let router = world.portal.router();
        let open = async |pages: &mut Vec<Live>, who: &Browser<'_>| {
            for _ in 0..2 {
                pages.push(Live::open(router.clone(), who, &world.matter).await);
            }
        };
        let tell = async |ada: &mut Browser<'_>, pages: &mut Vec<Live>, id: &str| {
            let ((), seen) = dossier::db::statements::record(async {
                let posted = ada
                    .call("/api/conversations/post", &[("id", id), ("body", "News")])
                    .await;
                assert_eq!(posted.status, 200, "{}", posted.text());
                for page in pages.iter_mut() {
                    let told = page.next().await;
                    assert_eq!(told.change.conversation.to_string(), id);
                    assert!(told.summary.is_some() && told.message.is_some());
                }
            })
            .await;
            seen
        };
        let participants = |seen: &[String]| {
            seen.iter()
                .filter(|s| s.contains("FROM \"conversation_participants\" WHERE"))
                .count()
        };

        open(&mut pages, &ada).await;
        open(&mut pages, &grace).await;
        let two_people = tell(&mut ada, &mut pages, &conversations[0]).await;
        open(&mut pages, &ada).await;
        open(&mut pages, &grace).await;
        let twice_the_pages = tell(&mut ada, &mut pages, &conversations[1]).await;
        assert_eq!(
            twice_the_pages.len(),
            two_people.len(),
            "{backend:?}: {twice_the_pages:#?}"
        );
        open(&mut pages, &sam).await;
        let three_people = tell(&mut ada, &mut pages, &conversations[2]).await;
        assert_eq!(
            participants(&three_people),
            participants(&two_people),
            "{backend:?}: the line is read once for all: {three_people:#?}"
        );
        assert!(
            three_people.len() <= two_people.len() + A_PERSON,
            "{backend:?}: {} statements for a third person: {three_people:#?}",
            three_people.len() - two_people.len()
        );
        world.smtp.stop();
        world.portal.finish().await;
    }
}
