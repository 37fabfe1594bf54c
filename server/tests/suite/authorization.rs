//! The authorization matrix: every server function, page and plain route, for every kind of
//! actor, is either allowed or denied as written here. The lists are read from the server-function
//! registry and the router, so a new endpoint without a row here fails this test.
//!
//! `Client` is a client on the matter the calls name who signed in with a password only: on the
//! protected (MFA) conversation the calls name, it is the client without MFA. `VerifiedClient` is
//! a client on that matter and conversation who has also passed the second factor. `OtherClient`
//! is a client on another matter. A revoked contact is the `Disabled` actor.

use crate::common;

use app::entities::one_time_code;
use app::ids::{ConversationId, MatterId, MessageId, UserId};
use app::{
    accounts::{passwords::NewAccount, setup::create_admin},
    entities::user::{self, Role},
};
use common::{BACKENDS, Backend, TestPortal};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
};

use common::PASSWORD;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Admin,
    Staff,
    /// A client on `MATTER` and in `CONVERSATION`, signed in with a password only.
    Client,
    /// A client on `MATTER` and in `CONVERSATION` who passed the second factor (step-up).
    VerifiedClient,
    /// A client on another matter only.
    OtherClient,
    /// Signed in before the account was disabled (a revoked contact).
    Disabled,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::Admin,
    Actor::Staff,
    Actor::Client,
    Actor::VerifiedClient,
    Actor::OtherClient,
    Actor::Disabled,
];

/// The matter the calls name, and another one.
const MATTER: &str = "0193b7a0-0000-7000-8000-00000000aaaa";
const OTHER_MATTER: &str = "0193b7a0-0000-7000-8000-00000000bbbb";
/// An external conversation on `MATTER` that requires the second factor, with both clients in it.
const CONVERSATION: &str = "0193b7a0-0000-7000-8000-00000000cccc";
/// Shares of the matrix's document in `CONVERSATION`: one to open, one to revoke.
const SHARE: &str = "0193b7a0-0000-7000-8000-00000000dddd";
const REVOCABLE: &str = "0193b7a0-0000-7000-8000-00000000eeee";

#[derive(Debug, Clone, Copy)]
enum Rule {
    Public,
    SignedIn,
    /// Administrators and staff, not contacts.
    FirmMember,
    Admin,
    /// The firm, and contacts on `MATTER`.
    MatterMember,
    /// The firm, and contacts in `CONVERSATION` who passed the second factor.
    SteppedUp,
}

impl Rule {
    fn allows(self, actor: Actor) -> bool {
        match self {
            Rule::Public => true,
            Rule::SignedIn => matches!(
                actor,
                Actor::Admin
                    | Actor::Staff
                    | Actor::Client
                    | Actor::VerifiedClient
                    | Actor::OtherClient
            ),
            Rule::MatterMember => matches!(
                actor,
                Actor::Admin | Actor::Staff | Actor::Client | Actor::VerifiedClient
            ),
            Rule::SteppedUp => matches!(actor, Actor::Admin | Actor::Staff | Actor::VerifiedClient),
            Rule::FirmMember => matches!(actor, Actor::Admin | Actor::Staff),
            Rule::Admin => actor == Actor::Admin,
        }
    }
}

type Args = &'static [(&'static str, &'static str)];

