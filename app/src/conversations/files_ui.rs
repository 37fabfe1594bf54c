//! The files a message sends, in the browser: "Attach" (uploaded from the device with the
//! resumable uploads, with progress), items picked with "Send" or "Share" in the matter's tree
//! (or with the composer's "Share" picker), and the list under a sent message.

use leptos::prelude::*;

use super::{AttachmentView, Outgoing, Sending};
use crate::testid;
use crate::{
    files::{ItemKind, human_size},
    ids::{AttachmentId, DocumentId, FolderId, Item, MatterId},
    ui::ErrorNote,
};

impl Sending {
    /// The picked items: shared ones if `share`, else those sent as copies.
    fn items(&self, share: bool) -> Vec<Item> {
        self.0.with_untracked(|list| {
            list.iter()
                .filter(|o| o.share == share)
                .map(|o| Item::new(o.kind, o.id))
                .collect()
        })
    }

    /// For a message: (files to send, files to share, folders to share).
    pub fn picked(sending: Option<Self>) -> (Vec<DocumentId>, Vec<DocumentId>, Vec<FolderId>) {
        let Some(s) = sending else {
            return Default::default();
        };
        let documents = |items: Vec<Item>| -> Vec<DocumentId> {
            items
                .into_iter()
                .filter_map(|i| match i {
                    Item::Document(id) => Some(id),
                    Item::Folder(_) => None,
                })
                .collect()
        };
        let shared = s.items(true);
        let folders = shared
            .iter()
            .filter_map(|i| match i {
                Item::Folder(id) => Some(*id),
                Item::Document(_) => None,
            })
            .collect();
        (documents(s.items(false)), documents(shared), folders)
    }

    pub fn add(&self, item: Outgoing) {
        self.0.update(|list| {
            if !list.contains(&item) {
                list.push(item)
            }
        });
    }
}

/// One file on its way up for a message.
#[derive(Debug, Clone, PartialEq)]
struct Staged {
    key: u32,
    name: String,
    sent: f64,
    total: f64,
    state: StagedState,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum StagedState {
    Uploading,
    Ready(AttachmentId),
    Failed(String),
}

/// The files attached to the message being written.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct Staging {
    matter_id: MatterId,
    list: RwSignal<Vec<Staged>>,
    next_key: StoredValue<u32>,
    /// The writer is at the firm (and so may share what is too large to send).
    firm: Signal<bool>,
}

impl Staging {
    pub fn new(matter_id: MatterId) -> Self {
        Self {
            matter_id,
            list: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            firm: {
                let me = crate::accounts::Auth::get().me;
                Signal::derive(move || {
                    me.get()
                        .and_then(Result::ok)
                        .flatten()
                        .is_some_and(|me| me.is_firm_member)
                })
            },
        }
    }

    pub fn clear(&self) {
        self.list.set(Vec::new());
    }

    /// The uploaded files, for the message to send.
    pub fn ready(&self) -> Vec<AttachmentId> {
        self.list.with_untracked(|l| {
            l.iter()
                .filter_map(|s| match s.state {
                    StagedState::Ready(id) => Some(id),
                    _ => None,
                })
                .collect()
        })
    }

    pub fn any(&self) -> bool {
        self.list
            .with(|l| l.iter().any(|s| matches!(s.state, StagedState::Ready(_))))
    }

    /// A file is still on its way: the message waits for it.
    pub fn busy(&self) -> bool {
        self.list
            .with(|l| l.iter().any(|s| s.state == StagedState::Uploading))
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn push(&self, name: String, total: f64, state: StagedState) -> u32 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        self.list.update(|l| {
            l.push(Staged {
                key,
                name,
                sent: 0.0,
                total,
                state,
            })
        });
        key
    }

