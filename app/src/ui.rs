//! Small pieces of UI shared by every domain.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn TopBar() -> impl IntoView {
    let brand = crate::settings::brand::Brand::current();
    view! {
        <header class="topbar">
            <a class="brand" href="/" data-testid=crate::testid::BRAND>
                {match brand.logo_url() {
                    // The firm's name follows it: the image is decoration to a screen reader.
                    Some(src) => view! { <img class="brand-logo" src=src alt="" height="28" data-testid=crate::testid::BRAND_LOGO/> }.into_any(),
                    None => view! { <img src="/favicon.svg" alt="" width="28" height="28"/> }.into_any(),
                }}
                <span>{brand.name().to_string()}</span>
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
        <Title text=crate::text::PAGE_NOT_FOUND/>
        <section class="card narrow">
            <h1>{crate::text::PAGE_NOT_FOUND}</h1>
            <p>{crate::text::THIS_PAGE_DOES_NOT_EXIST_OR}</p>
            <p><a href="/">{crate::text::GO_TO_THE_HOME_PAGE}</a></p>
        </section>
    }
}

/// What a page shows when what it is about cannot be shown: the sentence, and on the server the
/// error's status, so a matter, conversation or share that does not exist (or is not the
/// reader's) answers 404, not 200. Its route renders asynchronously, so the status is known
/// before the first byte is sent. A signed-out visitor (a link from an email) signs in right
/// here and stays at the same address.
#[component]
pub fn PageError(error: crate::AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
        && status.is_client_error()
    {
        res.set_status(status);
    }
    if matches!(error, crate::AppError::Unauthenticated) {
        return view! { <crate::accounts::SignInHere/> }.into_any();
    }
    view! { <ErrorNote message=error.to_string()/> }.into_any()
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

/// Answers this server function with a 303 to `location`.
#[cfg(feature = "ssr")]
fn see_other(location: http::HeaderValue) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::SEE_OTHER);
        res.insert_header(http::header::LOCATION, location);
    }
}

/// Sends a plain HTML form's browser back to the page it came from (its `Referer`, a path of this
/// site: the server functions refuse other origins), with the query word `flag` set to `value`
/// when it is given and removed when it is not. The page turns the word into a fixed sentence:
/// never the server's text, which a crafted link could otherwise put on the page. Without a
/// usable `Referer` it goes to the page `otherwise`, if given, marked the same way.
#[cfg(feature = "ssr")]
pub fn back_from_plain_form(flag: &str, value: Option<&str>, otherwise: Option<&str>) {
    if !plain_form() {
        return;
    }
    let referer = use_context::<http::request::Parts>().and_then(|parts| {
        let referer = parts.headers.get(http::header::REFERER)?;
        referer.to_str().ok().map(str::to_owned)
    });
    let back = referer
        .and_then(|page| back_to(&page, flag, value))
        .or_else(|| back_to(otherwise?, flag, value))
        .and_then(|back| http::HeaderValue::from_str(&back).ok());
    if let Some(back) = back {
        see_other(back);
    }
}

/// The path and query of `referer` with `flag` set to `value` (removed if `None`); `None` if
/// it names no path of this site.
#[cfg(feature = "ssr")]
fn back_to(referer: &str, flag: &str, value: Option<&str>) -> Option<String> {
    let uri: http::Uri = referer.parse().ok()?;
    let path = uri.path();
    // A path of this site only (not `//host`, nor `/\host`, which browsers read as one).
    if !path.starts_with('/') || path.starts_with("//") || path.starts_with("/\\") {
        return None;
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
        if k != flag {
            query.append_pair(&k, &v);
        }
    }
    if let Some(value) = value {
        query.append_pair(flag, value);
    }
    let query = query.finish();
    Some(if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    })
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

/// A destructive action asked once: the first press puts the question in the button's place,
/// with the action again and "Cancel" (focus on the action; Escape or Cancel puts the button
/// back, focused); only the second press acts.
#[component]
pub fn AskFirst<F>(
    /// The button's words, said again on the one that acts ("Move to trash").
    #[prop(into)]
    label: String,
    /// What it will do, as a question ("Move “Lease.pdf” to the trash?").
    #[prop(into)]
    question: String,
    act: F,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] role: Option<&'static str>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    let asking = RwSignal::new(false);
    let first = NodeRef::<leptos::html::Button>::new();
    let yes = NodeRef::<leptos::html::Button>::new();
    // Focus follows the question: onto the action when it is asked, back when it is not.
    Effect::watch(
        move || asking.get(),
        move |asking, _, _| {
            let target = if *asking { yes.get() } else { first.get() };
            if let Some(button) = target {
                let _ = button.focus();
            }
        },
        false,
    );
    let cancel = move || asking.set(false);
    let group_label = question.clone();
    let again = label.clone();
    view! {
        <button type="button" class=class role=role data-testid=testid node_ref=first
            hidden=move || asking.get() disabled=move || disabled.get()
            on:click=move |_| asking.set(true)>{label}</button>
        // In the page only while asked: a list of fifty rows does not carry fifty questions.
        <Show when=move || asking.get()>
            <span class="ask" role="group" aria-label=group_label.clone()
                on:keydown=move |ev| if ev.key() == {crate::text::ESCAPE} {
                // Taken back here, not by a menu around it.
                ev.stop_propagation();
                cancel()
            }>
                <span class="ask-question">{question.clone()}</span>
                // In a menu, the answers are its items too.
                <button type="button" class="button small danger" node_ref=yes data-testid=crate::testid::CONFIRM role=role
                    disabled=move || disabled.get()
                    on:click={
                        let act = act.clone();
                        move |_| { asking.set(false); act(); }
                    }>{again.clone()}</button>
                <button type="button" class="button small secondary" data-testid=crate::testid::CANCEL role=role
                    on:click=move |_| cancel()>{crate::text::CANCEL}</button>
            </span>
        </Show>
    }
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::back_to;

    #[test]
    fn a_plain_form_goes_back_to_a_path_of_this_site_with_its_flag() {
        let page = "http://portal.example/matters/1?conversation=2";
        assert_eq!(
            back_to(page, "reply", Some("not-sent")).as_deref(),
            Some("/matters/1?conversation=2&reply=not-sent")
        );
        let flagged = "http://portal.example/matters/1?reply=not-sent&conversation=2";
        assert_eq!(
            back_to(flagged, "reply", None).as_deref(),
            Some("/matters/1?conversation=2")
        );
        assert_eq!(
            back_to("/sign-in", "reply", None).as_deref(),
            Some("/sign-in")
        );
        // The page a plain form goes to when its browser sent no Referer.
        assert_eq!(
            back_to("/sign-in", "step", Some("code")).as_deref(),
            Some("/sign-in?step=code")
        );
        for elsewhere in ["//evil.example/x", "/\\evil.example/x", "evil.example"] {
            assert_eq!(back_to(elsewhere, "reply", None), None, "{elsewhere}");
        }
    }
}