/// Server functions: path, rule, and arguments that get past validation for an allowed actor
/// (or fail validation with a 400, which still proves authorization let it through).
const SERVER_FNS: &[(&str, Rule, Args)] = &[
    ("/api/system/status", Rule::Public, &[]),
    (
        "/api/accounts/setup",
        Rule::Public,
        &[
            ("token", "not-a-token"),
            ("display_name", "X"),
            ("email", "x@firm.example"),
            ("password", PASSWORD),
        ],
    ),
    (
        "/api/accounts/sign-in",
        Rule::Public,
        &[("email", "matrix@firm.example"), ("password", PASSWORD)],
    ),
    ("/api/accounts/sign-out", Rule::Public, &[]),
    ("/api/accounts/me", Rule::Public, &[]),
    ("/api/accounts/sign-out-everywhere", Rule::SignedIn, &[]),
    // Each person's own notification choices and push devices: nobody else's.
    // Signed out: nothing (null), so the account page can ask before it knows who is there.
    ("/api/account/notifications", Rule::Public, &[]),
    (
        "/api/account/notifications/save",
        Rule::SignedIn,
        &[("email", "true"), ("push", "true")],
    ),
    (
        "/api/account/push/subscribe",
        Rule::SignedIn,
        &[
            ("endpoint", "https://push.example.com/matrix"),
            ("p256dh", "not-a-key"),
            ("auth", "not-a-secret"),
        ],
    ),
    (
        "/api/account/push/unsubscribe",
        Rule::SignedIn,
        &[("endpoint", "https://push.example.com/matrix")],
    ),
    (
        "/api/accounts/sign-in/code",
        Rule::Public,
        &[("code", "123456")],
    ),
    ("/api/accounts/totp/start", Rule::SignedIn, &[]),
    (
        "/api/accounts/totp/confirm",
        Rule::SignedIn,
        &[("code", "123456")],
    ),
    (
        "/api/accounts/totp/remove",
        Rule::SignedIn,
        &[("password", PASSWORD)],
    ),
    ("/api/accounts/step-up", Rule::SignedIn, &[("code", "x")]),
    ("/api/people/list", Rule::FirmMember, &[]),
    ("/api/people/find", Rule::FirmMember, &[("query", "firm")]),
    (
        "/api/people/add",
        Rule::FirmMember,
        &[
            ("display_name", "New Contact"),
            ("email", "new.contact@client.example"),
            ("role", "client"),
        ],
    ),
    (
        "/api/people/invite",
        Rule::FirmMember,
        &[("id", "0193b7a0-0000-7000-8000-000000000000")],
    ),
    (
        "/api/people/access",
        Rule::FirmMember,
        &[
            ("id", "0193b7a0-0000-7000-8000-000000000000"),
            ("active", "true"),
        ],
    ),
    (
        "/api/invitations/details",
        Rule::Public,
        &[("token", "not-a-token")],
    ),
    (
        "/api/invitations/accept",
        Rule::Public,
        &[("token", "not-a-token"), ("password", PASSWORD)],
    ),
    (
        "/api/accounts/forgot-password",
        Rule::Public,
        &[("email", "nobody@firm.example")],
    ),
    (
        "/api/accounts/reset-password",
        Rule::Public,
        &[("token", "not-a-token"), ("password", PASSWORD)],
    ),
    (
        "/api/accounts/password",
        Rule::SignedIn,
        &[("current", PASSWORD), ("new", "short")],
    ),
    ("/api/accounts/sign-in/options", Rule::Public, &[]),
    // The client guide's words from the firm: read before signing in.
    ("/api/guide", Rule::Public, &[]),
    (
        "/api/accounts/sign-in/link",
        Rule::Public,
        &[("email", "nobody@firm.example")],
    ),
    (
        "/api/accounts/sign-in/link/use",
        Rule::Public,
        &[("token", "not-a-token")],
    ),
    (
        "/api/accounts/code/send",
        Rule::SignedIn,
        &[("channel", "email")],
    ),
    ("/api/settings/get", Rule::Admin, &[]),
    ("/api/matters/list", Rule::SignedIn, &[("query", "matrix")]),
    (
        "/api/matters/create",
        Rule::FirmMember,
        &[("number", "M-1"), ("name", "Created by the matrix")],
    ),
    ("/api/matters/get", Rule::MatterMember, &[("id", MATTER)]),
    (
        "/api/matters/update",
        Rule::FirmMember,
        &[
            ("id", MATTER),
            ("number", "2026-0001"),
            ("name", "Matrix v Example"),
        ],
    ),
    (
        "/api/matters/status",
        Rule::FirmMember,
        &[("id", MATTER), ("open", "true")],
    ),
    (
        "/api/matters/hold",
        Rule::FirmMember,
        &[("id", MATTER), ("on", "false")],
    ),
    (
        "/api/matters/retention",
        Rule::FirmMember,
        &[("id", MATTER), ("until", "")],
    ),
    (
        "/api/matters/people/add",
        Rule::FirmMember,
        &[
            ("id", MATTER),
            ("email", "client@firm.example"),
            ("role", "client"),
        ],
    ),
    (
        // A new contact made from the matter (the address refused: the matrix calls it often).
        "/api/matters/people/new",
        Rule::FirmMember,
        &[
            ("id", MATTER),
            ("display_name", "New Contact"),
            ("email", "not an address"),
            ("role", "client"),
        ],
    ),
    (
        "/api/matters/people/remove",
        Rule::FirmMember,
        &[
            ("id", MATTER),
            ("user_id", "0193b7a0-0000-7000-8000-000000000000"),
        ],
    ),
    // The file tree is the firm's: a client on the matter gets a 403, anyone else a 404.
    (
        "/api/files/list",
        Rule::FirmMember,
        &[("matter_id", MATTER)],
    ),
    (
        "/api/files/folders/all",
        Rule::FirmMember,
        &[("matter_id", MATTER)],
    ),
    (
        "/api/files/trash/list",
        Rule::FirmMember,
        &[("matter_id", MATTER)],
    ),
    (
        "/api/files/folders/create",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("name", "Matrix")],
    ),
    (
        "/api/files/rename",
        Rule::FirmMember,
        &[
            ("matter_id", MATTER),
            ("kind", "folder"),
            ("id", MATTER),
            ("name", "x"),
        ],
    ),
    (
        "/api/files/move",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("kind", "folder"), ("id", MATTER)],
    ),
    (
        "/api/files/trash",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("kind", "folder"), ("id", MATTER)],
    ),
    (
        "/api/files/restore",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("kind", "folder"), ("id", MATTER)],
    ),
    (
        "/api/files/versions",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("document_id", MATTER)],
    ),
    // Conversations: the protected one is closed to a client until they pass the second factor.
    // Each matter in it is asked of the policy like the matter's own list.
    ("/api/conversations/inbox", Rule::SignedIn, &[]),
    (
        "/api/conversations/list",
        Rule::MatterMember,
        &[("matter_id", MATTER)],
    ),
    (
        "/api/conversations/create",
        Rule::FirmMember,
        &[
            ("matter_id", MATTER),
            ("subject", "From the matrix"),
            ("body", "Hello"),
        ],
    ),
    (
        "/api/conversations/message",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("body", "Hello")],
    ),
    (
        "/api/conversations/get",
        Rule::SteppedUp,
        &[("id", CONVERSATION)],
    ),
    (
        "/api/conversations/read",
        Rule::SteppedUp,
        &[("id", CONVERSATION)],
    ),
    (
        "/api/conversations/post",
        Rule::SteppedUp,
        &[("id", CONVERSATION), ("body", "From the matrix")],
    ),
    // Who is in it is the firm's to change (someone not in the directory: a 400 past the
    // policy).
    (
        "/api/conversations/participants/add",
        Rule::FirmMember,
        &[
            ("id", CONVERSATION),
            ("user_id", "0193b7a0-0000-7000-8000-000000000000"),
        ],
    ),
    (
        "/api/conversations/participants/remove",
        Rule::FirmMember,
        &[
            ("id", CONVERSATION),
            ("user_id", "0193b7a0-0000-7000-8000-000000000000"),
        ],
    ),
    // A message is changed by its author only (`conversations` tests): asked of a message
    // that is no one's, every signed-in caller hears there is no such message.
    (
        "/api/conversations/messages/edit",
        Rule::SignedIn,
        &[
            ("id", "0193b7a0-0000-7000-8000-000000000000"),
            ("body", "x"),
        ],
    ),
    (
        "/api/conversations/messages/delete",
        Rule::SignedIn,
        &[("id", "0193b7a0-0000-7000-8000-000000000000")],
    ),
    // Shares: opened like their conversation; revoked by the firm (after the administrator
    // revokes it, staff get "no longer shared", which proves they got past the policy).
    (
        "/api/shares/list",
        Rule::MatterMember,
        &[("matter_id", MATTER)],
    ),
    ("/api/shares/open", Rule::SteppedUp, &[("id", SHARE)]),
    (
        "/api/shares/history",
        Rule::SteppedUp,
        &[("id", SHARE), ("document_id", SHARE)],
    ),
    ("/api/shares/revoke", Rule::FirmMember, &[("id", REVOCABLE)]),
    // An end date far ahead: the share still opens for the rows after this one.
    (
        "/api/shares/expiry",
        Rule::FirmMember,
        &[("id", SHARE), ("expires_at", "4102444800000")],
    ),
    // The access log: the firm's, never a contact's.
    (
        "/api/activity/document",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("document_id", SHARE)],
    ),
    (
        "/api/activity/share",
        Rule::FirmMember,
        &[("matter_id", MATTER), ("share_id", SHARE)],
    ),
    (
        "/api/settings/save",
        Rule::Admin,
        &[
            ("idle_timeout_minutes", "480"),
            ("session_lifetime_hours", "168"),
            ("step_up_window_hours", "12"),
        ],
    ),
];

