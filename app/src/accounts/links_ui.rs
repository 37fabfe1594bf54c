//! Pages reached from an emailed link: accepting an invitation (`/invitation`), and the
//! forgotten-password pair (`/forgot-password`, `/reset-password`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{Auth, MIN_PASSWORD_CHARS, api};
use crate::testid;
use crate::ui::{ErrorNote, error_of, hydrated};

/// `/invitation?token=…`: an invited person chooses a password and is signed in.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let ready = hydrated();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    let details = crate::resources::resource(token, api::invitation_details);
    let accept = ServerAction::<api::AcceptInvitation>::new();
    let auth = Auth::get();
    Effect::new(move |_| {
        if let Some(Ok(_)) = accept.value().get() {
            auth.me.refetch();
        }
    });
    let error = error_of(accept.value());
    view! {
        <Title text="Your invitation"/>
        <section class="card narrow">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || match (accept.value().get(), details.get()) {
                    (Some(Ok(who)), _) => view! {
                        <h1 data-testid=testid::INVITATION_ACCEPTED>{format!("Welcome, {}", who.display_name)}</h1>
                        <p>"Your account is ready and you are signed in."</p>
                        <p><a class="button" href="/sign-in">"Continue"</a></p>
                    }.into_any(),
                    (_, None) => view! { <p>"Loading…"</p> }.into_any(),
                    (_, Some(Err(e))) => view! {
                        <h1>"This invitation cannot be used"</h1>
                        <ErrorNote message=e.to_string()/>
                        <p>"Ask the person who invited you to send a new invitation."</p>
                    }.into_any(),
                    (_, Some(Ok(invitation))) => view! {
                        <h1>{format!("Welcome, {}", invitation.display_name)}</h1>
                        {if invitation.needs_password {
                            view! { <p>"Choose a password to finish setting up your account for "<strong>{invitation.email.clone()}</strong>"."</p> }.into_any()
                        } else {
                            view! { <p>"Accept to open your account for "<strong>{invitation.email.clone()}</strong>". Next time, ask for a sign-in link on the sign-in page: it comes by email."</p> }.into_any()
                        }}
                        <ActionForm action=accept attr:class="form" attr:data-testid=testid::INVITATION_FORM>
                            <input type="hidden" name="token" prop:value=token/>
                            {invitation.needs_password.then(|| view! {
                                <label>{format!("Password (at least {MIN_PASSWORD_CHARS} characters)")}
                                    <input name="password" type="password" required autocomplete="new-password"
                                        minlength=MIN_PASSWORD_CHARS.to_string()/>
                                </label>
                            })}
                            {error}
                            <button class="button" type="submit" data-testid=testid::INVITATION_SUBMIT
                                disabled=move || !ready.get() || accept.pending().get()>
                                {if invitation.needs_password { "Create my account" } else { "Accept and sign in" }}
                            </button>
                        </ActionForm>
                    }.into_any(),
                }}
            </Transition>
        </section>
    }
}

/// `/forgot-password`: asks for a reset email.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let ready = hydrated();
    let request = ServerAction::<api::RequestPasswordReset>::new();
    let error = error_of(request.value());
    view! {
        <Title text="Forgot your password?"/>
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <Show
                when=move || matches!(request.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <ActionForm action=request attr:class="form" attr:data-testid=testid::FORGOT_FORM>
                        <label>"Email"<input name="email" type="email" required autocomplete="username"/></label>
                        {error}
                        <button class="button" type="submit" data-testid=testid::FORGOT_SUBMIT
                            disabled=move || !ready.get() || request.pending().get()>
                            "Send the link"
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid=testid::FORGOT_SENT>
                    "If that address belongs to an account, a link is on its way. It expires in an hour. Check your spam folder if it does not arrive."
                </p>
            </Show>
        </section>
    }
}

/// `/reset-password?token=…`: chooses the new password.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let ready = hydrated();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    let reset = ServerAction::<api::ResetPassword>::new();
    let error = error_of(reset.value());
    view! {
        <Title text="Choose a new password"/>
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <Show
                when=move || matches!(reset.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <ActionForm action=reset attr:class="form" attr:data-testid=testid::RESET_FORM>
                        <input type="hidden" name="token" prop:value=token/>
                        <label>{format!("New password (at least {MIN_PASSWORD_CHARS} characters)")}
                            <input name="password" type="password" required autocomplete="new-password"
                                minlength=MIN_PASSWORD_CHARS.to_string()/>
                        </label>
                        {error}
                        <button class="button" type="submit" data-testid=testid::RESET_SUBMIT
                            disabled=move || !ready.get() || reset.pending().get()>
                            "Set password"
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid=testid::RESET_DONE>"Your password was changed and every device was signed out."</p>
                <p><a class="button" href="/sign-in">"Sign in"</a></p>
            </Show>
        </section>
    }
}
