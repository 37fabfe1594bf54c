//! Notifications by channel (issue 22), on SQLite and PostgreSQL: each person chooses email,
//! text and push for themselves; the firm may insist on the email that says a protected
//! conversation has something to read; Web Push reaches each device that opted in, encrypted to
//! it and signed with the portal's VAPID key, checked and decrypted by a real push service on
//! loopback, gathered like email and never carrying a protected conversation's text.

use crate::common;

use app::accounts::notifications::NotificationChoices;
use common::{
    BACKENDS, Browser,
    outside::{PushService, Pushed},
    world::{GRACE, HUGO, World, create, id_of},
};

async fn choices(who: &mut Browser<'_>, path: &str, form: &[(&str, &str)]) -> NotificationChoices {
    let reply = who.call(path, form).await;
    assert_eq!(reply.status, 200, "{path}: {}", reply.text());
    serde_json::from_slice(&reply.body).expect("choices")
}

/// Every push received so far, delivering the outbox as `seconds` from now first.
async fn pushed(world: &World, service: &PushService, seconds: i64) -> Vec<Pushed> {
    let at = chrono::Utc::now() + chrono::Duration::seconds(seconds);
    world
        .transports
        .run_once_at(&world.portal.state.db, at)
        .await
        .expect("delivery");
    service.received()
}

#[tokio::test]
async fn each_person_chooses_their_channels_and_the_firm_may_insist_on_the_protected_email() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let mut ada = world.browser("ada@firm.example").await;
        let mut grace = world.browser(GRACE).await;

        // Everything on at first; Grace turns email and texts off (unticked boxes are off).
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert!(mine.email && mine.sms && mine.push, "{backend:?}");
        assert!(mine.email_available && mine.sms_available);
        let mine = choices(
            &mut grace,
            "/api/account/notifications/save",
            &[("push", "true")],
        )
        .await;
        assert!(!mine.email && !mine.sms && mine.push, "{backend:?}");
        let mut nobody = Browser::new(&world.portal);
        let anonymous = nobody.call("/api/account/notifications/save", &[]).await;
        assert_eq!(anonymous.status, 401, "{backend:?}");
        let anonymous = nobody.call("/api/account/notifications", &[]).await;
        assert_eq!(anonymous.text(), "null", "{backend:?}: nobody's choices");
        // Hugo's choices are his own: Grace's stay as she left them.
        let mut hugo = world.browser(HUGO).await;
        choices(
            &mut hugo,
            "/api/account/notifications/save",
            &[("email", "true")],
        )
        .await;
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert!(!mine.email && mine.push, "{backend:?}");

        // A message sent as a text too: neither an email nor a text reaches her.
        create(
            &mut ada,
            &world,
            &[&world.grace, &world.hugo],
            &[
                ("subject", "Lease"),
                ("body", "Please sign"),
                ("sms", "true"),
            ],
        )
        .await;
        assert!(world.subjects_to(GRACE).await.is_empty(), "{backend:?}");
        assert!(world.sms.received().is_empty(), "{backend:?}: no text");
        assert_eq!(world.subjects_to(HUGO).await, ["2026-0142: Lease"]);

        // The firm insists on the protected conversation's notice: it reaches her, and says
        // nothing of the message.
        let saved = ada
            .call(
                "/api/settings/save",
                &[
                    ("idle_timeout_minutes", "30"),
                    ("session_lifetime_hours", "12"),
                    ("step_up_window_hours", "12"),
                    ("protected_email_required", "true"),
                ],
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text());
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert!(mine.protected_email_required, "{backend:?}: she is told");
        create(
            &mut ada,
            &world,
            &[&world.grace],
            &[
                ("subject", "Settlement figures"),
                ("body", "The offer is 250,000"),
                ("requires_second_factor", "true"),
            ],
        )
        .await;
        assert_eq!(
            world.subjects_to(GRACE).await,
            ["A secure message on 2026-0142"],
            "{backend:?}"
        );
        let mail = world
            .smtp
            .received()
            .into_iter()
            .find(|m| m.to == [GRACE])
            .expect("the notice");
        assert!(!mail.text().contains("250,000") && !mail.text().contains("Settlement"));
        // An unprotected one still follows her choice.
        create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "Keys"), ("body", "Collect on Friday")],
        )
        .await;
        assert_eq!(world.subjects_to(GRACE).await.len(), 1, "{backend:?}");
        world.portal.finish().await;
    }
}

