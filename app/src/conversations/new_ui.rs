//! "New conversation" on the matter page: recipients, subject, the two options, first message.

use std::collections::HashSet;

use leptos::prelude::*;

use super::{
    ConversationKind, Sending, api,
    files_ui::{Attach, Staging},
};
use crate::{
    ids::{ConversationId, MatterId, UserId},
    matters::{MatterPerson, MatterRole},
    testid,
    ui::{error_of, hydrated},
};

/// One person who can be chosen as a recipient: a checkbox with their name and role.
#[component]
pub(super) fn Recipient(person: MatterPerson, chosen: RwSignal<HashSet<UserId>>) -> impl IntoView {
    let id = person.user_id;
    view! {
        <label class="check">
            <input type="checkbox" data-testid=testid::RECIPIENT
                prop:checked=move || chosen.with(|c| c.contains(&id))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| { if on { c.insert(id); } else { c.remove(&id); } });
                }/>
            {format!("{} ({})", person.name, person.role.label())}
        </label>
    }
}

/// The "+" beside a list's heading: opens the form for that kind of conversation, or closes it.
#[component]
pub(super) fn NewConversationButton(
    kind: ConversationKind,
    creating: RwSignal<Option<ConversationKind>>,
) -> impl IntoView {
    let ready = hydrated();
    let (label, id) = match kind {
        ConversationKind::External => (
            crate::text::NEW_EXTERNAL_CONVERSATION,
            testid::NEW_CONVERSATION,
        ),
        ConversationKind::Internal => (
            crate::text::NEW_INTERNAL_CONVERSATION,
            testid::NEW_INTERNAL_CONVERSATION,
        ),
    };
    view! {
        <button class="button secondary add" type="button" data-testid=id aria-label=label title=label
            aria-expanded=move || (creating.get() == Some(kind)).to_string()
            disabled=move || !ready.get()
            on:click=move |_| creating.update(|c| *c = if *c == Some(kind) { None } else { Some(kind) })>
            "+"
        </button>
    }
}

/// "New conversation": recipients, subject, verification, text message, first message. Open
/// while `creating` names a kind (the "+" beside a list's heading, or files to send).
#[component]
pub(super) fn NewConversationForm(
    matter_id: MatterId,
    people: Vec<MatterPerson>,
    creating: RwSignal<Option<ConversationKind>>,
    on_created: Callback<ConversationId>,
    /// A conversation is open beside the form: what "Send" picks goes to its reply box.
    conversation_open: Signal<bool>,
) -> AnyView {
    let ready = hydrated();
    let create = ServerAction::<api::CreateConversation>::new();
    let internal = RwSignal::new(false);
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let requires_second_factor = RwSignal::new(false);
    let sms = RwSignal::new(false);
    let chosen = RwSignal::new(HashSet::<UserId>::new());
    // The kind of the "+" that opened the form; its choice can still be changed in it.
    Effect::new(move |_| {
        if let Some(kind) = creating.get() {
            internal.set(kind == ConversationKind::Internal);
            chosen.set(HashSet::new());
        }
    });
    let files = Staging::new(matter_id);
    let sending = use_context::<Sending>();
    // "Send" in the file tree with no conversation open opens the form, so the files can go
    // to new recipients; with one open they wait in its reply box.
    Effect::new(move |_| {
        if sending.is_some_and(|s| !s.0.with(Vec::is_empty)) && !conversation_open.get_untracked() {
            creating.update(|c| {
                c.get_or_insert(ConversationKind::External);
            });
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            subject.set(String::new());
            body.set(String::new());
            chosen.set(HashSet::new());
            files.clear();
            if let Some(s) = sending {
                s.0.set(Vec::new());
            }
            creating.set(None);
            on_created.run(id);
        }
    });
    let people = StoredValue::new(people);
    let choices = move || {
        let internal = internal.get();
        people
            .get_value()
            .into_iter()
            .filter(|p| !p.revoked && (!internal || p.role == MatterRole::Staff))
            .map(|person| view! { <Recipient person chosen/> })
            .collect_view()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let internal = internal.get_untracked();
        let (documents, shared_documents, shared_folders) = Sending::picked(sending);
        create.dispatch(api::CreateConversation {
            matter_id,
            subject: subject.get_untracked(),
            body: body.get_untracked(),
            participants: chosen.get_untracked().into_iter().collect(),
            internal,
            requires_second_factor: !internal && requires_second_factor.get_untracked(),
            sms: sms.get_untracked(),
            attachments: files.ready(),
            documents,
            shared_documents,
            shared_folders,
        });
    };
    let with_files = move || files.any() || sending.is_some_and(|s| !s.0.with(Vec::is_empty));
    view! {
        <Show when=move || creating.get().is_some()>
            <form class="form new-conversation" data-testid=testid::NEW_CONVERSATION_FORM on:submit=submit>
                <h3>{crate::text::NEW_CONVERSATION}</h3>
                <fieldset class="choice">
                    <legend>{crate::text::WITH}</legend>
                    <label class="check"><input type="radio" name="kind" prop:checked=move || !internal.get()
                        on:change=move |_| internal.set(false)/>{crate::text::THE_MATTERS_CONTACTS_EXTERNAL}</label>
                    <label class="check"><input type="radio" name="kind" prop:checked=move || internal.get()
                        on:change=move |_| { internal.set(true); chosen.set(HashSet::new()); }/>{crate::text::STAFF_ONLY_INTERNAL}</label>
                </fieldset>
                <fieldset class="choice">
                    <legend>{crate::text::RECIPIENTS}</legend>
                    {choices}
                </fieldset>
                <label>{crate::text::SUBJECT}<input required maxlength="200" bind:value=subject/></label>
                <label>{move || if with_files() { crate::text::MESSAGE_OPTIONAL } else { crate::text::MESSAGE }}
                    <textarea required=move || !with_files() rows="4" maxlength="20000" bind:value=body></textarea></label>
                <Attach files/>
                {sending.map(|sending| view! { <super::files_ui::SendingNote sending/> })}
                <Show when=move || !internal.get()>
                    <label class="check"><input type="checkbox" bind:checked=requires_second_factor data-testid=testid::REQUIRES_SECOND_FACTOR/>
                        {crate::text::REQUIRE_RECIPIENTS_TO_CONFIRM_IT_IS}</label>
                </Show>
                <label class="check"><input type="checkbox" bind:checked=sms/>{crate::text::ALSO_SEND_AS_A_TEXT_MESSAGE}</label>
                {error_of(create.value())}
                <div class="actions">
                    <button class="button" type="submit" data-testid=testid::CREATE_CONVERSATION
                        disabled=move || !ready.get() || create.pending().get() || files.busy()>{crate::text::CREATE}</button>
                    <button class="button secondary" type="button" on:click=move |_| creating.set(None)>{crate::text::CANCEL}</button>
                </div>
            </form>
        </Show>
    }
    .into_any()
}
