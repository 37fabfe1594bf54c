//! The matter's **Message** button and its form (the reference guide's first flow): choose the
//! recipients, write, the two options, Send. The server decides whether that continues a
//! conversation or starts one, and the page opens it.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{Messaged, api};
use crate::{
    ids::{MatterId, UserId},
    matters::{MatterPerson, MatterRole},
    testid,
    ui::{error_of, hydrated},
};

/// The query that opens the form: a link, so the button is one on every part of the matter
/// page and the Back button closes the form.
pub const COMPOSE: (&str, &str) = ("message", "new");

/// The matter head's **Message** button.
#[component]
pub fn MessageButton() -> impl IntoView {
    view! {
        <a class="button" href=format!("?tab=messages&{}={}", COMPOSE.0, COMPOSE.1)
            data-testid=testid::MESSAGE_BUTTON>{crate::text::MESSAGE}</a>
    }
}

/// Whether the page's address asks for the form.
pub fn composing() -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(COMPOSE.0).as_deref() == Some(COMPOSE.1))
}

/// The form opened by **Message**. `send` is the page's: what follows a send (the form
/// closes, the conversation opens) is the page's to do, not this form's, which goes with it.
#[component]
pub(super) fn MessageForm(
    matter_id: MatterId,
    people: Vec<MatterPerson>,
    send: ServerAction<api::MessageMatter>,
) -> impl IntoView {
    let ready = hydrated();
    let chosen = RwSignal::new(HashSet::<UserId>::new());
    let body = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let sms = RwSignal::new(false);
    let protected = RwSignal::new(false);
    let people: Vec<MatterPerson> = people.into_iter().filter(|p| !p.revoked).collect();
    let contacts: HashSet<UserId> = people
        .iter()
        .filter(|p| p.role != MatterRole::Staff)
        .map(|p| p.user_id)
        .collect();
    // Verification is for conversations with contacts: offered once one is chosen.
    let with_contact =
        Memo::new(move |_| chosen.with(|c| c.iter().any(|id| contacts.contains(id))));
    let choices = people
        .into_iter()
        .map(|person| view! { <super::new_ui::Recipient person chosen/> })
        .collect_view();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send.dispatch(api::MessageMatter {
            matter_id,
            body: body.get_untracked(),
            participants: chosen.get_untracked().into_iter().collect(),
            subject: subject.get_untracked(),
            requires_second_factor: with_contact.get_untracked() && protected.get_untracked(),
            sms: sms.get_untracked(),
        });
    };
    view! {
        <form class="form message-form" data-testid=testid::MESSAGE_FORM on:submit=submit>
            <h3>{crate::text::MESSAGE}</h3>
            <fieldset class="choice">
                <legend>{crate::text::TO}</legend>
                {choices}
            </fieldset>
            <label>{crate::text::MESSAGE}
                <textarea required rows="5" maxlength="20000" bind:value=body data-testid=testid::MESSAGE_BODY></textarea></label>
            <details class="section">
                <summary>{crate::text::SUBJECT}</summary>
                <label>{crate::text::SUBJECT_IF_THIS_STARTS_A_CONVERSATION}
                    <input maxlength="200" bind:value=subject/></label>
            </details>
            <label class="check"><input type="checkbox" bind:checked=sms data-testid=testid::MESSAGE_SMS/>
                {crate::text::ALSO_SEND_AS_A_TEXT_MESSAGE}</label>
            <Show when=move || with_contact.get()>
                <label class="check"><input type="checkbox" bind:checked=protected data-testid=testid::MESSAGE_PROTECTED/>
                    {crate::text::REQUIRE_RECIPIENTS_TO_CONFIRM_IT_IS}</label>
            </Show>
            <p class="hint">{crate::text::IT_CONTINUES_THE_CONVERSATION_WITH_EXACTLY}</p>
            {error_of(send.value())}
            <div class="actions">
                <button class="button" type="submit" data-testid=testid::MESSAGE_SEND
                    disabled=move || !ready.get() || send.pending().get()>{crate::text::SEND}</button>
                <a class="button secondary" href="?tab=messages">{crate::text::CANCEL}</a>
            </div>
        </form>
    }
}

/// The query word that says where the Message button's message went.
const SENT: &str = "sent";

/// Where the page goes after sending: the matter's messages with the conversation open, and
/// what happened, as words of the address (`sent_note` turns them into a fixed sentence).
pub(super) fn after_sending(sent: &Messaged) -> String {
    let how = if sent.continued { "continued" } else { "new" };
    format!(
        "?tab=messages&conversation={}&{SENT}={how}",
        sent.conversation
    )
}

/// The sentence for the address's `sent` word, if it has one.
pub(super) fn sent_note() -> Option<&'static str> {
    match use_query_map().read_untracked().get(SENT).as_deref() {
        Some("continued") => Some(crate::text::YOUR_MESSAGE_WAS_ADDED_TO_THIS),
        Some("new") => Some(crate::text::YOUR_MESSAGE_STARTED_THIS_CONVERSATION),
        _ => None,
    }
}
