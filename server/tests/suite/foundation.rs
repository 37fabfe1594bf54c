//! The foundation: schema on both databases, the server-rendered page, the embedded front end,
//! security headers, the cross-site check, body limits and health.

use crate::common;

use axum::{body::Body, http::Request};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use common::{BACKENDS, Backend, Browser, TestPortal, send_to};
use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;

const TABLES: [&str; 4] = ["seaql_migrations", "users", "setup_tokens", "audit_events"];

#[tokio::test]
async fn migrations_apply_forward_from_empty_on_sqlite_and_postgres() {
    for backend in BACKENDS {
        let portal = TestPortal::start(backend).await;
        let db = &portal.state.db;
        let schema = SchemaManager::new(db);
        for table in TABLES {
            assert!(
                schema.has_table(table).await.expect("query"),
                "{backend:?}: {table} missing"
            );
        }
        // Every migration can be undone and applied again.
        Migrator::down(db, None).await.expect("down");
        assert!(
            !schema.has_table("users").await.expect("query"),
            "{backend:?}"
        );
        Migrator::up(db, None).await.expect("up again");
        assert!(
            Migrator::get_pending_migrations(db)
                .await
                .expect("status")
                .is_empty()
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn home_page_is_server_rendered_with_a_nonced_hydration_script() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal.get("/").await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").starts_with("text/html"));
    assert_eq!(reply.header("cache-control"), "private, no-store");
    let html = reply.text();
    assert!(
        html.contains("Your matters, messages and documents"),
        "server-rendered content"
    );
    let assets = &portal.state.portal.assets;
    assert!(
        html.contains(&assets.js) && html.contains(&assets.wasm),
        "hydration loads the hashed files"
    );

    let csp = reply.header("content-security-policy");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page CSP carries a nonce");
    assert!(
        html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")),
        "{html}"
    );
    assert!(csp.contains("'wasm-unsafe-eval'") && !csp.contains("'unsafe-eval'"));
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    // A fresh nonce on every response.
    assert_ne!(portal.get("/").await.header("content-security-policy"), csp);
    portal.finish().await;
}

/// The signed-out home page is rendered once per brand and kept, so it must still be what a
/// rendered one is: a nonce of its own in the policy and in the page each time, the firm's
/// name as it is now, and never what a signed-in person's home shows.
#[tokio::test]
async fn the_signed_out_home_page_is_kept_per_brand_with_a_fresh_nonce_each_time() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    // One router, as one node serves with: what it keeps lives in it.
    let router = portal.router();
    let home = |cookie: Option<&str>| {
        let mut request = Request::get("/");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        send_to(
            router.clone(),
            request.body(Body::empty()).expect("request"),
        )
    };
    let nonce_of = |reply: &common::Reply| {
        let csp = reply.header("content-security-policy").to_string();
        csp.split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("a page's policy names its nonce")
            .to_string()
    };
    let mut seen = Vec::new();
    for _ in 0..3 {
        let reply = home(None).await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("cache-control"), "private, no-store");
        let nonce = nonce_of(&reply);
        let html = reply.text();
        assert!(html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\">")));
        assert!(html.contains(&format!("<style nonce=\"{nonce}\">")));
        assert!(html.contains("Your matters, messages and documents"));
        for (earlier, _) in &seen {
            assert!(
                !html.contains(earlier),
                "an earlier nonce is in a later page"
            );
        }
        seen.push((nonce.clone(), html.replace(&nonce, "NONCE")));
    }
    assert!(
        seen.windows(2).all(|w| w[0].1 == w[1].1),
        "the same page each time but for the nonce"
    );

    // The firm's new name is on the next page.
    portal.state.brand.set(app::settings::brand::Brand {
        firm: "Harper & Co".into(),
        ..Default::default()
    });
    let renamed = home(None).await.text();
    assert!(renamed.contains("This is Harper &amp; Co"), "{renamed}");

    // Signed in, home is the person's inbox, not the kept page; a query or any cookie makes
    // it rendered afresh.
    let mut ada = Browser::new(&portal);
    ada.sign_in().await;
    let mine = home(ada.cookie.as_deref()).await;
    let mine = mine.text();
    assert!(mine.contains(app::testid::INBOX), "{mine}");
    assert!(!mine.contains("Your matters, messages and documents"));
    for path in ["/?from=email", "/?"] {
        let reply = send_to(
            router.clone(),
            Request::get(path).body(Body::empty()).expect("request"),
        )
        .await;
        assert_eq!(reply.status, 200, "{path}");
        assert!(reply.text().contains("This is Harper &amp; Co"));
    }
    portal.finish().await;
}

