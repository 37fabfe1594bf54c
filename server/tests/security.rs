//! What an outside review found, each closed and tried as an attacker would: a second factor
//! enrolled on a password alone, limits that parallel requests slipped past, secrets left
//! usable in the database, sessions and live streams that outlived their end, and smaller holes.
//! On SQLite and PostgreSQL.

mod common;

use app::{
    accounts::{api::TotpEnrolment, throttle::MAX_PER_EMAIL},
    entities::{audit_event, outbox_message, recovery_code, totp_credential},
};
use axum::{body::Body, http::Request};
use common::{
    BACKENDS, Backend, Browser, PASSWORD, Reply, TestPortal,
    world::{GRACE, HUGO, Live, World, create, get, id_of, list, upload_request},
};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use totp_rs::{Algorithm, Secret, TOTP};

const ADA: &str = "ada@firm.example";

/// The authenticator app on a phone.
struct Phone(TOTP);

impl Phone {
    fn scan(enrolment: &TotpEnrolment) -> Self {
        let secret = Secret::Encoded(enrolment.secret.replace(' ', ""))
            .to_bytes()
            .expect("base32");
        Self(TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, None, String::new()).expect("totp"))
    }

    fn code(&self, offset: i64) -> String {
        let now = chrono::Utc::now().timestamp() / 30;
        self.0
            .generate(u64::try_from((now + offset) * 30).expect("time"))
    }
}

async fn audit_count(portal: &TestPortal, action: &str) -> u64 {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .count(&portal.state.db)
        .await
        .expect("count")
}

/// A protected conversation with Grace, started by Ada.
async fn protected_conversation(world: &World, ada: &mut Browser<'_>) -> String {
    id_of(
        &create(
            ada,
            world,
            &[&world.grace],
            &[
                ("subject", "Settlement offer"),
                ("body", "The offer is attached."),
                ("requires_second_factor", "true"),
            ],
        )
        .await,
    )
}

