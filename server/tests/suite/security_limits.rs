//! Every attempt and send limit holds when 50 requests arrive at once, on one node or two: the
//! real checks (counted in the audit trail) and the messages sent never exceed the limit.
//! Security review, issue 16. On SQLite and PostgreSQL.

use crate::common;

use app::accounts::{api::TotpEnrolment, throttle::MAX_PER_EMAIL};
use common::{
    ADA, BACKENDS, Backend, Phone, Reply, TestPortal, at_once, audit_count, count,
    world::{GRACE, HUGO, World, create, id_of, upload_request},
};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

#[tokio::test]
async fn fifty_parallel_guesses_get_no_more_real_checks_than_the_limit() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        // On PostgreSQL, half the guesses go to a second node on the same database.
        let second = match backend {
            Backend::Postgres => Some(dossier::open(&portal.config).await.expect("second node")),
            Backend::Sqlite => None,
        };
        let form = [("email", ADA), ("password", "wrong guess")];
        let replies: Vec<Reply> = join_all((0..50).map(|i| {
            let portal = &portal;
            let second = second.as_ref();
            async move {
                match (i % 2, second) {
                    (1, Some(node)) => {
                        portal
                            .call_on_node(node, "/api/accounts/sign-in", &form, "192.0.2.7")
                            .await
                    }
                    _ => {
                        portal
                            .call_from(
                                "/api/accounts/sign-in",
                                &form,
                                None,
                                Some("192.0.2.7"),
                                None,
                            )
                            .await
                    }
                }
            }
        }))
        .await;
        let checked = audit_count(&portal, "auth.sign_in_refused").await;
        assert!(
            checked <= MAX_PER_EMAIL,
            "{backend:?}: {checked} passwords checked"
        );
        assert_eq!(count(&replies, 429) as u64, 50 - checked, "{backend:?}");
        let locked = replies.iter().find(|r| r.status == 429).expect("a refusal");
        assert!(
            locked.text().contains("Too many failed sign-ins"),
            "{}",
            locked.text()
        );

        // One IP spraying many addresses: at most the per-IP limit are checked.
        let sprayed = join_all((0..50).map(|i| {
            let email = format!("guess{i}@firm.example");
            let portal = &portal;
            async move {
                portal
                    .call_from(
                        "/api/accounts/sign-in",
                        &[("email", &email), ("password", "wrong guess")],
                        None,
                        Some("198.51.100.9"),
                        None,
                    )
                    .await
            }
        }))
        .await;
        let checked_now = audit_count(&portal, "auth.sign_in_refused").await - checked;
        assert!(
            checked_now <= app::accounts::throttle::MAX_PER_IP,
            "{backend:?}: {checked_now}"
        );
        assert_eq!(count(&sprayed, 429) as u64, 50 - checked_now);
        portal.finish().await;
    }
}

