//! People and invitations: staff add a contact and invite them by email (to a real SMTP server on
//! loopback) and text message (to a Twilio-compatible gateway on loopback); the link works once and
//! expires; revoked contacts are shut out; password resets say nothing about who has an account;
//! delivery retries when the mail server is down. On SQLite and PostgreSQL.

use crate::common;

use app::entities::{account_link, outbox_message, user};
use common::{
    BACKENDS, Backend, Browser, PASSWORD, TestPortal,
    outside::{SmsGateway, SmtpSink},
};
use dossier::{config::DeliveryConfig, delivery::Transports};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

const CLIENT: &str = "grace@client.example";
const CLIENT_PASSWORD: &str = "harbour lantern orchard violet";

struct World {
    portal: TestPortal,
    smtp: SmtpSink,
    sms: SmsGateway,
    transports: Transports,
}

impl World {
    async fn start(backend: Backend) -> Self {
        let smtp = SmtpSink::start().await;
        let sms = SmsGateway::start().await;
        let delivery = common::world::delivery(&smtp, &sms);
        let transports = Transports::new(&delivery).expect("transports");
        let portal =
            TestPortal::start_full(backend, "https://portal.hartley.example", Some(delivery)).await;
        let account = app::accounts::passwords::NewAccount::parse(
            "Ada Lovelace",
            "ada@firm.example",
            PASSWORD.into(),
        )
        .expect("valid");
        app::accounts::setup::create_admin(&portal.state.db, account)
            .await
            .expect("admin");
        Self {
            portal,
            smtp,
            sms,
            transports,
        }
    }

    /// The token of the `nth` invitation email (counting from 0), delivering until it arrives.
    async fn invitation_token(&self, nth: usize) -> String {
        let mails = mails_after(self, nth + 1).await;
        token_of(
            &mails[nth]
                .link("https://portal.hartley.example/invitation?token=")
                .expect("an invitation link in the email"),
        )
    }

    async fn deliver(&self) -> usize {
        self.transports
            .run_once(&self.portal.state.db)
            .await
            .expect("delivery runs")
    }
}

/// The `token` query parameter of a link.
fn token_of(link: &str) -> String {
    url::Url::parse(link)
        .expect("link")
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .expect("token")
}

