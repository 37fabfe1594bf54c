//! A firm with a matter and its people, sending email and texts to real local servers: the world
//! the conversation and security tests share.

use axum::{body::Body, http::Request};
use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

use app::{
    AppError,
    conversations::{ConversationSummary, ConversationView},
    entities::user::Role,
    matters::MatterSummary,
};
use dossier::{
    config::{DeliveryConfig, SmsConfig},
    delivery::Transports,
};

use super::{
    Backend, Browser, PASSWORD, TestPortal, add_person,
    outside::{SmsGateway, SmtpSink},
};

pub const GRACE: &str = "grace@client.example";
pub const HUGO: &str = "hugo@other.example";
pub const SAM: &str = "sam@firm.example";
pub const URL: &str = "https://portal.hartley.example";

/// Email to `smtp` and texts to `sms`, as Hartley & Co.
pub fn delivery(smtp: &SmtpSink, sms: &SmsGateway) -> DeliveryConfig {
    DeliveryConfig {
        smtp_url: Some(smtp.url()),
        mail_from: "Hartley & Co <portal@hartley.example>".into(),
        sms: Some(SmsConfig {
            url: sms.url(),
            account: "AC123".into(),
            token: "sms-secret".into(),
            from: "+15005550006".into(),
        }),
        // The tests' push service listens on loopback.
        push_allow_local: true,
    }
}

pub struct World {
    pub portal: TestPortal,
    pub smtp: SmtpSink,
    pub sms: SmsGateway,
    pub transports: Transports,
    pub matter: String,
    pub grace: String,
    pub hugo: String,
    pub sam: String,
}

impl World {
    /// A portal that sends email and texts; a matter with Grace (client, with a mobile number)
    /// and Hugo (other party) on it, and Sam on the staff.
    pub async fn start(backend: Backend) -> Self {
        let smtp = SmtpSink::start().await;
        let sms = SmsGateway::start().await;
        let delivery = delivery(&smtp, &sms);
        let portal = TestPortal::start_full(backend, URL, Some(delivery.clone())).await;
        let transports = Transports::new(&delivery)
            .and_then(|t| t.with_push(portal.state.portal.push.clone()))
            .expect("transports");
        let account = app::accounts::passwords::NewAccount::parse(
            "Ada Lovelace",
            "ada@firm.example",
            PASSWORD.into(),
        )
        .expect("valid");
        app::accounts::setup::create_admin(&portal.state.db, account)
            .await
            .expect("admin");
        let grace = add_person(
            &portal,
            "Grace Hopper",
            GRACE,
            Role::Client,
            Some("+447700900123"),
        )
        .await;
        let hugo = add_person(&portal, "Hugo Other", HUGO, Role::Client, None).await;
        let sam = add_person(&portal, "Sam Staff", SAM, Role::Staff, None).await;
        let mut ada = Browser::new(&portal);
        assert_eq!(ada.sign_in().await.status, 200);
        let created = ada
            .call(
                "/api/matters/create",
                &[("number", "2026-0142"), ("name", "Hopper lease")],
            )
            .await;
        assert_eq!(created.status, 200, "{}", created.text());
        let matter: MatterSummary = serde_json::from_slice(&created.body).expect("matter");
        let matter = matter.id.to_string();
        for (email, role) in [(GRACE, "client"), (HUGO, "other_party"), (SAM, "staff")] {
            let added = ada
                .call(
                    "/api/matters/people/add",
                    &[("id", &matter), ("email", email), ("role", role)],
                )
                .await;
            assert_eq!(added.status, 200, "{}", added.text());
        }
        Self {
            portal,
            smtp,
            sms,
            transports,
            matter,
            grace: grace.id.to_string(),
            hugo: hugo.id.to_string(),
            sam: sam.id.to_string(),
        }
    }

