//! The HTML document around the app, rendered only on the server.

use leptos::prelude::*;
use leptos_meta::MetaTags;

use crate::{App, security, state::AppState};

pub fn shell(state: AppState) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let csp = security::page_csp(nonce.as_deref().unwrap_or_default());
        if let Ok(value) = http::HeaderValue::from_str(&csp) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
        // Pages may hold a person's matters: never store them in a shared or browser cache.
        res.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
    let assets = state.portal.assets.clone();
    let brand = state.brand.get(&state.db);
    // The firm's colour over the style sheet's; checked to be `#rrggbb` when it was saved.
    let accent = format!(":root{{--brand:{}}}", brand.accent());
    // The same loader as leptos' HydrationScripts, but pointed at the hashed files we embed.
    let loader = format!(
        "import({js:?}).then(m => m.default({{module_or_path: {wasm:?}}}).then(() => m.hydrate()));",
        js = assets.js,
        wasm = assets.wasm,
    );
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content=brand.accent().to_string()/>
                // The front end reads the firm's name from here (`Brand::provide`).
                <meta name="application-name" content=brand.name().to_string()/>
                {brand.logo.as_ref().map(|l| view! { <meta name=crate::settings::brand::LOGO_META content=l.version.clone()/> })}
                <meta name="referrer" content="same-origin"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="stylesheet" href=assets.css/>
                <style nonce=nonce.clone()>{accent}</style>
                <link rel="modulepreload" href=assets.js.clone()/>
                <link rel="preload" href=assets.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin=""/>
                <script type="module" nonce=nonce>{loader}</script>
                // The glue the file tree calls for uploads (it fetches tus-js-client, vendored,
                // MIT, with the first upload).
                <script src="/uploads.js" defer></script>
                // The service worker: installable app, offline page, nothing confidential cached.
                <script src="/pwa.js" defer></script>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}
