//! The release binary alone in an empty folder: it creates its data folder, migrates, serves
//! the embedded site, prints the setup link, refuses bad settings in one sentence, and stops
//! cleanly on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

fn lone_copy(dir: &Path) -> PathBuf {
    let exe = dir.join("dossier");
    std::fs::copy(env!("CARGO_BIN_EXE_dossier"), &exe).expect("copy the binary");
    exe
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn command(exe: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(exe);
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin");
    cmd
}

struct Running {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Running {
    fn start(exe: &Path, dir: &Path, port: u16) -> Self {
        let mut child = command(exe, dir)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start dossier");
        let (tx, stderr) = mpsc::channel();
        let pipe = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, stderr }
    }

    fn lines_until(&self, needle: &str, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!(
            "{needle:?} not printed within {within:?}; printed:\n{}",
            seen.join("\n")
        );
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

#[tokio::test]
#[cfg_attr(
    debug_assertions,
    ignore = "the site is embedded only in release builds"
)]
async fn the_release_binary_runs_alone_from_an_empty_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let exe = lone_copy(dir.path());
    let port = free_port();
    let server = Running::start(&exe, dir.path(), port);
    let printed = server.lines_until("Dossier is ready", Duration::from_secs(60));
    assert!(
        printed
            .iter()
            .any(|l| l.contains(&format!("http://127.0.0.1:{port}/setup?token="))),
        "first run prints the setup link: {printed:?}"
    );
    assert!(
        dir.path().join("data/dossier.db").exists(),
        "data folder and database created"
    );
    // The firm's alone: the folder 0700, what the server writes in it 0600 (umask 077).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| {
            std::fs::metadata(dir.path().join(p))
                .expect("metadata")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("data"), 0o700);
        for file in ["data/dossier.db", "data/secret.key"] {
            assert_eq!(mode(file), 0o600, "{file}");
        }
    }

    let base = format!("http://127.0.0.1:{port}");
    let health = get(&format!("{base}/healthz")).await;
    assert_eq!(health.status(), 200);
    let home = get(&format!("{base}/")).await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.expect("html");
    let wasm = html
        .split('"')
        .find(|s| s.starts_with("/pkg/") && s.ends_with(".wasm"))
        .expect("page names the hashed wasm")
        .to_string();
    let wasm = get(&format!("{base}{wasm}")).await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    // SIGTERM: the server finishes and exits successfully.
    let mut server = server;
    let killed = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    assert!(killed.expect("kill").success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "did not stop within 15 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[test]
fn a_wrong_setting_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let exe = lone_copy(dir.path());
    for (key, value, needle) in [
        (
            "DATABASE_URL",
            "mysql://db/dossier",
            "DATABASE_URL must start with",
        ),
        (
            "DOSSIER_PUBLIC_URL",
            "portal.firm.example",
            "DOSSIER_PUBLIC_URL must be",
        ),
        ("DOSSIER_STORAGE", "s3", "DOSSIER_S3_ENDPOINT is required"),
        (
            "DOSSIER_TIME_ZONE",
            "Mars/Olympus_Mons",
            "DOSSIER_TIME_ZONE must be a time zone's IANA name",
        ),
    ] {
        let out = command(&exe, dir.path())
            .env(key, value)
            .arg("migrate")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{key}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{key}: one sentence, got {stderr}");
        assert!(
            lines[0].starts_with("dossier: ") && lines[0].contains(needle),
            "{stderr}"
        );
    }
}

#[test]
fn help_lists_every_setting_with_its_environment_variable() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = command(&lone_copy(dir.path()), dir.path())
        .arg("--help")
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "DOSSIER_LISTEN",
        "DOSSIER_PUBLIC_URL",
        "DOSSIER_DATA_DIR",
        "DATABASE_URL",
        "DOSSIER_STORAGE",
        "DOSSIER_S3_ENDPOINT",
        "DOSSIER_S3_BUCKET",
        "DOSSIER_S3_REGION",
        "DOSSIER_S3_ACCESS_KEY_ID",
        "DOSSIER_S3_SECRET_ACCESS_KEY",
        "DOSSIER_SECRET_KEY",
        "DOSSIER_TIME_ZONE",
    ] {
        assert!(help.contains(var), "--help names {var}:\n{help}");
    }
}

#[test]
fn admin_create_makes_the_first_administrator_without_a_browser() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let exe = lone_copy(dir.path());
    let create = |email: &str| {
        command(&exe, dir.path())
            .env("DOSSIER_ADMIN_PASSWORD", "correct horse battery staple")
            .args([
                "admin",
                "create",
                "--email",
                email,
                "--name",
                "Ada Lovelace",
            ])
            .output()
            .expect("run")
    };
    let out = create("Ada@Firm.example");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ada@firm.example"));
    let again = create("ada@firm.example");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    // With an administrator, no more setup links.
    let link = command(&exe, dir.path())
        .arg("setup-link")
        .output()
        .expect("run");
    assert_eq!(link.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&link.stderr).contains("already has an administrator"));
}