#[tokio::test]
async fn fifty_parallel_codes_and_sends_get_no_more_than_the_limit() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let portal = &world.portal;
        let mut grace = world.browser(GRACE).await;
        let cookie = grace.cookie.clone().expect("cookie");

        // Codes sent to her: five an hour, however many are asked for at once.
        let sends = at_once(
            portal,
            50,
            "/api/accounts/code/send",
            &[("channel", "email")],
            Some(&cookie),
            "192.0.2.20",
        )
        .await;
        assert_eq!(count(&sends, 200), 5, "{backend:?}");
        assert_eq!(count(&sends, 429), 45, "{backend:?}");
        assert_eq!(audit_count(portal, "mfa.code_sent").await, 5);

        // Fifty wrong codes at once: at most five are compared.
        let guesses = at_once(
            portal,
            50,
            "/api/accounts/step-up",
            &[("code", "000000")],
            Some(&cookie),
            "192.0.2.20",
        )
        .await;
        let checked = audit_count(portal, "mfa.refused").await;
        assert!(
            checked <= MAX_PER_EMAIL,
            "{backend:?}: {checked} codes compared"
        );
        assert_eq!(count(&guesses, 429) as u64, 50 - checked);

        // Password resets for one address, and invitations for one person.
        let resets = at_once(
            portal,
            50,
            "/api/accounts/forgot-password",
            &[("email", HUGO)],
            None,
            "192.0.2.21",
        )
        .await;
        assert_eq!(count(&resets, 200), 50, "the answer never tells");
        // The work happens after the answer.
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert_eq!(
            audit_count(portal, "auth.password_reset_requested").await,
            3,
            "{backend:?}"
        );

        let mut ada = world.browser(ADA).await;
        let added = ada
            .call(
                "/api/people/add",
                &[
                    ("display_name", "Ivy"),
                    ("email", "ivy@client.example"),
                    ("role", "client"),
                ],
            )
            .await;
        let ivy: app::people::Person = serde_json::from_slice(&added.body).expect("person");
        let ivy = ivy.id.to_string();
        let invites = at_once(
            portal,
            50,
            "/api/people/invite",
            &[("id", &ivy)],
            ada.cookie.as_deref(),
            "192.0.2.22",
        )
        .await;
        assert_eq!(count(&invites, 200), 5, "{backend:?}");
        assert_eq!(count(&invites, 429), 45);
        assert_eq!(audit_count(portal, "invitation.sent").await, 5);
        grace.sign_out().await;
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn quotas_hold_under_parallel_requests() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let portal = &world.portal;
        let grace = world.browser(GRACE).await;

        // Files waiting to be sent: twenty per person, however many uploads start at once.
        let started = join_all((0..50).map(|i| {
            let name = format!("scan-{i}.pdf");
            let request = upload_request(&world, &grace, None, &name, 1000, &[], "attachment");
            world.portal.send(request)
        }))
        .await;
        assert_eq!(
            count(&started, 201),
            app::conversations::attachments::STAGED_FILES,
            "{backend:?}"
        );
        // And 1 GB of them: ten of the largest, declared, are all one person may have waiting.
        let hugo = world.browser(HUGO).await;
        let largest = app::conversations::MAX_SEND_SIZE;
        for i in 0..10 {
            let request = upload_request(
                &world,
                &hugo,
                None,
                &format!("big-{i}.mov"),
                largest,
                &[],
                "attachment",
            );
            assert_eq!(
                world.portal.send(request).await.status,
                201,
                "{backend:?} {i}"
            );
        }
        let one_more = upload_request(&world, &hugo, None, "small.txt", 1, &[], "attachment");
        assert_eq!(world.portal.send(one_more).await.status, 429, "{backend:?}");
        let refused = started.iter().find(|r| r.status == 429).expect("refused");
        assert!(
            refused.text().contains("waiting to be sent"),
            "{}",
            refused.text()
        );

        // Messages: thirty a minute per person.
        let mut ada = world.browser(ADA).await;
        let id = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Paced"), ("body", "1")],
            )
            .await,
        );
        let posts = at_once(
            portal,
            50,
            "/api/conversations/post",
            &[("id", &id), ("body", "hello")],
            ada.cookie.as_deref(),
            "192.0.2.30",
        )
        .await;
        let written = app::conversations::server::MESSAGES_PER_MINUTE as usize - 1;
        assert_eq!(
            count(&posts, 200),
            written,
            "{backend:?}: one was the conversation's first"
        );
        let slow_down = posts.iter().find(|r| r.status == 429).expect("refused");
        assert!(
            slow_down.text().contains("in the last minute"),
            "{}",
            slow_down.text()
        );

        // Anonymous calls from one IP.
        let anonymous = at_once(
            portal,
            70,
            "/api/invitations/details",
            &[("token", "nope")],
            None,
            "192.0.2.40",
        )
        .await;
        let limit = dossier::security::ANONYMOUS_CALLS_PER_IP.max as usize;
        assert_eq!(count(&anonymous, 429), 70 - limit, "{backend:?}");
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn fifty_parallel_app_and_recovery_codes_and_sign_in_links_get_no_more_than_the_limit() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let portal = &world.portal;
        let db = &portal.state.db;
        let mut ada = world.browser(ADA).await;
        // Sign-in links: five an hour to one address, however many are asked for at once.
        let saved = ada
            .call(
                "/api/settings/save",
                &[
                    ("idle_timeout_minutes", "30"),
                    ("session_lifetime_hours", "12"),
                    ("step_up_window_hours", "12"),
                    ("client_sign_in_by_link", "true"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        let links = at_once(
            portal,
            50,
            "/api/accounts/sign-in/link",
            &[("email", GRACE)],
            None,
            "192.0.2.52",
        )
        .await;
        assert_eq!(count(&links, 200), 50, "the answer never tells");
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let sent = app::entities::audit_event::Entity::find()
            .filter(app::entities::audit_event::Column::Action.eq("auth.sign_in_link_requested"))
            .filter(app::entities::audit_event::Column::ActorId.is_not_null())
            .count(db)
            .await
            .expect("count");
        assert_eq!(sent, 5, "{backend:?}");

        // Ada sets up an authenticator app (with the emailed code) and is halfway signed in.
        let started = ada.call("/api/accounts/totp/start", &[]).await;
        let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
        let proof = world.emailed_code(ADA).await;
        let phone = Phone::scan(&enrolment);
        let confirmed = ada
            .call(
                "/api/accounts/totp/confirm",
                &[("code", &phone.code(0)), ("proof", &proof)],
            )
            .await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.text());
        ada.sign_out().await;
        assert!(ada.sign_in().await.text().contains("CodeNeeded"));
        let pending = ada.cookie.clone();
        let before = audit_count(portal, "mfa.refused").await;
        let app_codes = at_once(
            portal,
            50,
            "/api/accounts/sign-in/code",
            &[("code", "000000")],
            pending.as_deref(),
            "192.0.2.50",
        )
        .await;
        let checked = audit_count(portal, "mfa.refused").await - before;
        assert!(
            checked <= MAX_PER_EMAIL,
            "{backend:?}: {checked} app codes compared"
        );
        assert_eq!(count(&app_codes, 429) as u64, 50 - checked);

        // The lock is lifted (as by time); recovery codes are counted the same way.
        let ada_id = app::entities::user::Entity::find()
            .filter(app::entities::user::Column::Email.eq(ADA))
            .one(db)
            .await
            .expect("q")
            .expect("ada")
            .id;
        app::limits::clear(db, &app::accounts::throttle::code_key(ada_id))
            .await
            .expect("clear");
        let before = audit_count(portal, "mfa.refused").await;
        let recovery = at_once(
            portal,
            50,
            "/api/accounts/sign-in/code",
            &[("code", "aaaaa-bbbbb")],
            pending.as_deref(),
            "192.0.2.51",
        )
        .await;
        let checked = audit_count(portal, "mfa.refused").await - before;
        assert!(
            checked <= MAX_PER_EMAIL,
            "{backend:?}: {checked} recovery codes compared"
        );
        assert_eq!(count(&recovery, 429) as u64, 50 - checked);

        world.portal.finish().await;
    }
}
