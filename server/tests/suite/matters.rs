//! Matters: staff open, edit, close and reopen them, put contacts and staff on them, and find them
//! by number, name or contact; a contact sees only their own matters, and only their part of
//! them. On SQLite and PostgreSQL.

use crate::common;

use app::matters::{MatterDetails, MatterRole, MatterSummary};
use common::{BACKENDS, Browser, PASSWORD, TestPortal};

async fn add_person(portal: &TestPortal, name: &str, email: &str, role: app::entities::user::Role) {
    let hash = app::accounts::passwords::hash_password(PASSWORD.into())
        .await
        .expect("hash");
    app::accounts::server::insert_person(
        &portal.state.db,
        app::accounts::server::NewPerson {
            display_name: name.into(),
            email: email.into(),
            mobile: None,
            role,
            password_hash: Some(hash),
        },
    )
    .await
    .expect("person");
}

fn parse<T: serde::de::DeserializeOwned>(reply: &common::Reply) -> T {
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("json")
}

async fn create(staff: &mut Browser<'_>, number: &str, name: &str) -> MatterSummary {
    parse(
        &staff
            .call("/api/matters/create", &[("number", number), ("name", name)])
            .await,
    )
}

async fn list(who: &mut Browser<'_>, query: &str, closed: bool) -> Vec<String> {
    let mut form = vec![("query", query)];
    if closed {
        form.push(("include_closed", "true"));
    }
    let found: Vec<MatterSummary> = parse(&who.call("/api/matters/list", &form).await);
    found.into_iter().map(|m| m.number).collect()
}

#[tokio::test]
async fn staff_run_matters_and_contacts_see_only_their_own() {
    use app::entities::user::Role;
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        add_person(
            &portal,
            "Grace Hopper",
            "grace@client.example",
            Role::Client,
        )
        .await;
        add_person(&portal, "Alan Turing", "alan@other.example", Role::Client).await;
        add_person(&portal, "Bob Staff", "bob@firm.example", Role::Staff).await;
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);

        let estate = create(&mut ada, "2026-0142", "Estate of H. Hopper").await;
        let lease = create(&mut ada, "2026-0143", "Harbour lease 100%").await;
        // Numbers are unique whatever their case; bad ones are refused with a sentence.
        let again = ada
            .call(
                "/api/matters/create",
                &[("number", "2026-0142"), ("name", "Dup")],
            )
            .await;
        assert_eq!(again.status, 409, "{backend:?}");
        assert!(again.text().contains("already has the number"));
        for (number, name) in [("", "No number"), ("12;DROP", "Odd"), ("2026-9", "")] {
            let bad = ada
                .call("/api/matters/create", &[("number", number), ("name", name)])
                .await;
            assert_eq!(bad.status, 400, "{number:?} {name:?}: {}", bad.text());
        }

        let id = estate.id.to_string();
        for (email, role) in [
            ("grace@client.example", "client"),
            ("bob@firm.example", "staff"),
        ] {
            let added: MatterDetails = parse(
                &ada.call(
                    "/api/matters/people/add",
                    &[("id", &id), ("email", email), ("role", role)],
                )
                .await,
            );
            assert!(added.people.iter().any(|p| p.email == email));
        }
        let alan_on_lease = ada
            .call(
                "/api/matters/people/add",
                &[
                    ("id", &lease.id.to_string()),
                    ("email", "alan@other.example"),
                    ("role", "other_party"),
                ],
            )
            .await;
        assert_eq!(alan_on_lease.status, 200);
        let staff_as_client = ada
            .call(
                "/api/matters/people/add",
                &[
                    ("id", &id),
                    ("email", "bob@firm.example"),
                    ("role", "client"),
                ],
            )
            .await;
        assert_eq!(staff_as_client.status, 400);
        let nobody = ada
            .call(
                "/api/matters/people/add",
                &[
                    ("id", &id),
                    ("email", "nobody@x.example"),
                    ("role", "client"),
                ],
            )
            .await;
        assert_eq!(nobody.status, 404);
        assert!(nobody.text().contains("People page"));
        let odd_role = ada
            .call(
                "/api/matters/people/add",
                &[
                    ("id", &id),
                    ("email", "grace@client.example"),
                    ("role", "judge"),
                ],
            )
            .await;
        assert_eq!(odd_role.status, 400);

        // Finding matters: by number, name, contact name or address; wildcards are literal.
        assert_eq!(list(&mut ada, "", false).await, ["2026-0143", "2026-0142"]);
        assert_eq!(list(&mut ada, "0142", false).await, ["2026-0142"]);
        assert_eq!(list(&mut ada, "HOPPER", false).await, ["2026-0142"]);
        assert_eq!(list(&mut ada, "grace@client", false).await, ["2026-0142"]);
        assert_eq!(list(&mut ada, "turing", false).await, ["2026-0143"]);
        assert_eq!(list(&mut ada, "100%", false).await, ["2026-0143"]);
        assert!(list(&mut ada, "%", false).await.len() == 1, "a literal %");
        assert!(list(&mut ada, "nothing like it", false).await.is_empty());

        // Edit, close and reopen.
        let edited: MatterDetails = parse(
            &ada.call(
                "/api/matters/update",
                &[
                    ("id", &id),
                    ("number", "2026-0142"),
                    ("name", "Estate of Grace Hopper"),
                    ("description", "Probate and the house on the harbour."),
                ],
            )
            .await,
        );
        assert_eq!(edited.name, "Estate of Grace Hopper");
        let taken = ada
            .call(
                "/api/matters/update",
                &[("id", &id), ("number", "2026-0143"), ("name", "x")],
            )
            .await;
        assert_eq!(taken.status, 409);
        let closed: MatterDetails = parse(
            &ada.call("/api/matters/status", &[("id", &id), ("open", "false")])
                .await,
        );
        assert!(!closed.open);
        assert_eq!(list(&mut ada, "", false).await, ["2026-0143"]);
        assert_eq!(list(&mut ada, "", true).await.len(), 2);
        let reopened: MatterDetails = parse(
            &ada.call("/api/matters/status", &[("id", &id), ("open", "true")])
                .await,
        );
        assert!(reopened.open);

        // Grace sees her matter, the firm's people on it and herself; not Alan's matter.
        let mut grace = Browser::new(&portal);
        assert_eq!(
            grace
                .sign_in_as("grace@client.example", PASSWORD)
                .await
                .status,
            200
        );
        assert_eq!(list(&mut grace, "", true).await, ["2026-0142"]);
        assert!(list(&mut grace, "0143", true).await.is_empty());
        let seen: MatterDetails = parse(&grace.call("/api/matters/get", &[("id", &id)]).await);
        assert!(!seen.can_manage);
        let roles: Vec<MatterRole> = seen.people.iter().map(|p| p.role).collect();
        assert_eq!(roles, [MatterRole::Client, MatterRole::Staff]);
        let hidden = grace
            .call("/api/matters/get", &[("id", &lease.id.to_string())])
            .await;
        let missing = grace
            .call(
                "/api/matters/get",
                &[("id", &uuid::Uuid::now_v7().to_string())],
            )
            .await;
        assert_eq!(hidden.status, 404, "another matter is not there for her");
        assert_eq!(
            hidden.text(),
            missing.text(),
            "the same answer as no matter at all"
        );
        let change = grace
            .call(
                "/api/matters/update",
                &[("id", &id), ("number", "X-1"), ("name", "Mine now")],
            )
            .await;
        assert_eq!(change.status, 403);

        // Taken off the matter, she no longer sees it.
        let grace_id = seen
            .people
            .iter()
            .find(|p| p.role == MatterRole::Client)
            .expect("grace")
            .user_id
            .to_string();
        let removed = ada
            .call(
                "/api/matters/people/remove",
                &[("id", &id), ("user_id", &grace_id)],
            )
            .await;
        assert_eq!(removed.status, 200);
        assert_eq!(
            grace.call("/api/matters/get", &[("id", &id)]).await.status,
            404
        );
        assert!(list(&mut grace, "", true).await.is_empty());
        portal.finish().await;
    }
}

