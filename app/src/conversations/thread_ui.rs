//! One conversation on the matter page: its messages, who joined or left, a reply box, and
//! the step-up a protected conversation asks for first.

use super::participants_ui::ManagePeople;
use super::requests_ui::{AskForFiles, RequestCard};
use super::{
    AttachmentList, ConversationKind, Live, MembershipView, MessageView, REPLY_NOT_SENT, Seen,
    Sending, api,
    files_ui::{Attach, SendingNote, SharePicker, Staging},
};
use crate::ids::{ConversationId, MatterId, MessageId};
use crate::matters::MatterPerson;
use crate::testid;
use crate::when::When;
use crate::{
    AppError,
    ui::{ErrorNote, error_of, hydrated},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A message's read receipts: "Seen by Grace · 14:02, Sam · 14:05" (first names; the full
/// name on hover).
#[component]
fn SeenBy(seen: Vec<Seen>) -> impl IntoView {
    let count = seen.len();
    let each = seen
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let first = s
                .name
                .split_whitespace()
                .next()
                .unwrap_or(&s.name)
                .to_string();
            view! {
                {(i > 0).then_some(", ")}
                <span title=s.name>{first}</span>" · "<When at=s.at/>
            }
        })
        .collect_view();
    view! {
        <p class="seen hint" data-testid=testid::SEEN_BY data-count=count>{crate::text::SEEN_BY}{each}</p>
    }
}

/// The reply box of the plain form shown before the Wasm arrives.
const PLAIN_REPLY_ID: &str = "plain-reply";

