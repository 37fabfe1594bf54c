//! Small pieces of UI shared by every domain.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TopBar() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <img src="/favicon.svg" alt="" width="28" height="28"/>
                <span>"Dossier"</span>
            </a>
            <nav class="topbar-account">
                <crate::accounts::AccountMenu/>
            </nav>
        </header>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"This page does not exist or is no longer available to you."</p>
            <p><a href="/">"Go to the home page"</a></p>
        </section>
    }
}

/// What a page shows when what it is about cannot be shown: the sentence, and on the server the
/// error's status, so a matter, conversation or share that does not exist (or is not the
/// reader's) answers 404, not 200. Its route renders asynchronously, so the status is known
/// before the first byte is sent.
#[component]
pub fn PageError(error: crate::AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
        && status.is_client_error()
    {
        res.set_status(status);
    }
    view! { <ErrorNote message=error.to_string()/> }
}

/// Whether this server function was called by a plain HTML form (posted before the Wasm arrived,
/// or with scripts off) rather than by the front end, which asks for JSON.
#[cfg(feature = "ssr")]
pub fn plain_form() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sends a plain HTML form's browser on to `location` (a path of this site), 303 so that it
/// loads the page with a GET; the front end's own calls are not touched. Without this a plain
/// form returns to the page it came from.
#[cfg(feature = "ssr")]
pub fn after_plain_form(location: &'static str) {
    if !plain_form() {
        return;
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::SEE_OTHER);
        res.insert_header(
            http::header::LOCATION,
            http::HeaderValue::from_static(location),
        );
    }
}

/// True once the Wasm has taken over the page; controls that need it stay disabled until then.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// A sentence for the person, from any server function result.
#[component]
pub fn ErrorNote(message: String) -> impl IntoView {
    view! { <p class="error" role="alert">{message}</p> }
}

/// The error sentence of an action's last result, if it failed.
pub fn error_of<T, S>(value: S) -> impl Fn() -> Option<AnyView> + Copy
where
    S: Get<Value = Option<Result<T, crate::AppError>>> + Copy + 'static,
{
    move || match value.get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }.into_any()),
        _ => None,
    }
}

/// Brings the element with this id into view (in the browser; nothing on the server).
pub fn scroll_to(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = document().get_element_by_id(id) {
        element.scroll_into_view();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
