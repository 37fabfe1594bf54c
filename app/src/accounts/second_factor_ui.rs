//! The second factor in the browser: the code step of signing in, and setting up or turning off
//! an authenticator app.

use leptos::prelude::*;

use super::{Auth, api};
use crate::testid;
use crate::ui::{ErrorNote, hydrated};

/// The code step of signing in, shown after a right password for an account with an app.
#[component]
pub fn SignInCodeForm() -> impl IntoView {
    let auth = Auth::get();
    let pending = auth.verify_code.pending();
    let error = move || {
        match auth.verify_code.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        Some(Ok(_)) => None,
        // Posted before the Wasm arrived, and refused.
        None => (super::sign_in_step().as_deref() == Some("code-again")).then(|| view! {
            <ErrorNote message="That code did not work. Enter the code your app shows now, or a recovery code.".to_string()/>
        }),
    }
    };
    view! {
        <h1>"Enter your code"</h1>
        <p>"Open your authenticator app and enter the six-digit code it shows for Dossier. Lost your phone? Enter one of your recovery codes instead."</p>
        <ActionForm action=auth.verify_code attr:class="form" attr:data-testid=testid::SIGN_IN_CODE_FORM>
            <label>"Code"
                <input name="code" required autocomplete="one-time-code" inputmode="numeric"
                    maxlength="16" data-testid=testid::SIGN_IN_CODE/>
            </label>
            {error}
            <button class="button" type="submit" data-testid=testid::SIGN_IN_CODE_SUBMIT disabled=move || pending.get()>
                {move || if pending.get() { "Checking…" } else { "Continue" }}
            </button>
        </ActionForm>
    }
}

/// "Two-step verification" on the account page.
#[component]
pub fn SecondFactorSettings() -> impl IntoView {
    let ready = hydrated();
    let auth = Auth::get();
    let start = ServerAction::<api::StartTotpEnrolment>::new();
    let confirm = ServerAction::<api::ConfirmTotpEnrolment>::new();
    let remove = ServerAction::<api::RemoveTotp>::new();
    Effect::new(move |_| {
        let confirmed = matches!(confirm.value().get(), Some(Ok(_)));
        let removed = matches!(remove.value().get(), Some(Ok(())));
        if confirmed || removed {
            auth.me.refetch();
        }
        if removed {
            start.value().set(None);
            confirm.value().set(None);
        }
    });
    let enrolled = move || {
        auth.me
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|me| me.second_factor)
    };
    let body = move || {
        if let Some(Ok(codes)) = confirm.value().get() {
            return view! { <RecoveryCodes codes on_done=move || confirm.value().set(None)/> }
                .into_any();
        }
        if enrolled() {
            return view! { <TurnOff remove/> }.into_any();
        }
        match start.value().get() {
            Some(Ok(enrolment)) => view! { <Enrol enrolment confirm/> }.into_any(),
            other => view! {
                <p>"Protect your account with a code from an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator or 1Password) as well as your password."</p>
                {other.and_then(Result::err).map(|e| view! { <ErrorNote message=e.to_string()/> })}
                <button class="button secondary" type="button" data-testid=testid::TOTP_START
                    disabled=move || !ready.get() || start.pending().get()
                    on:click=move |_| { start.dispatch(api::StartTotpEnrolment {}); }>
                    "Set up an authenticator app"
                </button>
            }
            .into_any(),
        }
    };
    view! {
        <div class="section" data-testid=testid::SECOND_FACTOR>
            <h2>"Two-step verification"</h2>
            {body}
        </div>
    }
}

#[component]
fn Enrol(
    enrolment: api::TotpEnrolment,
    confirm: ServerAction<api::ConfirmTotpEnrolment>,
) -> impl IntoView {
    let error = move || match confirm.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        _ => None,
    };
    view! {
        <ol class="steps">
            <li>"Scan this QR code with your authenticator app."</li>
        </ol>
        // Drawn on the server from our own otpauth link; it carries no script.
        <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
        <p class="hint">"Can't scan it? Enter this key in the app instead: "
            <code class="secret" data-testid=testid::TOTP_SECRET>{enrolment.secret}</code>
        </p>
        <ActionForm action=confirm attr:class="form" attr:data-testid=testid::TOTP_CONFIRM_FORM>
            <label>"Then enter the six-digit code the app shows"
                <input name="code" required autocomplete="one-time-code" inputmode="numeric"
                    maxlength="7" data-testid=testid::TOTP_CODE/>
            </label>
            {enrolment.proof_sent_to.map(|to| view! {
                <label>{format!("And the code we just sent to {to}, so we know it is you setting this up")}
                    <input name="proof" required autocomplete="one-time-code" inputmode="numeric"
                        maxlength="7" data-testid=testid::TOTP_PROOF/>
                </label>
            })}
            {error}
            <button class="button" type="submit" data-testid=testid::TOTP_CONFIRM
                disabled=move || confirm.pending().get()>
                "Turn on"
            </button>
        </ActionForm>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>, on_done: impl Fn() + 'static) -> impl IntoView {
    view! {
        <p class="status ok">"Two-step verification is on."</p>
        <p>"Keep these recovery codes somewhere safe, such as a password manager or on paper. Each one lets you sign in once if you lose your phone. They are shown only now."</p>
        <ul class="recovery-codes" data-testid=testid::RECOVERY_CODES>
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <button class="button" type="button" data-testid=testid::RECOVERY_CODES_DONE on:click=move |_| on_done()>
            "I have saved them"
        </button>
    }
}

#[component]
fn TurnOff(remove: ServerAction<api::RemoveTotp>) -> impl IntoView {
    let error = move || match remove.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        _ => None,
    };
    view! {
        <p class="status ok" data-testid=testid::SECOND_FACTOR_ON>"On: signing in asks for a code from your authenticator app."</p>
        <details>
            <summary>"Turn off two-step verification"</summary>
            <ActionForm action=remove attr:class="form">
                <label>"Your password"
                    <input name="password" type="password" required autocomplete="current-password"/>
                </label>
                <label>"A code from your authenticator app, or a recovery code"
                    <input name="code" required autocomplete="one-time-code" maxlength="16"
                        data-testid=testid::TOTP_REMOVE_CODE/>
                </label>
                {error}
                <button class="button secondary" type="submit" disabled=move || remove.pending().get()>
                    "Turn off"
                </button>
            </ActionForm>
        </details>
    }
}
