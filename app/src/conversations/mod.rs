//! Conversations on a matter: external ones with its contacts, internal ones among the firm's
//! people. A conversation can require its contacts to pass the second factor again (step-up)
//! before anything in it is shown; that rule lives in `policy::Actor::conversation`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod attachments;
#[cfg(feature = "ssr")]
pub mod editing;
mod files_ui;
#[cfg(feature = "ssr")]
pub mod formatting;
mod inbox_ui;
mod live_ui;
mod message_ui;
mod new_ui;
#[cfg(feature = "ssr")]
pub mod notices;
#[cfg(feature = "ssr")]
pub mod opening;
#[cfg(feature = "ssr")]
pub mod participants;
mod participants_ui;
#[cfg(feature = "ssr")]
pub mod reading;
#[cfg(feature = "ssr")]
pub mod receipts;
#[cfg(feature = "ssr")]
pub mod requests;
mod requests_ui;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod telling;
mod thread_ui;

use crate::ids::{AttachmentId, ConversationId, MatterId, MessageId, UserId};
use crate::when::When;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::StringLen;

use files_ui::AttachmentList;
pub use inbox_ui::Inbox;
use live_ui::{Live, listen};
pub use message_ui::MessageButton;
use new_ui::{NewConversationButton, NewConversationForm};
pub use requests_ui::RequestUploads;
use thread_ui::ConversationPane;

use crate::testid;
use crate::{matters::MatterPerson, ui::ErrorNote};

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;
/// What a file over the sending limit is told, by who sends it: staff can share it instead, a
/// client cannot. `what`: "This file", or the file's name in quotes.
pub fn too_large_to_send(what: &str, size: u64, firm: bool) -> String {
    let advice = if firm {
        crate::text::SHARE_IT_INSTEAD_A_SHARED_FILE
    } else {
        crate::text::FOR_A_LARGER_FILE_ASK_THE
    };
    crate::text::is_files_up_to_100_mb(&what, &(crate::files::human_size(size)), &advice)
}

/// The largest file sent with a message (the reference guide's 100 MB, as a computer counts
/// it); larger ones are shared instead.
pub const MAX_SEND_SIZE: u64 = 100 * 1024 * 1024;
/// The most files one message carries.
pub const MAX_ATTACHMENTS: usize = 20;
/// A file request asks for at most this many files, one a line…
pub const MAX_REQUEST_LINES: usize = 20;
/// …each line in at most this many characters…
pub const MAX_REQUEST_LINE_CHARS: usize = 200;
/// …and each line takes at most this many files from one person (of up to 5 GB each).
pub const FILES_PER_REQUEST_LINE: usize = 10;

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
    /// Its author changed its text after sending it.
    #[serde(default)]
    pub edited: bool,
    /// Its author deleted it: no text, files or shares, only that it was there.
    #[serde(default)]
    pub deleted: bool,
    /// For its author: until when it can still be edited or deleted (the firm's window).
    #[serde(default)]
    pub editable_until: Option<crate::when::Moment>,
    /// The files it asks the conversation's contacts for (`requests`).
    #[serde(default)]
    pub request: Option<RequestView>,
}

/// A file request as one reader sees it: its lines, each with what was uploaded into it (all of
/// it for the firm; a contact's own for a contact).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestView {
    pub items: Vec<RequestItemView>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestItemView {
    /// What the line asks for ("Passport").
    pub label: String,
    pub files: Vec<RequestedFileView>,
}

/// A file uploaded into a line of a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestedFileView {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub by: String,
    pub by_id: Option<UserId>,
    pub at: crate::when::Moment,
    /// Where it is in All Files (for the firm only).
    pub document: Option<crate::ids::DocumentId>,
}

/// Someone joined or left a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")
)]
pub enum MembershipChange {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "joined"))]
    Joined,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "left"))]
    Left,
}

/// "Grace Hopper was added by Ada Lovelace", shown among the messages at its moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MembershipView {
    pub change: MembershipChange,
    pub name: String,
    /// Who added or removed them (`None`: they joined by writing).
    pub by: Option<String>,
    pub at: crate::when::Moment,
}

impl MembershipView {
    pub fn sentence(&self) -> String {
        match (self.change, &self.by) {
            (MembershipChange::Joined, Some(by)) => crate::text::was_added_by(&self.name, &by),
            (MembershipChange::Joined, None) => format!("{} joined", self.name),
            (MembershipChange::Left, Some(by)) => crate::text::was_removed_by(&self.name, &by),
            (MembershipChange::Left, None) => format!("{} left", self.name),
        }
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
    /// Who joined or left, oldest first: shown among the messages.
    #[serde(default)]
    pub changes: Vec<MembershipView>,
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
    let list = crate::resources::resource(
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
                            <li class="hint">{crate::text::NO_CONVERSATIONS_YET}
                                {firm.then(|| view! { <a href="/help#message">{crate::text::HOW_TO_START_ONE}</a> })}
                            </li>
                        }.into_any();
                    }
                    items
                        .into_iter()
                        .map(|c| {
                            let id = c.id;
                            let title = c.subject.clone().unwrap_or_else(|| crate::text::SECURE_CONVERSATION.into());
                            view! {
                                <li class="conversation-item" class:current=move || selected.get() == Some(id)
                                    data-testid=testid::CONVERSATION_ITEM>
                                    <button class="link conversation-open" type="button"
                                        on:click=move |_| selected.set(Some(id))>
                                        {c.locked.then(|| view! { <span class="lock" aria-hidden="true"></span> })}
                                        <span class="conversation-subject">{title}</span>
                                    </button>
                                    {c.requires_second_factor.then(|| view! { <span class="badge">{crate::text::VERIFICATION_REQUIRED}</span> })}
                                    {(c.unread > 0).then(|| view! { <span class="badge unread">{format!("{} unread", c.unread)}</span> })}
                                    <span class="hint">{if c.locked {
                                        crate::text::CONFIRM_IT_IS_YOU_TO_SEE.into_any()
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
            <h2>{crate::text::MESSAGES}</h2>
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
                        <h3>{crate::text::EXTERNAL_CONVERSATIONS}</h3>
                        {(firm && open).then(|| view! { <NewConversationButton kind=ConversationKind::External creating/> })}
                    </div>
                    <ul class="plain" data-testid=testid::EXTERNAL_CONVERSATIONS>
                        <Transition fallback=|| ()>{group(ConversationKind::External)}</Transition>
                    </ul>
                    {firm.then(|| view! {
                        <div class="list-head">
                            <h3>{crate::text::INTERNAL_CONVERSATIONS}</h3>
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
                                on:click=move |_| selected.set(None)>{crate::text::ALL_CONVERSATIONS}</a>
                            <ConversationPane id matter_id on_changed people=everyone.get_value()/>
                        }.into_any(),
                        None => view! { <p class="hint">{crate::text::CHOOSE_A_CONVERSATION_TO_READ_IT}</p> }.into_any(),
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

/// The query word and value that a refused plain-form reply comes back with.
const REPLY_NOT_SENT: (&str, &str) = ("reply", "not-sent");
