//! The second factor: enrolling an authenticator app, the code step of signing in, replayed
//! codes, recovery codes, lockout, step-up and turning it off, on SQLite and PostgreSQL.

use crate::common;

use app::accounts::api::TotpEnrolment;
use common::{BACKENDS, Browser, PASSWORD, Phone, TestPortal, audit_count};
use sea_orm::{EntityTrait, PaginatorTrait};

/// Signs in (no second factor yet), enrols an app, and returns it with the recovery codes.
async fn enrol(browser: &mut Browser<'_>) -> (Phone, Vec<String>) {
    assert_eq!(browser.sign_in().await.status, 200);
    let started = browser.call("/api/accounts/totp/start", &[]).await;
    assert_eq!(started.status, 200, "{}", started.text());
    let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
    let phone = Phone::scan(&enrolment);
    let confirmed = browser
        .call("/api/accounts/totp/confirm", &[("code", &phone.code(0))])
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let codes: Vec<String> = serde_json::from_slice(&confirmed.body).expect("codes");
    (phone, codes)
}

#[tokio::test]
async fn an_app_is_enrolled_from_a_qr_code_with_ten_recovery_codes() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        assert_eq!(browser.sign_in().await.status, 200);
        let started = browser.call("/api/accounts/totp/start", &[]).await;
        assert_eq!(started.status, 200, "{backend:?}: {}", started.text());
        let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
        assert!(enrolment.qr_svg.starts_with("<svg"), "{}", enrolment.qr_svg);
        assert!(enrolment.qr_svg.ends_with("</svg>"));
        assert!(!enrolment.qr_svg.contains("<script"));
        assert!(
            enrolment
                .otpauth_url
                .starts_with("otpauth://totp/Dossier:ada%40firm.example?secret="),
            "{}",
            enrolment.otpauth_url
        );
        assert!(enrolment.otpauth_url.contains("issuer=Dossier"));
        assert!(
            enrolment.secret.replace(' ', "").len() >= 32,
            "160 bits: {}",
            enrolment.secret
        );
        let phone = Phone::scan(&enrolment);

        // A wrong code enrols nothing.
        let wrong = browser
            .call("/api/accounts/totp/confirm", &[("code", &phone.code(5))])
            .await;
        assert_eq!(wrong.status, 403, "{backend:?}");
        assert!(wrong.text().contains("That code is not right"));
        assert!(browser.me().await.contains("\"second_factor\":false"));
        let not_a_code = browser
            .call("/api/accounts/totp/confirm", &[("code", "12")])
            .await;
        assert_eq!(not_a_code.status, 400);
        assert!(not_a_code.text().contains("six-digit code"));

        let before = browser.cookie.clone();
        let confirmed = browser
            .call("/api/accounts/totp/confirm", &[("code", &phone.code(0))])
            .await;
        assert_eq!(confirmed.status, 200, "{backend:?}: {}", confirmed.text());
        assert_ne!(browser.cookie, before, "a step-up changes the session id");
        let codes: Vec<String> = serde_json::from_slice(&confirmed.body).expect("codes");
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        // Only hashes are stored.
        let stored = app::entities::recovery_code::Entity::find()
            .all(&portal.state.db)
            .await
            .expect("rows");
        assert_eq!(stored.len(), 10);
        assert!(stored.iter().all(|row| !codes.contains(&row.code_hash)));
        assert!(browser.me().await.contains("\"second_factor\":true"));
        assert_eq!(audit_count(&portal, "mfa.enrolled").await, 1);

        let again = browser.call("/api/accounts/totp/start", &[]).await;
        assert_eq!(again.status, 409, "{backend:?}");
        portal.finish().await;
    }
}