#[tokio::test]
async fn wasm_is_served_with_a_content_hash_and_a_long_cache_lifetime() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let assets = portal.state.portal.assets.clone();
    for (path, mime) in [
        (&assets.wasm, "application/wasm"),
        (&assets.js, "text/javascript; charset=utf-8"),
        (&assets.css, "text/css; charset=utf-8"),
    ] {
        let name = path
            .strip_prefix("/pkg/dossier.")
            .expect("hashed name under /pkg");
        let hash = name.split('.').next().unwrap_or_default();
        assert!(hash.len() >= 16, "{path} has a content hash");
        let reply = portal.get(path).await;
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), mime);
        assert_eq!(
            reply.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(!reply.body.is_empty());
        let revalidated = portal
            .send(
                Request::get(path.as_str())
                    .header("if-none-match", reply.header("etag"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(revalidated.status, 304);
    }
    let wasm = portal.get(&assets.wasm).await;
    assert_eq!(&wasm.body[..4], b"\0asm");
    portal.finish().await;
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it_but_files_are_not() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let accepting = |path: &str| {
        Request::get(path)
            .header("accept-encoding", "gzip, br")
            .body(Body::empty())
            .expect("request")
    };
    let plain = portal.get("/").await;
    assert_eq!(plain.header("content-encoding"), "", "only when asked");
    let page = portal.send(accepting("/")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), "br");
    assert!(page.body.len() * 2 < plain.body.len(), "the HTML shrinks");

    // A stored file is sent as stored, so its length and byte ranges hold.
    let mut ada = common::Browser::new(&portal);
    assert_eq!(ada.sign_in().await.status, 200);
    let matter: app::matters::MatterSummary = serde_json::from_slice(
        &ada.call(
            "/api/matters/create",
            &[("number", "Z-1"), ("name", "Zipped")],
        )
        .await
        .body,
    )
    .expect("matter");
    let text = "a plain text file that compresses very well. ".repeat(200);
    let upload = Request::post("/uploads")
        .header("tus-resumable", "1.0.0")
        .header("sec-fetch-site", "same-origin")
        .header("upload-length", text.len().to_string())
        .header(
            "upload-metadata",
            format!(
                "filename {},matter {}",
                BASE64.encode("notes.txt"),
                BASE64.encode(matter.id.to_string())
            ),
        )
        .header("content-type", "application/offset+octet-stream")
        .header("cookie", ada.cookie.clone().expect("signed in"))
        .body(Body::from(text.clone()))
        .expect("request");
    let uploaded = portal.send(upload).await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text());
    let document = uploaded.header("dossier-document").to_string();
    let mut download = accepting(&format!("/files/{document}/download"));
    download.headers_mut().insert(
        "cookie",
        ada.cookie.clone().expect("cookie").parse().expect("cookie"),
    );
    let file = portal.send(download).await;
    assert_eq!(file.status, 200);
    assert_eq!(
        file.header("content-encoding"),
        "",
        "a file is never re-encoded"
    );
    assert_eq!(&file.body[..], text.as_bytes());
    portal.finish().await;
}

#[tokio::test]
async fn precompressed_front_end_is_served_to_browsers_that_accept_it() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let path = portal.state.portal.assets.wasm.clone();
    let plain = portal.get(&path).await;
    let compressed = portal
        .send(
            Request::get(path.as_str())
                .header("accept-encoding", "gzip, deflate, br")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(compressed.status, 200);
    assert_eq!(compressed.header("content-encoding"), "br");
    assert_eq!(compressed.header("vary"), "Accept-Encoding");
    assert!(
        compressed.body.len() < plain.body.len() / 2,
        "brotli shrinks the Wasm"
    );
    portal.finish().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let portal = TestPortal::start_with(Backend::Sqlite, "https://portal.firm.example").await;
    let assets = portal.state.portal.assets.clone();
    for path in [
        "/",
        "/healthz",
        "/favicon.svg",
        assets.wasm.as_str(),
        "/no/such/page",
    ] {
        let reply = portal.get(path).await;
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("referrer-policy"), "same-origin", "{path}");
        assert!(
            reply
                .header("content-security-policy")
                .contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(
            reply
                .header("strict-transport-security")
                .starts_with("max-age="),
            "{path}"
        );
        assert!(
            !reply.header("x-request-id").is_empty(),
            "{path}: request id"
        );
    }
    let refused = portal
        .send(
            Request::post("/api/system/status")
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        refused.header("x-content-type-options"),
        "nosniff",
        "errors too"
    );
    portal.finish().await;
}

#[tokio::test]
async fn plain_http_portal_sends_no_hsts() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    assert_eq!(
        portal.get("/").await.header("strict-transport-security"),
        ""
    );
    portal.finish().await;
}

#[tokio::test]
async fn unknown_pages_are_a_friendly_404() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal.get("/matters/../../etc/passwd").await;
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("Page not found"));
    portal.finish().await;
}

#[tokio::test]
async fn healthz_checks_database_and_storage() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal.get("/healthz").await;
    assert_eq!(reply.status, 200);
    let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["storage"], "ok");
    assert_eq!(reply.header("cache-control"), "no-store");

    // Storage that cannot be written: health says so with 503 instead of pretending.
    let files = portal.config.data_dir.join("files");
    std::fs::remove_dir_all(&files).expect("remove storage");
    std::fs::write(&files, b"not a folder").expect("block storage");
    let reply = portal.get("/healthz").await;
    assert_eq!(reply.status, 503);
    let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
    assert_eq!(body["storage"], "unavailable");
    assert_eq!(body["database"], "ok");
    portal.finish().await;
}