    pub async fn browser(&self, email: &str) -> Browser<'_> {
        let mut browser = Browser::new(&self.portal);
        let reply = browser.sign_in_as(email, PASSWORD).await;
        assert_eq!(reply.status, 200, "{email}: {}", reply.text());
        browser
    }

    /// The newest emailed verification code sent to `to` (delivering the outbox first).
    pub async fn emailed_code(&self, to: &str) -> String {
        self.deliver().await;
        let mails = self.smtp.received();
        let mail = mails
            .iter()
            .rev()
            .find(|m| m.to == [to] && m.text().contains("verification code is"))
            .expect("a code mail");
        let text = mail.text();
        let at = text.find("verification code is ").expect("code") + "verification code is ".len();
        text[at..].chars().take(6).collect()
    }

    /// The subjects of every email sent to `to` so far (delivering the outbox first), after the
    /// sender's name that begins each ("Dossier: ", the firm having given none).
    pub async fn subjects_to(&self, to: &str) -> Vec<String> {
        self.deliver().await;
        self.smtp
            .received()
            .iter()
            .filter(|m| m.to == [to])
            .filter_map(|m| {
                m.data
                    .lines()
                    .find_map(|l| l.strip_prefix("Subject: Dossier: ").map(str::to_string))
            })
            .collect()
    }

    pub async fn deliver(&self) {
        // As a few seconds later: a new message's email waits that long for an open page to
        // read it first (`conversations::notices::GRACE`).
        let later =
            chrono::Utc::now() + app::conversations::notices::GRACE + chrono::Duration::seconds(1);
        self.transports
            .run_once_at(&self.portal.state.db, later)
            .await
            .expect("delivery runs");
    }
}

pub async fn create(
    browser: &mut Browser<'_>,
    world: &World,
    participants: &[&str],
    extra: &[(&str, &str)],
) -> super::Reply {
    to_people(
        browser,
        world,
        "/api/conversations/create",
        participants,
        extra,
    )
    .await
}

/// The matter's **Message** button (`/api/conversations/message`) to `participants`.
pub async fn message(
    browser: &mut Browser<'_>,
    world: &World,
    participants: &[&str],
    extra: &[(&str, &str)],
) -> super::Reply {
    to_people(
        browser,
        world,
        "/api/conversations/message",
        participants,
        extra,
    )
    .await
}

/// A call on the world's matter naming `participants`, as the forms send them.
async fn to_people(
    browser: &mut Browser<'_>,
    world: &World,
    path: &str,
    participants: &[&str],
    extra: &[(&str, &str)],
) -> super::Reply {
    let names: Vec<String> = (0..participants.len())
        .map(|i| format!("participants[{i}]"))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("matter_id", &world.matter)];
    form.extend(
        names
            .iter()
            .map(String::as_str)
            .zip(participants.iter().copied()),
    );
    form.extend_from_slice(extra);
    browser.call(path, &form).await
}

pub fn id_of(reply: &super::Reply) -> String {
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice::<uuid::Uuid>(&reply.body)
        .expect("id")
        .to_string()
}

