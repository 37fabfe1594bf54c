//! The smaller holes of the review: no address oracle in matter search, no overlong text reaching
//! the database, no read marks on GET, 404 for pages that are not yours, uploads re-checked at
//! their last byte, and no connection held open by a slow client. Security review, issue 16.

use crate::common;

use axum::{body::Body, http::Request};
use common::{
    ADA, BACKENDS, Backend, Browser, Reply, TestPortal,
    world::{GRACE, HUGO, World, create, get, id_of, list, upload_request},
};
use sea_orm::{EntityTrait, PaginatorTrait};

async fn page(portal: &TestPortal, path: &str, cookie: Option<&str>) -> Reply {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    portal
        .send(request.body(Body::empty()).expect("request"))
        .await
}

#[tokio::test]
async fn a_contact_cannot_learn_addresses_by_searching_matters() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut grace = world.browser(GRACE).await;
        let mut ada = world.browser(ADA).await;
        let search = |who: &mut Browser<'_>, q: &'static str| {
            let who_cookie = who.cookie.clone();
            let portal = &world.portal;
            async move {
                let reply = portal
                    .call_with_cookie("/api/matters/list", &[("query", q)], who_cookie.as_deref())
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
                serde_json::from_slice::<Vec<app::matters::MatterSummary>>(&reply.body)
                    .expect("matters")
                    .len()
            }
        };
        assert_eq!(search(&mut grace, "2026-0142").await, 1);
        assert_eq!(search(&mut grace, "hopper LEASE").await, 1);
        assert_eq!(
            search(&mut grace, "hugo@oth").await,
            0,
            "{backend:?}: no oracle"
        );
        assert_eq!(search(&mut grace, "Hugo Other").await, 0, "{backend:?}");
        assert_eq!(
            search(&mut ada, "hugo@oth").await,
            1,
            "the firm searches everything"
        );
        // A search too long for SQLite's LIKE is a sentence, not a 500.
        let long = "a".repeat(50_000);
        let refused = grace.call("/api/matters/list", &[("query", &long)]).await;
        assert_eq!(refused.status, 400);
        assert!(refused.text().contains("too long"), "{}", refused.text());
        let over = grace
            .call("/api/matters/list", &[("query", &"b".repeat(201))])
            .await;
        assert_eq!(over.status, 400);
        assert!(
            over.text().contains("at most 200 characters"),
            "{}",
            over.text()
        );
        world.portal.finish().await;
    }
}

/// Every server function refuses an overlong field with a sentence before it runs.
#[tokio::test]
async fn every_server_function_refuses_overlong_text_with_a_sentence() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let mut ada = Browser::new(&portal);
    assert_eq!(ada.sign_in().await.status, 200);
    let long = "x".repeat(60_000);
    let paths: Vec<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    assert!(paths.len() > 30);
    for path in paths {
        for field in ["name", "body", "query", "token"] {
            let reply = portal
                .call_with_cookie(&path, &[(field, &long)], ada.cookie.as_deref())
                .await;
            assert_eq!(reply.status, 400, "{path} {field}: {}", reply.text());
            assert!(
                reply.text().contains("too long"),
                "{path}: {}",
                reply.text()
            );
        }
    }
    portal.finish().await;
}

