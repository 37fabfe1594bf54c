//! Sessions: stored in the main database on SQLite and PostgreSQL, hardened cookies, a new id at
//! sign-in, server-side sign-out, expired rows cleaned, no hint of which accounts exist.

use crate::common;

use common::{BACKENDS, Backend, TestPortal};
use dossier::sessions::DbSessionStore;
use sea_orm::{ConnectionTrait, Statement};
use tower_sessions::{
    session::{Id, Record},
    session_store::{ExpiredDeletion, SessionStore},
};

use common::PASSWORD;

async fn session_rows(portal: &TestPortal) -> i64 {
    let db = &portal.state.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM sessions",
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

async fn sign_in(
    portal: &TestPortal,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> common::Reply {
    portal
        .call_with_cookie(
            "/api/accounts/sign-in",
            &[("email", email), ("password", password)],
            cookie,
        )
        .await
}

#[tokio::test]
async fn signing_in_sets_a_hardened_cookie_and_a_new_session_id() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "https://portal.firm.example").await;
        let first = sign_in(&portal, "ada@firm.example", PASSWORD, None).await;
        assert_eq!(first.status, 200, "{backend:?}: {}", first.text());
        assert!(first.text().contains("Ada Lovelace"));
        let set_cookie = first.header("set-cookie").to_string();
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(
                set_cookie.contains(attribute),
                "{backend:?}: {attribute} in {set_cookie}"
            );
        }
        let cookie_a = first.session_cookie().expect("session cookie");

        // Signing in again from that session: a different id, and the old one is gone.
        let second = sign_in(&portal, "ada@firm.example", PASSWORD, Some(&cookie_a)).await;
        assert_eq!(second.status, 200);
        let cookie_b = second.session_cookie().expect("rotated cookie");
        assert_ne!(cookie_a, cookie_b, "{backend:?}: id rotated at sign-in");
        assert_eq!(
            session_rows(&portal).await,
            1,
            "{backend:?}: the old session was removed"
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn plain_http_portals_send_the_cookie_without_secure() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let reply = sign_in(&portal, "ada@firm.example", PASSWORD, None).await;
    assert_eq!(reply.status, 200);
    assert!(!reply.header("set-cookie").contains("Secure"));
    portal.finish().await;
}

#[tokio::test]
async fn failed_sign_ins_do_not_tell_which_part_was_wrong() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let wrong_password =
        sign_in(&portal, "ada@firm.example", "not the password at all", None).await;
    let unknown_email = sign_in(&portal, "nobody@firm.example", PASSWORD, None).await;
    let not_an_email = sign_in(&portal, "nobody", PASSWORD, None).await;
    for reply in [&wrong_password, &unknown_email, &not_an_email] {
        assert_eq!(reply.status, 403);
        assert_eq!(
            reply.body, wrong_password.body,
            "one answer for every failure"
        );
        assert!(
            reply.session_cookie().is_none(),
            "no session for a failed sign-in"
        );
    }
    assert!(
        wrong_password
            .text()
            .contains("do not match an active account")
    );
    assert_eq!(session_rows(&portal).await, 0);
    portal.finish().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let cookie = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        assert_eq!(session_rows(&portal).await, 1);
        let out = portal
            .call_with_cookie("/api/accounts/sign-out", &[], Some(&cookie))
            .await;
        assert_eq!(out.status, 200, "{}", out.text());
        assert_eq!(
            session_rows(&portal).await,
            0,
            "{backend:?}: deleted on the server, not only in the browser"
        );
        assert!(
            out.header("set-cookie").contains("Max-Age=0"),
            "{backend:?}: cookie cleared"
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn expired_sessions_are_not_loaded_and_are_cleaned_up() {
    for backend in BACKENDS {
        let portal = TestPortal::start(backend).await;
        let store = DbSessionStore::new(portal.state.db.clone());
        let now = time::OffsetDateTime::now_utc();
        let mut live = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: now + time::Duration::hours(1),
        };
        let mut dead = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: now - time::Duration::seconds(1),
        };
        store.create(&mut live).await.expect("create");
        store.create(&mut dead).await.expect("create");
        assert!(store.load(&live.id).await.expect("load").is_some());
        assert!(
            store.load(&dead.id).await.expect("load").is_none(),
            "{backend:?}: expired is never loaded"
        );
        store.delete_expired().await.expect("clean");
        assert_eq!(session_rows(&portal).await, 1, "{backend:?}");
        portal.finish().await;
    }
}