/// Pages and plain routes (GET).
const PAGES: &[(&str, Rule)] = &[
    ("/", Rule::Public),
    ("/setup", Rule::Public),
    ("/sign-in", Rule::Public),
    ("/guide", Rule::Public),
    // How the firm's people use the portal: nothing in it is the firm's.
    ("/help", Rule::Public),
    // Pages render for anyone; what they show comes from server functions, checked above.
    ("/people", Rule::Public),
    ("/invitation", Rule::Public),
    ("/forgot-password", Rule::Public),
    ("/reset-password", Rule::Public),
    ("/settings", Rule::Public),
    ("/verify", Rule::Public),
    ("/sign-in/link", Rule::Public),
    ("/matters", Rule::Public),
    // A matter's page is rendered whole before it is sent and answers with the matter's own
    // status: 404 to whoever may not see it, 401 signed out.
    ("/matters/{id}", Rule::MatterMember),
];
/// Plain routes; `/events` (live updates) streams for whoever may see `MATTER`, and is asked
/// with `?matter={id}`.
const PLAIN: &[(&str, Rule)] = &[
    ("/healthz", Rule::Public),
    ("/events", Rule::MatterMember),
    // The installed app's name and colour, asked by the browser before anyone signs in.
    ("/manifest.webmanifest", Rule::Public),
    // The firm's logo (or the portal's icon), on the sign-in page too. Changing it is tested
    // with the logo (`invitations`): administrators only.
    ("/brand/logo", Rule::Public),
    // The matter's access log: the firm only (contacts never see it).
    ("/matters/{id}/activity.csv", Rule::FirmMember),
];