#[tokio::test]
async fn web_push_reaches_each_device_encrypted_and_signed_and_hides_a_protected_message() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let service = PushService::start().await;
        let mut ada = world.browser("ada@firm.example").await;
        let mut grace = world.browser(GRACE).await;
        let mut hugo = world.browser(HUGO).await;
        let vapid = world.portal.state.portal.push.public.clone();

        // Grace turns push on for her phone and her laptop.
        let phone = service.subscribe("phone", 1);
        let laptop = service.subscribe("laptop", 2);
        for device in [&phone, &laptop] {
            let mine = choices(&mut grace, "/api/account/push/subscribe", &device.form()).await;
            assert_eq!(mine.push_key, vapid);
        }
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert_eq!(mine.devices, 2, "{backend:?}");
        // Keys that are not keys, an address that is not a push service's: refused.
        for (endpoint, p256dh, auth) in [
            (phone.endpoint.as_str(), "AAAA", phone.auth.as_str()),
            (phone.endpoint.as_str(), phone.p256dh.as_str(), "AAAA"),
            (
                "ftp://push.example.com/x",
                phone.p256dh.as_str(),
                phone.auth.as_str(),
            ),
        ] {
            let refused = grace
                .call(
                    "/api/account/push/subscribe",
                    &[("endpoint", endpoint), ("p256dh", p256dh), ("auth", auth)],
                )
                .await;
            assert_eq!(refused.status, 400, "{backend:?}: {}", refused.text());
        }
        // Hugo cannot turn off Grace's phone.
        choices(
            &mut hugo,
            "/api/account/push/unsubscribe",
            &[("endpoint", &phone.endpoint)],
        )
        .await;

        let conversation = id_of(
            &create(
                &mut ada,
                &world,
                &[&world.grace],
                &[("subject", "Lease"), ("body", "Please sign the lease")],
            )
            .await,
        );
        assert!(
            pushed(&world, &service, 0).await.is_empty(),
            "{backend:?}: an open page may read it first"
        );
        let received = pushed(&world, &service, 6).await;
        let mut devices: Vec<_> = received.iter().map(|p| p.device.as_str()).collect();
        devices.sort();
        assert_eq!(devices, ["laptop", "phone"], "{backend:?}");
        for push in &received {
            assert_eq!(push.signed_by, vapid, "signed with the portal's key");
            assert_eq!(push.ttl, "86400");
            assert_eq!(push.payload["title"], "2026-0142: Lease");
            let body = push.payload["body"].as_str().expect("a body");
            assert!(body.contains("Please sign the lease"), "{body}");
            assert_eq!(
                push.payload["url"],
                format!(
                    "{}/matters/{}?conversation={conversation}",
                    common::world::URL,
                    world.matter
                )
            );
        }

        // Two more at once: one push a device, a few minutes later, with both.
        for body in ["First point", "Second point"] {
            let reply = ada
                .call(
                    "/api/conversations/post",
                    &[("id", &conversation), ("body", body)],
                )
                .await;
            assert_eq!(reply.status, 200, "{}", reply.text());
        }
        assert_eq!(pushed(&world, &service, 6).await.len(), 2, "{backend:?}");
        let received = pushed(&world, &service, 200).await;
        assert_eq!(received.len(), 4, "{backend:?}: gathered");
        let body = received[3].payload["body"].as_str().expect("a body");
        assert!(body.contains("First point") && body.contains("Second point"));

        // A protected conversation: that there is a message, and nothing of it.
        create(
            &mut ada,
            &world,
            &[&world.grace],
            &[
                ("subject", "Settlement figures"),
                ("body", "The offer is 250,000"),
                ("requires_second_factor", "true"),
            ],
        )
        .await;
        let received = pushed(&world, &service, 6).await;
        assert_eq!(received.len(), 6, "{backend:?}");
        for push in &received[4..] {
            let all = push.payload.to_string();
            assert_eq!(push.payload["title"], "A secure message on 2026-0142");
            assert!(
                !all.contains("250,000") && !all.contains("Settlement"),
                "{backend:?}: {all}"
            );
            assert!(
                all.contains("Ada Lovelace sent you a secure message."),
                "{all}"
            );
        }

        // Push off in her account: nothing more, on any device.
        choices(
            &mut grace,
            "/api/account/notifications/save",
            &[("email", "true")],
        )
        .await;
        create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "Keys"), ("body", "Collect on Friday")],
        )
        .await;
        assert_eq!(pushed(&world, &service, 200).await.len(), 6, "{backend:?}");

        // Back on; her laptop's subscription expired: the push service says so (410) and the
        // portal forgets it, while her phone still hears.
        choices(
            &mut grace,
            "/api/account/notifications/save",
            &[("email", "true"), ("push", "true")],
        )
        .await;
        service.expire("laptop");
        create(
            &mut ada,
            &world,
            &[&world.grace],
            &[("subject", "Survey"), ("body", "The survey is booked")],
        )
        .await;
        let received = pushed(&world, &service, 200).await;
        assert_eq!(received.len(), 7, "{backend:?}");
        assert_eq!(received[6].device, "phone");
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert_eq!(mine.devices, 1, "{backend:?}: the expired one is forgotten");

        // Turned off on her phone (its address as a browser may spell it): no devices left.
        let spelled = phone.endpoint.replacen("http://", "HTTP://", 1);
        let mine = choices(
            &mut grace,
            "/api/account/push/unsubscribe",
            &[("endpoint", &spelled)],
        )
        .await;
        assert_eq!(mine.devices, 0, "{backend:?}");

        // Fifty at once (forty new devices, the phone ten times over): none fails on the
        // endpoint's uniqueness, and she is left with the newest ten.
        let cookie = grace.cookie.clone();
        let endpoints: Vec<String> = (0..50)
            .map(|i| match i % 5 {
                0 => phone.endpoint.clone(),
                _ => format!("{}-{i}", phone.endpoint),
            })
            .collect();
        let replies = futures_util::future::join_all(endpoints.iter().map(|endpoint| {
            let (cookie, phone) = (cookie.as_deref(), &phone);
            let portal = &world.portal;
            async move {
                let form = [
                    ("endpoint", endpoint.as_str()),
                    ("p256dh", phone.p256dh.as_str()),
                    ("auth", phone.auth.as_str()),
                ];
                portal
                    .call_from(
                        "/api/account/push/subscribe",
                        &form,
                        cookie,
                        Some("127.0.0.1"),
                        None,
                    )
                    .await
            }
        }))
        .await;
        let refused = replies.iter().find(|r| r.status != 200);
        assert!(
            refused.is_none(),
            "{backend:?}: {:?}",
            refused.map(|r| (r.status, r.text()))
        );
        let mine = choices(&mut grace, "/api/account/notifications", &[]).await;
        assert_eq!(
            mine.devices,
            app::accounts::push::MAX_DEVICES,
            "{backend:?}"
        );
        world.portal.finish().await;
    }
}

