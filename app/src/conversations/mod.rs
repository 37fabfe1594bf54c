//! Conversations on a matter: external ones with its contacts, internal ones among the firm's
//! people. A conversation can require its contacts to pass the second factor again (step-up)
//! before anything in it is shown; that rule lives in `policy::Actor::conversation`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod attachments;
mod files_ui;
#[cfg(feature = "ssr")]
pub mod formatting;
mod inbox_ui;
mod live_ui;
mod message_ui;
mod new_ui;
#[cfg(feature = "ssr")]
mod notices;
#[cfg(feature = "ssr")]
pub mod reading;
#[cfg(feature = "ssr")]
pub mod receipts;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{AttachmentId, ConversationId, MatterId, MessageId, UserId};
use crate::when::When;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::StringLen;

use files_ui::{Attach, AttachmentList, SendingNote, SharePicker, Staging};
pub use inbox_ui::Inbox;
use live_ui::{Live, listen};
pub use message_ui::MessageButton;
use new_ui::{NewConversationButton, NewConversationForm};

use crate::testid;
use crate::{
    AppError,
    matters::MatterPerson,
    ui::{ErrorNote, error_of, hydrated},
};

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
/// What a file over the sending limit is told, by who sends it: staff can share it instead, a
/// client cannot. `what`: "This file", or the file's name in quotes.
pub fn too_large_to_send(what: &str, size: u64, firm: bool) -> String {
    let advice = if firm {
        "Share it instead: a shared file has no such limit."
    } else {
        "For a larger file, ask the firm how to send it."
    };
    format!(
        "{what} is {}; files up to 100 MB can be sent. {advice}",
        crate::files::human_size(size)
    )
}

/// The largest file sent with a message (the reference guide's 100 MB, as a computer counts
/// it); larger ones are shared instead.
pub const MAX_SEND_SIZE: u64 = 100 * 1024 * 1024;
/// The most files one message carries.
pub const MAX_ATTACHMENTS: usize = 20;

/// With the matter's contacts, or among the firm's people only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum ConversationKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "external"))]
    External,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "internal"))]
    Internal,
}

/// What a new conversation is made of.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub subject: String,
    pub body: String,
    pub participants: Vec<UserId>,
    pub internal: bool,
    pub requires_second_factor: bool,
    pub sms: bool,
    #[cfg(feature = "ssr")]
    pub enclosed: attachments::Enclosed,
}

/// What the matter's **Message** button did: continued the conversation that already had
/// exactly those recipients and that protection, or started one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Messaged {
    pub conversation: ConversationId,
    pub subject: String,
    pub continued: bool,
}

/// A line in a matter's list of conversations. A protected conversation the reader has not
/// unlocked has no subject, names or preview.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub kind: ConversationKind,
    pub subject: Option<String>,
    pub requires_second_factor: bool,
    pub locked: bool,
    pub participants: Vec<String>,
    pub last_message_at: crate::when::Moment,
    pub preview: Option<String>,
    pub unread: u64,
}

/// A line of a person's inbox: a conversation on one of their matters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InboxLine {
    pub matter_id: MatterId,
    pub matter_number: String,
    pub matter_name: String,
    pub conversation: ConversationSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Participant {
    pub user_id: UserId,
    pub name: String,
    pub firm: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MessageView {
    pub id: MessageId,
    pub author: String,
    /// Whose it is (`None`: a former user): a read receipt covers the messages of others.
    #[serde(default)]
    pub author_id: Option<crate::ids::UserId>,
    pub mine: bool,
    /// As written (Markdown), for what quotes it.
    pub body: String,
    /// As shown: rendered and cleaned on the server (`formatting`).
    #[serde(default)]
    pub html: String,
    pub sent_as_sms: bool,
    pub created_at: crate::when::Moment,
    pub attachments: Vec<AttachmentView>,
    /// Files and folders shared in it: live links.
    pub shares: Vec<crate::shares::ShareView>,
    /// Who else has read it, and when they first had it on screen (a contact sees only the
    /// firm's people).
    #[serde(default)]
    pub seen: Vec<Seen>,
}

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
        <p class="seen hint" data-testid=testid::SEEN_BY data-count=count>"Seen by "{each}</p>
    }
}

/// A read receipt: "Seen by Grace · 14:02".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Seen {
    pub user_id: crate::ids::UserId,
    pub name: String,
    pub at: crate::when::Moment,
}

/// A file sent with a message: a copy, downloaded from `/attachments/{id}/download`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentView {
    pub id: AttachmentId,
    pub name: String,
    pub size: u64,
    /// The browser can show it in the sandboxed viewer.
    pub previewable: bool,
    /// Sent from the matter's files (a copy of the version current then).
    pub from_files: bool,
    pub sent_at: crate::when::Moment,
}

