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
            None => (super::sign_in_step().as_deref() == Some("code-again")).then(|| {
                view! {
                    <ErrorNote message=crate::text::THAT_CODE_DID_NOT_WORK_ENTER.to_string()/>
                }
            }),
        }
    };
    view! {
        <h1>{crate::text::ENTER_YOUR_CODE}</h1>
        <p>{crate::text::OPEN_YOUR_AUTHENTICATOR_APP_AND_ENTER}</p>
        <ActionForm action=auth.verify_code attr:class="form" attr:data-testid=testid::SIGN_IN_CODE_FORM>
            <label>{crate::text::CODE}
                <input name="code" required autocomplete="one-time-code" inputmode="numeric"
                    maxlength="16" data-testid=testid::SIGN_IN_CODE/>
            </label>
            {error}
            <button class="button" type="submit" data-testid=testid::SIGN_IN_CODE_SUBMIT disabled=move || pending.get()>
                {move || if pending.get() { crate::text::CHECKING } else { crate::text::CONTINUE }}
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
                <p>{crate::text::PROTECT_YOUR_ACCOUNT_WITH_A_CODE}</p>
                {other.and_then(Result::err).map(|e| view! { <ErrorNote message=e.to_string()/> })}
                <button class="button secondary" type="button" data-testid=testid::TOTP_START
                    disabled=move || !ready.get() || start.pending().get()
                    on:click=move |_| { start.dispatch(api::StartTotpEnrolment {}); }>
                    {crate::text::SET_UP_AN_AUTHENTICATOR_APP}
                </button>
            }
            .into_any(),
        }
    };
    view! {
        <div class="section" data-testid=testid::SECOND_FACTOR>
            <h2>{crate::text::TWO_STEP_VERIFICATION}</h2>
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
            <li>{crate::text::SCAN_THIS_QR_CODE_WITH_YOUR}</li>
        </ol>
        // Drawn on the server from our own otpauth link; it carries no script.
        <div class="qr" role="img" aria-label=crate::text::QR_CODE_FOR_YOUR_AUTHENTICATOR_APP inner_html=enrolment.qr_svg></div>
        <p class="hint">{crate::text::CANT_SCAN_IT_ENTER_THIS_KEY}
            <code class="secret" data-testid=testid::TOTP_SECRET>{enrolment.secret}</code>
        </p>
        <ActionForm action=confirm attr:class="form" attr:data-testid=testid::TOTP_CONFIRM_FORM>
            <label>{crate::text::THEN_ENTER_THE_SIX_DIGIT_CODE}
                <input name="code" required autocomplete="one-time-code" inputmode="numeric"
                    maxlength="7" data-testid=testid::TOTP_CODE/>
            </label>
            {enrolment.proof_sent_to.map(|to| view! {
                <label>{crate::text::and_the_code_we_just_sent(&to)}
                    <input name="proof" required autocomplete="one-time-code" inputmode="numeric"
                        maxlength="7" data-testid=testid::TOTP_PROOF/>
                </label>
            })}
            {error}
            <button class="button" type="submit" data-testid=testid::TOTP_CONFIRM
                disabled=move || confirm.pending().get()>
                {crate::text::TURN_ON}
            </button>
        </ActionForm>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>, on_done: impl Fn() + 'static) -> impl IntoView {
    view! {
        <p class="status ok">{crate::text::TWO_STEP_VERIFICATION_IS_ON}</p>
        <p>{crate::text::KEEP_THESE_RECOVERY_CODES_SOMEWHERE_SAFE}</p>
        <ul class="recovery-codes" data-testid=testid::RECOVERY_CODES>
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ul>
        <button class="button" type="button" data-testid=testid::RECOVERY_CODES_DONE on:click=move |_| on_done()>
            {crate::text::I_HAVE_SAVED_THEM}
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
        <p class="status ok" data-testid=testid::SECOND_FACTOR_ON>{crate::text::ON_SIGNING_IN_ASKS_FOR_A}</p>
        <details>
            <summary>{crate::text::TURN_OFF_TWO_STEP_VERIFICATION}</summary>
            <ActionForm action=remove attr:class="form">
                <label>{crate::text::YOUR_PASSWORD}
                    <input name="password" type="password" required autocomplete="current-password"/>
                </label>
                <label>{crate::text::A_CODE_FROM_YOUR_AUTHENTICATOR_APP}
                    <input name="code" required autocomplete="one-time-code" maxlength="16"
                        data-testid=testid::TOTP_REMOVE_CODE/>
                </label>
                {error}
                <button class="button secondary" type="submit" disabled=move || remove.pending().get()>
                    {crate::text::TURN_OFF}
                </button>
            </ActionForm>
        </details>
    }
}
