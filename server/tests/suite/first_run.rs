//! First run: a one-time, expiring setup link creates the first administrator, on both databases.

use crate::common;

use app::{
    accounts::{passwords::verify_password, setup::issue_setup_link},
    entities::{audit_event, setup_token, user},
};
use common::{BACKENDS, Backend, TestPortal};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, PaginatorTrait};

fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("link carries a token")
        .to_string()
}

async fn setup(portal: &TestPortal, token: &str, email: &str) -> common::Reply {
    portal
        .call(
            "/api/accounts/setup",
            &[
                ("token", token),
                ("display_name", "Ada Lovelace"),
                ("email", email),
                ("password", "correct horse battery staple"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_setup_link_creates_the_first_administrator_once() {
    for backend in BACKENDS {
        let portal = TestPortal::start(backend).await;
        let link = issue_setup_link(&portal.state.db, "http://127.0.0.1:3000")
            .await
            .expect("issue")
            .expect("no admin yet, so a link");
        assert!(link.starts_with("http://127.0.0.1:3000/setup?token="));
        let page = portal.get(&link.replace("http://127.0.0.1:3000", "")).await;
        assert_eq!(page.status, 200);
        assert!(page.text().contains("Set up your portal"));

        let reply = setup(&portal, &token_of(&link), " Ada@Firm.Example ").await;
        assert_eq!(reply.status, 200, "{backend:?}: {}", reply.text());

        let admins = user::Entity::find()
            .all(&portal.state.db)
            .await
            .expect("users");
        assert_eq!(admins.len(), 1);
        assert_eq!(admins[0].email, "ada@firm.example");
        assert_eq!(admins[0].role, user::Role::Admin);
        let hash = admins[0].password_hash.clone().expect("password set");
        assert!(hash.starts_with("$argon2id$"), "never the plain password");
        assert!(
            verify_password("correct horse battery staple".into(), hash)
                .await
                .expect("verify")
        );

        // The link works once.
        let again = setup(&portal, &token_of(&link), "eve@firm.example").await;
        assert_eq!(again.status, 400, "{backend:?}");
        assert!(
            again.text().contains("already used or has expired"),
            "{}",
            again.text()
        );
        assert_eq!(
            user::Entity::find()
                .count(&portal.state.db)
                .await
                .expect("count"),
            1
        );

        // No further links once an administrator exists.
        assert!(
            issue_setup_link(&portal.state.db, "http://x")
                .await
                .expect("issue")
                .is_none()
        );

        let actions: Vec<String> = audit_event::Entity::find()
            .all(&portal.state.db)
            .await
            .expect("audit")
            .into_iter()
            .map(|e| e.action)
            .collect();
        for expected in [
            "setup.link_issued",
            "setup.admin_created",
            "setup.link_refused",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{backend:?}: audit {expected} in {actions:?}"
            );
        }
        portal.finish().await;
    }
}

#[tokio::test]
async fn an_expired_or_replaced_setup_link_is_refused() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let first = issue_setup_link(&portal.state.db, "http://h")
        .await
        .expect("issue")
        .expect("link");
    let second = issue_setup_link(&portal.state.db, "http://h")
        .await
        .expect("issue")
        .expect("link");
    let replaced = setup(&portal, &token_of(&first), "ada@firm.example").await;
    assert_eq!(replaced.status, 400, "a newer link replaces the older one");

    let row = setup_token::Entity::find()
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("row");
    let mut row = row.into_active_model();
    row.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    row.update(&portal.state.db).await.expect("expire");
    let expired = setup(&portal, &token_of(&second), "ada@firm.example").await;
    assert_eq!(expired.status, 400);
    assert_eq!(
        user::Entity::find()
            .count(&portal.state.db)
            .await
            .expect("count"),
        0
    );
    portal.finish().await;
}

#[tokio::test]
async fn bad_setup_input_gets_a_sentence_and_spends_nothing() {
    let portal = TestPortal::start(Backend::Sqlite).await;
    let link = issue_setup_link(&portal.state.db, "http://h")
        .await
        .expect("issue")
        .expect("link");
    let token = token_of(&link);
    for (email, password, needle) in [
        (
            "not-an-email",
            "correct horse battery staple",
            "valid email address",
        ),
        ("ada@firm.example", "short", "at least 12 characters"),
    ] {
        let reply = portal
            .call(
                "/api/accounts/setup",
                &[
                    ("token", &token),
                    ("display_name", "Ada"),
                    ("email", email),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(reply.status, 400);
        assert!(reply.text().contains(needle), "{}", reply.text());
    }
    // The link was not spent by the refused attempts.
    let reply = setup(&portal, &token, "ada@firm.example").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    portal.finish().await;
}

#[tokio::test]
async fn racing_requests_spend_a_setup_link_exactly_once() {
    for backend in BACKENDS {
        let portal = std::sync::Arc::new(TestPortal::start(backend).await);
        let link = issue_setup_link(&portal.state.db, "http://h")
            .await
            .expect("issue")
            .expect("link");
        let token = token_of(&link);
        let mut racers = tokio::task::JoinSet::new();
        for i in 0..6 {
            let (portal, token) = (portal.clone(), token.clone());
            racers.spawn(async move {
                setup(&portal, &token, &format!("admin{i}@firm.example"))
                    .await
                    .status
            });
        }
        let statuses: Vec<u16> = racers
            .join_all()
            .await
            .into_iter()
            .map(|s| s.as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{backend:?}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| [200, 400].contains(s)),
            "{backend:?}: no 500s under contention: {statuses:?}"
        );
        assert_eq!(
            user::Entity::find()
                .count(&portal.state.db)
                .await
                .expect("count"),
            1
        );
        if let Ok(portal) = std::sync::Arc::try_unwrap(portal) {
            portal.finish().await;
        }
    }
}