async fn add_user(portal: &TestPortal, email: &str, role: Role) -> user::Model {
    common::add_person(portal, email, email, role, None).await
}

/// A matter with `client` on it as a client.
async fn add_matter(portal: &TestPortal, id: &str, number: &str, client: UserId) {
    use app::entities::matter;
    let id: MatterId = id.parse().expect("uuid");
    let now = chrono::Utc::now();
    matter::Entity::insert(matter::ActiveModel {
        id: Set(id),
        number: Set(number.into()),
        number_key: Set(number.to_lowercase()),
        name: Set(format!("Matter {number}")),
        description: Set(String::new()),
        status: Set(matter::Status::Open),
        responsible_id: Set(None),
        search_text: Set(number.into()),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(&portal.state.db)
    .await
    .expect("matter");
    add_to_matter(portal, &id.to_string(), client).await;
}

/// Puts `client` on matter `id` as a client.
async fn add_to_matter(portal: &TestPortal, id: &str, client: UserId) {
    use app::{entities::matter_person, matters::MatterRole};
    let id: MatterId = id.parse().expect("uuid");
    let now = chrono::Utc::now();
    matter_person::Entity::insert(matter_person::ActiveModel {
        matter_id: Set(id),
        user_id: Set(client),
        role: Set(MatterRole::Client),
        added_at: Set(now),
        added_by: Set(None),
    })
    .exec_without_returning(&portal.state.db)
    .await
    .expect("matter person");
}

async fn set_disabled(portal: &TestPortal, id: UserId, disabled: bool) {
    let mut row = user::Entity::find_by_id(id)
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("row")
        .into_active_model();
    row.disabled_at = Set(disabled.then(chrono::Utc::now));
    row.update(&portal.state.db).await.expect("update");
}

async fn session_for(portal: &TestPortal, actor: Actor) -> Option<String> {
    let email = match actor {
        Actor::Anonymous => return None,
        Actor::Admin => "admin@firm.example",
        Actor::Staff => "staff@firm.example",
        Actor::Client => "client@firm.example",
        Actor::VerifiedClient => "verified@firm.example",
        Actor::OtherClient => "other@firm.example",
        Actor::Disabled => "disabled@firm.example",
    };
    let reply = portal
        .call(
            "/api/accounts/sign-in",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(reply.status, 200, "{actor:?} signs in");
    let cookie = reply.session_cookie();
    if actor != Actor::VerifiedClient {
        return cookie;
    }
    // The code an email would have carried, so that every call can have a fresh session.
    let code = "246810";
    let user = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("verified client");
    let now = chrono::Utc::now();
    one_time_code::Entity::insert(one_time_code::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        user_id: Set(user.id),
        channel: Set(one_time_code::Channel::Email),
        code_hash: Set(app::accounts::codes::hash(user.id, code)),
        attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(now + chrono::Duration::minutes(10)),
        used_at: Set(None),
    })
    .exec_without_returning(&portal.state.db)
    .await
    .expect("code");
    let stepped = portal
        .call_with_cookie(
            "/api/accounts/step-up",
            &[("code", code)],
            cookie.as_deref(),
        )
        .await;
    assert_eq!(stepped.status, 200, "step-up: {}", stepped.text());
    stepped.session_cookie().or(cookie)
}

/// The protected conversation on `MATTER`, with the two clients on it in it.
async fn add_conversation(portal: &TestPortal, clients: [UserId; 2]) {
    use app::{
        conversations::ConversationKind,
        entities::{conversation, conversation_participant, message},
    };
    let id: ConversationId = CONVERSATION.parse().expect("uuid");
    let now = chrono::Utc::now();
    let db = &portal.state.db;
    conversation::Entity::insert(conversation::ActiveModel {
        id: Set(id),
        matter_id: Set(MATTER.parse().expect("uuid")),
        kind: Set(ConversationKind::External),
        subject: Set("Protected".into()),
        requires_second_factor: Set(true),
        created_by: Set(None),
        created_at: Set(now),
        last_message_at: Set(now),
    })
    .exec_without_returning(db)
    .await
    .expect("conversation");
    for user_id in clients {
        conversation_participant::Entity::insert(conversation_participant::ActiveModel {
            conversation_id: Set(id),
            user_id: Set(user_id),
            added_at: Set(now),
            last_read_at: Set(None),
        })
        .exec_without_returning(db)
        .await
        .expect("participant");
    }
    message::Entity::insert(message::ActiveModel {
        id: Set(MessageId(uuid::Uuid::now_v7())),
        conversation_id: Set(id),
        author_id: Set(None),
        body: Set("Only for the verified".into()),
        sent_as_sms: Set(false),
        created_at: Set(now),
        edited_at: Set(None),
        deleted_at: Set(None),
        requested: Set(None),
    })
    .exec_without_returning(db)
    .await
    .expect("message");
}

#[tokio::test]
async fn every_endpoint_allows_or_denies_every_actor_as_the_matrix_says() {
    // The matrix covers exactly what the registry and the router hold.
    let mut registered: Vec<(String, String)> = server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_string(), method.to_string()))
        .collect();
    registered.sort();
    for (path, method) in &registered {
        assert_eq!(
            method, "POST",
            "{path}: server functions never use GET (pitfalls.md)"
        );
        assert!(
            SERVER_FNS.iter().any(|(p, ..)| p == path),
            "{path} has no row in the authorization matrix"
        );
    }
    assert_eq!(
        registered.len(),
        SERVER_FNS.len(),
        "matrix rows for server functions that no longer exist"
    );
    let pages = leptos_axum::generate_route_list(app::App);
    for page in &pages {
        assert!(
            PAGES.iter().any(|(p, _)| *p == page.path()),
            "page {} has no matrix row",
            page.path()
        );
    }
    assert_eq!(pages.len(), PAGES.len());
    for route in dossier::transfer::ROUTES {
        assert!(
            TRANSFER_ROUTES.contains(route),
            "route {route} has no matrix row (see `transfers`)"
        );
    }
    for route in dossier::routes::PLAIN_ROUTES {
        assert!(
            PLAIN.iter().any(|(p, _)| p == route),
            "route {route} has no matrix row"
        );
    }

    for backend in BACKENDS {
        let portal = TestPortal::start(backend).await;
        let admin =
            NewAccount::parse("Admin", "admin@firm.example", PASSWORD.into()).expect("valid");
        create_admin(&portal.state.db, admin).await.expect("admin");
        add_user(&portal, "staff@firm.example", Role::Staff).await;
        let client = add_user(&portal, "client@firm.example", Role::Client).await;
        let other = add_user(&portal, "other@firm.example", Role::Client).await;
        add_matter(&portal, MATTER, "2026-0001", client.id).await;
        add_matter(&portal, OTHER_MATTER, "2026-0002", other.id).await;
        let verified = add_user(&portal, "verified@firm.example", Role::Client).await;
        add_to_matter(&portal, MATTER, verified.id).await;
        add_conversation(&portal, [client.id, verified.id]).await;
        add_user(&portal, "matrix@firm.example", Role::Staff).await;
        let disabled = add_user(&portal, "disabled@firm.example", Role::Client).await;

        // A document on MATTER and an upload the administrator started, for the byte routes,
        // and the document sent in CONVERSATION.
        let (document, upload) = admin_transfer(&portal).await;
        let attachment = admin_send(&portal, &document).await;
        for actor in ACTORS {
            for (path, rule, args) in SERVER_FNS {
                // A fresh session per call: some calls end their own session.
                let cookie = session_for(&portal, actor).await;
                if actor == Actor::Disabled {
                    set_disabled(&portal, disabled.id, true).await;
                }
                let reply = portal.call_with_cookie(path, args, cookie.as_deref()).await;
                let status = reply.status.as_u16();
                assert_ne!(
                    status,
                    500,
                    "{backend:?} {actor:?} {path}: {}",
                    reply.text()
                );
                if rule.allows(actor) {
                    assert!(
                        ![401, 403].contains(&status),
                        "{backend:?} {actor:?} may call {path}: {status} {}",
                        reply.text()
                    );
                } else {
                    assert!(
                        [401, 403, 404].contains(&status),
                        "{backend:?} {actor:?} may not call {path}: {status}"
                    );
                }
                if actor == Actor::Disabled {
                    set_disabled(&portal, disabled.id, false).await;
                }
            }
            for (path, rule) in PAGES.iter().chain(PLAIN) {
                let uri = match *path {
                    "/events" => format!("/events?matter={MATTER}"),
                    _ => path.replace("{id}", MATTER),
                };
                let mut request = axum::http::Request::get(uri);
                if let Some(cookie) = session_for(&portal, actor).await {
                    request = request.header("cookie", cookie);
                }
                // The status only: a live-update stream never ends.
                let status = tower::ServiceExt::oneshot(
                    portal.router(),
                    request.body(axum::body::Body::empty()).expect("request"),
                )
                .await
                .expect("router answers")
                .status()
                .as_u16();
                assert_eq!(
                    rule.allows(actor),
                    status == 200,
                    "{backend:?} {actor:?} GET {path}: {status}"
                );
            }
            transfers(&portal, actor, &document, &upload).await;
            sent_files(&portal, actor, &attachment).await;
        }
        portal.finish().await;
    }
}