/// An item of the matter's tree on its way into a message: sent (a copy of a file) or shared
/// (a live link to a file or folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub kind: crate::files::ItemKind,
    pub id: Uuid,
    pub name: String,
    pub share: bool,
}

/// Items of the matter's tree on their way into a message: the file tree's "Send" and "Share"
/// put them here, and the next message written or conversation opened on the page takes them.
#[derive(Debug, Clone, Copy)]
pub struct Sending(pub RwSignal<Vec<Outgoing>>);

impl Sending {
    pub fn provide() -> Self {
        let sending = Self(RwSignal::new(Vec::new()));
        provide_context(sending);
        sending
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConversationView {
    pub id: ConversationId,
    pub matter_id: MatterId,
    pub kind: ConversationKind,
    pub subject: String,
    pub requires_second_factor: bool,
    pub participants: Vec<Participant>,
    pub messages: Vec<MessageView>,
    /// The matter is open, so messages can be added.
    pub can_write: bool,
    /// Seen by the firm (who may text the message too).
    pub firm: bool,
    /// Something in it is new to this reader, who takes part in it (reading it clears that).
    pub unread: bool,
}

/// The matter page's "Messages" section: its conversations, a new one, and the open one.
#[component]
pub fn Messages(matter_id: MatterId, firm: bool, open: bool, people: Vec<MatterPerson>) -> AnyView {
    let from_link = use_query_map()
        .read_untracked()
        .get("conversation")
        .and_then(|s| s.parse::<ConversationId>().ok());
    let selected = RwSignal::new(from_link);
    // Bumped whenever something the list shows may have changed.
    let changed = RwSignal::new(0u32);
    let composing = message_ui::composing();
    // Where the last message written with the matter's Message button went (the page is
    // loaded anew on that conversation after sending).
    let sent = message_ui::sent_note();
    // The Message form's sending is the page's: once sent, the conversation it went to opens.
    let send = ServerAction::<api::MessageMatter>::new();
    Effect::new(move |_| {
        if let Some(Ok(m)) = send.value().get() {
            // A whole new page, not a change of this one's address: the matter page reads
            // the conversation to open and the sentence to show from its address.
            let _ = window().location().set_href(&message_ui::after_sending(&m));
        }
    });
    let everyone = StoredValue::new(people.clone());
    // The "+" beside a heading: which kind of conversation the form is open for.
    let creating = RwSignal::new(None::<ConversationKind>);
    let list = Resource::new(
        move || (matter_id, changed.get()),
        |(matter_id, _)| api::list_conversations(matter_id),
    );
    let group = move |kind: ConversationKind| {
        move || {
            list.get().map(|r| match r {
                Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                Ok(all) => {
                    let items: Vec<_> = all.into_iter().filter(|c| c.kind == kind).collect();
                    if items.is_empty() {
                        return view! {
                            <li class="hint">"No conversations yet. "
                                {firm.then(|| view! { <a href="/help#message">"How to start one"</a> })}
                            </li>
                        }.into_any();
                    }
                    items
                        .into_iter()
                        .map(|c| {
                            let id = c.id;
                            let title = c.subject.clone().unwrap_or_else(|| "Secure conversation".into());
                            view! {
                                <li class="conversation-item" class:current=move || selected.get() == Some(id)
                                    data-testid=testid::CONVERSATION_ITEM>
                                    <button class="link conversation-open" type="button"
                                        on:click=move |_| selected.set(Some(id))>
                                        {c.locked.then(|| view! { <span class="lock" aria-hidden="true"></span> })}
                                        <span class="conversation-subject">{title}</span>
                                    </button>
                                    {c.requires_second_factor.then(|| view! { <span class="badge">"Verification required"</span> })}
                                    {(c.unread > 0).then(|| view! { <span class="badge unread">{format!("{} unread", c.unread)}</span> })}
                                    <span class="hint">{if c.locked {
                                        "Confirm it is you to see this conversation.".into_any()
                                    } else {
                                        view! { {c.participants.join(", ")}" · "<When at=c.last_message_at/> }.into_any()
                                    }}</span>
                                    {c.preview.map(|p| view! { <span class="hint preview">{p}</span> })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }
            })
        }
    };
    let on_created = Callback::new(move |id: ConversationId| {
        selected.set(Some(id));
        changed.update(|n| *n += 1);
    });
    let on_changed = Callback::new(move |()| changed.update(|n| *n += 1));
    // Live updates: a change on this matter reloads the list and the open conversation.
    let live = Live::new();
    provide_context(live);
    listen(matter_id, changed, live);
    live.patch_list(list);
    let viewing = crate::shares::Viewing::provide();
    view! {
        <section class="card" id="messages" data-testid=testid::MESSAGES>
            <h2>"Messages"</h2>
            {move || (firm && open && composing.get()).then(|| view! {
                <message_ui::MessageForm matter_id people=everyone.get_value() send/>
            })}
            {sent.map(|note| view! {
                <p class="status" role="status" data-testid=testid::MESSAGE_SENT>{note}</p>
            })}
            {move || viewing.open.get().map(|id| view! { <crate::shares::ShareViewer id on_changed reload=changed.into()/> })}
            // On a phone, the list or the open conversation, full width, with a way back.
            <div class="conversations" class:reading=move || selected.get().is_some()>
                <div class="conversation-list">
                    {(firm && open).then(|| view! { <NewConversationForm matter_id people creating on_created conversation_open=Signal::derive(move || selected.get().is_some())/> })}
                    <div class="list-head">
                        <h3>"External conversations"</h3>
                        {(firm && open).then(|| view! { <NewConversationButton kind=ConversationKind::External creating/> })}
                    </div>
                    <ul class="plain" data-testid=testid::EXTERNAL_CONVERSATIONS>
                        <Transition fallback=|| ()>{group(ConversationKind::External)}</Transition>
                    </ul>
                    {firm.then(|| view! {
                        <div class="list-head">
                            <h3>"Internal conversations"</h3>
                            {open.then(|| view! { <NewConversationButton kind=ConversationKind::Internal creating/> })}
                        </div>
                        <ul class="plain" data-testid=testid::INTERNAL_CONVERSATIONS>
                            <Transition fallback=|| ()>{group(ConversationKind::Internal)}</Transition>
                        </ul>
                    })}
                </div>
                <div class="conversation-pane">
                    {move || match selected.get() {
                        Some(id) => view! {
                            // A link, so it leads back before the Wasm has arrived too.
                            <a href="?tab=messages" class="back-to-list" data-testid=testid::BACK_TO_CONVERSATIONS
                                on:click=move |_| selected.set(None)>"‹ All conversations"</a>
                            <ConversationPane id matter_id on_changed/>
                        }.into_any(),
                        None => view! { <p class="hint">"Choose a conversation to read it."</p> }.into_any(),
                    }}
                </div>
            </div>
            // Everything shared on the matter, under the conversations (on a phone, under the
            // open one too).
            <crate::shares::SharedList matter_id changed/>
        </section>
    }
    .into_any()
}

/// The reply box of the plain form shown before the Wasm arrives.
const PLAIN_REPLY_ID: &str = "plain-reply";

/// The query word and value that a refused plain-form reply comes back with.
const REPLY_NOT_SENT: (&str, &str) = ("reply", "not-sent");

/// One conversation: its messages and a reply box, or the step-up it asks for first.
#[component]
fn ConversationPane(id: ConversationId, matter_id: MatterId, on_changed: Callback<()>) -> AnyView {
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
    let conversation = Resource::new(
        move || {
            (
                id,
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
    let files = Staging::new(matter_id);
    let sending = use_context::<Sending>();
    Effect::new(move |_| {
        if let Some(Ok(_)) = post.value().get() {
            body.set(String::new());
            sms.set(false);
            files.clear();
            if let Some(s) = sending {
                s.0.set(Vec::new());
            }
            on_changed.run(());
        }
    });
    let with_files = move || files.any() || sending.is_some_and(|s| !s.0.with(Vec::is_empty));
    // Whether the reply box shows (an open matter) and with the firm's choices; it changes
    // only when these do, not on every reload of the messages.
    let composer = Memo::new(move |_| {
        conversation
            .get()
            .and_then(Result::ok)
            .map(|c| (c.can_write, c.firm))
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
                "files".to_string()
            } else {
                m.body.chars().take(200).collect()
            };
            announced.set(format!("New message from {}: {text}", m.author));
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
        });
    };
    view! {
        <p class="sr-only" aria-live="polite" data-testid=testid::ANNOUNCED>{announced}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || conversation.get().map(|r| match r {
                Err(AppError::StepUpRequired) => view! { <StepUp on_passed/> }.into_any(),
                Err(e) => view! { <crate::ui::PageError error=e/> }.into_any(),
                Ok(c) => {
                    let names = c.participants.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ");
                    let messages = c.messages.into_iter().map(|m| view! {
                        <li class="message" class:mine=m.mine data-testid=testid::MESSAGE>
                            <p class="message-meta"><strong>{m.author}</strong>" · "<When at=m.created_at exact=true/>
                                {m.sent_as_sms.then(|| view! { " · "<span class="badge">"Also sent by text"</span> })}</p>
                            {(!m.html.is_empty()).then(|| view! { <div class="message-body" inner_html=m.html></div> })}
                            {(!m.attachments.is_empty()).then(|| view! { <AttachmentList files=m.attachments/> })}
                            {(!m.shares.is_empty()).then(|| view! { <crate::shares::ShareLinks shares=m.shares/> })}
                            {(!m.seen.is_empty()).then(|| view! { <SeenBy seen=m.seen/> })}
                        </li>
                    }).collect_view();
                    view! {
                        <h3 data-testid=testid::CONVERSATION_SUBJECT>{c.subject}</h3>
                        <p class="hint">
                            {match c.kind { ConversationKind::External => "External", ConversationKind::Internal => "Internal" }}
                            {c.requires_second_factor.then_some(" · verification required")}
                            " · "{names}
                        </p>
                        <ol class="messages plain" data-testid=testid::MESSAGES_LIST>{messages}</ol>
                        // Until a reply goes through from this page.
                        {move || (refused && post.version().get() == 0).then(|| view! {
                            <ErrorNote message="Your reply was not sent. Please try again.".to_string()/>
                        })}
                        // Until the Wasm arrives, a plain form posts a reply (the server sends the
                        // browser back here); then the full reply box takes over what was typed.
                        {c.can_write.then_some(move || (!swapped.get()).then(|| view! {
                            <form class="form composer" method="post" action="/api/conversations/post"
                                data-testid=testid::PLAIN_REPLY_FORM>
                                <input type="hidden" name="id" value=id.to_string()/>
                                <label>"Reply"<textarea id=PLAIN_REPLY_ID name="body" required rows="3" maxlength="20000"
                                    data-testid=testid::PLAIN_REPLY></textarea></label>
                                <button class="button" type="submit">"Send"</button>
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
            Some((true, firm)) => view! {
                <form class="form composer" data-testid=testid::COMPOSER on:submit=submit>
                    <label>"Reply"<textarea required=move || !with_files() rows="3" maxlength="20000" bind:value=body data-testid=testid::REPLY></textarea></label>
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
                                b.push_str(&format!("A short guide to using this portal: {origin}/guide"));
                            })>"Add the client guide"</button>
                    })}
                    {firm.then(|| view! {
                        <label class="check"><input type="checkbox" bind:checked=sms/>"Also send as a text message"</label>
                    })}
                    {error_of(post.value())}
                    <button class="button" type="submit" data-testid=testid::SEND_MESSAGE
                        disabled=move || !ready.get() || post.pending().get() || files.busy()>
                        {move || if with_files() && body.with(|b| b.trim().is_empty()) { "Send files" } else { "Send" }}
                    </button>
                </form>
            }.into_any(),
            Some((false, _)) => view! { <p class="hint">"This matter is closed: its conversations are read-only."</p> }.into_any(),
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
            <h3><span class="lock" aria-hidden="true"></span>"Confirm it is you"</h3>
            <p>{AppError::StepUpRequired.to_string()}</p>
            <Show when=move || !has_app()>
                <div class="button-row">
                    <button class="button secondary" type="button" data-testid=testid::EMAIL_CODE
                        disabled=move || !ready.get() || send.pending().get()
                        on:click=move |_| { send.dispatch(SendCode { channel: "email".into() }); }>"Email me a code"</button>
                    <Show when=can_text>
                        <button class="button secondary" type="button"
                            disabled=move || !ready.get() || send.pending().get()
                            on:click=move |_| { send.dispatch(SendCode { channel: "sms".into() }); }>"Text me a code"</button>
                    </Show>
                </div>
                {move || match send.value().get() {
                    Some(Ok(to)) => Some(view! { <p class="hint" role="status">{format!("We sent a code to {to}. It works for 10 minutes.")}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <ErrorNote message=e.to_string()/> }.into_any()),
                    None => None,
                }}
            </Show>
            <ActionForm action=confirm attr:class="form inline" attr:data-testid=testid::STEP_UP_FORM>
                <label>{move || if has_app() { "Code from your authenticator app" } else { "Verification code" }}
                    <input name="code" required autocomplete="one-time-code" inputmode="numeric" maxlength="16" data-testid=testid::STEP_UP_CODE/>
                </label>
                {error_of(confirm.value())}
                <button class="button" type="submit" data-testid=testid::STEP_UP_SUBMIT
                    disabled=move || !ready.get() || confirm.pending().get()>"Confirm"</button>
            </ActionForm>
        </div>
    }
    .into_any()
}
