//! The "All Files" section of a matter page: folders and files, breadcrumbs, uploads with
//! progress, drag and drop, a menu per item (right-click, or "⋯" on touch screens), versions,
//! the trash and the sandboxed viewer.

use leptos::prelude::*;
use uuid::Uuid;

use super::{DocumentEntry, FolderView, ItemKind, api, human_size};
use crate::ui::{ErrorNote, hydrated};

/// One upload in the progress list.
#[derive(Debug, Clone, PartialEq)]
struct Transfer {
    key: u32,
    name: String,
    sent: f64,
    total: f64,
    started_ms: f64,
    state: TransferState,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum TransferState {
    Running,
    Done,
    Failed(String),
}

impl Transfer {
    fn percent(&self) -> u32 {
        if self.total <= 0.0 {
            100
        } else {
            (self.sent / self.total * 100.0).floor().clamp(0.0, 100.0) as u32
        }
    }

    fn time_left(&self, now_ms: f64) -> String {
        let elapsed = (now_ms - self.started_ms) / 1000.0;
        if self.sent <= 0.0 || elapsed < 1.0 {
            return "estimating time left".into();
        }
        let rate = self.sent / elapsed;
        let left = ((self.total - self.sent) / rate).ceil() as u64;
        match left {
            0..=59 => format!("about {left} s left"),
            60..=3599 => format!("about {} min left", left.div_ceil(60)),
            _ => format!("about {} h {} min left", left / 3600, (left % 3600) / 60),
        }
    }
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[cfg(feature = "hydrate")]
pub(crate) mod glue {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `public/uploads.js`: sends a file with tus-js-client.
        #[wasm_bindgen(js_namespace = dossierUploads, js_name = start)]
        pub fn start(
            file: &web_sys::File,
            meta: &JsValue,
            on: &Closure<dyn FnMut(String, f64, f64, String)>,
        ) -> JsValue;
    }

    /// For the file tree: into `folder`, or as a new version of `document`.
    pub fn meta(matter: &str, folder: Option<String>, document: Option<String>) -> JsValue {
        let meta = js_sys::Object::new();
        let set = |k: &str, v: &str| {
            let _ = js_sys::Reflect::set(&meta, &k.into(), &v.into());
        };
        set("matter", matter);
        set("purpose", "files");
        if let Some(f) = folder {
            set("folder", &f);
        }
        if let Some(d) = document {
            set("document", &d);
        }
        meta.into()
    }

    /// For a message: the upload becomes a staged attachment.
    pub fn attachment_meta(matter: &str) -> JsValue {
        let meta = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&meta, &"matter".into(), &matter.into());
        let _ = js_sys::Reflect::set(&meta, &"purpose".into(), &"attachment".into());
        meta.into()
    }
}

/// Starts uploading `files` into `folder` (or as new versions of `document`).
#[cfg(feature = "hydrate")]
fn send_files(
    files: web_sys::FileList,
    matter_id: Uuid,
    folder: Option<Uuid>,
    document: Option<Uuid>,
    transfers: RwSignal<Vec<Transfer>>,
    next_key: StoredValue<u32>,
    refresh: RwSignal<u32>,
) {
    use wasm_bindgen::prelude::*;
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        // The server decides; this only saves sending a file it would refuse.
        if file.size() > super::MAX_FILE_SIZE as f64 {
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            transfers.update(|t| {
                t.push(Transfer {
                    key,
                    name: file.name(),
                    sent: 0.0,
                    total: file.size(),
                    started_ms: now_ms(),
                    state: TransferState::Failed(format!(
                        "This file is {}; a file can be at most 5 GB.",
                        human_size(file.size() as u64)
                    )),
                })
            });
            continue;
        }
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        transfers.update(|t| {
            t.push(Transfer {
                key,
                name: file.name(),
                sent: 0.0,
                total: file.size(),
                started_ms: now_ms(),
                state: TransferState::Running,
            })
        });
        let on = Closure::<dyn FnMut(String, f64, f64, String)>::new(
            move |kind: String, sent: f64, total: f64, text: String| {
                transfers.update(|list| {
                    if let Some(t) = list.iter_mut().find(|t| t.key == key) {
                        match kind.as_str() {
                            "progress" => {
                                t.sent = sent;
                                t.total = total;
                            }
                            "done" => {
                                t.sent = t.total;
                                t.state = TransferState::Done;
                            }
                            _ => t.state = TransferState::Failed(text.clone()),
                        }
                    }
                });
                if kind == "done" {
                    refresh.update(|n| *n += 1);
                }
            },
        );
        let meta = glue::meta(
            &matter_id.to_string(),
            folder.map(|f| f.to_string()),
            document.map(|d| d.to_string()),
        );
        glue::start(&file, &meta, &on);
        // Lives as long as the page: tus-js-client calls it until the upload ends.
        on.forget();
    }
}

