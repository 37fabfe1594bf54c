//! The browser security policy, in one place for pages and for every other response.

/// Content-Security-Policy of a rendered page: scripts only from this origin or carrying this
/// response's nonce, Wasm compilation allowed, nothing inline otherwise, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
         media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'; manifest-src 'self'; worker-src 'self'"
    )
}

/// Content-Security-Policy of everything that is not a page (files, JSON, errors): nothing runs.
pub const RESOURCE_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";