    #[cfg(feature = "hydrate")]
    fn upload(&self, files: web_sys::FileList) {
        use wasm_bindgen::prelude::*;
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            // The server decides; this only saves sending a file it would refuse.
            if file.size() > super::MAX_SEND_SIZE as f64 {
                self.push(
                    file.name(),
                    file.size(),
                    StagedState::Failed(super::too_large_to_send(
                        crate::text::THIS_FILE,
                        file.size() as u64,
                        self.firm.get_untracked(),
                    )),
                );
                continue;
            }
            let key = self.push(file.name(), file.size(), StagedState::Uploading);
            let list = self.list;
            let on = Closure::<dyn FnMut(String, f64, f64, String)>::new(
                move |kind: String, sent: f64, total: f64, text: String| {
                    list.update(|l| {
                        if let Some(s) = l.iter_mut().find(|s| s.key == key) {
                            match kind.as_str() {
                                "progress" => {
                                    s.sent = sent;
                                    s.total = total;
                                }
                                "done" => {
                                    s.sent = s.total;
                                    s.state = match text.parse::<AttachmentId>() {
                                        Ok(id) => StagedState::Ready(id),
                                        Err(_) => StagedState::Failed(
                                            crate::text::THE_UPLOAD_FINISHED_BUT_THE_PORTAL.into(),
                                        ),
                                    };
                                }
                                _ => {
                                    s.state =
                                        StagedState::Failed(crate::files::ui::glue::failure(&text))
                                }
                            }
                        }
                    });
                },
            );
            let meta = crate::files::ui::glue::attachment_meta(&self.matter_id.to_string());
            crate::files::ui::glue::start(&file, &meta, &on);
            // Lives as long as the page: tus-js-client calls it until the upload ends.
            on.forget();
        }
    }
}