#[tokio::test]
async fn signing_in_asks_for_the_code_and_refuses_a_used_one() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        let (phone, _) = enrol(&mut browser).await;
        browser.sign_out().await;

        // The password alone signs nobody in.
        let password = browser.sign_in().await;
        assert_eq!(password.status, 200);
        assert!(
            password.text().contains("CodeNeeded"),
            "{}",
            password.text()
        );
        assert_eq!(browser.me().await, "null");
        let guarded = browser.call("/api/accounts/sign-out-everywhere", &[]).await;
        assert_eq!(guarded.status, 401, "{backend:?}");

        // The code used at enrolment is spent.
        let replay = browser
            .call("/api/accounts/sign-in/code", &[("code", &phone.code(0))])
            .await;
        assert_eq!(replay.status, 403, "{backend:?}: {}", replay.text());
        assert!(replay.text().contains("already been used"));

        // The next step's code (one step of drift is allowed) signs in, under a new id.
        let before = browser.cookie.clone();
        let next = phone.code(1);
        let accepted = browser
            .call("/api/accounts/sign-in/code", &[("code", &next)])
            .await;
        assert_eq!(accepted.status, 200, "{backend:?}: {}", accepted.text());
        assert!(accepted.text().contains("Ada Lovelace"));
        assert_ne!(browser.cookie, before);
        assert!(browser.me().await.contains("Ada Lovelace"));
        assert_eq!(audit_count(&portal, "mfa.passed").await, 1);

        // Two steps away is too far; and that code cannot be used a second time.
        browser.sign_out().await;
        assert_eq!(browser.sign_in().await.status, 200);
        let far = browser
            .call("/api/accounts/sign-in/code", &[("code", &phone.code(3))])
            .await;
        assert_eq!(far.status, 403);
        let again = browser
            .call("/api/accounts/sign-in/code", &[("code", &next)])
            .await;
        assert_eq!(again.status, 403, "{backend:?}");
        assert!(again.text().contains("already been used"));
        assert_eq!(browser.me().await, "null");

        // Without a password first, a code is nothing.
        let mut stranger = Browser::new(&portal);
        let no_password = stranger
            .call("/api/accounts/sign-in/code", &[("code", &phone.code(1))])
            .await;
        assert_eq!(no_password.status, 400);
        assert!(no_password.text().contains("email and password again"));
        portal.finish().await;
    }
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        let (_, codes) = enrol(&mut browser).await;
        browser.sign_out().await;

        // Typed as read off paper: capitals and a space instead of the dash.
        let typed = codes[3].to_uppercase().replace('-', " ");
        assert_eq!(browser.sign_in().await.status, 200);
        let used = browser
            .call("/api/accounts/sign-in/code", &[("code", &typed)])
            .await;
        assert_eq!(used.status, 200, "{backend:?}: {}", used.text());
        assert_eq!(audit_count(&portal, "mfa.recovery_code_used").await, 1);
        browser.sign_out().await;

        assert_eq!(browser.sign_in().await.status, 200);
        let again = browser
            .call("/api/accounts/sign-in/code", &[("code", &codes[3])])
            .await;
        assert_eq!(again.status, 403, "{backend:?}");
        let admin = app::entities::user::Entity::find()
            .one(&portal.state.db)
            .await
            .expect("query")
            .expect("admin");
        let left = app::accounts::recovery_codes::left(&portal.state.db, admin.id)
            .await
            .expect("count");
        assert_eq!(left, 9);
        portal.finish().await;
    }
}

#[tokio::test]
async fn five_wrong_codes_lock_the_account_for_a_while() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        let (phone, _) = enrol(&mut browser).await;
        browser.sign_out().await;
        assert_eq!(browser.sign_in().await.status, 200);
        let wrong = phone.code(-10);
        for attempt in 1..=5 {
            let reply = browser
                .call("/api/accounts/sign-in/code", &[("code", &wrong)])
                .await;
            assert_eq!(reply.status, 403, "{backend:?} attempt {attempt}");
        }
        // Now even the right code waits.
        let locked = browser
            .call("/api/accounts/sign-in/code", &[("code", &phone.code(1))])
            .await;
        assert_eq!(locked.status, 429, "{backend:?}: {}", locked.text());
        assert!(
            locked
                .text()
                .contains("Too many wrong codes for this account"),
            "{}",
            locked.text()
        );
        assert_eq!(browser.me().await, "null");
        assert_eq!(audit_count(&portal, "mfa.refused").await, 5);
        portal.finish().await;
    }
}