#[tokio::test]
async fn the_session_says_who_is_signed_in_until_the_account_is_disabled() {
    use app::entities::user;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let anonymous = portal.call("/api/accounts/me", &[]).await;
        assert_eq!(anonymous.status, 200);
        assert_eq!(anonymous.text(), "null");

        let cookie = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        let me = portal
            .call_with_cookie("/api/accounts/me", &[], Some(&cookie))
            .await;
        let me: serde_json::Value = serde_json::from_slice(&me.body).expect("json");
        assert_eq!(me["display_name"], "Ada Lovelace");
        assert_eq!(me["is_admin"], true);

        // Disabling the account ends its sessions at their next use.
        let ada = user::Entity::find()
            .one(&portal.state.db)
            .await
            .expect("query")
            .expect("ada");
        let mut ada = ada.into_active_model();
        ada.disabled_at = Set(Some(chrono::Utc::now()));
        ada.update(&portal.state.db).await.expect("disable");
        let after = portal
            .call_with_cookie("/api/accounts/me", &[], Some(&cookie))
            .await;
        assert_eq!(after.text(), "null", "{backend:?}");
        assert_eq!(
            session_rows(&portal).await,
            0,
            "{backend:?}: the stale session was removed"
        );
        let again = sign_in(&portal, "ada@firm.example", PASSWORD, None).await;
        assert_eq!(
            again.status, 403,
            "{backend:?}: a disabled account cannot sign in"
        );
        portal.finish().await;
    }
}

async fn me(portal: &TestPortal, cookie: &str) -> String {
    portal
        .call_with_cookie("/api/accounts/me", &[], Some(cookie))
        .await
        .text()
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_device() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let phone = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        let laptop = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        assert!(me(&portal, &phone).await.contains("Ada"));
        let out = portal
            .call_with_cookie("/api/accounts/sign-out-everywhere", &[], Some(&laptop))
            .await;
        assert_eq!(out.status, 200, "{}", out.text());
        assert_eq!(
            me(&portal, &phone).await,
            "null",
            "{backend:?}: the other device is signed out"
        );
        assert_eq!(
            me(&portal, &laptop).await,
            "null",
            "{backend:?}: and this one"
        );
        // Signing in again afterwards works at once.
        let again = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        assert!(me(&portal, &again).await.contains("Ada"), "{backend:?}");
        let anonymous = portal.call("/api/accounts/sign-out-everywhere", &[]).await;
        assert_eq!(anonymous.status, 401);
        portal.finish().await;
    }
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_keeps_this_one() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let other = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        let this = sign_in(&portal, "ada@firm.example", PASSWORD, None)
            .await
            .session_cookie()
            .expect("cookie");
        const NEW: &str = "a different long passphrase";

        let wrong = portal
            .call_with_cookie(
                "/api/accounts/password",
                &[("current", "not it"), ("new", NEW)],
                Some(&this),
            )
            .await;
        assert_eq!(wrong.status, 403);
        assert!(
            wrong.text().contains("current password is not right"),
            "{}",
            wrong.text()
        );
        let weak = portal
            .call_with_cookie(
                "/api/accounts/password",
                &[("current", PASSWORD), ("new", "short")],
                Some(&this),
            )
            .await;
        assert_eq!(weak.status, 400);

        let changed = portal
            .call_with_cookie(
                "/api/accounts/password",
                &[("current", PASSWORD), ("new", NEW)],
                Some(&this),
            )
            .await;
        assert_eq!(changed.status, 200, "{backend:?}: {}", changed.text());
        let this = changed.session_cookie().unwrap_or(this);
        assert!(
            me(&portal, &this).await.contains("Ada"),
            "{backend:?}: this session carries on"
        );
        assert_eq!(
            me(&portal, &other).await,
            "null",
            "{backend:?}: the other session ended"
        );
        assert_eq!(
            sign_in(&portal, "ada@firm.example", PASSWORD, None)
                .await
                .status,
            403
        );
        assert_eq!(
            sign_in(&portal, "ada@firm.example", NEW, None).await.status,
            200
        );
        portal.finish().await;
    }
}

