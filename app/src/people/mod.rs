//! The firm's people: everyone it works with (staff and contacts), adding and inviting them, and
//! revoking access. Accepting an invitation is the account's (`crate::accounts`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::accounts::Auth;
use crate::ids::UserId;
use crate::testid;
use crate::ui::{ErrorNote, error_of, hydrated};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PersonStatus {
    /// Added, never invited (or the invitation expired).
    NotSignedUp,
    /// An invitation is open.
    Invited,
    Active,
    Revoked,
}

/// A person as the directory shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Person {
    pub id: UserId,
    pub display_name: String,
    pub email: String,
    pub mobile: Option<String>,
    /// `admin`, `staff` or `client`.
    pub role: String,
    pub status: PersonStatus,
    /// The person asking: nobody changes their own access.
    pub is_you: bool,
}

/// `/people`: everyone the firm works with, and adding and inviting more.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let ready = hydrated();
    let add = ServerAction::<api::AddPerson>::new();
    let invite = ServerAction::<api::InvitePerson>::new();
    let access = ServerAction::<api::SetAccess>::new();
    let people = crate::resources::resource(
        move || {
            (
                add.version().get(),
                invite.version().get(),
                access.version().get(),
            )
        },
        |_| api::list_people(),
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
                <p class="status ok" data-testid=testid::PERSON_ADDED>
                    {crate::text::was_added(&p.display_name)}
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
                    <p class="status ok" data-testid=testid::INVITATION_SENT>
                        {crate::text::invitation_sent_to(&p.email)}
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
        <Title text=crate::text::PEOPLE/>
        <section class="card">
            <h1>{crate::text::PEOPLE}</h1>
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || people.get().map(|list| match list {
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    Ok(list) => view! { <PeopleTable list invite access/> }.into_any(),
                })}
            </Transition>
            {row_note}
        </section>
        <section class="card">
            <h2>{crate::text::ADD_A_PERSON}</h2>
            <ActionForm action=add node_ref=form attr:class="form" attr:data-testid=testid::ADD_PERSON_FORM>
                <label>{crate::text::NAME}<input name="display_name" required maxlength="200" autocomplete="off"/></label>
                <label>{crate::text::EMAIL}<input name="email" type="email" required maxlength="320" autocomplete="off"/></label>
                <label>{crate::text::MOBILE_NUMBER_OPTIONAL_FOR_TEXT_MESSAGES}
                    <input name="mobile" type="tel" placeholder="+44 7700 900123" autocomplete="off"/>
                </label>
                <label>{crate::text::ROLE}
                    <select name="role">
                        <option value="client" selected>{crate::text::CLIENT_OR_OTHER_CONTACT}</option>
                        // Always rendered (no hydration markers inside <select>); only
                        // administrators may choose them, and the server checks that too.
                        <option value="staff" disabled=move || !is_admin() hidden=move || !is_admin()>{crate::text::STAFF}</option>
                        <option value="admin" disabled=move || !is_admin() hidden=move || !is_admin()>{crate::text::ADMINISTRATOR}</option>
                    </select>
                </label>
                <label class="check"><input type="checkbox" name="invite" value="true" checked/>{crate::text::SEND_AN_INVITATION_BY_EMAIL_NOW}</label>
                <label class="check"><input type="checkbox" name="sms" value="true"/>{crate::text::ALSO_SEND_IT_BY_TEXT_MESSAGE}</label>
                {added}
                <button class="button" type="submit" data-testid=testid::ADD_PERSON disabled=move || !ready.get() || add.pending().get()>
                    {crate::text::ADD}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PeopleTable(
    list: Vec<Person>,
    invite: ServerAction<api::InvitePerson>,
    access: ServerAction<api::SetAccess>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|p| {
            let id = p.id;
            let email = p.email.clone();
            let status = match p.status {
                PersonStatus::Active => crate::text::ACTIVE,
                PersonStatus::Invited => crate::text::INVITED,
                PersonStatus::NotSignedUp => crate::text::NOT_INVITED_YET,
                PersonStatus::Revoked => crate::text::ACCESS_REVOKED,
            };
            let resend = p.status == PersonStatus::Invited;
            let name = p.display_name.clone();
            let actions = match p.status {
                _ if p.is_you => ().into_any(),
                PersonStatus::NotSignedUp | PersonStatus::Invited => view! {
                    <button class="button small secondary" type="button" data-testid=testid::INVITE
                        on:click=move |_| { invite.dispatch(api::InvitePerson { id, sms: false }); }>
                        {if resend { crate::text::SEND_AGAIN } else { crate::text::SEND_INVITATION }}
                    </button>
                    <crate::ui::AskFirst label=crate::text::REVOKE class="button small secondary"
                        question=crate::text::revoke_s_invitation_the_link_they(&name)
                        act=move || { access.dispatch(api::SetAccess { id, active: false }); }/>
                }
                .into_any(),
                PersonStatus::Active => view! {
                    <crate::ui::AskFirst label=crate::text::REVOKE_ACCESS class="button small secondary" testid=testid::REVOKE
                        question=crate::text::revoke_s_access_they_are_signed(&name)
                        act=move || { access.dispatch(api::SetAccess { id, active: false }); }/>
                }
                .into_any(),
                PersonStatus::Revoked => view! {
                    <button class="button small secondary" type="button" data-testid=testid::RESTORE
                        on:click=move |_| { access.dispatch(api::SetAccess { id, active: true }); }>
                        {crate::text::RESTORE_ACCESS}
                    </button>
                }
                .into_any(),
            };
            let role = match p.role.as_str() {
                "admin" => crate::text::ADMINISTRATOR,
                "staff" => crate::text::STAFF,
                _ => crate::text::CONTACT,
            };
            let mobile = p.mobile.unwrap_or_default();
            view! {
                <li class="person" data-testid=testid::PERSON data-email=email>
                    <div class="who">
                        <strong>{p.display_name}</strong>
                        <span class="muted">{p.email}</span>
                        <span class="muted">{mobile}</span>
                    </div>
                    <div class="what">
                        <span class="role">{role}</span>
                        " · "
                        <span data-testid=testid::PERSON_STATUS>{status}</span>
                    </div>
                    <div class="actions">{actions}</div>
                </li>
            }
        })
        .collect_view();
    // A list, not a table: it reflows on a phone, and the HTML parser never moves its nodes.
    view! { <ul class="people" data-testid=testid::PEOPLE>{rows}</ul> }
}