#[tokio::test]
async fn server_functions_answer_same_origin_calls() {
    for backend in BACKENDS {
        let portal = TestPortal::start(backend).await;
        let reply = portal.call("/api/system/status", &[]).await;
        assert_eq!(reply.status, 200, "{backend:?}: {}", reply.text());
        let status: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
        assert_eq!(status["database"], true);
        assert_eq!(status["storage"], true);
        portal.finish().await;
    }
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let cases = [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ],
    ];
    for headers in cases {
        let mut request = Request::post("/api/system/status")
            .header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let reply = portal
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(reply.status, 403, "{headers:?}");
        assert!(
            reply.text().contains("came from another website"),
            "{}",
            reply.text()
        );
    }
    // The same origin, by Host or by the public URL, passes.
    for (origin, host) in [
        ("http://127.0.0.1:3000", "127.0.0.1:3000"),
        ("http://localhost:3000", "localhost:3000"),
    ] {
        let reply = portal
            .send(
                Request::post("/api/system/status")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("origin", origin)
                    .header("host", host)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, 200, "{origin}");
    }
    portal.finish().await;
}

#[tokio::test]
async fn oversized_server_function_bodies_get_413_with_a_sentence() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let big = "x".repeat(dossier::server_fns::BODY_LIMIT + 1);
    let reply = portal.call("/api/accounts/setup", &[("token", &big)]).await;
    assert_eq!(reply.status, 413);
    assert!(reply.text().contains("too large"), "{}", reply.text());
    portal.finish().await;
}

#[tokio::test]
async fn unknown_api_calls_are_a_404_sentence() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal.call("/api/no/such/call", &[]).await;
    assert_eq!(reply.status, 404);
    assert!(
        reply.text().contains("no such API call"),
        "{}",
        reply.text()
    );
    portal.finish().await;
}

#[tokio::test]
async fn malformed_server_function_arguments_are_a_400_not_a_500() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal
        .call("/api/accounts/setup", &[("unexpected", "1")])
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    portal.finish().await;
}

#[tokio::test]
async fn the_app_installs_with_its_icons_and_its_service_worker_gets_a_narrow_policy() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let worker = portal.get("/sw.js").await;
    assert_eq!(worker.status, 200);
    assert_eq!(
        worker.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        worker.header("cache-control"),
        "no-cache",
        "upgrades reach installed apps"
    );
    assert_eq!(
        worker.header("content-security-policy"),
        "default-src 'self'; frame-ancestors 'none'"
    );
    let offline = portal.get("/offline.html").await;
    assert_eq!(offline.status, 200);
    assert!(offline.text().contains("You are offline"));
    assert!(
        offline
            .header("content-security-policy")
            .starts_with("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&portal.get("/manifest.webmanifest").await.body).expect("json");
    for icon in manifest["icons"].as_array().expect("icons") {
        let src = icon["src"].as_str().expect("src");
        assert_eq!(portal.get(src).await.status, 200, "{src}");
    }
    assert!(
        portal.get("/").await.text().contains("/pwa.js"),
        "pages register it"
    );
    portal.finish().await;
}

/// The client guide: read without signing in (and so without the Wasm: it is rendered whole on
/// the server), with the firm's welcome and contact details shown as text, however they are
/// written; every link in it leads to a page or a section that is there.
#[tokio::test]
async fn the_client_guide_is_read_signed_out_and_every_link_in_it_leads_somewhere() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut ada = common::Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let saved = ada
            .call(
                "/api/settings/save",
                &[
                    ("idle_timeout_minutes", "30"),
                    ("session_lifetime_hours", "12"),
                    ("step_up_window_hours", "12"),
                    (
                        "guide_welcome",
                        "Welcome to Harper & Co. <script>alert(1)</script>",
                    ),
                    ("guide_contact", "Call Ada on 020 7946 0000, 9–5."),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text());

        let guide = portal.get("/guide").await;
        assert_eq!(guide.status, 200, "{backend:?}");
        let html = guide.text();
        assert!(html.contains("data-testid=\"guide\""));
        assert!(
            html.contains("Welcome to Harper &amp; Co. &lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("Call Ada on 020 7946 0000"));
        for section in [
            "invitation",
            "second-step",
            "download",
            "phone",
            "access-removed",
        ] {
            assert!(html.contains(&format!("id=\"{section}\"")), "{section}");
        }

        let links: Vec<&str> = html
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(links.len() > 10, "{links:?}");
        for link in links {
            if let Some(anchor) = link.strip_prefix('#') {
                assert!(html.contains(&format!("id=\"{anchor}\"")), "{link}");
            } else if link.starts_with('/') {
                let reply = portal.get(link).await;
                assert!(reply.status.as_u16() < 400, "{link}: {}", reply.status);
            } else {
                panic!("a link that leaves the portal: {link}");
            }
        }
        portal.finish().await;
    }
}