/// Plants a session for `user` that signed in `age` ago and was last used `idle` ago.
async fn planted_session(
    portal: &TestPortal,
    user: app::ids::UserId,
    age: chrono::Duration,
    idle: Option<chrono::Duration>,
) -> String {
    use app::accounts::server::{SESSION_LAST_ACTIVE_AT, SESSION_SIGNED_IN_AT, SESSION_USER};
    let store = DbSessionStore::new(portal.state.db.clone());
    let now = chrono::Utc::now();
    let mut data = std::collections::HashMap::new();
    data.insert(SESSION_USER.to_string(), serde_json::json!(user));
    data.insert(
        SESSION_SIGNED_IN_AT.to_string(),
        serde_json::json!(now - age),
    );
    if let Some(idle) = idle {
        data.insert(
            SESSION_LAST_ACTIVE_AT.to_string(),
            serde_json::json!(now - idle),
        );
    }
    let mut record = Record {
        id: Id::default(),
        data,
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("create");
    format!("dossier_session={}", record.id)
}

async fn ada(portal: &TestPortal) -> app::ids::UserId {
    use app::entities::user;
    use sea_orm::EntityTrait;
    user::Entity::find()
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("ada")
        .id
}

#[tokio::test]
async fn a_session_ends_after_the_firms_lifetime_however_active() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let id = ada(&portal).await;
    let lifetime = app::settings::FirmSettings::default().session_lifetime();
    let hour = chrono::Duration::hours(1);
    let young = planted_session(&portal, id, lifetime - hour, Some(chrono::Duration::zero())).await;
    let old = planted_session(&portal, id, lifetime + hour, Some(chrono::Duration::zero())).await;
    assert!(
        me(&portal, &young).await.contains("Ada"),
        "younger than the lifetime"
    );
    assert_eq!(me(&portal, &old).await, "null", "older than the lifetime");

    // The administrator shortens the lifetime to two hours: a three-hour-old session ends.
    let three_hours = planted_session(&portal, id, hour * 3, None).await;
    let one_hour = planted_session(&portal, id, hour, None).await;
    let admin = sign_in(&portal, "ada@firm.example", PASSWORD, None)
        .await
        .session_cookie()
        .expect("cookie");
    let saved = portal
        .call_with_cookie(
            "/api/settings/save",
            &[
                ("idle_timeout_minutes", "120"),
                ("session_lifetime_hours", "2"),
                ("step_up_window_hours", "12"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(me(&portal, &three_hours).await, "null");
    assert!(me(&portal, &one_hour).await.contains("Ada"));
    portal.finish().await;
}

#[tokio::test]
async fn a_session_idle_for_longer_than_the_firms_timeout_ends() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let id = ada(&portal).await;
    let minutes = chrono::Duration::minutes;
    let idle = app::settings::FirmSettings::default().idle_timeout();
    let busy = planted_session(&portal, id, minutes(600), Some(idle - minutes(5))).await;
    let asleep = planted_session(&portal, id, minutes(600), Some(idle + minutes(5))).await;
    assert!(me(&portal, &busy).await.contains("Ada"));
    assert_eq!(me(&portal, &asleep).await, "null");
    // Being used keeps a session alive: the idle clock restarts at each use.
    let again = planted_session(&portal, id, minutes(600), Some(idle - minutes(1))).await;
    assert!(me(&portal, &again).await.contains("Ada"));

    // A shorter idle timeout applies to sessions already open.
    let admin = sign_in(&portal, "ada@firm.example", PASSWORD, None)
        .await
        .session_cookie()
        .expect("cookie");
    let ten_idle = planted_session(&portal, id, minutes(30), Some(minutes(10))).await;
    let saved = portal
        .call_with_cookie(
            "/api/settings/save",
            &[
                ("idle_timeout_minutes", "5"),
                ("session_lifetime_hours", "168"),
                ("step_up_window_hours", "12"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    assert_eq!(me(&portal, &ten_idle).await, "null");
    let refused = portal
        .call_with_cookie(
            "/api/settings/save",
            &[
                ("idle_timeout_minutes", "1"),
                ("session_lifetime_hours", "168"),
                ("step_up_window_hours", "12"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.text().contains("between 5 and 1440 minutes"),
        "{}",
        refused.text()
    );
    portal.finish().await;
}
