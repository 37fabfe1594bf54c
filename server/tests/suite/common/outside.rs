//! The edge of the world we do not own, as real local servers speaking the real protocols: an SMTP
//! server that keeps what it receives, and an SMS gateway speaking Twilio's Messages API.

use std::sync::{Arc, Mutex};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The whole message as sent: headers, blank line, body (transfer-encoded).
    pub data: String,
}

impl Mail {
    /// The body with quoted-printable soft line breaks and `=3D` undone, enough to find a link.
    pub fn text(&self) -> String {
        self.data.replace("=\r\n", "").replace("=3D", "=")
    }

    /// The first link in the message that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let at = text.find(prefix)?;
        Some(
            text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect(),
        )
    }
}

/// An SMTP server on loopback that accepts every message and keeps it.
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = session(stream, kept).await;
                });
            }
        });
        Self { port, mails, task }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Mail> {
        self.mails.lock().expect("mails").clone()
    }

    /// Forgets what arrived so far.
    pub fn clear(&self) {
        self.mails.lock().expect("mails").clear();
    }

    /// Stops accepting connections (the mail server is down).
    pub fn stop(&self) {
        self.task.abort();
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<Mail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = command[10..].trim().to_string();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(command[8..].trim().trim_matches(['<', '>']).to_string());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Dot-stuffing (RFC 5321 4.5.2).
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            kept.lock().expect("mails").push(Mail {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

#[derive(Debug, Clone)]
pub struct Text {
    pub to: String,
    pub from: String,
    pub body: String,
    pub authorization: String,
}

/// A Twilio-compatible SMS gateway on loopback: `POST /2010-04-01/Accounts/{sid}/Messages.json`
/// with a form body (To, From, Body) and HTTP basic authentication.
pub struct SmsGateway {
    pub port: u16,
    pub texts: Arc<Mutex<Vec<Text>>>,
}

impl SmsGateway {
    pub async fn start() -> Self {
        use axum::{Form, Router, http::HeaderMap, routing::post};
        let texts = Arc::new(Mutex::new(Vec::new()));
        let kept = texts.clone();
        let app = Router::new().route(
            "/2010-04-01/Accounts/{sid}/Messages.json",
            post(
                move |headers: HeaderMap,
                      Form(form): Form<std::collections::HashMap<String, String>>| {
                    let kept = kept.clone();
                    async move {
                        let field = |k: &str| form.get(k).cloned().unwrap_or_default();
                        kept.lock().expect("texts").push(Text {
                            to: field("To"),
                            from: field("From"),
                            body: field("Body"),
                            authorization: headers
                                .get("authorization")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string(),
                        });
                        (
                            axum::http::StatusCode::CREATED,
                            axum::Json(serde_json::json!({"sid": "SM1", "status": "queued"})),
                        )
                    }
                },
            ),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sms");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { port, texts }
    }

    pub fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/2010-04-01/Accounts/AC123/Messages.json",
            self.port
        )
    }

    pub fn received(&self) -> Vec<Text> {
        self.texts.lock().expect("texts").clone()
    }
}

/// What a push service received for one device, decrypted as the browser would.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub device: String,
    /// The VAPID key that signed it (base64url), checked against the signature.
    pub signed_by: String,
    pub ttl: String,
    /// The plaintext, JSON as the service worker reads it.
    pub payload: serde_json::Value,
}

/// A Web Push service on loopback (RFC 8030): `POST /push/{device}` with an aes128gcm body
/// (RFC 8188, 8291) and a VAPID `Authorization` (RFC 8292). It checks the signature and its
/// audience, decrypts with the device's keys, and answers 201; a device it does not know (or no
/// longer knows) gets 410 Gone, as real push services answer an expired subscription.
pub struct PushService {
    pub port: u16,
    pushed: Arc<Mutex<Vec<Pushed>>>,
    devices:
        Arc<Mutex<std::collections::HashMap<String, (p256::SecretKey, web_push_native::Auth)>>>,
}

use web_push_native::p256;

/// A browser's subscription to the push service: what `pushManager.subscribe` hands the page.
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl Subscription {
    /// The form `/api/account/push/subscribe` takes, as a browser fills it.
    pub fn form(&self) -> [(&str, &str); 3] {
        [
            ("endpoint", &self.endpoint),
            ("p256dh", &self.p256dh),
            ("auth", &self.auth),
        ]
    }
}

impl PushService {
    pub async fn start() -> Self {
        use axum::{
            Router,
            body::Bytes,
            extract::Path,
            http::{HeaderMap, StatusCode},
            routing::post,
        };
        let pushed = Arc::new(Mutex::new(Vec::new()));
        let devices = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let (kept, known) = (pushed.clone(), devices.clone());
        let app = Router::new().route(
            "/push/{device}",
            post(
                move |Path(device): Path<String>, headers: HeaderMap, body: Bytes| {
                    let (kept, known) = (kept.clone(), known.clone());
                    async move {
                        let keys = known.lock().expect("devices").get(&device).cloned();
                        let Some((secret, auth)) = keys else {
                            return StatusCode::GONE;
                        };
                        let header = |k: &str| {
                            headers
                                .get(k)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or_default()
                                .to_string()
                        };
                        if header("content-encoding") != "aes128gcm" || header("ttl").is_empty() {
                            return StatusCode::BAD_REQUEST;
                        }
                        let Some(signed_by) = vapid(&header("authorization")) else {
                            return StatusCode::UNAUTHORIZED;
                        };
                        let Ok(plain) = web_push_native::decrypt(body.to_vec(), &secret, &auth)
                        else {
                            return StatusCode::BAD_REQUEST;
                        };
                        let Ok(payload) = serde_json::from_slice(&plain) else {
                            return StatusCode::BAD_REQUEST;
                        };
                        kept.lock().expect("pushed").push(Pushed {
                            device,
                            signed_by,
                            ttl: header("ttl"),
                            payload,
                        });
                        StatusCode::CREATED
                    }
                },
            ),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind push");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            port,
            pushed,
            devices,
        }
    }

    /// A new device's subscription (its keys made from `seed`).
    pub fn subscribe(&self, device: &str, seed: u8) -> Subscription {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let secret = p256::SecretKey::from_slice(&[seed; 32]).expect("a key");
        let auth = web_push_native::Auth::clone_from_slice(&[seed.wrapping_add(1); 16]);
        let public = secret.public_key().to_encoded_point(false);
        self.devices
            .lock()
            .expect("devices")
            .insert(device.to_string(), (secret, auth));
        Subscription {
            endpoint: format!("http://127.0.0.1:{}/push/{device}", self.port),
            p256dh: URL_SAFE_NO_PAD.encode(public.as_bytes()),
            auth: URL_SAFE_NO_PAD.encode(auth),
        }
    }

    /// The device expired: its push service answers 410 from now on.
    pub fn expire(&self, device: &str) {
        self.devices.lock().expect("devices").remove(device);
    }

    pub fn received(&self) -> Vec<Pushed> {
        self.pushed.lock().expect("pushed").clone()
    }
}

/// The key of a valid `vapid t=<JWT>, k=<key>` header whose token that key signed for this
/// service (`aud`) with a contact (`sub`); `None` for anything else.
fn vapid(header: &str) -> Option<String> {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use web_push_native::jwt_simple::prelude::*;
    let rest = header.strip_prefix("vapid ")?;
    let mut token = None;
    let mut key = None;
    for part in rest.split(',').map(str::trim) {
        if let Some(t) = part.strip_prefix("t=") {
            token = Some(t);
        } else if let Some(k) = part.strip_prefix("k=") {
            key = Some(k);
        }
    }
    let (token, key) = (token?, key?);
    let public = ES256PublicKey::from_bytes(&URL_SAFE_NO_PAD.decode(key).ok()?).ok()?;
    let options = VerificationOptions {
        allowed_audiences: Some(HashSet::from_strings(&["http://127.0.0.1"])),
        ..Default::default()
    };
    let claims = public
        .verify_token::<NoCustomClaims>(token, Some(options))
        .ok()?;
    claims.subject.filter(|s| !s.is_empty())?;
    Some(key.to_string())
}
