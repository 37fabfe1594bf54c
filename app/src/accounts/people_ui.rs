//! Pages for people: the firm's directory (`/people`), accepting an invitation (`/invitation`),
//! and the forgotten-password pair (`/forgot-password`, `/reset-password`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    Auth, MIN_PASSWORD_CHARS,
    people_api::{self, Person, PersonStatus},
};
use crate::ui::{ErrorNote, error_of, hydrated};

/// `/people`: everyone the firm works with, and adding and inviting more.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let ready = hydrated();
    let add = ServerAction::<people_api::AddPerson>::new();
    let invite = ServerAction::<people_api::InvitePerson>::new();
    let access = ServerAction::<people_api::SetAccess>::new();
    let people = Resource::new(
        move || {
            (
                add.version().get(),
                invite.version().get(),
                access.version().get(),
            )
        },
        |_| people_api::list_people(),
    );
    let me = Auth::get().me;
    let is_admin = move || {
        me.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|m| m.is_admin)
    };
    let added = move || match add.value().get() {
        Some(Ok(p)) => Some(
            view! {
                <p class="status ok" data-testid="person-added">
                    {format!("{} was added.", p.display_name)}
                </p>
            }
            .into_any(),
        ),
        _ => error_of(add.value())(),
    };
    let row_note = move || {
        if let Some(Ok(p)) = invite.value().get() {
            return Some(
                view! {
                    <p class="status ok" data-testid="invitation-sent">
                        {format!("Invitation sent to {}.", p.email)}
                    </p>
                }
                .into_any(),
            );
        }
        error_of(invite.value())().or_else(error_of(access.value()))
    };
    // A person added: the form is emptied for the next one.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let (Some(Ok(_)), Some(form)) = (add.value().get(), form.get_untracked()) {
            form.reset();
        }
    });
    view! {
        <Title text="People"/>
        <section class="card">
            <h1>"People"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || people.get().map(|list| match list {
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    Ok(list) => view! { <PeopleTable list invite access/> }.into_any(),
                })}
            </Transition>
            {row_note}
        </section>
        <section class="card">
            <h2>"Add a person"</h2>
            <ActionForm action=add node_ref=form attr:class="form" attr:data-testid="add-person-form">
                <label>"Name"<input name="display_name" required maxlength="200" autocomplete="off"/></label>
                <label>"Email"<input name="email" type="email" required maxlength="320" autocomplete="off"/></label>
                <label>"Mobile number (optional, for text messages)"
                    <input name="mobile" type="tel" placeholder="+44 7700 900123" autocomplete="off"/>
                </label>
                <label>"Role"
                    <select name="role">
                        <option value="client" selected>"Client or other contact"</option>
                        // Always rendered (no hydration markers inside <select>); only
                        // administrators may choose them, and the server checks that too.
                        <option value="staff" disabled=move || !is_admin() hidden=move || !is_admin()>"Staff"</option>
                        <option value="admin" disabled=move || !is_admin() hidden=move || !is_admin()>"Administrator"</option>
                    </select>
                </label>
                <label class="check"><input type="checkbox" name="invite" value="true" checked/>"Send an invitation by email now"</label>
                <label class="check"><input type="checkbox" name="sms" value="true"/>"Also send it by text message"</label>
                {added}
                <button class="button" type="submit" data-testid="add-person" disabled=move || !ready.get() || add.pending().get()>
                    "Add"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PeopleTable(
    list: Vec<Person>,
    invite: ServerAction<people_api::InvitePerson>,
    access: ServerAction<people_api::SetAccess>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|p| {
            let id = p.id;
            let email = p.email.clone();
            let status = match p.status {
                PersonStatus::Active => "Active",
                PersonStatus::Invited => "Invited",
                PersonStatus::NotSignedUp => "Not invited yet",
                PersonStatus::Revoked => "Access revoked",
            };
            let resend = p.status == PersonStatus::Invited;
            let actions = match p.status {
                _ if p.is_you => ().into_any(),
                PersonStatus::NotSignedUp | PersonStatus::Invited => view! {
                    <button class="button small secondary" type="button" data-testid="invite"
                        on:click=move |_| { invite.dispatch(people_api::InvitePerson { id, sms: false }); }>
                        {if resend { "Send again" } else { "Send invitation" }}
                    </button>
                    <button class="button small secondary" type="button"
                        on:click=move |_| { access.dispatch(people_api::SetAccess { id, active: false }); }>
                        "Revoke"
                    </button>
                }
                .into_any(),
                PersonStatus::Active => view! {
                    <button class="button small secondary" type="button" data-testid="revoke"
                        on:click=move |_| { access.dispatch(people_api::SetAccess { id, active: false }); }>
                        "Revoke access"
                    </button>
                }
                .into_any(),
                PersonStatus::Revoked => view! {
                    <button class="button small secondary" type="button" data-testid="restore"
                        on:click=move |_| { access.dispatch(people_api::SetAccess { id, active: true }); }>
                        "Restore access"
                    </button>
                }
                .into_any(),
            };
            let role = match p.role.as_str() {
                "admin" => "Administrator",
                "staff" => "Staff",
                _ => "Contact",
            };
            let mobile = p.mobile.unwrap_or_default();
            view! {
                <li class="person" data-testid="person" data-email=email>
                    <div class="who">
                        <strong>{p.display_name}</strong>
                        <span class="muted">{p.email}</span>
                        <span class="muted">{mobile}</span>
                    </div>
                    <div class="what">
                        <span class="role">{role}</span>
                        " · "
                        <span data-testid="person-status">{status}</span>
                    </div>
                    <div class="actions">{actions}</div>
                </li>
            }
        })
        .collect_view();
    // A list, not a table: it reflows on a phone, and the HTML parser never moves its nodes.
    view! { <ul class="people" data-testid="people">{rows}</ul> }
}

