//! The real binary killed with SIGKILL in the middle of an upload: after a restart nothing
//! partial is visible, the upload resumes from the last committed offset, and the finished file
//! has the right SHA-256; nothing the cut-off request wrote is left behind.

use std::{
    io::Write,
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "correct horse battery staple";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn dossier(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("DOSSIER_DATA_DIR", dir.join("data"));
    cmd
}

fn serve(dir: &Path, port: u16) -> Child {
    let child = dossier(dir)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("DOSSIER_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dossier");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "dossier did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Client {
    fn req(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("tus-resumable", "1.0.0")
    }

    async fn offset(&self, url: &str) -> u64 {
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

    async fn patch(&self, url: &str, offset: u64, bytes: &[u8]) -> reqwest::Response {
        self.req(reqwest::Method::PATCH, url)
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", offset.to_string())
            .body(bytes.to_vec())
            .send()
            .await
            .expect("PATCH")
    }

    async fn documents(&self, matter: &str) -> usize {
        let reply = self
            .req(reqwest::Method::POST, "/api/files/list")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("matter_id={matter}"))
            .send()
            .await
            .expect("list");
        let view: app::files::FolderView =
            serde_json::from_slice(&reply.bytes().await.expect("body")).expect("folder json");
        view.documents.len()
    }
}

#[tokio::test]
async fn sigkill_mid_upload_leaves_nothing_partial_and_the_upload_resumes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let made = dossier(dir.path())
        .args([
            "admin",
            "create",
            "--email",
            "ada@firm.example",
            "--name",
            "Ada",
        ])
        .env("DOSSIER_ADMIN_PASSWORD", PASSWORD)
        .output()
        .expect("admin create");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = free_port();
    let mut server = serve(dir.path(), port);

    // No kept-alive connections: the server behind them gets killed.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    let base = format!("http://127.0.0.1:{port}");
    let signed_in = http
        .post(format!("{base}/api/accounts/sign-in"))
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "email=ada%40firm.example&password={}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .expect("sign in");
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("dossier_session=") || c.starts_with("__Host-dossier_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let client = Client { http, base, cookie };
    let matter: app::matters::MatterSummary = serde_json::from_slice(
        &client
            .req(reqwest::Method::POST, "/api/matters/create")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("number=K-1&name=Killed")
            .send()
            .await
            .expect("create matter")
            .bytes()
            .await
            .expect("body"),
    )
    .expect("matter json");
    let matter = matter.id.to_string();

    let file: Vec<u8> = (0..12_000_000u32).map(|i| (i % 251) as u8).collect();
    let created = client
        .req(reqwest::Method::POST, "/uploads")
        .header("upload-length", file.len().to_string())
        .header(
            "upload-metadata",
            format!(
                "filename {},matter {}",
                BASE64.encode("killed.bin"),
                BASE64.encode(&matter)
            ),
        )
        .send()
        .await
        .expect("create upload");
    assert_eq!(created.status(), 201);
    let url = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert_eq!(
        client.patch(&url, 0, &file[..4_000_000]).await.status(),
        204
    );

    // The next request is cut short by SIGKILL: half its bytes are on the wire.
    let mut wire = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        wire,
        "PATCH {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {}\r\nSec-Fetch-Site: same-origin\r\n\
         Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: 4000000\r\n\
         Content-Length: 8000000\r\n\r\n",
        client.cookie
    )
    .expect("headers");
    wire.write_all(&file[4_000_000..8_000_000])
        .expect("half the body");
    wire.flush().expect("flush");
    std::thread::sleep(Duration::from_millis(1500));
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    drop(wire);

    let mut server = serve(dir.path(), port);
    assert_eq!(
        client.documents(&matter).await,
        0,
        "nothing partial is visible"
    );
    let offset = client.offset(&url).await;
    assert_eq!(
        offset, 4_000_000,
        "the request in flight was lost, nothing else"
    );
    let reply = client.patch(&url, offset, &file[offset as usize..]).await;
    assert_eq!(reply.status(), 204);
    let document = reply.headers()["dossier-document"]
        .to_str()
        .expect("id")
        .to_string();
    assert_eq!(client.documents(&matter).await, 1);
    let body = client
        .req(reqwest::Method::GET, &format!("/files/{document}/download"))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("body");
    assert_eq!(
        hex::encode(Sha256::digest(&body)),
        hex::encode(Sha256::digest(&file))
    );
    // Nothing stray stays next to the finished file's parts.
    let parts = std::fs::read_dir(
        dir.path()
            .join("data/files/blobs")
            .join(url.trim_start_matches("/uploads/")),
    )
    .expect("blob folder")
    .count();
    assert_eq!(parts, 2, "two committed parts, nothing else");
    // Nor in the scratch folder, where the cut-off request's bytes were being written.
    let scratch: Vec<_> = std::fs::read_dir(dir.path().join("data/files/.incoming"))
        .expect("scratch folder")
        .collect();
    assert!(
        scratch.is_empty(),
        "left in the scratch folder: {scratch:?}"
    );
    let _ = server.kill();
    let _ = server.wait();
}
