//! "People" in an open conversation, for the firm: remove someone (after a second click that
//! says what it does), or add someone from the matter.

use leptos::prelude::*;

use super::{ConversationKind, Participant, api};
use crate::{
    ids::{ConversationId, UserId},
    matters::{MatterPerson, MatterRole},
    testid,
    ui::{error_of, hydrated},
};

/// The panel's state, kept by the conversation's pane: a live update draws the panel again and
/// leaves it open, with a removal being confirmed, as it was.
#[derive(Clone, Copy)]
pub(super) struct Managing {
    open: RwSignal<bool>,
    confirming: RwSignal<Option<UserId>>,
    chosen: RwSignal<String>,
    add: ServerAction<api::AddParticipant>,
    remove: ServerAction<api::RemoveParticipant>,
}

impl Managing {
    /// `on_changed`: someone was added or removed.
    pub(super) fn new(on_changed: Callback<()>) -> Self {
        let managing = Self {
            open: RwSignal::new(false),
            confirming: RwSignal::new(None),
            chosen: RwSignal::new(String::new()),
            add: ServerAction::new(),
            remove: ServerAction::new(),
        };
        Effect::new(move |_| {
            if matches!(managing.add.value().get(), Some(Ok(()))) {
                managing.chosen.set(String::new());
                on_changed.run(());
            }
        });
        Effect::new(move |_| {
            if matches!(managing.remove.value().get(), Some(Ok(()))) {
                managing.confirming.set(None);
                on_changed.run(());
            }
        });
        managing
    }
}

#[component]
pub(super) fn ManagePeople(
    id: ConversationId,
    kind: ConversationKind,
    participants: Vec<Participant>,
    /// The matter's people: those not in it yet can be added.
    everyone: Vec<MatterPerson>,
    managing: Managing,
) -> impl IntoView {
    let ready = hydrated();
    let Managing {
        open,
        confirming,
        chosen,
        add,
        remove,
    } = managing;
    let candidates: Vec<MatterPerson> = everyone
        .into_iter()
        .filter(|p| !p.revoked && !participants.iter().any(|q| q.user_id == p.user_id))
        .filter(|p| kind == ConversationKind::External || p.role == MatterRole::Staff)
        .collect();
    let members = participants
        .into_iter()
        .map(|p| {
            let who = p.user_id;
            let name = p.name.clone();
            let label = p.name.clone();
            let asked = crate::text::remove_they_will_no_longer_see(&p.name);
            view! {
                <li data-testid=testid::PARTICIPANT data-name=label>
                    <span>{p.name}</span>
                    {move || if confirming.get() == Some(who) {
                        view! {
                            <span class="confirm" role="alert">{asked.clone()}" "
                                <button type="button" class="button small danger" data-testid=testid::CONFIRM_REMOVE_PARTICIPANT
                                    disabled=move || remove.pending().get()
                                    on:click=move |_| { remove.dispatch(api::RemoveParticipant { id, user_id: who }); }>{crate::text::REMOVE}</button>
                                <button type="button" class="button small secondary" on:click=move |_| confirming.set(None)>{crate::text::CANCEL}</button>
                            </span>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="link small" data-testid=testid::REMOVE_PARTICIPANT
                                aria-label=crate::text::remove(&name)
                                disabled=move || !ready.get() on:click=move |_| confirming.set(Some(who))>{crate::text::REMOVE}</button>
                        }.into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    let can_add = !candidates.is_empty();
    let options = candidates
        .into_iter()
        .map(|p| {
            view! { <option value=p.user_id.to_string()>{format!("{} ({})", p.name, p.role.label())}</option> }
        })
        .collect_view();
    view! {
        <details class="people" data-testid=testid::MANAGE_PEOPLE prop:open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<web_sys::Element>(&ev).has_attribute("open"))>
            <summary>{crate::text::PEOPLE}</summary>
            <ul class="plain">{members}</ul>
            {error_of(remove.value())}
            {can_add.then(|| view! {
                <form class="form inline" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    if let Ok(user_id) = chosen.get_untracked().parse::<UserId>() {
                        add.dispatch(api::AddParticipant { id, user_id });
                    }
                }>
                    <label>{crate::text::ADD_SOMEONE}
                        <select data-testid=testid::ADD_PARTICIPANT_CHOICE required prop:value=move || chosen.get()
                            on:change=move |ev| chosen.set(event_target_value(&ev))>
                            <option value="">{crate::text::CHOOSE}</option>
                            {options}
                        </select>
                    </label>
                    <button class="button small" type="submit" data-testid=testid::ADD_PARTICIPANT
                        disabled=move || !ready.get() || add.pending().get()>{crate::text::ADD}</button>
                </form>
                <p class="hint">{crate::text::SOMEONE_ADDED_SEES_THE_WHOLE_CONVERSATION}</p>
            })}
            {error_of(add.value())}
        </details>
    }
}