/// `/invitation?token=…`: an invited person chooses a password and is signed in.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let ready = hydrated();
    let token = move || use_query_map().read().get("token").unwrap_or_default();
    let details = Resource::new(token, people_api::invitation_details);
    let accept = ServerAction::<people_api::AcceptInvitation>::new();
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
                        <h1 data-testid="invitation-accepted">{format!("Welcome, {}", who.display_name)}</h1>
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
                        <ActionForm action=accept attr:class="form" attr:data-testid="invitation-form">
                            <input type="hidden" name="token" prop:value=token/>
                            {invitation.needs_password.then(|| view! {
                                <label>{format!("Password (at least {MIN_PASSWORD_CHARS} characters)")}
                                    <input name="password" type="password" required autocomplete="new-password"
                                        minlength=MIN_PASSWORD_CHARS.to_string()/>
                                </label>
                            })}
                            {error}
                            <button class="button" type="submit" data-testid="invitation-submit"
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
    let request = ServerAction::<people_api::RequestPasswordReset>::new();
    let error = error_of(request.value());
    view! {
        <Title text="Forgot your password?"/>
        <section class="card narrow">
            <h1>"Forgot your password?"</h1>
            <Show
                when=move || matches!(request.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <p>"Enter the email address of your account and we will send you a link to choose a new password."</p>
                    <ActionForm action=request attr:class="form" attr:data-testid="forgot-form">
                        <label>"Email"<input name="email" type="email" required autocomplete="username"/></label>
                        {error}
                        <button class="button" type="submit" data-testid="forgot-submit"
                            disabled=move || !ready.get() || request.pending().get()>
                            "Send the link"
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid="forgot-sent">
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
    let reset = ServerAction::<people_api::ResetPassword>::new();
    let error = error_of(reset.value());
    view! {
        <Title text="Choose a new password"/>
        <section class="card narrow">
            <h1>"Choose a new password"</h1>
            <Show
                when=move || matches!(reset.value().get(), Some(Ok(())))
                fallback=move || view! {
                    <ActionForm action=reset attr:class="form" attr:data-testid="reset-form">
                        <input type="hidden" name="token" prop:value=token/>
                        <label>{format!("New password (at least {MIN_PASSWORD_CHARS} characters)")}
                            <input name="password" type="password" required autocomplete="new-password"
                                minlength=MIN_PASSWORD_CHARS.to_string()/>
                        </label>
                        {error}
                        <button class="button" type="submit" data-testid="reset-submit"
                            disabled=move || !ready.get() || reset.pending().get()>
                            "Set password"
                        </button>
                    </ActionForm>
                }
            >
                <p class="status ok" data-testid="reset-done">"Your password was changed and every device was signed out."</p>
                <p><a class="button" href="/sign-in">"Sign in"</a></p>
            </Show>
        </section>
    }
}