/// One conversation: its messages and a reply box, or the step-up it asks for first.
#[component]
pub(super) fn ConversationPane(
    id: ConversationId,
    matter_id: MatterId,
    on_changed: Callback<()>,
    /// The matter's people: whom the firm can add to it.
    people: Vec<MatterPerson>,
) -> AnyView {
    let ready = hydrated();
    // A reply posted as a plain form that the server refused (`api::post_message`).
    let refused = use_query_map()
        .read_untracked()
        .get(REPLY_NOT_SENT.0)
        .is_some_and(|v| v == REPLY_NOT_SENT.1);
    let post = ServerAction::<api::PostMessage>::new();
    let unlocked = RwSignal::new(0u32);
    let revoked = use_context::<crate::shares::Viewing>().map(|v| v.revoked);
    let heard = use_context::<Live>();
    let live = heard.map(|live| Memo::new(move |before| live.heard.get().concerning(id, before)));
    // Bumped after a change made here (an edit, someone added): the page reloads it.
    let reload = RwSignal::new(0u32);
    let people = StoredValue::new(people);
    let changing = Changing::new(reload);
    let managing = super::participants_ui::Managing::new(Callback::new(move |()| {
        reload.update(|n| *n += 1);
        on_changed.run(());
    }));
    let conversation = crate::resources::resource(
        move || {
            (
                id,
                reload.get(),
                post.version().get(),
                unlocked.get(),
                revoked.map(|r| r.get()),
                live.map(|l| l.get()),
            )
        },
        |(id, ..)| api::get_conversation(id),
    );
    if let Some(live) = heard {
        live.patch_conversation(id, conversation);
    }
    let body = RwSignal::new(String::new());
    let sms = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let requested = RwSignal::new(String::new());
    let files = Staging::new(matter_id);
    let sending = use_context::<Sending>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = post.value().get() {
            body.set(String::new());
            sms.set(false);
            asking.set(false);
            requested.set(String::new());
            files.clear();
            if let Some(s) = sending {
                s.0.set(Vec::new());
            }
            on_changed.run(());
        }
    });
    let with_files = move || {
        files.any()
            || sending.is_some_and(|s| !s.0.with(Vec::is_empty))
            || requested.with(|r| !r.trim().is_empty())
    };
    // Whether the reply box shows (an open matter) and with the firm's choices; it changes
    // only when these do, not on every reload of the messages.
    let composer = Memo::new(move |_| {
        conversation
            .get()
            .and_then(Result::ok)
            .map(|c| (c.can_write, c.firm, c.kind == ConversationKind::External))
    });
    // The plain reply form gives way once the full one is on screen, handing over its text.
    let swapped = RwSignal::new(false);
    Effect::new(move |_| {
        if ready.get() && composer.get().is_some() && !swapped.get_untracked() {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                let typed = leptos::prelude::document()
                    .get_element_by_id(PLAIN_REPLY_ID)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                    .map(|e| e.value())
                    .filter(|v| !v.is_empty());
                if let Some(typed) = typed {
                    body.set(typed);
                }
            }
            swapped.set(true);
        }
    });
    // Having it on screen reads it (a POST from the hydrated page: a GET changes nothing);
    // the list's unread count changes then.
    // The first time it shows, it was opened (the access log's entry); after that, only what
    // arrives unread is read.
    let read = ServerAction::<api::MarkConversationRead>::new();
    let opened = StoredValue::new(false);
    let read_unread = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(Ok(c)) = conversation.get() {
            let first = !opened.get_value();
            if first || c.unread {
                opened.set_value(true);
                read_unread.set_value(c.unread);
                read.dispatch(api::MarkConversationRead { id, opened: first });
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = read.value().get()
            && read_unread.get_value()
        {
            on_changed.run(());
        }
    });
    let on_passed = Callback::new(move |()| {
        unlocked.update(|n| *n += 1);
    });
    // A screen reader hears of a message that arrives while the conversation is open (not of
    // those there when it opened, nor of the reader's own).
    let announced = RwSignal::new(String::new());
    Effect::new(move |seen: Option<Option<MessageId>>| {
        let Some(Ok(c)) = conversation.get() else {
            return seen.flatten();
        };
        let last = c.messages.last();
        if let (Some(Some(before)), Some(m)) = (seen, last)
            && before != m.id
            && !m.mine
        {
            let text = if m.body.is_empty() {
                crate::text::ONLY_FILES.to_string()
            } else {
                m.body.chars().take(200).collect()
            };
            announced.set(crate::text::new_message_from(&m.author, &text));
        }
        last.map(|m| m.id).or(seen.flatten())
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (documents, shared_documents, shared_folders) = Sending::picked(sending);
        post.dispatch(api::PostMessage {
            id,
            body: body.get_untracked(),
            sms: sms.get_untracked(),
            attachments: files.ready(),
            documents,
            shared_documents,
            shared_folders,
            requested: requested.get_untracked(),
        });
    };
    view! {
        <p class="sr-only" aria-live="polite" data-testid=testid::ANNOUNCED>{announced}</p>
        <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
            {move || conversation.get().map(|r| match r {
                Err(AppError::StepUpRequired) => view! { <StepUp on_passed/> }.into_any(),
                Err(e) => view! { <crate::ui::PageError error=e/> }.into_any(),
                Ok(c) => {
                    let names = c.participants.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ");
                    let manage = (c.firm && c.can_write).then(|| {
                        let participants = c.participants.clone();
                        let kind = c.kind;
                        view! {
                            <ManagePeople id kind participants everyone=people.get_value() managing/>
                        }
                    });
                    let messages = timeline(c.messages, c.changes)
                        .into_iter()
                        .map(|entry| match entry {
                            Entry::Message(m) => view! { <MessageItem m changing answerable=!c.firm && c.can_write/> }.into_any(),
                            Entry::Change(change) => view! {
                                <li class="membership hint" data-testid=testid::MEMBERSHIP_CHANGE>
                                    {change.sentence()}" · "<When at=change.at exact=true/>
                                </li>
                            }.into_any(),
                        })
                        .collect_view();
                    view! {
                        <h3 data-testid=testid::CONVERSATION_SUBJECT>{c.subject}</h3>
                        <p class="hint" data-testid=testid::CONVERSATION_PEOPLE>
                            {match c.kind { ConversationKind::External => crate::text::EXTERNAL, ConversationKind::Internal => crate::text::INTERNAL }}
                            {c.requires_second_factor.then_some(crate::text::VERIFICATION_REQUIRED_2)}
                            " · "{names}
                        </p>
                        {manage}
                        <ol class="messages plain" data-testid=testid::MESSAGES_LIST>{messages}</ol>
                        // Until a reply goes through from this page.
                        {move || (refused && post.version().get() == 0).then(|| view! {
                            <ErrorNote message=crate::text::YOUR_REPLY_WAS_NOT_SENT_PLEASE.to_string()/>
                        })}
                        // Until the Wasm arrives, a plain form posts a reply (the server sends the
                        // browser back here); then the full reply box takes over what was typed.
                        {c.can_write.then_some(move || (!swapped.get()).then(|| view! {
                            <form class="form composer" method="post" action="/api/conversations/post"
                                data-testid=testid::PLAIN_REPLY_FORM>
                                <input type="hidden" name="id" value=id.to_string()/>
                                <label>{crate::text::REPLY}<textarea id=PLAIN_REPLY_ID name="body" required rows="3" maxlength="20000"
                                    data-testid=testid::PLAIN_REPLY></textarea></label>
                                <button class="button" type="submit">{crate::text::SEND}</button>
                            </form>
                        }))}
                    }.into_any()
                }
            })}
        </Transition>
        // Outside the messages, so that a reload (after a post or a live change) leaves what is
        // being typed, and its focus, alone.
        // After hydration only: the server renders the messages, not the form.
        {move || match ready.get().then(|| composer.get()).flatten() {
            Some((true, firm, external)) => view! {
                <form class="form composer" data-testid=testid::COMPOSER on:submit=submit>
                    <label>{crate::text::REPLY}<textarea required=move || !with_files() rows="3" maxlength="20000" bind:value=body data-testid=testid::REPLY></textarea></label>
                    <Attach files/>
                    // What was picked in All Files goes with this message: it shows here.
                    {sending.map(|sending| view! { <SendingNote sending/> })}
                    {firm.then(|| view! { <SharePicker matter_id/> })}
                    // What a click will do shows first: the link goes into the reply box.
                    {firm.then(|| view! {
                        <button type="button" class="button small secondary" data-testid=testid::SEND_GUIDE
                            on:click=move |_| body.update(|b| {
                                let origin = window().location().origin().unwrap_or_default();
                                if !b.trim().is_empty() {
                                    b.push_str("\n\n");
                                }
                                b.push_str(&crate::text::a_short_guide_to_using_this(&origin));
                            })>{crate::text::ADD_THE_CLIENT_GUIDE}</button>
                    })}
                    {(firm && external).then(|| view! { <AskForFiles open=asking requested/> })}
                    {firm.then(|| view! {
                        <label class="check"><input type="checkbox" bind:checked=sms/>{crate::text::ALSO_SEND_AS_A_TEXT_MESSAGE}</label>
                    })}
                    {error_of(post.value())}
                    <button class="button" type="submit" data-testid=testid::SEND_MESSAGE
                        disabled=move || !ready.get() || post.pending().get() || files.busy()>
                        {move || if with_files() && body.with(|b| b.trim().is_empty()) { crate::text::SEND_FILES } else { crate::text::SEND }}
                    </button>
                </form>
            }.into_any(),
            Some((false, ..)) => view! { <p class="hint">{crate::text::THIS_MATTER_IS_CLOSED_ITS_CONVERSATIONS}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
    .into_any()
}

/// The step-up a protected conversation asks for: a code from the authenticator app, or one
/// sent by email or text message to people without one.
#[component]
fn StepUp(on_passed: Callback<()>) -> AnyView {
    use crate::accounts::api::{ConfirmSecondFactor, SendCode};
    let ready = hydrated();
    let auth = crate::accounts::Auth::get();
    let send = ServerAction::<SendCode>::new();
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = confirm.value().get() {
            auth.me.refetch();
            on_passed.run(());
        }
    });
    let me = move || auth.me.get().and_then(Result::ok).flatten();
    let has_app = move || me().is_some_and(|m| m.second_factor);
    let can_text = move || me().is_some_and(|m| m.can_text);
    view! {
        <div class="step-up" data-testid=testid::STEP_UP>
            <h3><span class="lock" aria-hidden="true"></span>{crate::text::CONFIRM_IT_IS_YOU}</h3>
            <p>{AppError::StepUpRequired.to_string()}</p>
            <Show when=move || !has_app()>
                <div class="button-row">
                    <button class="button secondary" type="button" data-testid=testid::EMAIL_CODE
                        disabled=move || !ready.get() || send.pending().get()
                        on:click=move |_| { send.dispatch(SendCode { channel: "email".into() }); }>{crate::text::EMAIL_ME_A_CODE}</button>
                    <Show when=can_text>
                        <button class="button secondary" type="button"
                            disabled=move || !ready.get() || send.pending().get()
                            on:click=move |_| { send.dispatch(SendCode { channel: "sms".into() }); }>{crate::text::TEXT_ME_A_CODE}</button>
                    </Show>
                </div>
                {move || match send.value().get() {
                    Some(Ok(to)) => Some(view! { <p class="hint" role="status">{crate::text::we_sent_a_code_to_it_2(&to)}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }.into_any()),
                    None => None,
                }}
            </Show>
            <ActionForm action=confirm attr:class="form inline" attr:data-testid=testid::STEP_UP_FORM>
                <label>{move || if has_app() { crate::text::CODE_FROM_YOUR_AUTHENTICATOR_APP } else { crate::text::VERIFICATION_CODE }}
                    <input name="code" required autocomplete="one-time-code" inputmode="numeric" maxlength="16" data-testid=testid::STEP_UP_CODE/>
                </label>
                {error_of(confirm.value())}
                <button class="button" type="submit" data-testid=testid::STEP_UP_SUBMIT
                    disabled=move || !ready.get() || confirm.pending().get()>{crate::text::CONFIRM}</button>
            </ActionForm>
        </div>
    }
    .into_any()
}

/// A line of a conversation: a message, or someone joining or leaving.
enum Entry {
    Message(MessageView),
    Change(MembershipView),
}

/// The messages and who joined or left, in the order they happened (a change at the same
/// moment as a message comes first: someone added, then written to).
fn timeline(messages: Vec<MessageView>, changes: Vec<MembershipView>) -> Vec<Entry> {
    let mut entries: Vec<(crate::when::Moment, u8, Entry)> = messages
        .into_iter()
        .map(|m| (m.created_at, 1, Entry::Message(m)))
        .chain(changes.into_iter().map(|c| (c.at, 0, Entry::Change(c))))
        .collect();
    entries.sort_by_key(|(at, order, _)| (*at, *order));
    entries.into_iter().map(|(_, _, e)| e).collect()
}

/// What the reader is changing in the open conversation: kept by the pane, not by its
/// messages, so that a live update (which draws the messages again) leaves an edit being typed,
/// or a delete being confirmed, as it was.
#[derive(Clone, Copy)]
struct Changing {
    editing: RwSignal<Option<MessageId>>,
    confirming: RwSignal<Option<MessageId>>,
    text: RwSignal<String>,
    edit: ServerAction<api::EditMessage>,
    delete: ServerAction<api::DeleteMessage>,
}

impl Changing {
    /// Once a change is saved, the conversation is read again.
    fn new(reload: RwSignal<u32>) -> Self {
        let changing = Self {
            editing: RwSignal::new(None),
            confirming: RwSignal::new(None),
            text: RwSignal::new(String::new()),
            edit: ServerAction::new(),
            delete: ServerAction::new(),
        };
        Effect::new(move |_| {
            if let Some(Ok(_)) = changing.edit.value().get() {
                changing.editing.set(None);
                reload.update(|n| *n += 1);
            }
        });
        Effect::new(move |_| {
            if let Some(Ok(())) = changing.delete.value().get() {
                changing.confirming.set(None);
                reload.update(|n| *n += 1);
            }
        });
        changing
    }
}

/// One message: who and when, "edited", its text, files, shares and read receipts; for its
/// author, while the firm's window is open, Edit and Delete. A deleted one says only that.
/// `answerable`: the reader is a contact who can upload into a file request (the matter is open).
#[component]
fn MessageItem(m: MessageView, changing: Changing, answerable: bool) -> impl IntoView {
    let ready = hydrated();
    let id = m.id;
    let Changing {
        editing,
        confirming,
        text,
        edit,
        delete,
    } = changing;
    let editing_this = move || editing.get() == Some(id);
    let confirming_this = move || confirming.get() == Some(id);
    // Shown while the window is open as the page saw it; the server has the last word.
    let changeable = m
        .editable_until
        .is_some_and(|until| crate::when::Moment::now() < until);
    let written = m.body.clone();
    let actions = changeable.then(|| view! {
        <div class="message-actions">
            {move || (!editing_this() && !confirming_this()).then(|| {
                let written = written.clone();
                view! {
                    <button type="button" class="link small" data-testid=testid::EDIT_MESSAGE
                        disabled=move || !ready.get()
                        on:click=move |_| {
                            text.set(written.clone());
                            confirming.set(None);
                            editing.set(Some(id));
                        }>{crate::text::EDIT}</button>
                    <button type="button" class="link small" data-testid=testid::DELETE_MESSAGE
                        disabled=move || !ready.get()
                        on:click=move |_| { editing.set(None); confirming.set(Some(id)); }>{crate::text::DELETE}</button>
                }
            })}
            {move || confirming_this().then(|| view! {
                <p class="confirm" role="alert">{crate::text::DELETE_THIS_MESSAGE_ITS_TEXT_AND}
                    <button type="button" class="button small danger" data-testid=testid::CONFIRM_DELETE_MESSAGE
                        disabled=move || delete.pending().get()
                        on:click=move |_| { delete.dispatch(api::DeleteMessage { id }); }>{crate::text::DELETE}</button>
                    <button type="button" class="button small secondary" on:click=move |_| confirming.set(None)>{crate::text::KEEP_IT}</button>
                </p>
                {error_of(delete.value())}
            })}
        </div>
    });
    let body = if m.deleted {
        view! { <p class="hint deleted" data-testid=testid::MESSAGE_DELETED>{crate::text::MESSAGE_DELETED}</p> }
            .into_any()
    } else {
        let html = m.html.clone();
        view! {
            {move || if editing_this() {
                view! {
                    <form class="form edit-message" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        edit.dispatch(api::EditMessage { id, body: text.get_untracked() });
                    }>
                        <label class="sr-only" for=format!("edit-{id}")>{crate::text::MESSAGE}</label>
                        <textarea id=format!("edit-{id}") rows="3" maxlength="20000" bind:value=text
                            data-testid=testid::EDIT_MESSAGE_TEXT></textarea>
                        {error_of(edit.value())}
                        <div class="button-row">
                            <button class="button small" type="submit" data-testid=testid::SAVE_MESSAGE
                                disabled=move || edit.pending().get()>{crate::text::SAVE}</button>
                            <button class="button small secondary" type="button" on:click=move |_| editing.set(None)>{crate::text::CANCEL}</button>
                        </div>
                    </form>
                }.into_any()
            } else {
                (!html.is_empty()).then(|| view! { <div class="message-body" inner_html=html.clone()></div> }).into_any()
            }}
        }.into_any()
    };
    view! {
        <li class="message" class:mine=m.mine class:deleted=m.deleted data-testid=testid::MESSAGE
            data-deleted=m.deleted.to_string()>
            <p class="message-meta"><strong>{m.author}</strong>" · "<When at=m.created_at exact=true/>
                {m.sent_as_sms.then(|| view! { " · "<span class="badge">{crate::text::ALSO_SENT_BY_TEXT}</span> })}
                {(m.edited && !m.deleted).then(|| view! { " · "<span class="hint" data-testid=testid::MESSAGE_EDITED>{crate::text::EDITED}</span> })}</p>
            {body}
            {(!m.attachments.is_empty()).then(|| view! { <AttachmentList files=m.attachments/> })}
            {(!m.shares.is_empty()).then(|| view! { <crate::shares::ShareLinks shares=m.shares/> })}
            {m.request.map(|request| view! { <RequestCard message=id request answerable/> })}
            {(!m.seen.is_empty()).then(|| view! { <SeenBy seen=m.seen/> })}
            {actions}
        </li>
    }
}
