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
