//! Accounts and how people sign in: the first administrator from a one-time setup link,
//! accepting an invitation, sign-in with a password and an optional authenticator app, password
//! resets, and the account's security settings. The firm's directory is `crate::people`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod codes;
#[cfg(feature = "ssr")]
pub mod invitations;
#[cfg(feature = "ssr")]
pub mod links;
mod links_ui;
#[cfg(feature = "ssr")]
pub mod notices;
pub mod notifications;
mod notifications_ui;
#[cfg(feature = "ssr")]
pub mod passwords;
#[cfg(feature = "ssr")]
pub mod push;
#[cfg(feature = "ssr")]
pub mod recovery_codes;
#[cfg(feature = "ssr")]
pub mod resets;
#[cfg(feature = "ssr")]
pub mod second_factor;
mod second_factor_ui;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod setup;
#[cfg(feature = "ssr")]
pub mod sign_in_links;
mod sign_in_ui;
#[cfg(feature = "ssr")]
pub mod throttle;
mod verify_ui;

pub use links_ui::{ForgotPasswordPage, InvitationPage, ResetPasswordPage};
use sign_in_ui::sign_in_step;
pub use sign_in_ui::{SignInHere, SignInPage};
pub use verify_ui::{SignInLinkPage, VerifyPage};

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::testid;
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
        <Title text=crate::text::SET_UP_YOUR_PORTAL/>
        <section class="card narrow">
            <Show
                when=done
                fallback=move || view! {
                    <h1>{crate::text::SET_UP_YOUR_PORTAL}</h1>
                    <p>{crate::text::CREATE_THE_ADMINISTRATOR_ACCOUNT_FOR_YOUR}</p>
                    <ActionForm action=create attr:class="form" attr:data-testid=testid::SETUP_FORM>
                        <input type="hidden" name="token" prop:value=token/>
                        <label>{crate::text::YOUR_NAME}
                            <input name="display_name" required autocomplete="name" maxlength="200"/>
                        </label>
                        <label>{crate::text::EMAIL}
                            <input name="email" type="email" required autocomplete="email" maxlength="320"/>
                        </label>
                        <label>{format!("Password (at least {MIN_PASSWORD_CHARS} characters)")}
                            <input name="password" type="password" required autocomplete="new-password"
                                minlength=MIN_PASSWORD_CHARS.to_string()/>
                        </label>
                        {error}
                        <button class="button" type="submit" data-testid=testid::SETUP_SUBMIT
                            disabled=move || !ready.get() || pending.get()>
                            {move || if pending.get() { crate::text::CREATING } else { crate::text::CREATE_ADMINISTRATOR }}
                        </button>
                    </ActionForm>
                }
            >
                <h1 data-testid=testid::SETUP_DONE>{crate::text::YOUR_PORTAL_IS_READY}</h1>
                <p>{crate::text::THE_ADMINISTRATOR_ACCOUNT_HAS_BEEN_CREATED}</p>
                <p><a href="/sign-in">{crate::text::SIGN_IN}</a></p>
            </Show>
        </section>
    }
}

/// Who is signed in, shared by every part of the page: the sign-in steps and sign-out, and the
/// answer to "who am I", asked again whenever one of them completes.
#[derive(Clone, Copy)]
pub struct Auth {
    pub sign_in: ServerAction<api::SignIn>,
    pub verify_code: ServerAction<api::VerifySignInCode>,
    pub sign_out: ServerAction<api::SignOut>,
    pub me: crate::resources::Data<Result<Option<api::SignedIn>, crate::AppError>>,
}

impl Auth {
    /// Signs this session out, and this browser out of push.
    pub fn sign_out_here(&self) {
        notifications_ui::forget_this_browser();
        self.sign_out.dispatch(api::SignOut {});
    }

    pub fn provide() {
        let sign_in = ServerAction::<api::SignIn>::new();
        let verify_code = ServerAction::<api::VerifySignInCode>::new();
        let sign_out = ServerAction::<api::SignOut>::new();
        let me = crate::resources::resource(
            move || {
                (
                    sign_in.version().get(),
                    verify_code.version().get(),
                    sign_out.version().get(),
                )
            },
            |_| api::current_user(),
        );
        // After signing out, the sign-in page starts again from the password.
        Effect::new(move |_| {
            if sign_out.version().get() > 0 {
                sign_in.value().set(None);
                verify_code.value().set(None);
            }
        });
        provide_context(Self {
            sign_in,
            verify_code,
            sign_out,
            me,
        });
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// The password was right and the account's second factor is awaited (said by the sign-in
    /// call, or, for a form posted before the Wasm arrived, by the address it led to).
    pub fn awaiting_code(self) -> bool {
        match self.sign_in.value().get() {
            Some(Ok(api::SignInOutcome::CodeNeeded)) => true,
            Some(_) => false,
            None => {
                self.sign_out.version().get() == 0
                    && matches!(sign_in_step().as_deref(), Some("code" | "code-again"))
            }
        }
    }
}

/// The signed-in person's name and a sign-out button, or a link to sign in.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let auth = Auth::get();
    view! {
        <Transition fallback=|| ()>
            {move || auth.me.get().map(|me| match me {
                Ok(Some(who)) => view! {
                    <a class="topbar-link" href="/matters" data-testid=testid::TOPBAR_MATTERS>{crate::text::MATTERS}</a>
                    {who.is_firm_member.then(|| view! { <a class="topbar-link" href="/people" data-testid=testid::TOPBAR_PEOPLE>{crate::text::PEOPLE}</a> })}
                    {who.is_admin.then(|| view! { <a class="topbar-link" href="/settings" data-testid=testid::TOPBAR_SETTINGS>{crate::text::SETTINGS}</a> })}
                    {if who.is_firm_member {
                        view! { <a class="topbar-link topbar-help" href="/help" aria-label=crate::text::HELP title=crate::text::HELP data-testid=testid::TOPBAR_HELP>"?"</a> }
                    } else {
                        view! { <a class="topbar-link topbar-help" href="/guide" aria-label=crate::text::HELP title=crate::text::HELP data-testid=testid::TOPBAR_HELP>"?"</a> }
                    }}
                    // The account's page: password, devices, two-step verification.
                    <a class="topbar-link topbar-user" href="/sign-in" data-testid=testid::TOPBAR_USER>{who.display_name}</a>
                    <button class="topbar-link" type="button" data-testid=testid::TOPBAR_SIGN_OUT
                        on:click=move |_| auth.sign_out_here()>
                        {crate::text::SIGN_OUT}
                    </button>
                }.into_any(),
                _ => view! { <a class="topbar-link" href="/sign-in">{crate::text::SIGN_IN}</a> }.into_any(),
            })}
        </Transition>
    }
}