/// "Attach files" and the files attached so far, with their progress.
#[component]
pub fn Attach(files: Staging) -> AnyView {
    let ready = crate::ui::hydrated();
    let input = NodeRef::<leptos::html::Input>::new();
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get() {
            if let Some(list) = input.files() {
                files.upload(list);
            }
            input.set_value("");
        }
    };
    let items = move || {
        files
            .list
            .get()
            .into_iter()
            .map(|s| {
                let key = s.key;
                let status = match &s.state {
                    StagedState::Uploading => format!(
                        "{} of {} · {}%",
                        human_size(s.sent as u64),
                        human_size(s.total as u64),
                        if s.total > 0.0 {
                            (s.sent / s.total * 100.0).floor() as u32
                        } else {
                            100
                        }
                    ),
                    StagedState::Ready(_) => human_size(s.total as u64),
                    StagedState::Failed(e) => e.clone(),
                };
                let failed = matches!(s.state, StagedState::Failed(_));
                view! {
                    <li class="chip" class:failed=failed data-testid=testid::ATTACHED_FILE>
                        <span class="chip-name">{s.name}</span>
                        <span class="hint">{status}</span>
                        <button type="button" class="link" aria-label=crate::text::REMOVE
                            on:click=move |_| files.list.update(|l| l.retain(|s| s.key != key))>"✕"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="attach">
            <input type="file" multiple class="sr-only" node_ref=input on:change=on_change
                data-testid=testid::ATTACH_INPUT aria-label=crate::text::ATTACH_FILES/>
            <button type="button" class="button secondary small" disabled=move || !ready.get()
                on:click=move |_| { if let Some(i) = input.get() { i.click(); } }>{crate::text::ATTACH_FILES}</button>
            <span class="hint">{crate::text::UP_TO_100_MB_A_FILE}</span>
            <ul class="plain chips">{items}</ul>
        </div>
    }
    .into_any()
}

/// The files under a sent message.
#[component]
pub fn AttachmentList(files: Vec<AttachmentView>) -> AnyView {
    let items = files
        .into_iter()
        .map(|f| {
            let download = format!("/attachments/{}/download", f.id);
            let preview = format!("/attachments/{}/preview", f.id);
            view! {
                <li class="attachment" data-testid=testid::ATTACHMENT>
                    <span class="file-icon" aria-hidden="true"></span>
                    <a href=download download="">{f.name}</a>
                    <span class="hint">{format!(" · {}", human_size(f.size))}
                        {f.from_files.then_some(crate::text::A_COPY_FROM_THE_MATTERS_FILES)}</span>
                    {f.previewable.then(|| view! {
                        " "<a href=preview target="_blank" rel="noopener">{crate::text::OPEN}</a>
                    })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="plain attachments">{items}</ul> }.into_any()
}

/// What "Send" and "Share" picked, waiting for a conversation.
#[component]
pub fn SendingNote(sending: Sending) -> AnyView {
    view! {
        <Show when=move || !sending.0.with(Vec::is_empty)>
            <div class="sending" role="status" data-testid=testid::SENDING>
                <p><strong>{crate::text::FROM_ALL_FILES_WITH_THIS_MESSAGE}</strong>
                    {crate::text::A_SENT_FILE_IS_A_COPY}</p>
                <ul class="plain chips">
                    {move || sending.0.get().into_iter().map(|o| {
                        let gone = o.clone();
                        let how = match (o.share, o.kind) {
                            (false, _) => crate::text::SEND_BADGE,
                            (true, ItemKind::Document) => crate::text::SHARE_BADGE,
                            (true, ItemKind::Folder) => crate::text::SHARE_FOLDER,
                        };
                        view! {
                            <li class="chip">
                                <span class="badge">{how}</span>
                                <span class="chip-name">{o.name}</span>
                                <button type="button" class="link" aria-label=crate::text::LEAVE_OUT
                                    on:click=move |_| sending.0.update(|l| l.retain(|i| *i != gone))>"✕"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
    .into_any()
}

/// The composer's "Share": browse the matter's files and pick files or folders to share.
#[component]
pub fn SharePicker(matter_id: MatterId) -> AnyView {
    let sending = use_context::<Sending>();
    let open = RwSignal::new(false);
    let folder = RwSignal::new(None::<FolderId>);
    let listing = crate::resources::resource(
        move || (matter_id, open.get(), folder.get()),
        |(matter_id, open, folder_id)| async move {
            if open {
                crate::files::api::list_folder(matter_id, folder_id)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let pick = move |kind: ItemKind, id: uuid::Uuid, name: String| {
        if let Some(s) = sending {
            s.add(Outgoing {
                kind,
                id,
                name,
                share: true,
            });
        }
    };
    view! {
        <button type="button" class="button secondary small" data-testid=testid::SHARE_PICKER
            on:click=move |_| open.update(|o| *o = !*o)>{crate::text::SHARE_FROM_ALL_FILES}</button>
        <Show when=move || open.get()>
            <div class="picker" data-testid=testid::SHARE_PICKER_LIST>
                <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING}</p> }>
                    {move || listing.get().map(|r| match r {
                        Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Ok(Some(f)) => {
                            let root = f.path.len() <= 1;
                            let up = f.path.iter().rev().nth(1).map(|c| c.id);
                            let here = f.path.last().map(|c| c.name.clone()).unwrap_or_default();
                            let folders = f.folders.into_iter().map(|sub| {
                                let (id, name) = (sub.id, sub.name.clone());
                                view! {
                                    <li class="shared-row">
                                        <span class="folder-icon" aria-hidden="true"></span>
                                        <button type="button" class="link" on:click=move |_| folder.set(Some(id))>{sub.name}</button>
                                        <button type="button" class="button small secondary"
                                            on:click=move |_| pick(ItemKind::Folder, id.0, name.clone())>{crate::text::SHARE}</button>
                                    </li>
                                }
                            }).collect_view();
                            let documents = f.documents.into_iter().map(|d| {
                                let (id, name) = (d.id, d.name.clone());
                                view! {
                                    <li class="shared-row">
                                        <span class="file-icon" aria-hidden="true"></span>
                                        <span>{d.name}</span>
                                        <button type="button" class="button small secondary"
                                            on:click=move |_| pick(ItemKind::Document, id.0, name.clone())>{crate::text::SHARE}</button>
                                    </li>
                                }
                            }).collect_view();
                            view! {
                                <p class="hint">
                                    {(!root).then(|| view! {
                                        <button type="button" class="link" on:click=move |_| {
                                            folder.set(up.filter(|u| *u != matter_id.root_folder()))
                                        }>{crate::text::BACK}</button>" · "
                                    })}
                                    {here}
                                </p>
                                <ul class="plain">{folders}{documents}</ul>
                            }.into_any()
                        }
                    })}
                </Transition>
            </div>
        </Show>
    }
    .into_any()
}