pub async fn list(browser: &mut Browser<'_>, world: &World) -> Vec<ConversationSummary> {
    let reply = browser
        .call("/api/conversations/list", &[("matter_id", &world.matter)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("list")
}

pub async fn get(browser: &mut Browser<'_>, id: &str) -> Result<ConversationView, (u16, AppError)> {
    let reply = browser.call("/api/conversations/get", &[("id", id)]).await;
    if reply.status == 200 {
        Ok(serde_json::from_slice(&reply.body).expect("conversation"))
    } else {
        Err((
            reply.status.as_u16(),
            serde_json::from_slice(&reply.body).expect("typed error"),
        ))
    }
}

/// Uploads `data` in one request (tus creation-with-upload), into the tree (`purpose` "files")
/// or for a message ("attachment").
pub async fn upload(
    world: &World,
    who: &Browser<'_>,
    name: &str,
    data: &[u8],
    purpose: &str,
) -> super::Reply {
    upload_into(world, who, None, name, data, purpose).await
}

pub async fn upload_into(
    world: &World,
    who: &Browser<'_>,
    folder: Option<&str>,
    name: &str,
    data: &[u8],
    purpose: &str,
) -> super::Reply {
    let request = upload_request(world, who, folder, name, data.len() as u64, data, purpose);
    world.portal.send(request).await
}

/// A tus creation request for a file of `length` bytes named `name`, carrying `first` (its first
/// bytes, or all of them, or none).
pub fn upload_request(
    world: &World,
    who: &Browser<'_>,
    folder: Option<&str>,
    name: &str,
    length: u64,
    first: &[u8],
    purpose: &str,
) -> Request<Body> {
    let mut meta = format!(
        "filename {},matter {},purpose {}",
        BASE64.encode(name),
        BASE64.encode(&world.matter),
        BASE64.encode(purpose)
    );
    if let Some(folder) = folder {
        meta.push_str(&format!(",folder {}", BASE64.encode(folder)));
    }
    creation_request(who, &meta, length, first.to_vec())
}

/// A tus creation request with `meta` (tus's `Upload-Metadata`) for `length` bytes, carrying
/// `first`, from `who`'s browser.
pub fn creation_request(
    who: &Browser<'_>,
    meta: &str,
    length: u64,
    first: Vec<u8>,
) -> Request<Body> {
    let mut request = Request::post("/uploads")
        .header("tus-resumable", "1.0.0")
        .header("sec-fetch-site", "same-origin")
        .header("upload-length", length.to_string())
        .header("upload-metadata", meta);
    if let Some(cookie) = &who.cookie {
        request = request.header("cookie", cookie);
    }
    if !first.is_empty() {
        request = request.header("content-type", "application/offset+octet-stream");
    }
    request.body(Body::from(first)).expect("request")
}

pub async fn fetch(world: &World, who: &Browser<'_>, path: &str) -> super::Reply {
    fetch_with(world, who, path, &[]).await
}

/// A GET by `who` with `headers` (a `range`, say).
pub async fn fetch_with(
    world: &World,
    who: &Browser<'_>,
    path: &str,
    headers: &[(&str, &str)],
) -> super::Reply {
    let mut request = Request::get(path);
    if let Some(cookie) = &who.cookie {
        request = request.header("cookie", cookie);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    world
        .portal
        .send(request.body(Body::empty()).expect("request"))
        .await
}

/// What has been shared on the world's matter that `who` may open.
pub async fn shares_on(who: &mut Browser<'_>, world: &World) -> Vec<app::shares::ShareView> {
    let reply = who
        .call("/api/shares/list", &[("matter_id", &world.matter)])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice(&reply.body).expect("shares")
}

pub struct Live {
    body: axum::body::BodyDataStream,
    buffer: String,
}

impl Live {
    pub async fn open(router: axum::Router, who: &Browser<'_>, matter: &str) -> Self {
        let mut request = Request::get(format!("/events?matter={matter}"));
        if let Some(cookie) = &who.cookie {
            request = request.header("cookie", cookie);
        }
        let response =
            tower::ServiceExt::oneshot(router, request.body(Body::empty()).expect("request"))
                .await
                .expect("router answers");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "a Server-Sent Events stream"
        );
        Self {
            body: response.into_body().into_data_stream(),
            buffer: String::new(),
        }
    }

    /// Reads until the server ends the stream.
    /// Reads until the server ends the stream, which must happen within 30 seconds (keep-alive
    /// comments do not buy more time).
    pub async fn ended(&mut self) {
        use futures_util::StreamExt;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while let Some(frame) = tokio::time::timeout_at(deadline, self.body.next())
            .await
            .expect("the stream ends")
        {
            frame.expect("a frame");
        }
    }

    /// The next change (keep-alive comments are skipped). The timeout only keeps a broken
    /// build from hanging the suite.
    pub async fn next(&mut self) -> app::live::Told {
        use futures_util::StreamExt;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if block.contains("event: change")
                    && let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: "))
                {
                    return serde_json::from_str(data).expect("a change as told");
                }
                continue;
            }
            let frame = tokio::time::timeout(std::time::Duration::from_secs(30), self.body.next())
                .await
                .expect("a change arrives")
                .expect("the stream stays open")
                .expect("a frame");
            self.buffer.push_str(&String::from_utf8_lossy(&frame));
        }
    }
}

/// A folder in the matter's tree (in `parent`, or at the top); its id.
pub async fn mkdir(
    ada: &mut Browser<'_>,
    world: &World,
    parent: Option<&str>,
    name: &str,
) -> String {
    let mut form = vec![("matter_id", world.matter.as_str()), ("name", name)];
    if let Some(p) = parent {
        form.push(("parent_id", p));
    }
    let reply = ada.call("/api/files/folders/create", &form).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    serde_json::from_slice::<app::files::FolderEntry>(&reply.body)
        .expect("folder")
        .id
        .to_string()
}