/// What the item menu, rename box or versions panel is open on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Menu(ItemKind, Uuid),
    Rename(ItemKind, Uuid),
    Move(ItemKind, Uuid),
    Versions(Uuid),
}

#[component]
pub fn AllFiles(matter_id: Uuid) -> AnyView {
    let ready = hydrated();
    let folder = RwSignal::new(None::<Uuid>);
    let refresh = RwSignal::new(0u32);
    let open = RwSignal::new(None::<Open>);
    let preview = RwSignal::new(None::<DocumentEntry>);
    let show_trash = RwSignal::new(false);
    let transfers = RwSignal::new(Vec::<Transfer>::new());
    let next_key = StoredValue::new(0u32);
    let dragging = RwSignal::new(None::<(ItemKind, Uuid)>);
    let new_version_of = RwSignal::new(None::<Uuid>);
    // The matter page's Messages section takes what "Send" picks.
    let sending = use_context::<crate::conversations::Sending>();

    let create = ServerAction::<api::CreateFolder>::new();
    let rename = ServerAction::<api::RenameItem>::new();
    let move_item = ServerAction::<api::MoveItem>::new();
    let trash = ServerAction::<api::TrashItem>::new();
    let restore = ServerAction::<api::RestoreItem>::new();
    let changed = move || {
        (
            refresh.get(),
            create.version().get(),
            rename.version().get(),
            move_item.version().get(),
            trash.version().get(),
            restore.version().get(),
        )
    };
    let listing = Resource::new(
        move || (folder.get(), changed()),
        move |(folder_id, _)| api::list_folder(matter_id, folder_id),
    );
    let trash_list = Resource::new(
        move || (show_trash.get(), changed()),
        move |(shown, _)| async move {
            if shown {
                api::list_trash(matter_id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let all_folders = Resource::new(
        move || (matches!(open.get(), Some(Open::Move(..))), changed()),
        move |(wanted, _)| async move {
            if wanted {
                api::list_all_folders(matter_id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let error = move || {
        [
            create.value().get().and_then(|r| r.err()),
            rename.value().get().and_then(|r| r.err()),
            move_item.value().get().and_then(|r| r.err()),
            trash.value().get().and_then(|r| r.err()),
            restore.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| view! { <ErrorNote message=e.to_string()/> })
    };
    // Any action closes the menu it came from.
    Effect::new(move |_| {
        changed();
        open.set(None);
    });

    let file_input = NodeRef::<leptos::html::Input>::new();
    let version_input = NodeRef::<leptos::html::Input>::new();
    let on_files = move |_ev: leptos::ev::Event,
                         document: Option<Uuid>,
                         input: NodeRef<leptos::html::Input>| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get() {
            if let Some(files) = input.files() {
                send_files(
                    files,
                    matter_id,
                    folder.get_untracked(),
                    document,
                    transfers,
                    next_key,
                    refresh,
                );
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (document, input, next_key);
    };
    let drop_on = move |ev: leptos::ev::DragEvent, target: Option<Uuid>| {
        ev.prevent_default();
        // On the server build the second arm is empty.
        #[allow(clippy::single_match)]
        match dragging.get_untracked() {
            // An item of the tree dropped on a folder: move it there.
            Some((kind, id)) => {
                dragging.set(None);
                if Some(id) != target {
                    move_item.dispatch(api::MoveItem {
                        matter_id,
                        kind,
                        id,
                        to: target,
                    });
                }
            }
            // Files from the computer: upload them there.
            None =>
            {
                #[cfg(feature = "hydrate")]
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    send_files(files, matter_id, target, None, transfers, next_key, refresh);
                }
            }
        }
    };

    let item_menu = move |kind: ItemKind, id: Uuid, name: String, doc: Option<DocumentEntry>| {
        let name_for_rename = name.clone();
        view! {
            <div class="menu" role="menu" data-testid="item-menu">
                {doc.clone().map(|d| {
                    let d2 = d.clone();
                    view! {
                        {d.previewable.then(|| view! {
                            <button role="menuitem" type="button" on:click=move |_| { preview.set(Some(d2.clone())); open.set(None); }>"Open"</button>
                        })}
                        <a role="menuitem" href=format!("/files/{}/download", d.id) download="">"Download"</a>
                        <button role="menuitem" type="button" on:click=move |_| {
                            new_version_of.set(Some(id));
                            open.set(None);
                            if let Some(input) = version_input.get() { input.click(); }
                        }>"Upload new version"</button>
                        <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Versions(id)))>
                            {format!("Versions ({})", d.versions)}
                        </button>
                    }
                })}
                <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Rename(kind, id)))>"Rename"</button>
                <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Move(kind, id)))>"Move to…"</button>
                {
                    let outgoing = move |share: bool| crate::conversations::Outgoing { kind, id, name: name.clone(), share };
                    let pick = move |item: crate::conversations::Outgoing| {
                        if let Some(s) = sending { s.add(item); }
                        open.set(None);
                        crate::ui::scroll_to("messages");
                    };
                    let (send, share) = (outgoing(false), outgoing(true));
                    view! {
                        <button role="menuitem" type="button" data-testid="send-item"
                            disabled=kind == ItemKind::Folder || sending.is_none()
                            title=(kind == ItemKind::Folder).then_some("A folder is shared, not sent")
                            on:click=move |_| pick(send.clone())>"Send"</button>
                        <button role="menuitem" type="button" data-testid="share-item" disabled=sending.is_none()
                            on:click=move |_| pick(share.clone())>"Share"</button>
                    }
                }
                <button role="menuitem" type="button" class="danger" data-testid="trash-item"
                    on:click=move |_| { trash.dispatch(api::TrashItem { matter_id, kind, id }); }>
                    "Move to trash"
                </button>
                <span class="sr-only">{name_for_rename}</span>
            </div>
        }
    };

    let rename_form = move |kind: ItemKind, id: Uuid, name: String| {
        view! {
            <ActionForm action=rename attr:class="form inline rename" attr:data-testid="rename-form">
                <input type="hidden" name="matter_id" value=matter_id.to_string()/>
                <input type="hidden" name="kind" value=if kind == ItemKind::Folder { "folder" } else { "document" }/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input name="name" value=name required maxlength="255" aria-label="New name" autofocus/>
                <button class="button small" type="submit">"Rename"</button>
                <button class="button small secondary" type="button" on:click=move |_| open.set(None)>"Cancel"</button>
            </ActionForm>
        }
    };

    let move_picker = move |kind: ItemKind, id: Uuid| {
        view! {
            <div class="move-picker" data-testid="move-picker">
                <Transition fallback=|| view! { <p class="hint">"Loading folders…"</p> }>
                    {move || all_folders.get().map(|r| match r {
                        Ok(Some(list)) => view! {
                            <ul>
                                {list.into_iter().filter(|(fid, _)| !(kind == ItemKind::Folder && *fid == id)).map(|(fid, path)| {
                                    let to = (fid != matter_id).then_some(fid);
                                    view! {
                                        <li><button type="button" class="link" on:click=move |_| {
                                            move_item.dispatch(api::MoveItem { matter_id, kind, id, to });
                                        }>{path}</button></li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    })}
                </Transition>
                <button class="button small secondary" type="button" on:click=move |_| open.set(None)>"Cancel"</button>
            </div>
        }
    };

    let versions_panel = move |id: Uuid| {
        let versions = Resource::new(
            move || id,
            move |document_id| api::list_versions(matter_id, document_id),
        );
        view! {
            <div class="versions" data-testid="versions">
                <Transition fallback=|| view! { <p class="hint">"Loading versions…"</p> }>
                    {move || versions.get().map(|r| match r {
                        Ok(list) => view! {
                            <ol reversed>
                                {list.into_iter().map(|v| view! {
                                    <li>
                                        <a href=format!("/files/{id}/download?version={}", v.number) download="">{format!("Version {}", v.number)}</a>
                                        {format!(" · {} · {} by {} · SHA-256 ", human_size(v.size), v.uploaded_at, v.uploaded_by)}
                                        <code title=v.sha256.clone()>{v.sha256[..12.min(v.sha256.len())].to_string()}"…"</code>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    })}
                </Transition>
                <button class="button small secondary" type="button" on:click=move |_| open.set(None)>"Close"</button>
            </div>
        }
    };

    let row_tools = move |kind: ItemKind, id: Uuid, name: String, doc: Option<DocumentEntry>| {
        let name2 = name.clone();
        let doc2 = doc.clone();
        move || match open.get() {
            Some(Open::Menu(k, i)) if k == kind && i == id => {
                Some(item_menu(kind, id, name2.clone(), doc2.clone()).into_any())
            }
            Some(Open::Rename(k, i)) if k == kind && i == id => {
                Some(rename_form(kind, id, name2.clone()).into_any())
            }
            Some(Open::Move(k, i)) if k == kind && i == id => {
                Some(move_picker(kind, id).into_any())
            }
            Some(Open::Versions(i)) if i == id => Some(versions_panel(id).into_any()),
            _ => None,
        }
    };
    let toggle_menu = move |kind: ItemKind, id: Uuid| {
        open.update(|o| {
            *o = match o {
                Some(Open::Menu(k, i)) if *k == kind && *i == id => None,
                _ => Some(Open::Menu(kind, id)),
            }
        })
    };

    let contents = move |view_: FolderView| {
        let writable = view_.writable;
        let crumbs = view_.path.clone();
        let last = crumbs.len().saturating_sub(1);
        let breadcrumbs = crumbs.into_iter().enumerate().map(|(i, c)| {
            let target = (c.id != matter_id).then_some(c.id);
            view! {
                <li on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=move |ev| drop_on(ev, target)>
                    {if i == last {
                        view! { <span aria-current="page">{c.name}</span> }.into_any()
                    } else {
                        view! { <button type="button" class="link" on:click=move |_| folder.set(target)>{c.name}</button> }.into_any()
                    }}
                </li>
            }
        }).collect_view();
        let empty = view_.folders.is_empty() && view_.documents.is_empty();
        let folders = view_.folders.into_iter().map(|f| {
            let id = f.id;
            let name = f.name.clone();
            let tools = row_tools(ItemKind::Folder, id, f.name.clone(), None);
            view! {
                <li class="entry folder" data-testid="folder-row" draggable=if writable { "true" } else { "false" }
                    on:dragstart=move |ev: leptos::ev::DragEvent| {
                        dragging.set(Some((ItemKind::Folder, id)));
                        if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", "folder"); }
                    }
                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                    on:drop=move |ev| drop_on(ev, Some(id))
                    on:contextmenu=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); open.set(Some(Open::Menu(ItemKind::Folder, id))); }>
                    <span class="icon icon-folder" aria-hidden="true"></span>
                    <button type="button" class="link entry-name" on:click=move |_| folder.set(Some(id))>{f.name}</button>
                    <span class="hint">"Folder"</span>
                    {writable.then(|| view! {
                        <button type="button" class="more" aria-label=format!("Actions for {name}") data-testid="more"
                            on:click=move |_| toggle_menu(ItemKind::Folder, id)>"⋯"</button>
                    })}
                    {tools}
                </li>
            }
        }).collect_view();
        let documents = view_.documents.into_iter().map(|d| {
            let id = d.id;
            let name = d.name.clone();
            let doc = d.clone();
            let doc_for_open = d.clone();
            view! {
                <li class="entry document" data-testid="document-row" draggable=if writable { "true" } else { "false" }
                    on:dragstart=move |ev: leptos::ev::DragEvent| {
                        dragging.set(Some((ItemKind::Document, id)));
                        if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", "file"); }
                    }
                    on:contextmenu=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); open.set(Some(Open::Menu(ItemKind::Document, id))); }>
                    <span class="icon icon-file" aria-hidden="true"></span>
                    {if d.previewable {
                        view! { <button type="button" class="link entry-name" on:click=move |_| preview.set(Some(doc_for_open.clone()))>{d.name.clone()}</button> }.into_any()
                    } else {
                        view! { <a class="entry-name" href=format!("/files/{id}/download") download="">{d.name.clone()}</a> }.into_any()
                    }}
                    <span class="hint" data-testid="last-updated">
                        {format!("{} · updated {} by {}", human_size(d.size), d.updated_at, d.updated_by)}
                        {(d.versions > 1).then(|| format!(" · {} versions", d.versions))}
                    </span>
                    <button type="button" class="more" aria-label=format!("Actions for {name}") data-testid="more"
                        on:click=move |_| toggle_menu(ItemKind::Document, id)>"⋯"</button>
                    {row_tools(ItemKind::Document, id, d.name.clone(), Some(doc.clone()))}
                </li>
            }
        }).collect_view();
        view! {
            <nav aria-label="Folder path"><ol class="breadcrumbs" data-testid="breadcrumbs">{breadcrumbs}</ol></nav>
            {(!writable).then(|| view! { <p class="hint">"This matter is closed: its files can be read, not changed."</p> })}
            {writable.then(|| view! {
                <div class="toolbar">
                    <ActionForm action=create attr:class="form inline" attr:data-testid="new-folder-form">
                        <input type="hidden" name="matter_id" value=matter_id.to_string()/>
                        <input type="hidden" name="parent_id" value=view_.id.to_string()/>
                        <input name="name" required maxlength="255" placeholder="New folder name" aria-label="New folder name"/>
                        <button class="button small" type="submit" disabled=move || !ready.get()>"New folder"</button>
                    </ActionForm>
                    <label class="button small upload-button">
                        "Upload files"
                        <input type="file" multiple class="sr-only" data-testid="upload-input" node_ref=file_input
                            disabled=move || !ready.get()
                            on:change=move |ev| on_files(ev, None, file_input)/>
                    </label>
                </div>
            })}
            {empty.then(|| view! { <p class="hint drop-hint">"No files here yet. Drop files here or use Upload files."</p> })}
            <ul class="entries" data-testid="entries">{folders}{documents}</ul>
        }
    };

    let transfer_list = move || {
        let now = now_ms();
        let list = transfers.get();
        (!list.is_empty()).then(|| view! {
            <ul class="transfers" data-testid="transfers" aria-live="polite">
                {list.into_iter().map(|t| {
                    let status = match &t.state {
                        TransferState::Running => format!(
                            "{} of {} · {}% · {}", human_size(t.sent as u64), human_size(t.total as u64), t.percent(), t.time_left(now)
                        ),
                        TransferState::Done => format!("Uploaded · {}", human_size(t.total as u64)),
                        TransferState::Failed(why) => why.clone(),
                    };
                    let failed = matches!(t.state, TransferState::Failed(_));
                    view! {
                        <li data-testid="transfer" class:failed=failed>
                            <span class="transfer-name">{t.name.clone()}</span>
                            <progress max="100" value=t.percent()></progress>
                            <span class="hint" data-testid="transfer-status">{status}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    };

    view! {
        <section class="card all-files" data-testid="all-files"
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev| { let here = folder.get_untracked(); drop_on(ev, here) }>
            <div class="section-head">
                <h2>"All Files"</h2>
                <label class="check">
                    <input type="checkbox" data-testid="show-trash" on:change=move |ev| show_trash.set(event_target_checked(&ev))/>
                    "Show trash"
                </label>
            </div>
            <input type="file" class="sr-only" node_ref=version_input aria-hidden="true" tabindex="-1"
                on:change=move |ev| { let doc = new_version_of.get_untracked(); on_files(ev, doc, version_input) }/>
            {error}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || listing.get().map(|r| match r {
                    Ok(v) => contents(v).into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            {transfer_list}
            <Transition fallback=|| ()>
                {move || trash_list.get().map(|r| match r {
                    Ok(Some(list)) => view! {
                        <div class="trash" data-testid="trash">
                            <h3>"Trash"</h3>
                            {list.is_empty().then(|| view! { <p class="hint">"The trash is empty."</p> })}
                            <ul class="entries">
                                {list.into_iter().map(|t| {
                                    let (kind, id) = (t.kind, t.id);
                                    view! {
                                        <li class="entry" data-testid="trash-row">
                                            <span class=if kind == ItemKind::Folder { "icon icon-folder" } else { "icon icon-file" } aria-hidden="true"></span>
                                            <span class="entry-name">{t.name}</span>
                                            <span class="hint">{format!("from {} · {} by {}", t.place, t.trashed_at, t.trashed_by)}</span>
                                            <button class="button small secondary" type="button" data-testid="restore"
                                                on:click=move |_| { restore.dispatch(api::RestoreItem { matter_id, kind, id }); }>"Restore"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            {move || preview.get().map(|d| {
                view! {
                    <div class="viewer" role="dialog" aria-label=format!("Viewing {}", d.name) data-testid="viewer">
                        <div class="viewer-bar">
                            <strong>{d.name.clone()}</strong>
                            <a class="button small secondary" href=format!("/files/{}/download", d.id) download="">"Download"</a>
                            <button class="button small" type="button" on:click=move |_| preview.set(None)>"Close"</button>
                        </div>
                        <Preview src=format!("/files/{}/preview", d.id) name=d.name.clone() content_type=d.content_type.clone()/>
                    </div>
                }
            })}
        </section>
    }
    .into_any()
}

/// A file shown in the browser from its `/preview` URL, which the server serves under a
/// restrictive CSP; text and other documents also go in a sandboxed frame.
#[component]
pub fn Preview(src: String, name: String, content_type: String) -> AnyView {
    match content_type.split('/').next().unwrap_or_default() {
        "image" => view! { <img src=src alt=name/> }.into_any(),
        "video" => view! { <video src=src controls></video> }.into_any(),
        "audio" => view! { <audio src=src controls></audio> }.into_any(),
        // Chrome's PDF viewer does not run in a sandboxed frame; the server's policy on the
        // PDF itself still forbids scripts and outside loads.
        _ if content_type == "application/pdf" => {
            view! { <iframe src=src title=name></iframe> }.into_any()
        }
        _ => view! { <iframe src=src title=name sandbox=""></iframe> }.into_any(),
    }
}