#[tokio::test]
async fn stepping_up_changes_the_session_id() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        let (phone, _) = enrol(&mut browser).await;
        let before = browser.cookie.clone().expect("cookie");
        let stepped = browser
            .call("/api/accounts/step-up", &[("code", &phone.code(1))])
            .await;
        assert_eq!(stepped.status, 200, "{backend:?}: {}", stepped.text());
        assert_ne!(browser.cookie.as_deref(), Some(before.as_str()));
        // The old id is worth nothing now.
        let old = portal
            .call_with_cookie("/api/accounts/me", &[], Some(&before))
            .await;
        assert_eq!(old.text(), "null");
        assert!(browser.me().await.contains("Ada Lovelace"));
        portal.finish().await;
    }
}

#[tokio::test]
async fn turning_the_app_off_needs_the_password_and_a_code() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut browser = Browser::new(&portal);
        let (_, codes) = enrol(&mut browser).await;
        let refused = browser
            .call(
                "/api/accounts/totp/remove",
                &[("password", "not my password at all"), ("code", &codes[0])],
            )
            .await;
        assert_eq!(refused.status, 403, "{backend:?}");
        let no_code = browser
            .call("/api/accounts/totp/remove", &[("password", PASSWORD)])
            .await;
        assert_eq!(no_code.status, 400, "{backend:?}");
        assert!(browser.me().await.contains("\"second_factor\":true"));
        let removed = browser
            .call(
                "/api/accounts/totp/remove",
                &[("password", PASSWORD), ("code", &codes[0])],
            )
            .await;
        assert_eq!(removed.status, 200, "{backend:?}: {}", removed.text());
        assert_eq!(audit_count(&portal, "mfa.removed").await, 1);
        assert_eq!(
            app::entities::recovery_code::Entity::find()
                .count(&portal.state.db)
                .await
                .expect("count"),
            0
        );
        browser.sign_out().await;
        let signed_in = browser.sign_in().await;
        assert!(
            signed_in.text().contains("SignedIn"),
            "{}",
            signed_in.text()
        );
        portal.finish().await;
    }
}

#[tokio::test]
async fn the_firm_can_require_staff_to_set_up_an_app_before_they_work() {
    use app::entities::user::Role;
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let settings = |required: &'static str| {
            vec![
                ("idle_timeout_minutes", "480"),
                ("session_lifetime_hours", "168"),
                ("step_up_window_hours", "12"),
                ("staff_two_step_required", required),
            ]
        };
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let refused = ada.call("/api/settings/save", &settings("true")).await;
        assert_eq!(
            refused.status, 400,
            "{backend:?}: not before the administrator has an app"
        );
        assert!(
            refused.text().contains("your own account first"),
            "{}",
            refused.text()
        );
        let _phone = enrol(&mut ada).await;
        let saved = ada.call("/api/settings/save", &settings("true")).await;
        assert_eq!(saved.status, 200, "{backend:?}: {}", saved.text());

        let account = app::accounts::passwords::NewAccount::parse(
            "Bob Staff",
            "bob@firm.example",
            PASSWORD.into(),
        )
        .expect("valid");
        let hash = app::accounts::passwords::hash_password(account.password_owned())
            .await
            .expect("hash");
        app::accounts::server::insert_person(
            &portal.state.db,
            app::accounts::server::NewPerson {
                display_name: "Bob Staff".into(),
                email: "bob@firm.example".into(),
                mobile: None,
                role: Role::Staff,
                password_hash: Some(hash),
            },
        )
        .await
        .expect("staff");
        let mut bob = Browser::new(&portal);
        assert_eq!(
            bob.sign_in_as("bob@firm.example", PASSWORD).await.status,
            200
        );
        assert!(
            bob.me()
                .await
                .contains("\"must_set_up_second_factor\":true")
        );
        let blocked = bob.call("/api/people/list", &[]).await;
        assert_eq!(blocked.status, 403);
        assert!(blocked.text().contains("requires two-step verification"));
        // Setting up the app is what stays open.
        let started = bob.call("/api/accounts/totp/start", &[]).await;
        assert_eq!(started.status, 200);
        let enrolment: TotpEnrolment = serde_json::from_slice(&started.body).expect("enrolment");
        let phone = Phone::scan(&enrolment);
        let confirmed = bob
            .call("/api/accounts/totp/confirm", &[("code", &phone.code(0))])
            .await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.text());
        assert!(
            bob.me()
                .await
                .contains("\"must_set_up_second_factor\":false")
        );
        assert_eq!(bob.call("/api/people/list", &[]).await.status, 200);
        portal.finish().await;
    }
}

