//! Response headers on every response, and the cross-site request check in front of every
//! state-changing request (Leptos server functions have no CSRF protection of their own).

use axum::{
    extract::Request,
    http::{HeaderValue, Method, header},
    response::Response,
};

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;

use app::{AppError, policy::ClientIp, security::RESOURCE_CSP, state::AppState};

/// The headers every response carries.
pub fn set_headers(response: &mut Response, https: bool) {
    let h = response.headers_mut();
    // Pages set their own policy with a per-response nonce; everything else runs nothing.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(RESOURCE_CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // The document viewer allows its own page to frame it; nothing else is framed.
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key("cross-origin-resource-policy") {
        h.insert(
            "cross-origin-resource-policy",
            HeaderValue::from_static("same-origin"),
        );
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "geolocation=(), microphone=(), payment=(), usb=(), interest-cohort=()",
        ),
    );
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// Refuses a state-changing request that a browser says came from another site. Browsers send
/// `Sec-Fetch-Site` (and `Origin`) on every such request; clients that are not browsers send
/// neither and carry no ambient cookies, so they pass.
pub fn refuse_cross_site(request: &Request, public_url: &str) -> Result<(), AppError> {
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) && is_cross_site(request, public_url)
    {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site request");
        return Err(AppError::Forbidden(
            "This request came from another website and was refused. If you were using the \
             portal, reload the page and try again."
                .into(),
        ));
    }
    Ok(())
}

fn is_cross_site(request: &Request, public_url: &str) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    if origin == public_url {
        return false;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    !(host.is_some() && origin_host == host)
}

/// Resolves the client's address once, for throttling and the audit trail. `X-Forwarded-For` is
/// read right to left and believed only as far as it was written by our trusted proxies.
pub fn note_client(trusted: &[IpAddr], request: &mut Request) {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = peer.map(|peer| {
        if !trusted.contains(&peer) {
            return peer;
        }
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        forwarded
            .into_iter()
            .rev()
            .find(|hop| !trusted.contains(hop))
            .unwrap_or(peer)
    });
    request.extensions_mut().insert(ClientIp(ip));
    // Who is calling, and what it reads, are then worked out once for the request, however
    // many server functions a page renders with.
    request
        .extensions_mut()
        .insert(app::policy::RequestMemo::default());
}

/// Server functions anyone may call without signing in, besides sign-in itself (which has its own
/// limits): each costs a database look-up, some an email.
const ANONYMOUS_CALLS: &[&str] = &[
    "/api/accounts/setup",
    "/api/accounts/sign-in/link",
    "/api/accounts/sign-in/link/use",
    "/api/accounts/forgot-password",
    "/api/accounts/reset-password",
    "/api/invitations/details",
    "/api/invitations/accept",
];
/// Calls of them one IP may make in a quarter of an hour.
pub const ANONYMOUS_CALLS_PER_IP: app::limits::Rule =
    app::limits::Rule::new(60, chrono::Duration::minutes(15));

/// Limits the anonymous calls per client IP (reserved before the call runs, so parallel
/// requests cannot slip past), with a 429 and a sentence beyond.
/// Takes the request's parts, not the request: a body is not `Sync`, and this waits.
pub async fn limit_anonymous(
    state: &AppState,
    request: &axum::http::request::Parts,
) -> Result<(), AppError> {
    let path = request.uri.path();
    if !ANONYMOUS_CALLS.contains(&path) {
        return Ok(());
    }
    let Some(ClientIp(Some(ip))) = request.extensions.get::<ClientIp>().copied() else {
        return Ok(());
    };
    let key = format!("anonymous:{ip}");
    let budget = app::limits::Budget {
        scope: "anonymous",
        key: &key,
        rule: ANONYMOUS_CALLS_PER_IP,
        ip: None,
    };
    match app::limits::reserve(&state.db, budget).await {
        Ok(Ok(reservation)) => {
            reservation.keep();
            Ok(())
        }
        Ok(Err(e)) => Err(e.refusal("Too many requests came from your network")),
        Err(e) => Err(e),
    }
}