/// Twenty creates of one matter number at once, half of them answered by a second node on
/// PostgreSQL: one matter, and every other answer the 409 that says why, never a 500. Checking
/// first does not decide a race on PostgreSQL; the unique index does (`db::on_unique`). The same
/// for twenty new folders of one name.
#[tokio::test]
async fn racing_creates_of_one_number_or_name_make_one_and_say_why_for_the_rest() {
    use futures_util::future::join_all;
    use sea_orm::{EntityTrait, PaginatorTrait};
    for backend in BACKENDS {
        let portal = TestPortal::with_admin(backend, "http://127.0.0.1:3000").await;
        let second = match backend {
            common::Backend::Postgres => {
                Some(dossier::open(&portal.config).await.expect("second node"))
            }
            common::Backend::Sqlite => None,
        };
        let mut staff = Browser::new(&portal);
        staff.sign_in().await;
        let cookie = staff.cookie.clone();
        let race = |path: &'static str, form: Vec<(&'static str, String)>| {
            let (portal, second, cookie) = (&portal, second.as_ref(), cookie.clone());
            join_all((0..20).map(move |i| {
                let node = match (i % 2, second) {
                    (1, Some(node)) => node.clone(),
                    _ => portal.state.clone(),
                };
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let request =
                    common::form_request(path, &form, cookie.as_deref(), Some("192.0.2.9"), None);
                common::send_to(dossier::routes::router(node), request)
            }))
        };

        let replies = race(
            "/api/matters/create",
            vec![("number", "2026-0999".into()), ("name", "Race".into())],
        )
        .await;
        let made: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
        assert_eq!(made.len(), 1, "{backend:?}: one matter");
        for refused in replies.iter().filter(|r| r.status != 200) {
            assert_eq!(refused.status, 409, "{backend:?}: {}", refused.text());
            assert!(
                refused.text().contains("already has the number 2026-0999"),
                "{}",
                refused.text()
            );
        }
        let matters = app::entities::matter::Entity::find()
            .count(&portal.state.db)
            .await
            .expect("count");
        assert_eq!(matters, 1, "{backend:?}");
        let matter: MatterSummary = serde_json::from_slice(&made[0].body).expect("json");
        // The top folder exists before the race: made on first use, its insert would otherwise
        // queue the racers one behind another.
        let listed = staff
            .call("/api/files/list", &[("matter_id", &matter.id.to_string())])
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text());

        let replies = race(
            "/api/files/folders/create",
            vec![
                ("matter_id", matter.id.to_string()),
                ("name", "Pleadings".into()),
            ],
        )
        .await;
        assert_eq!(
            replies.iter().filter(|r| r.status == 200).count(),
            1,
            "{backend:?}: one folder"
        );
        for refused in replies.iter().filter(|r| r.status != 200) {
            assert_eq!(refused.status, 409, "{backend:?}: {}", refused.text());
            assert!(refused.text().contains("Pleadings"), "{}", refused.text());
        }
        portal.finish().await;
    }
}