#[tokio::test]
async fn opening_a_conversation_by_link_changes_nothing_and_missing_pages_are_404() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser(ADA).await;
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Unread"), ("body", "Hello")],
            )
            .await,
        );
        let mut grace = world.browser(GRACE).await;
        let unread = |list: Vec<app::conversations::ConversationSummary>| list[0].unread;
        assert_eq!(unread(list(&mut grace, &world).await), 1);
        let link = format!("/matters/{}?conversation={id}", world.matter);
        let opened = page(&world.portal, &link, grace.cookie.as_deref()).await;
        assert_eq!(opened.status, 200, "{backend:?}");
        assert!(opened.text().contains("Hello"));
        assert!(get(&mut grace, &id).await.is_ok());
        assert_eq!(
            unread(list(&mut grace, &world).await),
            1,
            "{backend:?}: a GET reads nothing"
        );
        let read = grace.call("/api/conversations/read", &[("id", &id)]).await;
        assert_eq!(read.status, 200, "{}", read.text());
        assert_eq!(unread(list(&mut grace, &world).await), 0);

        // Pages about what is not there, or not hers, answer 404.
        let nowhere = uuid::Uuid::now_v7();
        for path in [
            format!("/matters/{nowhere}"),
            format!("/matters/{}?conversation={nowhere}", world.matter),
        ] {
            let reply = page(&world.portal, &path, grace.cookie.as_deref()).await;
            assert_eq!(reply.status, 404, "{backend:?} {path}");
            assert!(reply.text().contains("no such"), "{path}");
        }
        let hugo = world.browser(HUGO).await;
        let not_his = page(&world.portal, &link, hugo.cookie.as_deref()).await;
        assert_eq!(not_his.status, 404, "{backend:?}: Hugo is not in it");
        let staff_missing = page(
            &world.portal,
            &format!("/matters/{nowhere}"),
            ada.cookie.as_deref(),
        )
        .await;
        assert_eq!(staff_missing.status, 404);
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn an_upload_finishing_after_its_access_ended_keeps_nothing() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let grace = world.browser(GRACE).await;
        // She starts sending a file (the first half arrives)…
        let created = world
            .portal
            .send(upload_request(
                &world,
                &grace,
                None,
                "late.pdf",
                10,
                b"hello",
                "attachment",
            ))
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let location = created.header("location").to_string();
        // …the firm takes her off the matter…
        let mut ada = world.browser(ADA).await;
        let removed = ada
            .call(
                "/api/matters/people/remove",
                &[("id", &world.matter), ("user_id", &world.grace)],
            )
            .await;
        assert_eq!(removed.status, 200, "{}", removed.text());
        // …and the last bytes find the door shut.
        let path = location.trim_start_matches("https://portal.hartley.example");
        let last = world
            .portal
            .send(
                Request::patch(path)
                    .header("tus-resumable", "1.0.0")
                    .header("sec-fetch-site", "same-origin")
                    .header("upload-offset", "5")
                    .header("content-type", "application/offset+octet-stream")
                    .header("cookie", grace.cookie.clone().expect("cookie"))
                    .body(Body::from(&b"world"[..]))
                    .expect("request"),
            )
            .await;
        assert_eq!(last.status, 409, "{backend:?}: {}", last.text());
        assert!(
            last.text().contains("no longer on this matter"),
            "{}",
            last.text()
        );
        let db = &world.portal.state.db;
        assert_eq!(
            app::entities::upload::Entity::find()
                .count(db)
                .await
                .expect("q"),
            0
        );
        assert_eq!(
            app::entities::attachment::Entity::find()
                .count(db)
                .await
                .expect("q"),
            0
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn a_slow_client_cannot_hold_a_connection_open() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let timeouts = dossier::Timeouts {
        headers: std::time::Duration::from_secs(1),
        body_idle: std::time::Duration::from_secs(1),
    };
    let server = tokio::spawn(dossier::serve_on(
        listener,
        portal.state.clone(),
        timeouts,
        async {
            let _ = stopped.await;
        },
    ));
    // Headers that never finish: the server hangs up.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(closed.is_ok(), "the connection was closed");
    // A body that stops arriving: the request ends with a sentence, not a held connection.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(
        b"POST /api/accounts/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a",
    )
    .await
    .expect("write");
    let mut answer = Vec::new();
    let answered = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        slow.read_to_end(&mut answer),
    )
    .await;
    assert!(answered.is_ok(), "answered in time");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("too slowly"), "{answer}");
    // A normal client is served, with TCP_NODELAY and keep-alive.
    let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
    client
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut ok = Vec::new();
    client.read_to_end(&mut ok).await.expect("read");
    assert!(String::from_utf8_lossy(&ok).starts_with("HTTP/1.1 200"));
    let _ = stop.send(());
    server.await.expect("stopped");
    portal.finish().await;
}
