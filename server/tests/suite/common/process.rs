//! The real `dossier` binary as a separate process, and a client speaking to it over TCP: for
//! what only a process shows (killing it, two nodes, subcommands, what it logs).

use std::{
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The settings every run of the binary gets; nothing is inherited from the test's environment.
#[derive(Clone, Debug, Default)]
pub struct Env(pub Vec<(String, String)>);

impl Env {
    pub fn data_dir(dir: &Path) -> Self {
        Self(vec![("DOSSIER_DATA_DIR".into(), dir.display().to_string())])
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.into(), value.to_string()));
        self
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
        cmd.env_clear().env("PATH", "/usr/bin:/bin");
        for (name, value) in &self.0 {
            cmd.env(name, value);
        }
        cmd
    }

    /// Runs a subcommand to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run dossier")
    }

    pub fn create_admin(&self, email: &str, password: &str) {
        let made = self
            .command()
            .args(["admin", "create", "--email", email, "--name", "Ada"])
            .env("DOSSIER_ADMIN_PASSWORD", password)
            .output()
            .expect("admin create");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    }
}

/// A running server; killed when dropped.
pub struct Node {
    pub child: Child,
    pub port: u16,
    pub base: String,
    /// Its standard error (the log).
    pub log: PathBuf,
}

impl Node {
    pub fn start(env: &Env, log: &Path) -> Self {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let child = env
            .clone()
            .with("DOSSIER_LISTEN", format!("127.0.0.1:{port}"))
            .with("DOSSIER_PUBLIC_URL", &base)
            .command()
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("log file"))
            .spawn()
            .expect("start dossier");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "dossier did not start: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            port,
            base,
            log: log.to_path_buf(),
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in browser, as far as the server can tell.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: String,
}

impl Client {
    pub async fn sign_in(base: &str, email: &str, password: &str) -> Self {
        // No kept-alive connections: the server behind them may be killed.
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let signed_in = http
            .post(format!("{base}/api/accounts/sign-in"))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!(
                "email={}&password={}",
                super::urlencode(email),
                super::urlencode(password)
            ))
            .send()
            .await
            .expect("sign in");
        assert_eq!(signed_in.status(), 200, "sign-in");
        let cookie = signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("dossier_session=") || c.starts_with("__Host-dossier_session="))
            .and_then(|c| c.split(';').next())
            .expect("session cookie")
            .to_string();
        Self {
            http,
            base: base.into(),
            cookie,
        }
    }

    /// The same session, sent to another node.
    pub fn to(&self, base: &str) -> Self {
        Self {
            base: base.into(),
            ..self.clone()
        }
    }

    pub fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("tus-resumable", "1.0.0")
    }

    /// A server function; the reply's status and body.
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> (u16, Vec<u8>) {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{}={}", super::urlencode(k), super::urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let reply = self
            .req(reqwest::Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("server function");
        let status = reply.status().as_u16();
        (status, reply.bytes().await.expect("body").to_vec())
    }

    pub async fn call_ok<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> T {
        let (status, body) = self.call(path, form).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json reply")
    }

    /// Starts a tus upload into the matter's top folder; its URL.
    pub async fn start_upload(&self, matter: &str, name: &str, length: usize) -> String {
        let created = self
            .req(reqwest::Method::POST, "/uploads")
            .header("upload-length", length.to_string())
            .header(
                "upload-metadata",
                format!(
                    "filename {},matter {}",
                    BASE64.encode(name),
                    BASE64.encode(matter)
                ),
            )
            .send()
            .await
            .expect("create upload");
        assert_eq!(created.status(), 201, "upload created");
        created.headers()["location"]
            .to_str()
            .expect("location")
            .to_string()
    }

    pub async fn offset(&self, url: &str) -> u64 {
        let reply = self
            .req(reqwest::Method::HEAD, url)
            .send()
            .await
            .expect("HEAD");
        assert_eq!(reply.status(), 200);
        reply.headers()["upload-offset"]
            .to_str()
            .expect("offset")
            .parse()
            .expect("number")
    }

    pub async fn patch(&self, url: &str, offset: u64, bytes: &[u8]) -> reqwest::Response {
        self.req(reqwest::Method::PATCH, url)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .body(bytes.to_vec())
            .send()
            .await
            .expect("PATCH")
    }

    /// Uploads a whole file in one request; the new document's id.
    pub async fn upload(&self, matter: &str, name: &str, bytes: &[u8]) -> String {
        let url = self.start_upload(matter, name, bytes.len()).await;
        let reply = self.patch(&url, 0, bytes).await;
        assert_eq!(reply.status(), 204, "upload finished");
        reply.headers()["dossier-document"]
            .to_str()
            .expect("id")
            .to_string()
    }

    pub async fn download(&self, document: &str) -> Vec<u8> {
        let reply = self
            .req(reqwest::Method::GET, &format!("/files/{document}/download"))
            .send()
            .await
            .expect("download");
        assert_eq!(reply.status(), 200, "download");
        reply.bytes().await.expect("body").to_vec()
    }
}

/// A file of `len` bytes that differs with `seed`.
pub fn file_bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i % 251) as u8).wrapping_mul(seed | 1).wrapping_add(seed))
        .collect()
}