/// A plain form posted from `page` (before the Wasm arrives): the browser sends the page it was
/// on as `Referer` and asks for HTML.
fn plain_post(
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    page: Option<&str>,
) -> axum::http::Request<axum::body::Body> {
    let mut request = common::form_request(path, form, cookie, None, None);
    let headers = request.headers_mut();
    headers.insert("accept", "text/html".parse().expect("header"));
    if let Some(page) = page {
        let referer = format!("http://127.0.0.1:3000{page}");
        headers.insert("referer", referer.parse().expect("header"));
    }
    request
}

/// A link from an email opened signed out: the page itself asks for the password and the code,
/// and the browser comes back to the same address (query included) after each step, also as
/// plain forms before the Wasm; without a `Referer` the steps go on at `/sign-in`.
#[tokio::test]
async fn a_signed_out_visitor_signs_in_on_the_page_they_opened_and_stays_there() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let mut ada = Browser::new(&portal);
        let (phone, _) = enrol(&mut ada).await;
        let created = ada
            .call(
                "/api/matters/create",
                &[("number", "L-1"), ("name", "Harbour lease")],
            )
            .await;
        let matter: app::matters::MatterSummary =
            serde_json::from_slice(&created.body).expect("matter");
        let page = format!("/matters/{}?tab=files", matter.id);

        let signed_out = portal.get(&page).await;
        assert_eq!(signed_out.status, 401, "{backend:?}");
        let html = signed_out.text();
        assert!(html.contains("data-testid=\"sign-in-here\""), "{html}");
        assert!(html.contains("action=\"/api/accounts/sign-in\""), "{html}");
        assert!(!html.contains("Harbour lease"));

        let to = |query: &str| format!("{page}{query}");
        let wrong = portal
            .send(plain_post(
                "/api/accounts/sign-in",
                &[("email", "ada@firm.example"), ("password", "not it")],
                None,
                Some(&page),
            ))
            .await;
        assert_eq!(wrong.status, 303, "{backend:?}: {}", wrong.text());
        assert_eq!(wrong.header("location"), to("&step=again"));

        let password = portal
            .send(plain_post(
                "/api/accounts/sign-in",
                &[("email", "ada@firm.example"), ("password", PASSWORD)],
                None,
                Some(&to("&step=again")),
            ))
            .await;
        assert_eq!(password.header("location"), to("&step=code"));
        let cookie = password
            .session_cookie()
            .expect("a session for the code step");
        let code_step = portal
            .send(
                axum::http::Request::get(to("&step=code"))
                    .header("cookie", &cookie)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(code_step.status, 401, "not signed in before the code");
        assert!(
            code_step
                .text()
                .contains("data-testid=\"sign-in-code-form\"")
        );

        let bad_code = portal
            .send(plain_post(
                "/api/accounts/sign-in/code",
                &[("code", "000000")],
                Some(&cookie),
                Some(&to("&step=code")),
            ))
            .await;
        assert_eq!(bad_code.header("location"), to("&step=code-again"));
        let code = portal
            .send(plain_post(
                "/api/accounts/sign-in/code",
                &[("code", &phone.code(1))],
                Some(&cookie),
                Some(&to("&step=code-again")),
            ))
            .await;
        assert_eq!(code.status, 303, "{backend:?}: {}", code.text());
        assert_eq!(code.header("location"), page, "back where the link led");
        let cookie = code
            .session_cookie()
            .expect("a new session id once signed in");
        let there = portal
            .send(
                axum::http::Request::get(&page)
                    .header("cookie", &cookie)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(there.status, 200, "{backend:?}");
        assert!(there.text().contains("Harbour lease"));

        // Without a Referer (a browser that sends none) the steps go on at `/sign-in`.
        let bare = portal
            .send(plain_post(
                "/api/accounts/sign-in",
                &[("email", "ada@firm.example"), ("password", PASSWORD)],
                None,
                None,
            ))
            .await;
        assert_eq!(bare.header("location"), "/sign-in?step=code");
        portal.finish().await;
    }
}
