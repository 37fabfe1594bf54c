//! The signed-out home page, rendered once per brand and then served from memory with a fresh
//! nonce. It is the one page anyone can ask for without a cookie, and it is the same for every
//! such visitor: what the portal is, in the firm's name. Rendering it each time cost a sixth of
//! what an axum hello-world costs; serving it from memory keeps a flood of anonymous requests
//! from taking the server's time away from the firm and its clients.
//!
//! Only a `GET /` with no cookie and no query is served this way, so nothing a person did can
//! be in it; it is rendered again when the firm's brand (name, colour, logo) changes, and at
//! least once a minute.

use std::sync::{Arc, RwLock};

use axum::{
    body::{Body, Bytes, to_bytes},
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

use app::{settings::brand::Brand, state::AppState};

/// The rendered page: its headers, and its body cut where the nonce stood.
struct Rendered {
    brand: Arc<Brand>,
    made: std::time::Instant,
    headers: HeaderMap,
    /// The body's pieces between the nonce's places.
    pieces: Vec<Bytes>,
}

#[derive(Clone, Default)]
pub struct FrontPage(Arc<RwLock<Option<Arc<Rendered>>>>);

/// The largest page kept: the front page is a few kilobytes.
const MAX_PAGE: usize = 256 * 1024;
/// Rendered again at least this often, so nothing a rendering caught in passing (the database
/// away for a moment, say) stays for long.
const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Serves the anonymous front page from memory, or passes the request on.
pub async fn serve(state: &AppState, cache: &FrontPage, request: Request, next: Next) -> Response {
    if !is_anonymous_front_page(&request) {
        return next.run(request).await;
    }
    let brand = state.brand.get(&state.db);
    let held = cache.0.read().ok().and_then(|held| held.clone());
    if let Some(rendered) = held.filter(|r| *r.brand == *brand && r.made.elapsed() < MAX_AGE) {
        return rendered.response();
    }
    let response = next.run(request).await;
    // Only a page to keep (not an error, no cookie set) is kept; anything else goes as it was.
    let Some(nonce) = keepable(&response) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, MAX_PAGE).await else {
        return app::AppError::internal("the front page could not be read").into_response();
    };
    let rendered = Arc::new(Rendered::new(parts.headers, body, &nonce, brand));
    if let Ok(mut held) = cache.0.write() {
        *held = Some(rendered.clone());
    }
    rendered.response()
}

fn is_anonymous_front_page(request: &Request) -> bool {
    request.method() == Method::GET
        && request.uri().path() == "/"
        && request.uri().query().is_none()
        && !request.headers().contains_key(header::COOKIE)
}

impl Rendered {
    fn new(headers: HeaderMap, body: Bytes, nonce: &str, brand: Arc<Brand>) -> Self {
        let mut pieces = Vec::new();
        let mut rest = body;
        while let Some(at) = find(&rest, nonce.as_bytes()) {
            pieces.push(rest.slice(..at));
            rest = rest.slice(at + nonce.len()..);
        }
        pieces.push(rest);
        Self {
            brand,
            made: std::time::Instant::now(),
            headers,
            pieces,
        }
    }

    /// The page with a nonce of its own, in its body and its policy.
    fn response(&self) -> Response {
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let mut body = Vec::with_capacity(self.pieces.iter().map(Bytes::len).sum::<usize>() + 256);
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        if let Ok(csp) = HeaderValue::from_str(&app::security::page_csp(&nonce)) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        response.headers_mut().remove(header::CONTENT_LENGTH);
        response
    }
}

/// The nonce of a page that can be kept: a 200 that sets no cookie and names its nonce.
fn keepable(response: &Response) -> Option<String> {
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return None;
    }
    let csp = response.headers().get(header::CONTENT_SECURITY_POLICY)?;
    nonce_in(csp.to_str().ok()?).map(str::to_owned)
}

/// The nonce a page's policy names.
fn nonce_in(csp: &str) -> Option<&str> {
    csp.split("'nonce-").nth(1)?.split('\'').next()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policys_nonce_is_found_and_cut_out_of_the_page() {
        let csp = app::security::page_csp("abc123");
        assert_eq!(nonce_in(&csp), Some("abc123"));
        assert_eq!(find(b"<script nonce=\"abc123\">", b"abc123"), Some(15));
        assert_eq!(find(b"nothing here", b"abc123"), None);
        assert_eq!(find(b"abc", b""), None);
    }
}