#[tokio::test]
async fn the_matrix_would_catch_a_missing_check() {
    // Guard against a matrix that allows everything by accident: a signed-in-only function
    // really refuses an anonymous caller.
    let portal = TestPortal::start(Backend::Sqlite).await;
    let reply = portal.call("/api/accounts/sign-out-everywhere", &[]).await;
    assert_eq!(reply.status, 401);
    // The browser decodes the error and shows its sentence.
    let error: app::AppError = serde_json::from_slice(&reply.body).expect("typed error");
    assert_eq!(error.to_string(), "Please sign in to continue.");
    portal.finish().await;
}

/// The byte routes, checked in `transfers`.
const TRANSFER_ROUTES: &[&str] = &[
    "/uploads",
    "/uploads/{id}",
    "/files/{id}/download",
    "/files/{id}/preview",
    "/attachments/{id}/download",
    "/attachments/{id}/preview",
    "/shares/{id}/files/{document}/download",
    "/shares/{id}/files/{document}/preview",
];

fn tus(method: &str, path: &str, cookie: Option<&str>) -> axum::http::request::Builder {
    let mut request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("tus-resumable", "1.0.0")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request
}

fn metadata(name: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    format!("filename {},matter {}", b64(name), b64(MATTER))
}

/// The administrator sends `document` in CONVERSATION, and shares it there as `SHARE` and
/// `REVOCABLE`; returns the attachment's id.
async fn admin_send(portal: &TestPortal, document: &str) -> String {
    use app::entities::{attachment, share};
    let cookie = session_for(portal, Actor::Admin).await;
    let reply = portal
        .call_with_cookie(
            "/api/conversations/post",
            &[("id", CONVERSATION), ("documents[0]", document)],
            cookie.as_deref(),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let message: app::conversations::MessageView =
        serde_json::from_slice(&reply.body).expect("message");
    for id in [SHARE, REVOCABLE] {
        share::Entity::insert(share::ActiveModel {
            id: Set(id.parse().expect("uuid")),
            matter_id: Set(MATTER.parse().expect("uuid")),
            conversation_id: Set(CONVERSATION.parse().expect("uuid")),
            message_id: Set(message.id),
            kind: Set(app::files::ItemKind::Document),
            item_id: Set(uuid::Uuid::parse_str(document).expect("uuid")),
            created_by: Set(None),
            created_at: Set(chrono::Utc::now()),
            revoked_at: Set(None),
            revoked_by: Set(None),
            expires_at: Set(None),
        })
        .exec_without_returning(&portal.state.db)
        .await
        .expect("share");
    }
    attachment::Entity::find()
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("the attachment")
        .id
        .to_string()
}

async fn shared_document(portal: &TestPortal) -> uuid::Uuid {
    app::entities::share::Entity::find_by_id(SHARE.parse::<app::ids::ShareId>().expect("uuid"))
        .one(&portal.state.db)
        .await
        .expect("query")
        .expect("share")
        .item_id
}

/// Sending a file is for anyone on the matter; a sent or shared file is for whoever may read
/// its conversation (the protected one: the firm, and clients in it who passed the step-up).
async fn sent_files(portal: &TestPortal, actor: Actor, attachment: &str) {
    use base64::Engine;
    let cookie = session_for(portal, actor).await;
    let cookie = cookie.as_deref();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let staged = portal
        .send(
            tus("POST", "/uploads", cookie)
                .header("upload-length", "1")
                .header(
                    "upload-metadata",
                    format!(
                        "filename {},matter {},purpose {}",
                        b64("note.txt"),
                        b64(MATTER),
                        b64("attachment")
                    ),
                )
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        staged.status == 201,
        Rule::MatterMember.allows(actor),
        "{actor:?} POST /uploads for a message: {}",
        staged.status
    );
    assert_ne!(staged.status, 500);
    let document = shared_document(portal).await;
    for path in [
        format!("/attachments/{attachment}/download"),
        format!("/attachments/{attachment}/preview"),
        format!("/shares/{SHARE}/files/{document}/download"),
        format!("/shares/{SHARE}/files/{document}/preview"),
    ] {
        let reply = portal
            .send(
                tus("GET", &path, cookie)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        let allowed = Rule::SteppedUp.allows(actor);
        assert_eq!(
            reply.status == 200,
            allowed,
            "{actor:?} GET {path}: {}",
            reply.status
        );
        if !allowed {
            assert!([401, 403, 404].contains(&reply.status.as_u16()));
        }
    }
}

/// The administrator uploads a text file to MATTER and starts a second upload.
async fn admin_transfer(portal: &TestPortal) -> (String, String) {
    let cookie = session_for(portal, Actor::Admin).await;
    let mut ids = Vec::new();
    for name in ["matrix.txt", "unfinished.txt"] {
        let reply = portal
            .send(
                tus("POST", "/uploads", cookie.as_deref())
                    .header("upload-length", "5")
                    .header("upload-metadata", metadata(name))
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text());
        ids.push(reply.header("location").to_string());
    }
    let reply = portal
        .send(
            tus("PATCH", &ids[0], cookie.as_deref())
                .header("content-type", "application/offset+octet-stream")
                .header("upload-offset", "0")
                .body(axum::body::Body::from("hello"))
                .expect("request"),
        )
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text());
    (reply.header("dossier-document").to_string(), ids[1].clone())
}

/// Uploading is for the firm; reading an upload's state is for whoever started it; the bytes of
/// a document are for the firm (shares arrive later).
async fn transfers(portal: &TestPortal, actor: Actor, document: &str, upload: &str) {
    let cookie = session_for(portal, actor).await;
    let cookie = cookie.as_deref();
    let firm = Rule::FirmMember.allows(actor);
    let create = portal
        .send(
            tus("POST", "/uploads", cookie)
                .header("upload-length", "1")
                .header("upload-metadata", metadata(&format!("{actor:?}.txt")))
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        create.status == 201,
        firm,
        "{actor:?} POST /uploads: {}",
        create.status
    );
    assert_ne!(create.status, 500);
    for path in [
        format!("/files/{document}/download"),
        format!("/files/{document}/preview"),
    ] {
        let reply = portal
            .send(
                tus("GET", &path, cookie)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(
            reply.status == 200,
            firm,
            "{actor:?} GET {path}: {}",
            reply.status
        );
        if !firm {
            assert!([401, 403, 404].contains(&reply.status.as_u16()));
        }
    }
    // Only the administrator started `upload`.
    let head = portal
        .send(
            tus("HEAD", upload, cookie)
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(
        head.status == 200,
        actor == Actor::Admin,
        "{actor:?} HEAD {upload}: {}",
        head.status
    );
    if actor != Actor::Admin {
        let patch = portal
            .send(
                tus("PATCH", upload, cookie)
                    .header("content-type", "application/offset+octet-stream")
                    .header("upload-offset", "0")
                    .body(axum::body::Body::from("x"))
                    .expect("request"),
            )
            .await;
        assert!(
            [401, 403, 404].contains(&patch.status.as_u16()),
            "{actor:?} PATCH: {}",
            patch.status
        );
        let delete = portal
            .send(
                tus("DELETE", upload, cookie)
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert!(
            [401, 403, 404].contains(&delete.status.as_u16()),
            "{actor:?} DELETE: {}",
            delete.status
        );
    }
}
