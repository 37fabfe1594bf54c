//! The front end (Wasm, JS, CSS, `public/`), embedded in the release binary so a firm copies one
//! file. Debug builds read the same folder from disk, so `cargo leptos build` must run first.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use rust_embed::Embed;

use app::state::SiteAssets;

#[derive(Embed)]
#[folder = "$CARGO_MANIFEST_DIR/../target/site"]
#[allow_missing = true]
struct Site;

const PKG: &str = "pkg/";

/// Finds the hashed names cargo-leptos gave the JS, Wasm and CSS of this build.
pub fn assets() -> Option<SiteAssets> {
    let find = |ext: &str| {
        Site::iter()
            .find(|path| {
                path.starts_with(PKG) && path.ends_with(ext) && !path[PKG.len()..].contains('/')
            })
            .map(|path| format!("/{path}"))
    };
    Some(SiteAssets {
        js: find(".js")?,
        wasm: find(".wasm")?,
        css: find(".css")?,
    })
}

/// The installed app's manifest in the firm's name and colour: `public/manifest.webmanifest` with
/// `name`, `short_name` and `theme_color` from the settings. Asked again on every start, so it
/// is never cached without a check.
pub fn manifest(brand: &app::settings::brand::Brand) -> Option<Response> {
    let file = Site::get("manifest.webmanifest")?;
    let mut manifest: serde_json::Value = serde_json::from_slice(&file.data).ok()?;
    let name = brand.name();
    // Under an icon on a home screen there is room for about 12 characters.
    let short = if name.chars().count() <= 12 {
        name.to_string()
    } else {
        name.split_whitespace()
            .next()
            .unwrap_or(name)
            .chars()
            .take(12)
            .collect()
    };
    manifest["name"] = name.into();
    manifest["description"] = app::text::APP_DESCRIPTION.into();
    manifest["short_name"] = short.into();
    manifest["theme_color"] = brand.accent().into();
    // A square PNG logo large enough is the installed app's icon, before the portal's own.
    if let (Some(logo), Some(src)) = (&brand.logo, brand.logo_url())
        && logo.content_type == "image/png"
        && logo.width == logo.height
        && logo.width >= app::settings::logo::ICON_SIDE
        && let Some(icons) = manifest["icons"].as_array_mut()
    {
        icons.insert(
            0,
            serde_json::json!({
                "src": src,
                "sizes": format!("{}x{}", logo.width, logo.height),
                "type": "image/png",
                "purpose": "any",
            }),
        );
    }
    Response::builder()
        .header(header::CONTENT_TYPE, "application/manifest+json")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(Body::from(serde_json::to_vec(&manifest).ok()?))
        .ok()
}

/// Serves an embedded file, precompressed when the browser accepts it; `None` if there is none.
pub fn serve(path: &str, request_headers: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.ends_with(".br") || path.ends_with(".gz") {
        return None;
    }
    let file = Site::get(path)?;
    // The offline page is filled in with its words, so it is never sent precompressed.
    let (mut body, hash, precompressed) = if path == OFFLINE_PAGE {
        use sha2::Digest;
        let page = offline_page(&file.data).into_bytes();
        let hash: [u8; 32] = sha2::Sha256::digest(&page).into();
        (page.into(), hash, false)
    } else {
        (file.data, file.metadata.sha256_hash(), true)
    };
    let etag = format!("\"{}\"", hex_prefix(&hash));
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, content_type(path))
        .header(header::ETAG, &etag)
        .header(header::VARY, "Accept-Encoding")
        .header(header::CACHE_CONTROL, cache_control(path));
    if let Some(csp) = own_policy(path) {
        response = response.header(header::CONTENT_SECURITY_POLICY, csp);
    }

    if request_headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return response
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .ok();
    }

    let accepts = request_headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    for (encoding, suffix) in [("br", ".br"), ("gzip", ".gz")] {
        if precompressed
            && accepts
                .split(',')
                .any(|e| e.trim().split(';').next() == Some(encoding))
            && let Some(compressed) = Site::get(&format!("{path}{suffix}"))
        {
            body = compressed.data;
            response = response.header(header::CONTENT_ENCODING, encoding);
            break;
        }
    }
    response.body(Body::from(body)).ok()
}

fn content_type(path: &str) -> HeaderValue {
    let mime = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        _ => {
            return HeaderValue::from_str(
                mime_guess::from_path(path).first_or_octet_stream().as_ref(),
            )
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        }
    };
    HeaderValue::from_static(mime)
}

/// Build output under `pkg/` carries a content hash in its name, so it never changes: cache it
/// for a year. The service worker is checked on every load, so an upgrade reaches installed
/// apps at once. Everything else may change with an upgrade.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with(PKG) {
        "public, max-age=31536000, immutable"
    } else if path == SERVICE_WORKER {
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

const SERVICE_WORKER: &str = "sw.js";
const OFFLINE_PAGE: &str = "offline.html";

/// `public/offline.html` with its words from `app::text` in place of its `{{NAME}}` marks.
fn offline_page(template: &[u8]) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut page = String::from_utf8_lossy(template).into_owned();
    for (mark, words) in [
        ("{{OFFLINE_TITLE}}", app::text::OFFLINE_TITLE),
        ("{{YOU_ARE_OFFLINE}}", app::text::YOU_ARE_OFFLINE),
        ("{{OFFLINE_EXPLAINED}}", app::text::OFFLINE_EXPLAINED),
        ("{{TRY_AGAIN}}", app::text::TRY_AGAIN),
    ] {
        page = page.replace(mark, &escape(words));
    }
    page
}

/// The two static files that run or render something get a policy of their own; everything
/// else gets the server's "run nothing" policy. The service worker's policy governs its own
/// requests, so it may reach this origin; the offline page may use its inline style and icon.
fn own_policy(path: &str) -> Option<&'static str> {
    match path {
        SERVICE_WORKER => Some("default-src 'self'; frame-ancestors 'none'"),
        OFFLINE_PAGE => Some(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'",
        ),
        _ => None,
    }
}

fn hex_prefix(hash: &[u8]) -> String {
    hash.iter().take(12).map(|b| format!("{b:02x}")).collect()
}
