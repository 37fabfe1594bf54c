//! A real S3-compatible server on loopback for the storage tests: moto's server (PyPI
//! `moto[server]`, installed by ./dossier.sh), speaking the S3 protocol over HTTP.

use std::{
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use dossier::config::StorageConfig;

pub struct S3Server {
    child: Child,
    pub endpoint: String,
}

impl S3Server {
    pub fn start() -> Self {
        let exe = std::env::var("DOSSIER_TEST_MOTO").unwrap_or_else(|_| {
            format!(
                "{}/.cache/dossier/moto-5.2.5/bin/moto_server",
                std::env::var("HOME").unwrap_or_default()
            )
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&exe)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start the S3 test server {exe} ({e}); ./dossier.sh test installs it")
            });
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the S3 test server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A new, empty bucket, and the storage settings that use it.
    pub async fn bucket(&self, name: &str) -> StorageConfig {
        let reply = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("create bucket");
        assert!(
            reply.status().is_success(),
            "create bucket: {}",
            reply.status()
        );
        StorageConfig::S3 {
            endpoint: self.endpoint.clone(),
            bucket: name.into(),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
