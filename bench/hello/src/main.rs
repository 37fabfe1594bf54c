//! The benchmarks' anchor: axum's hello-world (a 60-byte HTML page) on the address given as
//! the only argument, so that Dossier's pages are measured against what axum itself can do on
//! the same machine in the same run.

use axum::{Router, response::Html, routing::get};

const PAGE: &str = "<!doctype html><title>Hello</title><p>Hello, world!</p>\n\n\n\n\n";

#[tokio::main]
async fn main() {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3999".into());
    let app = Router::new().route("/", get(|| async { Html(PAGE) }));
    let listener = match tokio::net::TcpListener::bind(&listen).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("hello: cannot listen on {listen}: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("hello: {e}");
        std::process::exit(1);
    }
}