/// A device stops receiving push when the session that turned it on signs out (a shared
/// computer, a borrowed phone), and every device does when all of the person's sessions end
/// (signed out everywhere, a new password, access revoked), except the one whose session
/// carries on after a password change, even though that session's id changed with it.
#[tokio::test]
async fn push_ends_with_the_session_that_turned_it_on() {
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let service = PushService::start().await;
        let mut ada = world.browser("ada@firm.example").await;
        let on = async |device: &str, key: u8| {
            let mut grace = world.browser(GRACE).await;
            let device = service.subscribe(device, key);
            choices(&mut grace, "/api/account/push/subscribe", &device.form()).await;
            grace
        };
        let mut library = on("library", 1).await;
        let mut phone = on("phone", 2).await;
        let tablet = on("tablet", 3).await;
        let mut told = 0;
        let mut devices_told = async |ada: &mut Browser<'_>, subject: &str| {
            create(
                ada,
                &world,
                &[&world.grace],
                &[("subject", subject), ("body", "Something new")],
            )
            .await;
            let received = pushed(&world, &service, 200).await;
            let mut devices: Vec<String> =
                received[told..].iter().map(|p| p.device.clone()).collect();
            told = received.len();
            devices.sort();
            devices
        };
        assert_eq!(
            devices_told(&mut ada, "One").await,
            ["library", "phone", "tablet"],
            "{backend:?}"
        );

        // She signs out at the library: that computer hears nothing more, her others do.
        let out = library.call("/api/accounts/sign-out", &[]).await;
        assert_eq!(out.status, 200, "{}", out.text());
        assert_eq!(
            devices_told(&mut ada, "Two").await,
            ["phone", "tablet"],
            "{backend:?}"
        );

        // A new password on her phone ends her other sessions: the tablet stops; the phone,
        // whose session carries on under a new id, still hears.
        let changed = phone
            .call(
                "/api/accounts/password",
                &[
                    ("current", common::PASSWORD),
                    ("new", "a much longer passphrase 2026"),
                ],
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.text());
        drop(tablet);
        assert_eq!(
            devices_told(&mut ada, "Three").await,
            ["phone"],
            "{backend:?}"
        );
        let back = phone
            .call(
                "/api/accounts/password",
                &[
                    ("current", "a much longer passphrase 2026"),
                    ("new", common::PASSWORD),
                ],
            )
            .await;
        assert_eq!(back.status, 200, "{}", back.text());

        // Signed out on the phone after that change of id: nothing is left.
        let out = phone.call("/api/accounts/sign-out", &[]).await;
        assert_eq!(out.status, 200, "{}", out.text());
        assert!(
            devices_told(&mut ada, "Four").await.is_empty(),
            "{backend:?}"
        );

        // Signed out everywhere from one session: the other session's device stops too.
        let mut desk = on("desk", 4).await;
        let _laptop = on("laptop", 5).await;
        let out = desk.call("/api/accounts/sign-out-everywhere", &[]).await;
        assert_eq!(out.status, 200, "{}", out.text());
        assert!(
            devices_told(&mut ada, "Five").await.is_empty(),
            "{backend:?}"
        );
        world.smtp.stop();
        world.portal.finish().await;
    }
}

