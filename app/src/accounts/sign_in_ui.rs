//! Signing in: the `/sign-in` page, and the same steps in place on any page a signed-out
//! person opens (a link from an email), which they then see without being sent elsewhere.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{Auth, MIN_PASSWORD_CHARS, api, second_factor_ui, verify_ui};
use crate::testid;
use crate::ui::ErrorNote;

/// Where a sign-in form posted before the Wasm arrived has led (`?step=code|again`): the
/// server sends a plain form back to the page it was on with this mark.
pub(super) fn sign_in_step() -> Option<String> {
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("step")
}

/// The steps of signing in: email and password, then the app's code if the account has one.
/// Both work before the Wasm arrives (plain posts that come back to this page).
#[component]
fn SignInSteps() -> impl IntoView {
    let auth = Auth::get();
    let pending = auth.sign_in.pending();
    let error = move || match auth.sign_in.value().get() {
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }),
        Some(Ok(_)) => None,
        None => (sign_in_step().as_deref() == Some("again")).then(|| {
            view! {
                <ErrorNote message=crate::text::THAT_DID_NOT_SIGN_YOU_IN.to_string()/>
            }
        }),
    };
    let brand = crate::settings::brand::Brand::current();
    let heading = crate::text::sign_in_to(&brand.name());
    let logo = brand.logo_url();
    move || {
        if auth.awaiting_code() {
            return view! { <second_factor_ui::SignInCodeForm/> }.into_any();
        }
        view! {
            {logo.clone().map(|src| view! { <img class="sign-in-logo" src=src alt=""/> })}
            <h1>{heading.clone()}</h1>
            <ActionForm action=auth.sign_in attr:class="form" attr:data-testid=testid::SIGN_IN_FORM>
                <label>{crate::text::EMAIL}
                    <input name="email" type="email" required autocomplete="username"/>
                </label>
                <label>{crate::text::PASSWORD}
                    <input name="password" type="password" required autocomplete="current-password"/>
                </label>
                {error}
                <button class="button" type="submit" data-testid=testid::SIGN_IN_SUBMIT
                    disabled=move || pending.get()>
                    {move || if pending.get() { crate::text::SIGNING_IN } else { crate::text::SIGN_IN }}
                </button>
            </ActionForm>
            <p class="hint"><a href="/forgot-password" data-testid=testid::FORGOT_LINK>{crate::text::FORGOT_YOUR_PASSWORD}</a></p>
            <p class="hint">{crate::text::NEW_TO_THE_PORTAL}<a href="/guide">{crate::text::A_SHORT_GUIDE}</a>"."</p>
            <verify_ui::SignInLinkRequest/>
        }
        .into_any()
    }
}

/// `/sign-in`: the steps, then the account's page (welcome, security settings).
#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = Auth::get();
    let signed_in = move || auth.me.get().and_then(Result::ok).flatten();
    let notifications = super::notifications_ui::Notifications::new();
    view! {
        <Title text=crate::text::SIGN_IN/>
        <section class="card narrow">
            <Transition fallback=|| ()>
                <Show when=move || signed_in().is_some() fallback=SignInSteps>
                    <h1 data-testid=testid::SIGNED_IN>{move || crate::text::welcome(&(signed_in().map(|w| w.display_name).unwrap_or_default()))}</h1>
                    <p>{crate::text::YOU_ARE_SIGNED_IN}<a href="/matters">{crate::text::GO_TO_YOUR_MATTERS}</a>"."</p>
                    {move || signed_in().filter(|w| w.must_set_up_second_factor).map(|_| view! {
                        <p class="error" role="alert" data-testid=testid::MUST_SET_UP_SECOND_FACTOR>
                            {crate::text::YOUR_FIRM_REQUIRES_TWO_STEP_VERIFICATION}
                        </p>
                    })}
                    <button class="button" type="button" data-testid=testid::SIGN_OUT
                        on:click=move |_| auth.sign_out_here()>
                        {crate::text::SIGN_OUT}
                    </button>
                    <AccountSecurity/>
                    <super::notifications_ui::NotificationSettings n=notifications/>
                </Show>
            </Transition>
        </section>
    }
}

/// A page a signed-out person opened (say, a conversation's link in an email): the sign-in
/// steps in its place, and then the page itself, at the same address.
#[component]
pub fn SignInHere() -> impl IntoView {
    let auth = Auth::get();
    // Only a sign-in finished on this page counts, not one left over from an earlier page.
    Effect::watch(
        move || {
            (
                auth.sign_in.version().get(),
                auth.verify_code.version().get(),
            )
        },
        move |now, before, _| {
            let before = before.copied().unwrap_or_default();
            let password_was_enough = now.0 != before.0
                && matches!(
                    auth.sign_in.value().get_untracked(),
                    Some(Ok(api::SignInOutcome::SignedIn(_)))
                );
            let code_taken = now.1 != before.1
                && matches!(auth.verify_code.value().get_untracked(), Some(Ok(_)));
            // Every part of the page was loaded as nobody: load it again as the person.
            #[cfg(feature = "hydrate")]
            if password_was_enough || code_taken {
                let _ = window().location().reload();
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (password_was_enough, code_taken);
        },
        false,
    );
    view! {
        <div class="sign-in-here narrow" data-testid=testid::SIGN_IN_HERE>
            <p class="hint">{crate::text::SIGN_IN_TO_SEE_THIS_PAGE}</p>
            <SignInSteps/>
        </div>
    }
}

/// Password change, and signing out on every device.
#[component]
fn AccountSecurity() -> impl IntoView {
    let auth = Auth::get();
    let change = ServerAction::<api::ChangePassword>::new();
    let everywhere = ServerAction::<api::SignOutEverywhere>::new();
    // Signing out everywhere also ends this session: ask again who is signed in.
    Effect::new(move |_| {
        if let Some(Ok(())) = everywhere.value().get() {
            auth.me.refetch();
        }
    });
    let outcome = move || match change.value().get() {
        Some(Ok(())) => Some(
            view! {
                <p class="status ok" data-testid=testid::PASSWORD_CHANGED>
                    {crate::text::PASSWORD_CHANGED_OTHER_DEVICES_HAVE_BEEN}
                </p>
            }
            .into_any(),
        ),
        Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }.into_any()),
        None => None,
    };
    view! {
        <div class="section">
        <h2>{crate::text::SECURITY}</h2>
        <ActionForm action=change attr:class="form" attr:data-testid=testid::PASSWORD_FORM>
            <label>{crate::text::CURRENT_PASSWORD}
                <input name="current" type="password" required autocomplete="current-password"/>
            </label>
            <label>{format!("New password (at least {MIN_PASSWORD_CHARS} characters)")}
                <input name="new" type="password" required autocomplete="new-password"
                    minlength=MIN_PASSWORD_CHARS.to_string()/>
            </label>
            {outcome}
            <button class="button" type="submit" disabled=move || change.pending().get()>
                {crate::text::CHANGE_PASSWORD}
            </button>
        </ActionForm>
        <p>
            <button class="button secondary" type="button" data-testid=testid::SIGN_OUT_EVERYWHERE
                on:click=move |_| { everywhere.dispatch(api::SignOutEverywhere {}); }>
                {crate::text::SIGN_OUT_ON_ALL_DEVICES}
            </button>
        </p>
        </div>
        <second_factor_ui::SecondFactorSettings/>
    }
}
