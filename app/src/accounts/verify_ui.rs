//! Proving it is you again: `/verify` (the step-up of MFA conversations, by authenticator app or
//! by a code sent by email or text message) and `/sign-in/link` (an emailed sign-in link).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::{Auth, api, second_factor_ui::SignInCodeForm};
use crate::testid;
use crate::ui::{ErrorNote, error_of, hydrated};

/// Where to go after verifying: a path on this site, never another site.
/// Where to go after a step-up: `next` when it is a path on this portal, else the home page.
/// Browsers drop tabs and newlines inside URLs and read `\` as `/`, so `/\t/evil.example` or
/// `/\evil.example` would leave the site: anything but a plain path that stays on this origin is
/// refused, whole.
pub(crate) fn safe_next(next: Option<String>) -> String {
    next.filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".into())
}

fn is_local_path(next: &str) -> bool {
    let mut chars = next.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && next.len() <= 2048
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace() || c == '\u{feff}')
}

/// `/verify?next=/…`: passes the second factor in this session, then goes on to `next`.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let ready = hydrated();
    let auth = Auth::get();
    let send = ServerAction::<api::SendCode>::new();
    let confirm = ServerAction::<api::ConfirmSecondFactor>::new();
    let next = move || safe_next(use_query_map().read().get("next"));
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            auth.me.refetch();
            use_navigate()(&next(), Default::default());
        }
    });
    let me = move || auth.me.get().and_then(Result::ok).flatten();
    let sent = move || {
        match send.value().get() {
        Some(Ok(to)) => Some(
            view! { <p class="status ok" data-testid=testid::CODE_SENT>{crate::text::we_sent_a_code_to_it(&to)}</p> }
                .into_any(),
        ),
        _ => error_of(send.value())(),
    }
    };
    view! {
        <Title text=crate::text::VERIFY_ITS_YOU/>
        <section class="card narrow">
            <h1>{crate::text::VERIFY_ITS_YOU}</h1>
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || match me() {
                    None => view! {
                        <p>{crate::text::PLEASE}<a href="/sign-in">{crate::text::SIGN_IN_2}</a>{crate::text::FIRST}</p>
                    }.into_any(),
                    Some(who) => view! {
                        {if who.second_factor {
                            view! { <p>{crate::text::ENTER_THE_SIX_DIGIT_CODE_YOUR}</p> }.into_any()
                        } else {
                            view! {
                                <p>{crate::text::THIS_NEEDS_A_ONE_TIME_CODE}</p>
                                <div class="button-row">
                                    <button class="button secondary" type="button" data-testid=testid::SEND_CODE_EMAIL
                                        disabled=move || !ready.get() || send.pending().get()
                                        on:click=move |_| { send.dispatch(api::SendCode { channel: "email".into() }); }>
                                        {crate::text::EMAIL_ME_A_CODE}
                                    </button>
                                    {who.can_text.then(|| view! {
                                        <button class="button secondary" type="button" data-testid=testid::SEND_CODE_SMS
                                            disabled=move || !ready.get() || send.pending().get()
                                            on:click=move |_| { send.dispatch(api::SendCode { channel: "sms".into() }); }>
                                            {crate::text::TEXT_ME_A_CODE}
                                        </button>
                                    })}
                                </div>
                                {sent}
                            }.into_any()
                        }}
                        <ActionForm action=confirm attr:class="form" attr:data-testid=testid::VERIFY_FORM>
                            <label>{crate::text::CODE}
                                <input name="code" required autocomplete="one-time-code" inputmode="numeric"
                                    maxlength="16" data-testid=testid::VERIFY_CODE/>
                            </label>
                            {error_of(confirm.value())}
                            <button class="button" type="submit" data-testid=testid::VERIFY_SUBMIT
                                disabled=move || !ready.get() || confirm.pending().get()>
                                {crate::text::VERIFY}
                            </button>
                        </ActionForm>
                    }.into_any(),
                }}
            </Transition>
        </section>
    }
}

/// `/sign-in/link?token=…`: signs in with an emailed link. A button, not the page load, spends the
/// link, so a mail scanner that opens links does not use it up.
#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let ready = hydrated();
    let auth = Auth::get();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    let use_link = ServerAction::<api::UseSignInLink>::new();
    Effect::new(move |_| {
        if let Some(Ok(api::SignInOutcome::SignedIn(_))) = use_link.value().get() {
            auth.me.refetch();
        }
    });
    view! {
        <Title text=crate::text::SIGN_IN/>
        <section class="card narrow">
            {move || match use_link.value().get() {
                Some(Ok(api::SignInOutcome::SignedIn(who))) => view! {
                    <h1 data-testid=testid::SIGNED_IN>{crate::text::welcome(&who.display_name)}</h1>
                    <p><a class="button" href="/">{crate::text::CONTINUE}</a></p>
                }.into_any(),
                Some(Ok(api::SignInOutcome::CodeNeeded)) => view! { <SignInCodeForm/> }.into_any(),
                other => view! {
                    <h1>{crate::text::SIGN_IN}</h1>
                    <p>{crate::text::PRESS_THE_BUTTON_TO_SIGN_IN}</p>
                    {match other { Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }), _ => None }}
                    <ActionForm action=use_link attr:class="form" attr:data-testid=testid::SIGN_IN_LINK_FORM>
                        <input type="hidden" name="token" prop:value=token/>
                        <button class="button" type="submit" data-testid=testid::SIGN_IN_LINK_SUBMIT
                            disabled=move || !ready.get() || use_link.pending().get()>
                            {crate::text::SIGN_IN}
                        </button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

/// On the sign-in page of a firm that allows it: "email me a sign-in link".
#[component]
pub fn SignInLinkRequest() -> impl IntoView {
    let options = crate::resources::resource(|| (), |_| api::get_sign_in_options());
    let request = ServerAction::<api::RequestSignInLink>::new();
    view! {
        <Transition fallback=|| ()>
            {move || options.get().and_then(Result::ok).filter(|o| o.by_link).map(|_| view! {
                <details class="section" data-testid=testid::SIGN_IN_LINK_REQUEST>
                    <summary>{crate::text::CLIENTS_EMAIL_ME_A_SIGN_IN}</summary>
                    <Show when=move || matches!(request.value().get(), Some(Ok(())))
                        fallback=move || view! {
                            <ActionForm action=request attr:class="form">
                                <label>{crate::text::EMAIL}
                                    <input name="email" type="email" required autocomplete="username"/>
                                </label>
                                {error_of(request.value())}
                                <button class="button secondary" type="submit" data-testid=testid::SIGN_IN_LINK_SEND>{crate::text::EMAIL_ME_A_LINK}</button>
                            </ActionForm>
                        }>
                        <p class="status ok" data-testid=testid::SIGN_IN_LINK_SENT>{crate::text::IF_THAT_ADDRESS_BELONGS_TO_A}</p>
                    </Show>
                </details>
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_followed_only_to_a_path_on_this_portal() {
        let base = url::Url::parse("https://portal.firm.example/").expect("base");
        for good in ["/", "/matters/1?conversation=2", "/matters?q=a%20b#top"] {
            let next = safe_next(Some(good.into()));
            assert_eq!(next, good);
            assert_eq!(base.join(&next).expect("joins").origin(), base.origin());
        }
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            " //evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/%09/evil.example ",
            "/\u{0}/evil.example",
        ] {
            assert_eq!(safe_next(Some(evil.into())), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
