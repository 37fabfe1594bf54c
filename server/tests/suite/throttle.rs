//! Password guessing is slowed per email address and per IP, identically for unknown addresses,
//! and the client IP comes through trusted proxies only.

use crate::common;

use app::{
    accounts::throttle::{MAX_PER_EMAIL, MAX_PER_IP},
    entities::limit_counter,
};
use common::{BACKENDS, Backend, Reply, TestPortal};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use common::PASSWORD;

async fn attempt(
    portal: &TestPortal,
    email: &str,
    password: &str,
    peer: &str,
    via: Option<&str>,
) -> Reply {
    portal
        .call_from(
            "/api/accounts/sign-in",
            &[("email", email), ("password", password)],
            None,
            Some(peer),
            via,
        )
        .await
}

/// `MAX_PER_IP` failed sign-ins, each for a different address, from `peer` (through `via`).
async fn spray(portal: &TestPortal, peer: &str, via: Option<&str>) {
    for i in 0..MAX_PER_IP {
        let reply = attempt(
            portal,
            &format!("guess{i}@firm.example"),
            "wrong guess",
            peer,
            via,
        )
        .await;
        assert_eq!(reply.status, 403, "attempt {i}");
    }
}

#[tokio::test]
async fn an_address_is_locked_after_repeated_failures_whether_or_not_it_has_an_account() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        for email in ["ada@firm.example", "nobody@firm.example"] {
            let statuses: Vec<u16> = {
                let mut v = Vec::new();
                for _ in 0..MAX_PER_EMAIL {
                    v.push(
                        attempt(&portal, email, "wrong guess", "192.0.2.7", None)
                            .await
                            .status
                            .as_u16(),
                    );
                }
                v
            };
            assert!(
                statuses.iter().all(|s| *s == 403),
                "{backend:?} {email}: {statuses:?}"
            );
            // Locked now: even the right password is not checked.
            let locked = attempt(&portal, email, PASSWORD, "192.0.2.7", None).await;
            assert_eq!(locked.status, 429, "{backend:?} {email}");
            assert!(
                locked
                    .text()
                    .contains("Too many failed sign-ins for this email address"),
                "{}",
                locked.text()
            );
            assert!(locked.session_cookie().is_none());
        }
        // The lock ends when the failures leave the window.
        limit_counter::Entity::update_many()
            .col_expr(
                limit_counter::Column::WindowStartedAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(16)),
            )
            .filter(
                limit_counter::Column::Key
                    .eq(app::accounts::throttle::sign_in_key("ada@firm.example")),
            )
            .exec(&portal.state.db)
            .await
            .expect("age the failures");
        assert_eq!(
            attempt(&portal, "ada@firm.example", PASSWORD, "192.0.2.7", None)
                .await
                .status,
            200,
            "{backend:?}"
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_address_count() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    // Twice as many failures as the limit, but never that many in a row: never locked.
    for _round in 0..2 {
        for _ in 0..MAX_PER_EMAIL - 1 {
            let reply = attempt(
                &portal,
                "ada@firm.example",
                "wrong guess",
                "192.0.2.7",
                None,
            )
            .await;
            assert_eq!(reply.status, 403);
        }
        let reply = attempt(&portal, "ada@firm.example", PASSWORD, "192.0.2.7", None).await;
        assert_eq!(reply.status, 200);
    }
    portal.finish().await;
}

#[tokio::test]
async fn one_ip_spraying_many_addresses_is_locked_but_others_are_not() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    spray(&portal, "198.51.100.9", None).await;
    let sprayer = attempt(&portal, "ada@firm.example", PASSWORD, "198.51.100.9", None).await;
    assert_eq!(sprayer.status, 429);
    assert!(
        sprayer.text().contains("for your network"),
        "{}",
        sprayer.text()
    );
    assert_eq!(
        attempt(&portal, "ada@firm.example", PASSWORD, "203.0.113.5", None)
            .await
            .status,
        200
    );

    // The audit trail has the lockout and every attempt, each with its address.
    use app::entities::audit_event;
    let events = audit_event::Entity::find()
        .all(&portal.state.db)
        .await
        .expect("audit");
    let locked: Vec<_> = events
        .iter()
        .filter(|e| e.action == "auth.sign_in_locked")
        .collect();
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0].ip.as_deref(), Some("198.51.100.9"));
    assert_eq!(locked[0].detail.as_deref(), Some("ada@firm.example"));
    let refused = events
        .iter()
        .filter(|e| e.action == "auth.sign_in_refused")
        .count();
    assert_eq!(refused as u64, MAX_PER_IP);
    assert!(
        events
            .iter()
            .any(|e| e.action == "auth.sign_in" && e.ip.as_deref() == Some("203.0.113.5"))
    );
    portal.finish().await;
}

#[tokio::test]
async fn the_client_ip_comes_from_x_forwarded_for_only_behind_a_trusted_proxy() {
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    // Through the trusted proxy (10.0.0.1 in the test config), each client is counted apart…
    spray(&portal, "10.0.0.1", Some("198.51.100.9")).await;
    assert_eq!(
        attempt(
            &portal,
            "ada@firm.example",
            PASSWORD,
            "10.0.0.1",
            Some("198.51.100.9")
        )
        .await
        .status,
        429
    );
    assert_eq!(
        attempt(
            &portal,
            "ada@firm.example",
            PASSWORD,
            "10.0.0.1",
            Some("203.0.113.5")
        )
        .await
        .status,
        200,
        "another client behind the same proxy is not locked"
    );
    // …while a header from anyone else is ignored: a client cannot pick its own address.
    let spoofed = attempt(
        &portal,
        "eve@firm.example",
        "wrong",
        "198.51.100.9",
        Some("203.0.113.77"),
    )
    .await;
    assert_eq!(
        spoofed.status, 429,
        "counted against its real address, which is locked"
    );
    portal.finish().await;
}
