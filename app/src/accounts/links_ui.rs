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
        <Title text=crate::text::YOUR_INVITATION/>
        <section class="card narrow">
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || match (accept.value().get(), details.get()) {
                    (Some(Ok(who)), _) => view! {
                        <h1 data-testid=testid::INVITATION_ACCEPTED>{crate::text::welcome(&who.display_name)}</h1>
                        <p>{crate::text::YOUR_ACCOUNT_IS_READY_AND_YOU}</p>
                        <p><a class="button" href="/sign-in">{crate::text::CONTINUE}</a></p>
                    }.into_any(),
                    (_, None) => view! { <p>{crate::text::LOADING}</p> }.into_any(),
                    (_, Some(Err(e))) => view! {
                        <h1>{crate::text::THIS_INVITATION_CANNOT_BE_USED}</h1>
                        <ErrorNote message=e.to_string()/>
                        <p>{crate::text::ASK_THE_PERSON_WHO_INVITED_YOU}</p>
                    }.into_any(),
                    (_, Some(Ok(invitation))) => view! {
                        <h1>{crate::text::welcome(&invitation.display_name)}</h1>
                        {if invitation.needs_password {
                            view! { <p>{crate::text::CHOOSE_A_PASSWORD_TO_FINISH_SETTING}<strong>{invitation.email.clone()}</strong>"."</p> }.into_any()
                        } else {
                            view! { <p>{crate::text::ACCEPT_TO_OPEN_YOUR_ACCOUNT_FOR}<strong>{invitation.email.clone()}</strong>{crate::text::NEXT_TIME_ASK_FOR_A_SIGN}</p> }.into_any()
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
                                {if invitation.needs_password { crate::text::CREATE_MY_ACCOUNT } else { crate::text::ACCEPT_AND_SIGN_IN }}
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
        <Title text=crate::text::FORGOT_YOUR_PASSWORD/>
        <section class="card narrow">
            <h1>{crate::text::FORGOT_YOUR_PASSWORD}</h1>
            <Show
                when=move || matches!(request.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p>{crate::text::ENTER_THE_EMAIL_ADDRESS_OF_YOUR}</p>
                    <ActionForm action=request attr:class="form" attr:data-testid=testid::FORGOT_FORM>
                        <label>{crate::text::EMAIL}<input name="email" type="email" required autocomplete="username"/></label>
                        {error}
                        <button class="button" type="submit" data-testid=testid::FORGOT_SUBMIT
                            disabled=move || !ready.get() || request.pending().get()>
                            {crate::text::SEND_THE_LINK}
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid=testid::FORGOT_SENT>
                    {crate::text::IF_THAT_ADDRESS_BELONGS_TO_AN}
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
        <Title text=crate::text::CHOOSE_A_NEW_PASSWORD/>
        <section class="card narrow">
            <h1>{crate::text::CHOOSE_A_NEW_PASSWORD}</h1>
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
                            {crate::text::SET_PASSWORD}
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid=testid::RESET_DONE>{crate::text::YOUR_PASSWORD_WAS_CHANGED_AND_EVERY}</p>
                <p><a class="button" href="/sign-in">{crate::text::SIGN_IN}</a></p>
            </Show>
        </section>
    }
}
