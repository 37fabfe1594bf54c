//! The real binary killed with SIGKILL in the middle of an upload: after a restart nothing
//! partial is visible, the upload resumes from the last committed offset, and the finished file
//! has the right SHA-256; nothing the cut-off request wrote is left behind.

use crate::common;

use std::{io::Write, net::TcpStream, time::Duration};

use common::process::{Client, Env, Node};
use sha2::{Digest, Sha256};

async fn documents(client: &Client, matter: &str) -> usize {
    let view: app::files::FolderView = client
        .call_ok("/api/files/list", &[("matter_id", matter)])
        .await;
    view.documents.len()
}

#[tokio::test]
async fn sigkill_mid_upload_leaves_nothing_partial_and_the_upload_resumes() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let env = Env::data_dir(&data);
    env.create_admin("ada@firm.example", common::PASSWORD);
    let mut server = Node::start(&env, &dir.path().join("first.log"));
    let client = Client::sign_in(&server.base, "ada@firm.example", common::PASSWORD).await;
    let matter: app::matters::MatterSummary = client
        .call_ok(
            "/api/matters/create",
            &[("number", "K-1"), ("name", "Killed")],
        )
        .await;
    let matter = matter.id.to_string();

    let file: Vec<u8> = (0..12_000_000u32).map(|i| (i % 251) as u8).collect();
    let url = client.start_upload(&matter, "killed.bin", file.len()).await;
    assert_eq!(
        client.patch(&url, 0, &file[..4_000_000]).await.status(),
        204
    );

    // The next request is cut short by SIGKILL: half its bytes are on the wire.
    let port = server.port;
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
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    drop(wire);

    let server = Node::start(&env, &dir.path().join("second.log"));
    let client = client.to(&server.base);
    assert_eq!(
        documents(&client, &matter).await,
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
    assert_eq!(documents(&client, &matter).await, 1);
    let body = client.download(&document).await;
    assert_eq!(
        hex::encode(Sha256::digest(&body)),
        hex::encode(Sha256::digest(&file))
    );
    // Nothing stray stays next to the finished file's parts.
    let parts = std::fs::read_dir(
        data.join("files/blobs")
            .join(url.trim_start_matches("/uploads/")),
    )
    .expect("blob folder")
    .count();
    assert_eq!(parts, 2, "two committed parts, nothing else");
    // Nor in the scratch folder, where the cut-off request's bytes were being written.
    let scratch: Vec<_> = std::fs::read_dir(data.join("files/.incoming"))
        .expect("scratch folder")
        .collect();
    assert!(
        scratch.is_empty(),
        "left in the scratch folder: {scratch:?}"
    );
    drop(server);
}
