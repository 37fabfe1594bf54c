//! A second factor is added and removed only by the person (a code from the channel the account
//! already has, then a current code), every change of factor or password is told to them, and
//! recovery codes are salted slow hashes. Security review, issue 16. On SQLite and PostgreSQL.

use crate::common;

use app::{accounts::api::TotpEnrolment, entities::recovery_code};
use common::{
    ADA, BACKENDS, Backend, Browser, PASSWORD, Phone, TestPortal,
    world::{GRACE, World, create, get, id_of},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

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
            .find(|m| m.data.contains("Subject: Dossier: Your password was reset"))
            .expect("the reset is told");
        assert!(notice.text().contains("If this wasn't you"));
        assert!(
            !notice.text().contains("token="),
            "no link that does anything"
        );
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
