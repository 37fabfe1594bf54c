//! The database as a thief reads it: no link, code, secret or session id in it is usable, and the
//! key that seals what the server must read back is elsewhere. Security review, issue 16. On
//! SQLite and PostgreSQL.

use crate::common;

use app::{
    accounts::api::TotpEnrolment,
    entities::{outbox_message, recovery_code, totp_credential},
};
use common::{
    ADA, BACKENDS, Browser, Phone,
    world::{GRACE, World},
};
use sea_orm::{ConnectionTrait, EntityTrait};

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