async fn add_client(staff: &mut Browser<'_>, invite: bool, sms: bool) -> app::people::Person {
    let mut form = vec![
        ("display_name", "Grace Hopper"),
        ("email", CLIENT),
        ("mobile", "+44 7700 900123"),
        ("role", "client"),
    ];
    if invite {
        form.push(("invite", "true"));
    }
    if sms {
        form.push(("sms", "true"));
    }
    let reply = staff.call("/api/people/add", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("person")
}

#[tokio::test]
async fn an_invited_contact_gets_email_and_text_and_the_link_works_once() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut staff = Browser::new(&world.portal);
        assert_eq!(staff.sign_in().await.status, 200);
        let person = add_client(&mut staff, true, true).await;
        assert_eq!(person.mobile.as_deref(), Some("+447700900123"));

        assert_eq!(world.deliver().await, 2, "{backend:?}: one email, one text");
        let mails = world.smtp.received();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, vec![CLIENT.to_string()]);
        assert!(mails[0].from.contains("portal@hartley.example"));
        assert!(
            mails[0].text().contains("Ada Lovelace invited you")
                && mails[0]
                    .text()
                    .contains("A short guide to the portal: https://portal.hartley.example/guide"),
            "{}",
            mails[0].text()
        );
        let link = mails[0]
            .link("https://portal.hartley.example/invitation?token=")
            .expect("invitation link in the email");
        let texts = world.sms.received();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].to, "+447700900123");
        assert_eq!(texts[0].from, "+15005550006");
        assert!(texts[0].authorization.starts_with("Basic "));
        assert!(
            texts[0].body.contains(&link),
            "the text carries the same link"
        );
        // Sent once: another run finds nothing to do.
        assert_eq!(world.deliver().await, 0);

        let status = |list: &common::Reply| {
            let people: Vec<app::people::Person> =
                serde_json::from_slice(&list.body).expect("people");
            people
                .into_iter()
                .find(|p| p.email == CLIENT)
                .map(|p| p.status)
        };
        use app::people::PersonStatus;
        let listed = staff.call("/api/people/list", &[]).await;
        assert_eq!(status(&listed), Some(PersonStatus::Invited));

        let token = token_of(&link);
        let mut grace = Browser::new(&world.portal);
        let details = grace
            .call("/api/invitations/details", &[("token", &token)])
            .await;
        assert_eq!(details.status, 200);
        assert!(details.text().contains("Grace Hopper"));
        // A weak password is refused without spending the link.
        let weak = grace
            .call(
                "/api/invitations/accept",
                &[("token", &token), ("password", "gracehopper1")],
            )
            .await;
        assert_eq!(weak.status, 400, "{backend:?}: {}", weak.text());
        let accepted = grace
            .call(
                "/api/invitations/accept",
                &[("token", &token), ("password", CLIENT_PASSWORD)],
            )
            .await;
        assert_eq!(accepted.status, 200, "{backend:?}: {}", accepted.text());
        assert!(grace.me().await.contains("Grace Hopper"), "signed in");
        assert!(grace.me().await.contains("\"is_firm_member\":false"));

        let listed = staff.call("/api/people/list", &[]).await;
        assert_eq!(status(&listed), Some(PersonStatus::Active));
        let again = Browser::new(&world.portal)
            .call(
                "/api/invitations/accept",
                &[("token", &token), ("password", CLIENT_PASSWORD)],
            )
            .await;
        assert_eq!(again.status, 400);
        assert!(again.text().contains("not valid any more"));
        let mut fresh = Browser::new(&world.portal);
        assert_eq!(
            fresh.sign_in_as(CLIENT, CLIENT_PASSWORD).await.status,
            200,
            "the chosen password signs in"
        );
        let audit = app::entities::audit_event::Entity::find()
            .filter(app::entities::audit_event::Column::Action.eq("invitation.accepted"))
            .count(&world.portal.state.db)
            .await
            .expect("count");
        assert_eq!(audit, 1);
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn invitations_expire_and_a_new_one_replaces_the_old() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut staff = Browser::new(&world.portal);
        assert_eq!(staff.sign_in().await.status, 200);
        let person = add_client(&mut staff, true, false).await;
        let first = world.invitation_token(0).await;
        let id = person.id.to_string();
        let resent = staff.call("/api/people/invite", &[("id", &id)]).await;
        assert_eq!(resent.status, 200, "{}", resent.text());
        let second = world.invitation_token(1).await;
        let mut grace = Browser::new(&world.portal);
        let replaced = grace
            .call("/api/invitations/details", &[("token", &first)])
            .await;
        assert_eq!(
            replaced.status, 400,
            "{backend:?}: the older link was replaced"
        );

        // Seven days on, the newer one has expired too.
        account_link::Entity::update_many()
            .col_expr(
                account_link::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
            )
            .exec(&world.portal.state.db)
            .await
            .expect("age the link");
        let expired = grace
            .call(
                "/api/invitations/accept",
                &[("token", &second), ("password", CLIENT_PASSWORD)],
            )
            .await;
        assert_eq!(expired.status, 400, "{backend:?}");
        assert!(expired.text().contains("expired"));
        let nobody = grace.me().await;
        assert_eq!(nobody, "null");
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn revoking_a_contact_ends_their_sessions_and_their_invitation() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut staff = Browser::new(&world.portal);
        assert_eq!(staff.sign_in().await.status, 200);
        let person = add_client(&mut staff, true, false).await;
        let token = world.invitation_token(0).await;
        let mut grace = Browser::new(&world.portal);
        let accepted = grace
            .call(
                "/api/invitations/accept",
                &[("token", &token), ("password", CLIENT_PASSWORD)],
            )
            .await;
        assert_eq!(accepted.status, 200);

        let id = person.id.to_string();
        let revoked = staff
            .call("/api/people/access", &[("id", &id), ("active", "false")])
            .await;
        assert_eq!(revoked.status, 200, "{backend:?}: {}", revoked.text());
        assert_eq!(grace.me().await, "null", "{backend:?}: signed out at once");
        let refused = Browser::new(&world.portal)
            .sign_in_as(CLIENT, CLIENT_PASSWORD)
            .await;
        assert_eq!(refused.status, 403);
        // A revoked contact cannot be invited back without restoring access first.
        let invite = staff.call("/api/people/invite", &[("id", &id)]).await;
        assert_eq!(invite.status, 409);

        let restored = staff
            .call("/api/people/access", &[("id", &id), ("active", "true")])
            .await;
        assert_eq!(restored.status, 200);
        let back = Browser::new(&world.portal)
            .sign_in_as(CLIENT, CLIENT_PASSWORD)
            .await;
        assert_eq!(back.status, 200, "{backend:?}");
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn staff_manage_contacts_and_only_administrators_manage_staff() {
    let world = World::start(Backend::Sqlite).await;
    let mut admin = Browser::new(&world.portal);
    assert_eq!(admin.sign_in().await.status, 200);
    let added = admin
        .call(
            "/api/people/add",
            &[
                ("display_name", "Sam Staff"),
                ("email", "sam@firm.example"),
                ("role", "staff"),
                ("invite", "true"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text());
    let token = world.invitation_token(0).await;
    let mut sam = Browser::new(&world.portal);
    let accepted = sam
        .call(
            "/api/invitations/accept",
            &[
                ("token", &token),
                ("password", "staff member secure phrase"),
            ],
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    assert!(sam.me().await.contains("\"is_firm_member\":true"));

    // Staff add contacts, but not staff or administrators.
    let contact = sam
        .call(
            "/api/people/add",
            &[
                ("display_name", "Grace Hopper"),
                ("email", CLIENT),
                ("role", "client"),
            ],
        )
        .await;
    assert_eq!(contact.status, 200, "{}", contact.text());
    let colleague = sam
        .call(
            "/api/people/add",
            &[
                ("display_name", "Eve"),
                ("email", "eve@firm.example"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(colleague.status, 403);
    let ada = user::Entity::find()
        .filter(user::Column::Email.eq("ada@firm.example"))
        .one(&world.portal.state.db)
        .await
        .expect("query")
        .expect("ada");
    let revoke_admin = sam
        .call(
            "/api/people/access",
            &[("id", &ada.id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(revoke_admin.status, 403);
    // Bad input gets a sentence.
    for (field, value, needle) in [
        ("mobile", "07700 900123", "international form"),
        ("email", "not-an-email", "valid email"),
        ("role", "overlord", "Choose client"),
    ] {
        let mut form = vec![
            ("display_name", "Someone"),
            ("email", "someone@client.example"),
            ("role", "client"),
        ];
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let reply = sam.call("/api/people/add", &form).await;
        assert_eq!(reply.status, 400, "{field}");
        assert!(reply.text().contains(needle), "{field}: {}", reply.text());
    }
    let duplicate = sam
        .call(
            "/api/people/add",
            &[
                ("display_name", "Grace again"),
                ("email", "GRACE@client.example"),
                ("role", "client"),
            ],
        )
        .await;
    assert_eq!(duplicate.status, 409);
    // The directory lists everyone for firm members, and nobody else.
    let list = sam.call("/api/people/list", &[]).await;
    assert_eq!(list.status, 200);
    let people: Vec<app::people::Person> = serde_json::from_slice(&list.body).expect("people");
    assert_eq!(people.len(), 3);
    world.portal.finish().await;
}

#[tokio::test]
async fn a_password_reset_says_nothing_about_who_has_an_account() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut someone = Browser::new(&world.portal);
        // Signed in elsewhere: the reset ends that session.
        let mut other_device = Browser::new(&world.portal);
        assert_eq!(other_device.sign_in().await.status, 200);

        let known = someone
            .call(
                "/api/accounts/forgot-password",
                &[("email", "ada@firm.example")],
            )
            .await;
        let unknown = someone
            .call(
                "/api/accounts/forgot-password",
                &[("email", "nobody@firm.example")],
            )
            .await;
        assert_eq!(known.status, 200);
        assert_eq!(unknown.status, known.status);
        assert_eq!(unknown.body, known.body, "{backend:?}: the same answer");

        // The work happens after the answer; wait for the email to be queued.
        let mut queued = 0;
        for _ in 0..100 {
            queued = outbox_message::Entity::find()
                .count(&world.portal.state.db)
                .await
                .expect("count");
            if queued > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(
            queued, 1,
            "{backend:?}: one email, for the known address only"
        );
        world.deliver().await;
        let mails = world.smtp.received();
        assert_eq!(mails[0].to, vec!["ada@firm.example".to_string()]);
        let token = token_of(
            &mails[0]
                .link("https://portal.hartley.example/reset-password?token=")
                .expect("reset link"),
        );
        let reset = someone
            .call(
                "/api/accounts/reset-password",
                &[("token", &token), ("password", "a brand new passphrase")],
            )
            .await;
        assert_eq!(reset.status, 200, "{backend:?}: {}", reset.text());
        assert_eq!(other_device.me().await, "null", "other sessions end");
        let again = someone
            .call(
                "/api/accounts/reset-password",
                &[("token", &token), ("password", "yet another passphrase")],
            )
            .await;
        assert_eq!(again.status, 400, "the link works once");
        assert_eq!(
            Browser::new(&world.portal)
                .sign_in_as("ada@firm.example", "a brand new passphrase")
                .await
                .status,
            200
        );
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn mail_waits_and_retries_while_the_mail_server_is_down() {
    let world = World::start(Backend::Sqlite).await;
    world.smtp.stop();
    let mut staff = Browser::new(&world.portal);
    assert_eq!(staff.sign_in().await.status, 200);
    add_client(&mut staff, true, false).await;
    assert_eq!(world.deliver().await, 0);
    let row = outbox_message::Entity::find()
        .one(&world.portal.state.db)
        .await
        .expect("query")
        .expect("queued");
    assert_eq!(row.attempts, 1);
    assert!(row.sent_at.is_none() && row.gave_up_at.is_none());
    assert!(
        row.next_attempt_at > chrono::Utc::now(),
        "retried later, not lost"
    );
    assert!(row.last_error.is_some());

    // The server is back; once the retry is due, it goes.
    let smtp = SmtpSink::start().await;
    let delivery = DeliveryConfig {
        smtp_url: Some(smtp.url()),
        mail_from: "portal@hartley.example".into(),
        sms: None,
        push_allow_local: false,
    };
    outbox_message::Entity::update_many()
        .col_expr(
            outbox_message::Column::NextAttemptAt,
            Expr::value(chrono::Utc::now()),
        )
        .exec(&world.portal.state.db)
        .await
        .expect("make it due");
    let sent = Transports::new(&delivery)
        .expect("transports")
        .run_once(&world.portal.state.db)
        .await
        .expect("run");
    assert_eq!(sent, 1);
    assert_eq!(smtp.received().len(), 1);
    world.portal.finish().await;
}

/// The administrator saves the firm's settings (everything else at its default).
async fn save_settings(admin: &mut Browser<'_>, extra: &[(&str, &str)]) -> common::Reply {
    let mut form = vec![
        ("idle_timeout_minutes", "480"),
        ("session_lifetime_hours", "168"),
        ("step_up_window_hours", "12"),
    ];
    form.extend_from_slice(extra);
    admin.call("/api/settings/save", &form).await
}

/// Delivers until `count` mails have arrived (requests answered before their work is done).
async fn mails_after(world: &World, count: usize) -> Vec<common::outside::Mail> {
    for _ in 0..100 {
        world.deliver().await;
        let mails = world.smtp.received();
        if mails.len() >= count {
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{count} mails never arrived: {:?}", world.smtp.received());
}

#[tokio::test]
async fn clients_sign_in_by_emailed_link_when_the_firm_allows_it() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut admin = Browser::new(&world.portal);
        assert_eq!(admin.sign_in().await.status, 200);
        // Off by default: asking for a link sends nothing.
        let mut grace = Browser::new(&world.portal);
        add_client(&mut admin, true, false).await;
        let saved = save_settings(&mut admin, &[("client_sign_in_by_link", "true")]).await;
        assert_eq!(saved.status, 200, "{backend:?}: {}", saved.text());

        let token = world.invitation_token(0).await;
        let details = grace
            .call("/api/invitations/details", &[("token", &token)])
            .await;
        assert!(
            details.text().contains("\"needs_password\":false"),
            "{}",
            details.text()
        );
        let accepted = grace
            .call("/api/invitations/accept", &[("token", &token)])
            .await;
        assert_eq!(accepted.status, 200, "{backend:?}: {}", accepted.text());
        assert!(grace.me().await.contains("Grace Hopper"));
        grace.sign_out().await;

        // A client without a password cannot sign in with an empty or guessed one.
        assert_eq!(grace.sign_in_as(CLIENT, "").await.status, 403);
        let options = grace.call("/api/accounts/sign-in/options", &[]).await;
        assert!(options.text().contains("\"by_link\":true"));
        for email in [
            CLIENT,
            "nobody@client.example",
            "ada@firm.example",
            "not an email",
        ] {
            let asked = grace
                .call("/api/accounts/sign-in/link", &[("email", email)])
                .await;
            assert_eq!(asked.status, 200, "same answer for {email}");
        }
        let mails = mails_after(&world, 2).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        world.deliver().await;
        assert_eq!(
            world.smtp.received().len(),
            2,
            "only the client got a link: not staff, not unknown addresses"
        );
        assert_eq!(mails[1].to, vec![CLIENT.to_string()]);
        let link = mails[1]
            .link("https://portal.hartley.example/sign-in/link?token=")
            .expect("sign-in link");
        let used = grace
            .call(
                "/api/accounts/sign-in/link/use",
                &[("token", &token_of(&link))],
            )
            .await;
        assert_eq!(used.status, 200, "{backend:?}: {}", used.text());
        assert!(grace.me().await.contains("Grace Hopper"));
        let again = Browser::new(&world.portal)
            .call(
                "/api/accounts/sign-in/link/use",
                &[("token", &token_of(&link))],
            )
            .await;
        assert_eq!(again.status, 400, "a link works once");
        assert!(again.text().contains("not valid any more"));

        // Turned off again: no more links.
        let saved = save_settings(&mut admin, &[]).await;
        assert_eq!(saved.status, 200);
        grace
            .call("/api/accounts/sign-in/link", &[("email", CLIENT)])
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        world.deliver().await;
        assert_eq!(world.smtp.received().len(), 2);
        world.portal.finish().await;
    }
}

/// The six digits of the newest code sent by email.
fn code_in(text: &str) -> String {
    let at = text.find("code is ").expect("a code in the message") + "code is ".len();
    text[at..at + 6].to_string()
}

#[tokio::test]
async fn a_client_without_an_app_verifies_with_a_code_by_email_or_text() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut admin = Browser::new(&world.portal);
        assert_eq!(admin.sign_in().await.status, 200);
        add_client(&mut admin, true, false).await;
        let token = world.invitation_token(0).await;
        let mut grace = Browser::new(&world.portal);
        let accepted = grace
            .call(
                "/api/invitations/accept",
                &[("token", &token), ("password", CLIENT_PASSWORD)],
            )
            .await;
        assert_eq!(accepted.status, 200);
        assert!(grace.me().await.contains("\"step_up_passed\":false"));
        assert!(grace.me().await.contains("\"can_text\":true"));

        // By email: a wrong code is refused, the right one passes once.
        let sent = grace
            .call("/api/accounts/code/send", &[("channel", "email")])
            .await;
        assert_eq!(sent.status, 200, "{backend:?}: {}", sent.text());
        assert!(sent.text().contains("g…@client.example"), "{}", sent.text());
        let mails = mails_after(&world, 2).await;
        let code = code_in(&mails[1].text());
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let refused = grace
            .call("/api/accounts/step-up", &[("code", wrong)])
            .await;
        assert_eq!(refused.status, 403);
        let passed = grace
            .call("/api/accounts/step-up", &[("code", &code)])
            .await;
        assert_eq!(passed.status, 200, "{backend:?}: {}", passed.text());
        assert!(grace.me().await.contains("\"step_up_passed\":true"));
        let replayed = grace
            .call("/api/accounts/step-up", &[("code", &code)])
            .await;
        assert_eq!(replayed.status, 403, "a code works once");

        // By text message: five wrong tries use the code up.
        let sent = grace
            .call("/api/accounts/code/send", &[("channel", "sms")])
            .await;
        assert_eq!(sent.status, 200, "{}", sent.text());
        assert!(sent.text().contains("…0123"));
        world.deliver().await;
        let texts = world.sms.received();
        let code = code_in(&texts.last().expect("a text").body);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        // The per-account code throttle (which counts every wrong code) starts afresh, so what
        // is seen here is the code's own limit.
        let throttle_key = app::accounts::throttle::code_key(accepted_id(&world).await);
        let db = &world.portal.state.db;
        app::limits::clear(db, &throttle_key).await.expect("clear");
        for attempt in 1..=app::accounts::codes::ATTEMPTS_PER_CODE {
            let refused = grace
                .call("/api/accounts/step-up", &[("code", wrong)])
                .await;
            assert_eq!(refused.status, 403, "{}", refused.text());
            if attempt == app::accounts::codes::ATTEMPTS_PER_CODE {
                assert!(
                    refused.text().contains("too many wrong codes"),
                    "{}",
                    refused.text()
                );
            }
        }
        app::limits::clear(db, &throttle_key).await.expect("clear");
        let late = grace
            .call("/api/accounts/step-up", &[("code", &code)])
            .await;
        assert_eq!(late.status, 403, "used up after five wrong tries");
        app::limits::clear(db, &throttle_key).await.expect("clear");

        // An expired code is refused.
        let sent = grace
            .call("/api/accounts/code/send", &[("channel", "email")])
            .await;
        assert_eq!(sent.status, 200, "{}", sent.text());
        let mails = mails_after(&world, 3).await;
        let code = code_in(&mails[2].text());
        app::entities::one_time_code::Entity::update_many()
            .col_expr(
                app::entities::one_time_code::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
            )
            .exec(&world.portal.state.db)
            .await
            .expect("expire");
        let expired = grace
            .call("/api/accounts/step-up", &[("code", &code)])
            .await;
        assert_eq!(expired.status, 403);
        assert!(expired.text().contains("expired"), "{}", expired.text());

        // The firm turns text messages off; an unknown channel is a sentence, not a 500.
        assert_eq!(
            save_settings(&mut admin, &[("sms_enabled", "false")])
                .await
                .status,
            200
        );
        let off = grace
            .call("/api/accounts/code/send", &[("channel", "sms")])
            .await;
        assert_eq!(off.status, 400);
        assert!(off.text().contains("by email"));
        let odd = grace
            .call("/api/accounts/code/send", &[("channel", "pigeon")])
            .await;
        assert_eq!(odd.status, 400);
        let invite_by_text = admin
            .call(
                "/api/people/add",
                &[
                    ("display_name", "Alan Turing"),
                    ("email", "alan@client.example"),
                    ("mobile", "+44 7700 900456"),
                    ("role", "client"),
                    ("invite", "true"),
                    ("sms", "true"),
                ],
            )
            .await;
        assert_eq!(invite_by_text.status, 400, "{}", invite_by_text.text());
        assert!(invite_by_text.text().contains("turned text messages off"));
        world.portal.finish().await;
    }
}

async fn accepted_id(world: &World) -> app::ids::UserId {
    user::Entity::find()
        .filter(user::Column::Email.eq(CLIENT))
        .one(&world.portal.state.db)
        .await
        .expect("query")
        .expect("grace")
        .id
}

/// The firm, not the software: its name and colour in the page's header, title and style, in the
/// installed app's manifest, and in every email (sender, subject, signature) and text message. A
/// name is text, however it is written; a colour white text cannot be read on is refused.
#[tokio::test]
async fn the_firm_is_named_on_every_page_in_the_installed_app_and_in_every_email_and_text() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = Browser::new(&world.portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let too_light = save_settings(&mut ada, &[("accent_colour", "#FFCC00")]).await;
        assert_eq!(too_light.status, 400, "{backend:?}");
        assert!(
            too_light.text().contains("choose a darker shade"),
            "{}",
            too_light.text()
        );
        let saved = save_settings(
            &mut ada,
            &[
                ("firm_name", " Harper & Co <i>"),
                ("accent_colour", "#0B5D3B"),
                ("sms_enabled", "true"),
            ],
        )
        .await;
        assert_eq!(saved.status, 200, "{}", saved.text());

        let page = world.portal.get("/sign-in").await.text();
        assert!(
            page.contains("<meta name=\"application-name\" content=\"Harper &amp; Co &lt;i&gt;\""),
            "{page}"
        );
        assert!(
            page.contains("<title>Sign in · Harper &amp; Co &lt;i&gt;</title>"),
            "{page}"
        );
        assert!(page.contains("Sign in to Harper &amp; Co &lt;i&gt;"));
        assert!(page.contains(":root{--brand:#0b5d3b}"));
        assert!(page.contains("<meta name=\"theme-color\" content=\"#0b5d3b\""));
        assert!(!page.contains("<i>"), "the name is text");
        // Whatever people type into a page's title (a matter's name here) stays text there too.
        let evil = ada
            .call(
                "/api/matters/create",
                &[("number", "2026-0900"), ("name", "</title><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">")],
            )
            .await;
        assert_eq!(evil.status, 200, "{}", evil.text());
        let evil: app::matters::MatterSummary = serde_json::from_slice(&evil.body).expect("matter");
        let matter_page = world
            .portal
            .send(
                axum::http::Request::get(format!("/matters/{}", evil.id))
                    .header("cookie", ada.cookie.clone().expect("signed in"))
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(matter_page.status, 200);
        let matter_page = matter_page.text();
        assert!(
            matter_page.contains("&lt;/title&gt;&lt;meta http-equiv"),
            "{matter_page}"
        );
        assert!(!matter_page.contains("<meta http-equiv"), "{matter_page}");
        let manifest = world.portal.get("/manifest.webmanifest").await;
        assert_eq!(manifest.status, 200);
        assert_eq!(manifest.header("content-type"), "application/manifest+json");
        let manifest: serde_json::Value = serde_json::from_slice(&manifest.body).expect("json");
        assert_eq!(manifest["name"], "Harper & Co <i>");
        assert_eq!(manifest["short_name"], "Harper");
        assert_eq!(manifest["theme_color"], "#0b5d3b");
        assert_eq!(manifest["start_url"], "/", "the rest of the manifest stays");

        add_client(&mut ada, true, true).await;
        let mails = mails_after(&world, 1).await;
        let mail = &mails[0];
        assert!(
            mail.from.contains("portal@hartley.example"),
            "{}",
            mail.from
        );
        let text = mail.text().replace("\r\n", "\n");
        // A name with `<` in it travels encoded (RFC 2047).
        use base64::Engine;
        let sender =
            base64::engine::general_purpose::STANDARD.encode("Harper & Co <i> via Dossier");
        assert!(
            text.contains(&format!(
                "From: =?utf-8?b?{sender}?= <portal@hartley.example>"
            )),
            "{text}"
        );
        assert!(text.contains("Subject: Harper & Co <i>: "), "{text}");
        assert!(
            text.contains("--=20\nHarper & Co <i>\nSent by Harper & Co <i>'s client portal."),
            "{text}"
        );
        let texts = world.sms.received();
        assert_eq!(texts.len(), 1);
        assert!(
            texts[0].body.starts_with("Harper & Co <i>: "),
            "{}",
            texts[0].body
        );

        // Mobile numbers typed as dialled at home, read in the firm's country.
        let alan = &[
            ("display_name", "Alan"),
            ("email", "alan@client.example"),
            ("mobile", "07700 900456"),
            ("role", "client"),
        ];
        let unknown = save_settings(&mut ada, &[("mobile_country", "ZZ")]).await;
        assert_eq!(unknown.status, 400, "{}", unknown.text());
        let national = ada.call("/api/people/add", alan).await;
        assert_eq!(national.status, 400, "no country yet: {}", national.text());
        assert_eq!(
            save_settings(
                &mut ada,
                &[("mobile_country", "gb"), ("sms_enabled", "true")]
            )
            .await
            .status,
            200
        );
        let national = ada.call("/api/people/add", alan).await;
        assert_eq!(national.status, 200, "{}", national.text());
        let alan: app::people::Person = serde_json::from_slice(&national.body).expect("person");
        assert_eq!(alan.mobile.as_deref(), Some("+447700900456"));
        world.portal.finish().await;
    }
}

/// Adding a client is one step from the matter: staff find a person in the directory as they
/// type (name or address, `%` and `_` taken literally, never for a contact), or add someone new
/// as a contact on the matter and invite them at once; a refused entry leaves nobody half-added.
#[tokio::test]
async fn staff_find_people_as_they_type_and_add_a_new_contact_from_the_matter() {
    async fn find(who: &mut Browser<'_>, query: &str) -> Vec<String> {
        let reply = who.call("/api/people/find", &[("query", query)]).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        serde_json::from_slice::<Vec<app::people::Person>>(&reply.body)
            .expect("people")
            .into_iter()
            .map(|p| p.email)
            .collect()
    }
    async fn new_contact(
        ada: &mut Browser<'_>,
        matter: &str,
        mobile: &str,
        role: &str,
    ) -> common::Reply {
        ada.call(
            "/api/matters/people/new",
            &[
                ("id", matter),
                ("display_name", "Alan Turing"),
                ("email", "alan@client.example"),
                ("mobile", mobile),
                ("role", role),
                ("invite", "true"),
            ],
        )
        .await
    }
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = Browser::new(&world.portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let created = ada
            .call(
                "/api/matters/create",
                &[("number", "2026-0500"), ("name", "Turing estate")],
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text());
        let matter: app::matters::MatterSummary =
            serde_json::from_slice(&created.body).expect("matter");
        let matter = matter.id.to_string();
        add_client(&mut ada, false, false).await;
        assert_eq!(find(&mut ada, "GRA").await, [CLIENT], "{backend:?}");
        assert_eq!(find(&mut ada, "client.exam").await, [CLIENT]);
        assert!(
            find(&mut ada, "%").await.is_empty(),
            "a wildcard is a character"
        );
        assert!(find(&mut ada, "zzz").await.is_empty());

        let refused = new_contact(&mut ada, &matter, "07700 900789", "client").await;
        assert_eq!(refused.status, 400, "{}", refused.text());
        assert!(find(&mut ada, "alan").await.is_empty(), "nobody half-added");
        let staff = new_contact(&mut ada, &matter, "", "staff").await;
        assert_eq!(staff.status, 400, "{}", staff.text());
        let added = new_contact(&mut ada, &matter, "+44 7700 900789", "counsel").await;
        assert_eq!(added.status, 200, "{}", added.text());
        let details: app::matters::MatterDetails =
            serde_json::from_slice(&added.body).expect("details");
        let on_it = details
            .people
            .iter()
            .find(|p| p.email == "alan@client.example")
            .expect("Alan on the matter");
        assert_eq!(on_it.role, app::matters::MatterRole::Counsel);
        let mails = mails_after(&world, 1).await;
        assert_eq!(mails[0].to, vec!["alan@client.example".to_string()]);
        let link = mails[0]
            .link("https://portal.hartley.example/invitation?token=")
            .expect("invitation link");

        // A contact searches nobody.
        let mut alan = Browser::new(&world.portal);
        let accepted = alan
            .call(
                "/api/invitations/accept",
                &[
                    ("token", token_of(&link).as_str()),
                    ("password", CLIENT_PASSWORD),
                ],
            )
            .await;
        assert_eq!(accepted.status, 200, "{}", accepted.text());
        assert_eq!(
            alan.sign_in_as("alan@client.example", CLIENT_PASSWORD)
                .await
                .status,
            200
        );
        assert_eq!(
            alan.call("/api/people/find", &[("query", "gra")])
                .await
                .status,
            403
        );
        world.portal.finish().await;
    }
}

const LOGO: &[u8] = include_bytes!("fixtures/logo-192.png");
const WIDE_LOGO: &[u8] = include_bytes!("fixtures/logo-wide.png");

/// `method` on `/brand/logo` as the settings page sends it (same-origin), with `body`.
async fn logo_request(
    portal: &TestPortal,
    method: &str,
    cookie: Option<&str>,
    body: Vec<u8>,
    site: &str,
) -> common::Reply {
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri("/brand/logo")
        .header("sec-fetch-site", site);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    portal
        .send(request.body(axum::body::Body::from(body)).expect("request"))
        .await
}

#[tokio::test]
async fn the_firms_logo_is_an_administrators_to_change_and_is_shown_and_installed_everywhere() {
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "https://portal.example").await;
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let admin = ada.cookie.clone();
        common::add_person(
            &portal,
            "Sam Staff",
            "sam@firm.example",
            user::Role::Staff,
            None,
        )
        .await;
        common::add_person(&portal, "Grace", CLIENT, user::Role::Client, None).await;
        let mut sam = Browser::new(&portal);
        assert_eq!(
            sam.sign_in_as("sam@firm.example", PASSWORD).await.status,
            200
        );
        let mut grace = Browser::new(&portal);
        assert_eq!(grace.sign_in_as(CLIENT, PASSWORD).await.status, 200);

        // Without a logo, the address serves the portal's own icon, and pages name none.
        let none = portal.get("/brand/logo").await;
        assert_eq!(none.status, 200, "{backend:?}");
        assert_eq!(none.header("content-type"), "image/png");
        assert_ne!(none.body, LOGO);
        assert!(!portal.get("/sign-in").await.text().contains("dossier-logo"));

        // Only an administrator, from the portal's own pages, may change it.
        for (who, cookie, site, status) in [
            ("anonymous", None, "same-origin", 401),
            ("staff", sam.cookie.as_deref(), "same-origin", 403),
            ("a client", grace.cookie.as_deref(), "same-origin", 403),
            ("another site", admin.as_deref(), "cross-site", 403),
        ] {
            for method in ["PUT", "DELETE"] {
                let refused = logo_request(&portal, method, cookie, LOGO.to_vec(), site).await;
                assert_eq!(refused.status, status, "{who} {method}: {}", refused.text());
            }
        }
        // What is not a logo is refused with a sentence; nothing is kept.
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>";
        let bad = logo_request(
            &portal,
            "PUT",
            admin.as_deref(),
            svg.to_vec(),
            "same-origin",
        )
        .await;
        assert_eq!(bad.status, 400);
        assert!(bad.text().contains("SVG is not accepted"), "{}", bad.text());
        let mut huge = LOGO.to_vec();
        huge.resize(app::settings::logo::MAX_BYTES + 1, 0);
        let big = logo_request(&portal, "PUT", admin.as_deref(), huge, "same-origin").await;
        assert_eq!(big.status, 413);
        assert!(big.text().contains("at most 200.0 KB"), "{}", big.text());
        assert!(
            app::settings::logo::current(&portal.state.db)
                .await
                .expect("read")
                .is_none()
        );

        // Ten administrators' uploads at once: one wins whole, and the address serves it.
        let uploads = futures_util::future::join_all((0..10).map(|i| {
            let body = if i % 2 == 0 { LOGO } else { WIDE_LOGO };
            logo_request(
                &portal,
                "PUT",
                admin.as_deref(),
                body.to_vec(),
                "same-origin",
            )
        }))
        .await;
        assert!(
            uploads.iter().all(|r| r.status == 200),
            "{:?}",
            uploads.iter().map(|r| r.text()).collect::<Vec<_>>()
        );
        let saved = logo_request(
            &portal,
            "PUT",
            admin.as_deref(),
            LOGO.to_vec(),
            "same-origin",
        )
        .await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        let logo: app::settings::brand::Logo = serde_json::from_slice(&saved.body).expect("logo");
        assert_eq!(
            (logo.content_type.as_str(), logo.width, logo.height),
            ("image/png", 192, 192)
        );
        let url = format!("/brand/logo?v={}", logo.version);

        // Everyone sees it, beside the firm's name and on the sign-in page.
        let page = portal.get("/sign-in").await.text();
        assert!(
            page.contains(&format!(
                "<meta name=\"dossier-logo\" content=\"{}\"",
                logo.version
            )),
            "{page}"
        );
        // In the header, and above the sign-in form.
        assert_eq!(
            page.matches(&format!("<img src=\"{url}\"")).count(),
            2,
            "{page}"
        );
        let served = portal.get(&url).await;
        assert_eq!(served.status, 200);
        assert_eq!(served.body, LOGO);
        assert_eq!(served.header("content-type"), "image/png");
        assert_eq!(
            served.header("cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert!(served.header("content-security-policy").contains("sandbox"));
        assert_eq!(served.header("x-content-type-options"), "nosniff");
        let etag = served.header("etag").to_string();
        let again = portal
            .send(
                axum::http::Request::get("/brand/logo")
                    .header("if-none-match", &etag)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(again.status, 304);
        // The installed app takes the square PNG as its icon; a wide logo is not one.
        let manifest: serde_json::Value =
            serde_json::from_slice(&portal.get("/manifest.webmanifest").await.body).expect("json");
        assert_eq!(manifest["icons"][0]["src"], url.as_str());
        assert_eq!(manifest["icons"][0]["sizes"], "192x192");
        let wide = logo_request(
            &portal,
            "PUT",
            admin.as_deref(),
            WIDE_LOGO.to_vec(),
            "same-origin",
        )
        .await;
        assert_eq!(wide.status, 200);
        let manifest: serde_json::Value =
            serde_json::from_slice(&portal.get("/manifest.webmanifest").await.body).expect("json");
        assert_ne!(manifest["icons"][0]["sizes"], "300x100");
        assert!(common::audit_count(&portal, "settings.changed").await >= 12);

        // Removed, the portal's own icon is back.
        let removed = logo_request(
            &portal,
            "DELETE",
            admin.as_deref(),
            Vec::new(),
            "same-origin",
        )
        .await;
        assert_eq!(removed.status, 204, "{}", removed.text());
        assert!(!portal.get("/sign-in").await.text().contains("dossier-logo"));
        assert_eq!(portal.get(&url).await.body, none.body);
        portal.finish().await;
    }
}
