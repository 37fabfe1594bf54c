//! People who sign in. For now: the first administrator, created from a one-time setup link.

pub mod api;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::{ErrorNote, hydrated};

/// Shortest password we accept; long passphrases beat composition rules (NIST SP 800-63B).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// `/setup?token=…`: the firm creates its first administrator account.
#[component]
pub fn SetupPage() -> impl IntoView {
    let ready = hydrated();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    let create = ServerAction::<api::CreateFirstAdmin>::new();
    let pending = create.pending();
    let done = move || matches!(create.value().get(), Some(Ok(())));
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        _ => None,
    };
    view! {
        <Title text="Set up your portal"/>
        <section class="card narrow">
            <Show
                when=done
                fallback=move || view! {
                    <h1>"Set up your portal"</h1>
                    <p>"Create the administrator account for your firm. The administrator adds staff and sets the firm's security policy."</p>
                    <ActionForm action=create attr:class="form" attr:data-testid="setup-form">
                        <input type="hidden" name="token" prop:value=token/>
                        <label>"Your name"
                            <input name="display_name" required autocomplete="name" maxlength="200"/>
                        </label>
                        <label>"Email"
                            <input name="email" type="email" required autocomplete="email" maxlength="320"/>
                        </label>
                        <label>{format!("Password (at least {MIN_PASSWORD_CHARS} characters)")}
                            <input name="password" type="password" required autocomplete="new-password"
                                minlength=MIN_PASSWORD_CHARS.to_string()/>
                        </label>
                        {error}
                        <button class="button" type="submit" data-testid="setup-submit"
                            disabled=move || !ready.get() || pending.get()>
                            {move || if pending.get() { "Creating…" } else { "Create administrator" }}
                        </button>
                    </ActionForm>
                }
            >
                <h1 data-testid="setup-done">"Your portal is ready"</h1>
                <p>"The administrator account has been created. This setup link no longer works."</p>
                <p><a href="/sign-in">"Sign in"</a></p>
            </Show>
        </section>
    }
}

/// `/sign-in`: email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let ready = hydrated();
    let sign_in = ServerAction::<api::SignIn>::new();
    let sign_out = ServerAction::<api::SignOut>::new();
    let pending = sign_in.pending();
    let who = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(signed)) = sign_in.value().get() {
            who.set(Some(signed.display_name));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            who.set(None);
            sign_in.value().set(None);
        }
    });
    let signed_in = move || who.get();
    let error = move || match sign_in.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        _ => None,
    };
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <Show
                when=move || signed_in().is_some()
                fallback=move || view! {
                    <h1>"Sign in"</h1>
                    <ActionForm action=sign_in attr:class="form" attr:data-testid="sign-in-form">
                        <label>"Email"
                            <input name="email" type="email" required autocomplete="username"/>
                        </label>
                        <label>"Password"
                            <input name="password" type="password" required autocomplete="current-password"/>
                        </label>
                        {error}
                        <button class="button" type="submit" data-testid="sign-in-submit"
                            disabled=move || !ready.get() || pending.get()>
                            {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </ActionForm>
                }
            >
                <h1 data-testid="signed-in">{move || format!("Welcome, {}", signed_in().unwrap_or_default())}</h1>
                <p>"You are signed in. Your matters will appear here."</p>
                <button class="button" type="button" data-testid="sign-out"
                    on:click=move |_| { sign_out.dispatch(api::SignOut {}); }>
                    "Sign out"
                </button>
            </Show>
        </section>
    }
}
