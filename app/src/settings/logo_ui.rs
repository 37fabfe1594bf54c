//! The logo in Settings: the one now in use, a file to choose in its place, and removal. The
//! image goes to `/brand/logo` as it is (PUT, its bytes the body); the page then reloads, so the
//! header shows the new one.

use leptos::prelude::*;

use super::brand::Brand;
#[cfg(feature = "hydrate")]
use super::brand::LOGO_PATH;
use crate::{testid, ui::hydrated};

#[component]
pub fn LogoSetting() -> impl IntoView {
    let ready = hydrated();
    let current = Brand::current().logo_url();
    let has_logo = current.is_some();
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let send = move |method: &'static str| {
        #[cfg(feature = "hydrate")]
        {
            let file = input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|files| files.get(0));
            if method == "PUT" && file.is_none() {
                return;
            }
            problem.set(None);
            busy.set(true);
            leptos::task::spawn_local(async move {
                match request(method, file).await {
                    Ok(()) => {
                        let _ = window().location().reload();
                    }
                    Err(sentence) => problem.set(Some(sentence)),
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (method, problem, busy);
    };
    view! {
        <div class="logo-setting" data-testid=testid::LOGO_SETTING>
            <span class="label">{crate::text::LOGO}</span>
            {current.map(|src| view! { <img class="logo-preview" src=src alt=crate::text::THE_FIRMS_LOGO_NOW_IN_USE/> })}
            <input type="file" accept="image/png,image/jpeg,image/webp" class="sr-only" node_ref=input
                data-testid=testid::LOGO_INPUT aria-label=crate::text::CHOOSE_A_LOGO on:change=move |_| send("PUT")/>
            <div class="actions">
                <button type="button" class="button secondary small" disabled=move || !ready.get() || busy.get()
                    on:click=move |_| { if let Some(i) = input.get() { i.click(); } }>
                    {if has_logo { crate::text::CHOOSE_ANOTHER_LOGO } else { crate::text::CHOOSE_A_LOGO_2 }}
                </button>
                {has_logo.then(|| view! {
                    <button type="button" class="button secondary small" data-testid=testid::REMOVE_LOGO
                        disabled=move || !ready.get() || busy.get() on:click=move |_| send("DELETE")>{crate::text::REMOVE_THE_LOGO}</button>
                })}
            </div>
            <p class="hint">{crate::text::PNG_JPEG_OR_WEBP_UP_TO}</p>
            {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid=testid::LOGO_ERROR>{p}</p> })}
        </div>
    }
}

/// Sends the logo (PUT) or removes it (DELETE); the server's sentence when it refuses.
#[cfg(feature = "hydrate")]
async fn request(method: &str, file: Option<web_sys::File>) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let unreachable = || crate::text::THE_PORTAL_COULD_NOT_BE_REACHED_2.to_string();
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(file) = &file {
        init.set_body(file);
    }
    let response = JsFuture::from(window().fetch_with_str_and_init(LOGO_PATH, &init))
        .await
        .map_err(|_| unreachable())?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| unreachable())?;
    if response.ok() {
        return Ok(());
    }
    let said = match response.text() {
        Ok(text) => JsFuture::from(text).await.ok().and_then(|t| t.as_string()),
        Err(_) => None,
    };
    Err(said
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| crate::text::the_logo_was_not_changed_error(&response.status())))
}