#[tokio::test]
async fn a_new_authenticator_needs_a_code_from_the_channel_the_account_already_has() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser(ADA).await;
        let id = protected_conversation(&world, &mut ada).await;

        // Grace's password alone: the conversation is locked.
        let mut grace = world.browser(GRACE).await;
        assert_eq!(get(&mut grace, &id).await.expect_err("locked").0, 403);

        // Setting up an app sends her a code by email, and confirming asks for it.
        let started = grace.call("/api/accounts/totp/start", &[]).await;
        assert_eq!(started.status, 200, "{backend:?}: {}", started.text());
        let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
        assert_eq!(
            enrolment.proof_sent_to.as_deref(),
            Some("g…@client.example")
        );
        let phone = Phone::scan(&enrolment);
        let no_proof = grace
            .call("/api/accounts/totp/confirm", &[("code", &phone.code(0))])
            .await;
        assert_eq!(no_proof.status, 400, "{backend:?}: {}", no_proof.text());
        assert!(no_proof.text().contains("code we sent you"));
        let wrong_proof = grace
            .call(
                "/api/accounts/totp/confirm",
                &[("code", &phone.code(0)), ("proof", "000000")],
            )
            .await;
        assert_eq!(
            wrong_proof.status,
            403,
            "{backend:?}: {}",
            wrong_proof.text()
        );
        assert!(grace.me().await.contains("\"second_factor\":false"));
        assert_eq!(
            get(&mut grace, &id).await.expect_err("still locked").0,
            403,
            "{backend:?}: the attack of the review: enrolling opens nothing"
        );

        // With the emailed code she is who she says: the app is on, and this session passed.
        let proof = world.emailed_code(GRACE).await;
        let confirmed = grace
            .call(
                "/api/accounts/totp/confirm",
                &[("code", &phone.code(0)), ("proof", &proof)],
            )
            .await;
        assert_eq!(confirmed.status, 200, "{backend:?}: {}", confirmed.text());
        assert!(grace.me().await.contains("\"second_factor\":true"));
        assert!(get(&mut grace, &id).await.is_ok(), "{backend:?}");
        assert!(
            world
                .subjects_to(GRACE)
                .await
                .contains(&"An authenticator app was added to your account".to_string()),
            "{backend:?}: she is told"
        );

        // Removing it asks for the password and a current code.
        let password_only = grace
            .call("/api/accounts/totp/remove", &[("password", PASSWORD)])
            .await;
        assert_eq!(password_only.status, 400, "{backend:?}");
        let wrong_code = grace
            .call(
                "/api/accounts/totp/remove",
                &[("password", PASSWORD), ("code", "000000")],
            )
            .await;
        assert_eq!(wrong_code.status, 403, "{backend:?}");
        assert!(grace.me().await.contains("\"second_factor\":true"));
        let removed = grace
            .call(
                "/api/accounts/totp/remove",
                &[("password", PASSWORD), ("code", &phone.code(1))],
            )
            .await;
        assert_eq!(removed.status, 200, "{backend:?}: {}", removed.text());
        assert!(grace.me().await.contains("\"second_factor\":false"));
        assert!(
            world
                .subjects_to(GRACE)
                .await
                .contains(&"Two-step verification was turned off".to_string())
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn password_changes_and_resets_are_emailed_without_a_secret() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut grace = world.browser(GRACE).await;
        let changed = grace
            .call(
                "/api/accounts/password",
                &[("current", PASSWORD), ("new", "a brand new passphrase")],
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text());
        assert!(
            world
                .subjects_to(GRACE)
                .await
                .contains(&"Your password was changed".to_string())
        );
        let asked = Browser::new(&world.portal)
            .call("/api/accounts/forgot-password", &[("email", GRACE)])
            .await;
        assert_eq!(asked.status, 200);
        let link = loop {
            world.deliver().await;
            if let Some(link) = world
                .smtp
                .received()
                .iter()
                .find_map(|m| m.link("https://portal.hartley.example/reset-password?token="))
            {
                break link;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        let token = link.rsplit('=').next().expect("token").to_string();
        let reset = Browser::new(&world.portal)
            .call(
                "/api/accounts/reset-password",
                &[("token", &token), ("password", "yet another passphrase")],
            )
            .await;
        assert_eq!(reset.status, 200, "{}", reset.text());
        world.deliver().await;
        let notice = world
            .smtp
            .received()
            .into_iter()
            .find(|m| m.data.contains("Subject: Your password was reset"))
            .expect("the reset is told");
        assert!(notice.text().contains("If this wasn't you"));
        assert!(
            !notice.text().contains("token="),
            "no link that does anything"
        );
        world.portal.finish().await;
    }
}

/// The database as a thief reads it: nothing in it signs anyone in or passes a second factor.
#[tokio::test]
async fn nothing_usable_is_left_in_the_database() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let db = &world.portal.state.db;
        let mut ada = world.browser(ADA).await;
        // An invitation, a reset link and a code go out.
        let invited = ada
            .call(
                "/api/people/add",
                &[
                    ("display_name", "Ivy Invited"),
                    ("email", "ivy@client.example"),
                    ("role", "client"),
                    ("invite", "true"),
                ],
            )
            .await;
        assert_eq!(invited.status, 200, "{}", invited.text());
        let mut grace = world.browser(GRACE).await;
        let started = grace.call("/api/accounts/totp/start", &[]).await;
        let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
        let secret = enrolment.secret.replace(' ', "");
        // While enrolling, the secret is in her session row only sealed.
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT id, data FROM sessions",
            ))
            .await
            .expect("sessions");
        assert!(!rows.is_empty());
        let grace_cookie = grace.cookie.clone().expect("cookie");
        let grace_id = grace_cookie.split('=').nth(1).expect("id");
        for row in &rows {
            let id: String = row.try_get("", "id").expect("id");
            let data: String = row.try_get("", "data").expect("data");
            assert_ne!(id, grace_id, "{backend:?}: session ids are stored hashed");
            assert!(
                !data.contains(&secret),
                "{backend:?}: the enrolment secret is sealed"
            );
        }
        let proof = world.emailed_code(GRACE).await;
        let phone = Phone::scan(&enrolment);
        let confirmed = grace
            .call(
                "/api/accounts/totp/confirm",
                &[("code", &phone.code(0)), ("proof", &proof)],
            )
            .await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.text());
        let codes: Vec<String> = serde_json::from_slice(&confirmed.body).expect("codes");
        Browser::new(&world.portal)
            .call("/api/accounts/forgot-password", &[("email", ADA)])
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        world.deliver().await;

        let stored = totp_credential::Entity::find()
            .one(db)
            .await
            .expect("query")
            .expect("credential");
        assert!(stored.secret.starts_with("v1:"), "{}", stored.secret);
        assert!(!stored.secret.contains(&secret));
        for row in recovery_code::Entity::find().all(db).await.expect("codes") {
            assert!(row.code_hash.starts_with("$argon2id$"), "{}", row.code_hash);
            assert!(codes.iter().all(|c| !row.code_hash.contains(c.as_str())));
        }
        let outbox = outbox_message::Entity::find()
            .all(db)
            .await
            .expect("outbox");
        assert!(outbox.len() >= 3, "{backend:?}: {}", outbox.len());
        for message in &outbox {
            assert!(message.sent_at.is_some(), "{message:?}");
            assert_eq!(
                message.body, "",
                "{backend:?}: nothing kept of a sent message"
            );
            let subject = message.subject.clone().unwrap_or_default();
            assert!(
                !subject.contains(&proof) && !subject.contains("token"),
                "{subject}"
            );
        }

        // The key is not in the database, and is the firm's alone.
        let key_file = world.portal.config.data_dir.join("secret.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &std::path::Path| {
                std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
            };
            assert_eq!(mode(&key_file), 0o600);
            assert_eq!(mode(&world.portal.config.data_dir), 0o700);
        }
        // A database opened with another key refuses to start, rather than lock everyone out.
        let mut wrong = world.portal.config.clone();
        wrong.secret_key = Some(dossier::config::KeyBytes([9; 32]));
        let refused = dossier::open(&wrong).await.err().expect("refused");
        assert!(refused.contains("is not the one"), "{refused}");
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn recovery_codes_stored_by_an_older_version_are_salted_at_start_and_still_work() {
    use sha2::Digest;
    let portal = TestPortal::with_admin(Backend::Sqlite, "http://127.0.0.1:3000").await;
    let mut ada = Browser::new(&portal);
    assert_eq!(ada.sign_in().await.status, 200);
    let started = ada.call("/api/accounts/totp/start", &[]).await;
    let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
    let phone = Phone::scan(&enrolment);
    let confirmed = ada
        .call("/api/accounts/totp/confirm", &[("code", &phone.code(0))])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    // One code as an older version stored it: the plain SHA-256 of its ten characters.
    let legacy = hex::encode(sha2::Sha256::digest(b"abcdefghjk"));
    let db = &portal.state.db;
    let row = recovery_code::Entity::find()
        .one(db)
        .await
        .expect("q")
        .expect("row");
    recovery_code::Entity::update_many()
        .col_expr(
            recovery_code::Column::CodeHash,
            sea_orm::sea_query::Expr::value(legacy.clone()),
        )
        .filter(recovery_code::Column::Id.eq(row.id))
        .exec(db)
        .await
        .expect("plant");
    app::accounts::second_factor::seal_stored_secrets(db, &portal.state.portal.secret_key)
        .await
        .expect("upgrade");
    let upgraded = recovery_code::Entity::find_by_id(row.id)
        .one(db)
        .await
        .expect("q")
        .expect("row");
    assert!(upgraded.code_hash.starts_with("$argon2id$"));
    ada.sign_out().await;
    assert!(ada.sign_in().await.text().contains("CodeNeeded"));
    let used = ada
        .call("/api/accounts/sign-in/code", &[("code", "ABCDE-FGHJK")])
        .await;
    assert_eq!(used.status, 200, "{}", used.text());
    portal.finish().await;
}

/// Fires the same call `n` times at once, each as a separate browser from `peer`.
async fn at_once(
    portal: &TestPortal,
    n: usize,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    peer: &str,
) -> Vec<Reply> {
    join_all((0..n).map(|_| portal.call_from(path, form, cookie, Some(peer), None))).await
}

fn count(replies: &[Reply], status: u16) -> usize {
    replies.iter().filter(|r| r.status == status).count()
}

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
        let ivy: app::accounts::people_api::Person =
            serde_json::from_slice(&added.body).expect("person");
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
        assert_eq!(stream.next().await.conversation.to_string(), id);
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