/// A session's sign-out and its subscribes at once, as a browser signing out while its account
/// page turns push on: no device of that session is left receiving push, whichever lands first.
/// Each subscribe either is in before the sign-out forgets the session's devices, or finds its
/// session gone and takes itself back (401). The same when another of her sessions signs her
/// out everywhere.
#[tokio::test]
async fn a_subscribe_racing_its_sessions_sign_out_does_not_outlive_it() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    for backend in BACKENDS {
        let world = World::start(backend).await;
        let service = PushService::start().await;
        for round in 0..6 {
            let grace = world.browser(GRACE).await;
            let cookie = grace.cookie.as_deref();
            let elsewhere = world.browser(GRACE).await;
            let (end, ender) = if round < 3 {
                ("/api/accounts/sign-out", cookie)
            } else {
                (
                    "/api/accounts/sign-out-everywhere",
                    elsewhere.cookie.as_deref(),
                )
            };
            let devices: Vec<_> = (0..20u8)
                .map(|i| service.subscribe(&format!("r{round}-{i}"), i + 1))
                .collect();
            let forms: Vec<_> = devices.iter().map(|d| d.form()).collect();
            let mut calls: Vec<_> = forms
                .iter()
                .map(|form| {
                    world
                        .portal
                        .call_with_cookie("/api/account/push/subscribe", form, cookie)
                })
                .collect();
            calls.insert(10, world.portal.call_with_cookie(end, &[], ender));
            let replies = futures_util::future::join_all(calls).await;
            assert_eq!(replies[10].status, 200, "{}", replies[10].text());
            for reply in &replies {
                assert!(
                    matches!(reply.status.as_u16(), 200 | 401),
                    "{backend:?}: {} {}",
                    reply.status,
                    reply.text()
                );
            }
            let left = app::entities::push_subscription::Entity::find()
                .count(&world.portal.state.db)
                .await
                .expect("count");
            assert_eq!(
                left,
                0,
                "{backend:?}, round {round} ({end}): {} of 20 subscribes were answered 200",
                common::count(&replies, 200) - 1
            );
        }
    }
}
