//! Sessions end for good and live streams end with them: a request in flight cannot revive a
//! signed-out session, rows follow the firm's idle setting, the cookie is `__Host-` under https,
//! and a stream checks the stored session on every change. Security review, issue 16. On SQLite
//! and PostgreSQL.

use crate::common;

use axum::{body::Body, http::Request};
use common::{
    ADA, BACKENDS, Backend, Browser, PASSWORD, TestPortal,
    world::{GRACE, Live, World, create, id_of},
};

/// A conversation with Grace, on a world whose node hears changes (on PostgreSQL, through its
/// LISTEN task).
async fn live_conversation(world: &World, ada: &mut Browser<'_>) -> String {
    let id = id_of(
        &create(
            ada,
            world,
            &[&world.grace],
            &[("subject", "Live"), ("body", "1")],
        )
        .await,
    );
    dossier::live::start_listener(&world.portal.config.database.url, &world.portal.state).await;
    id
}

#[tokio::test]
async fn a_signed_out_session_stays_signed_out_and_rows_follow_the_idle_setting() {
    use tower_sessions::{SessionStore, session::Id};
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let store = std::sync::Arc::new(dossier::sessions::DbSessionStore::new(
            portal.state.db.clone(),
        ));
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let cookie = ada.cookie.clone().expect("cookie");
        let id: Id = cookie
            .split('=')
            .nth(1)
            .expect("id")
            .parse()
            .expect("session id");
        // A request that loaded the session is still running when she signs out…
        let in_flight = tower_sessions::Session::new(Some(id), store.clone(), None);
        in_flight
            .insert("last_active_at", chrono::Utc::now())
            .await
            .expect("loaded and changed");
        ada.sign_out().await;
        // …and saves when it finishes: the session does not come back.
        in_flight.save().await.expect("save");
        assert!(
            store.load(&id).await.expect("load").is_none(),
            "{backend:?}"
        );
        assert_eq!(
            portal
                .call_with_cookie("/api/accounts/me", &[], Some(&cookie))
                .await
                .text(),
            "null"
        );

        // The defaults meet ASVS level 2; a longer idle setting is what the row gets.
        let defaults = app::settings::FirmSettings::default();
        assert_eq!(
            (
                defaults.idle_timeout_minutes,
                defaults.session_lifetime_hours
            ),
            (30, 12)
        );
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let saved = ada
            .call(
                "/api/settings/save",
                &[
                    ("idle_timeout_minutes", "720"),
                    ("session_lifetime_hours", "24"),
                    ("step_up_window_hours", "12"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        let mut fresh = Browser::new(&portal);
        assert_eq!(fresh.sign_in().await.status, 200);
        let expires: Vec<chrono::DateTime<chrono::Utc>> = {
            use sea_orm::{FromQueryResult, Statement};
            #[derive(FromQueryResult)]
            struct Row {
                expires_at: chrono::DateTime<chrono::Utc>,
            }
            Row::find_by_statement(Statement::from_string(
                portal.state.db.get_database_backend(),
                "SELECT expires_at FROM sessions",
            ))
            .all(&portal.state.db)
            .await
            .expect("rows")
            .into_iter()
            .map(|r| r.expires_at)
            .collect()
        };
        let longest = expires.into_iter().max().expect("a row");
        let hours = (longest - chrono::Utc::now()).num_minutes() as f64 / 60.0;
        assert!(
            (11.5..=12.5).contains(&hours),
            "{backend:?}: the row lives {hours} hours"
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn under_https_the_cookie_is_host_prefixed() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "https://portal.firm.example").await;
    let reply = Browser::new(&portal).sign_in().await;
    let cookie = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("dossier_session"))
        .expect("a session cookie")
        .to_string();
    assert!(cookie.starts_with("__Host-dossier_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    portal.finish().await;
}

#[tokio::test]
async fn a_live_stream_ends_with_its_session_and_a_session_holds_few() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser(ADA).await;
        let id = live_conversation(&world, &mut ada).await;
        let grace = world.browser(GRACE).await;
        let mut stream = Live::open(world.portal.router(), &grace, &world.matter).await;
        let post = |text: &'static str| {
            let id = id.clone();
            let cookie = ada.cookie.clone();
            let portal = &world.portal;
            async move {
                let reply = portal
                    .call_with_cookie(
                        "/api/conversations/post",
                        &[("id", &id), ("body", text)],
                        cookie.as_deref(),
                    )
                    .await;
                assert_eq!(reply.status, 200, "{}", reply.text());
            }
        };
        post("heard").await;
        assert_eq!(stream.next().await.change.conversation.to_string(), id);
        // She signs out in another tab: the stream's copy of the session is not believed.
        let mut other_tab = Browser {
            portal: &world.portal,
            cookie: grace.cookie.clone(),
        };
        other_tab.sign_out().await;
        post("not heard").await;
        stream.ended().await;

        // Eight streams for one session, and no more.
        let grace = world.browser(GRACE).await;
        let mut open = Vec::new();
        for _ in 0..app::live::STREAMS_PER_SESSION {
            open.push(Live::open(world.portal.router(), &grace, &world.matter).await);
        }
        let mut request = Request::get(format!("/events?matter={}", world.matter));
        request = request.header("cookie", grace.cookie.clone().expect("cookie"));
        let ninth = world
            .portal
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(ninth.status, 429, "{backend:?}");
        assert!(ninth.text().contains("Close some tabs"), "{}", ninth.text());
        drop(open);
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn an_idle_stream_ends_with_its_session_without_waiting_for_a_change() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let grace = world.browser(GRACE).await;
        // A node whose idle streams look at their session every second (a minute in service).
        let node = world.portal.state.with(|node| {
            node.live = app::live::Hub::default().with_recheck(std::time::Duration::from_secs(1));
        });
        let mut stream = Live::open(dossier::routes::router(node), &grace, &world.matter).await;
        let mut other_tab = Browser {
            portal: &world.portal,
            cookie: grace.cookie.clone(),
        };
        other_tab.sign_out().await;
        // Nothing happens on the matter: the stream ends all the same.
        stream.ended().await;
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn a_disabled_account_or_a_changed_password_ends_open_streams() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser(ADA).await;
        let id = live_conversation(&world, &mut ada).await;
        let grace = world.browser(GRACE).await;
        let mut stream = Live::open(world.portal.router(), &grace, &world.matter).await;
        let mut other_device = world.browser(GRACE).await;
        let changed = other_device
            .call(
                "/api/accounts/password",
                &[("current", PASSWORD), ("new", "a brand new passphrase")],
            )
            .await;
        assert_eq!(changed.status, 200);
        let posted = ada
            .call("/api/conversations/post", &[("id", &id), ("body", "x")])
            .await;
        assert_eq!(posted.status, 200);
        stream.ended().await;

        let mut stream = Live::open(world.portal.router(), &other_device, &world.matter).await;
        let disabled = ada
            .call(
                "/api/people/access",
                &[("id", &world.grace), ("active", "false")],
            )
            .await;
        assert_eq!(disabled.status, 200, "{}", disabled.text());
        let posted = ada
            .call("/api/conversations/post", &[("id", &id), ("body", "y")])
            .await;
        assert_eq!(posted.status, 200);
        stream.ended().await;
        world.portal.finish().await;
    }
}
