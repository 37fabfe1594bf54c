//! The "All Files" section of a matter page: folders and files, breadcrumbs, uploads with
//! progress, drag and drop, a menu per item (right-click, or "⋯" on touch screens), versions,
//! the trash and the sandboxed viewer. The parts share one `Tree` of signals and actions;
//! each part is its own component.

mod items;
mod transfers;

use crate::when::When;
use leptos::prelude::*;
use uuid::Uuid;

use super::{DocumentEntry, FolderView, ItemKind, api, human_size};
use crate::{
    ids::{DocumentId, FolderId, MatterId},
    testid,
    ui::{ErrorNote, hydrated},
};
use items::RowTools;
#[cfg(feature = "hydrate")]
pub(crate) use transfers::glue;
use transfers::{TransferList, Uploads};

/// Changes to the matter's files made elsewhere (a contact's upload into a file request, heard
/// live by the matter page's Messages section): provided by the matter page, so that its file
/// tree looks again.
#[derive(Debug, Clone, Copy)]
pub struct FilesChanged(RwSignal<u32>);

impl FilesChanged {
    pub fn provide() {
        provide_context(Self(RwSignal::new(0)));
    }

    pub fn bump(self) {
        self.0.try_update(|n| *n += 1);
    }
}

/// What the item menu, rename box, move picker, versions or activity panel is open on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Menu(ItemKind, Uuid),
    Rename(ItemKind, Uuid),
    Move(ItemKind, Uuid),
    Versions(Uuid),
    Activity(Uuid),
}

/// What the parts of one "All Files" section share: where the person is, what is open, what is
/// being dragged, the uploads and the tree's actions.
#[derive(Clone, Copy)]
struct Tree {
    matter_id: MatterId,
    folder: RwSignal<Option<FolderId>>,
    open: RwSignal<Option<Open>>,
    preview: RwSignal<Option<DocumentEntry>>,
    dragging: RwSignal<Option<(ItemKind, Uuid)>>,
    new_version_of: RwSignal<Option<DocumentId>>,
    version_input: NodeRef<leptos::html::Input>,
    uploads: Uploads,
    create: ServerAction<api::CreateFolder>,
    rename: ServerAction<api::RenameItem>,
    move_item: ServerAction<api::MoveItem>,
    trash: ServerAction<api::TrashItem>,
    restore: ServerAction<api::RestoreItem>,
    /// The matter page's Messages section takes what "Send" and "Share" pick.
    sending: Option<crate::conversations::Sending>,
    elsewhere: Option<FilesChanged>,
}

impl Tree {
    fn new(matter_id: MatterId) -> Self {
        Self {
            matter_id,
            folder: RwSignal::new(None),
            open: RwSignal::new(None),
            preview: RwSignal::new(None),
            dragging: RwSignal::new(None),
            new_version_of: RwSignal::new(None),
            version_input: NodeRef::new(),
            uploads: Uploads::new(),
            create: ServerAction::new(),
            rename: ServerAction::new(),
            move_item: ServerAction::new(),
            trash: ServerAction::new(),
            restore: ServerAction::new(),
            sending: use_context(),
            elsewhere: use_context(),
        }
    }

    /// Changes whenever what the tree shows may have changed.
    fn changed(self) -> (u32, u32, usize, usize, usize, usize, usize) {
        (
            self.uploads.refresh.get(),
            self.elsewhere.map_or(0, |e| e.0.get()),
            self.create.version().get(),
            self.rename.version().get(),
            self.move_item.version().get(),
            self.trash.version().get(),
            self.restore.version().get(),
        )
    }

    /// The first error of the last actions, as a sentence.
    fn error(self) -> Option<String> {
        [
            self.create.value().get().and_then(|r| r.err()),
            self.rename.value().get().and_then(|r| r.err()),
            self.move_item.value().get().and_then(|r| r.err()),
            self.trash.value().get().and_then(|r| r.err()),
            self.restore.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e| e.to_string())
    }

    /// The folder a breadcrumb or picker names (`None`: the top level).
    fn target(self, id: FolderId) -> Option<FolderId> {
        (id != self.matter_id.root_folder()).then_some(id)
    }

    /// Uploads the files chosen in `input` here (or as new versions of `document`).
    fn upload_chosen(self, document: Option<DocumentId>, input: NodeRef<leptos::html::Input>) {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get() {
            if let Some(files) = input.files() {
                let folder = self.folder.get_untracked();
                self.uploads.send(files, self.matter_id, folder, document);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (document, input);
    }

    /// Something dropped on folder `target`: an item of the tree moves there, files from the
    /// computer are uploaded there.
    fn drop_on(self, ev: leptos::ev::DragEvent, target: Option<FolderId>) {
        ev.prevent_default();
        // On the server build the second arm is empty.
        #[allow(clippy::single_match)]
        match self.dragging.get_untracked() {
            Some((kind, id)) => {
                self.dragging.set(None);
                if target.is_none_or(|t| t.0 != id) {
                    self.move_item.dispatch(api::MoveItem {
                        matter_id: self.matter_id,
                        kind,
                        id,
                        to: target,
                    });
                }
            }
            None =>
            {
                #[cfg(feature = "hydrate")]
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    self.uploads.send(files, self.matter_id, target, None);
                }
            }
        }
    }

    fn menu_open(self, kind: ItemKind, id: Uuid) -> bool {
        matches!(self.open.get(), Some(Open::Menu(k, i)) if k == kind && i == id)
    }

    fn toggle_menu(self, kind: ItemKind, id: Uuid) {
        self.open.update(|o| {
            *o = match o {
                Some(Open::Menu(k, i)) if *k == kind && *i == id => None,
                _ => Some(Open::Menu(kind, id)),
            }
        })
    }
}

#[component]
pub fn AllFiles(matter_id: MatterId) -> AnyView {
    let tree = Tree::new(matter_id);
    let show_trash = RwSignal::new(false);
    let listing = crate::resources::resource(
        move || (matter_id, tree.folder.get(), tree.changed()),
        |(matter_id, folder_id, _)| api::list_folder(matter_id, folder_id),
    );
    // Any action closes the menu it came from.
    Effect::new(move |_| {
        tree.changed();
        tree.open.set(None);
    });
    let version_input = tree.version_input;
    view! {
        <section class="card all-files" data-testid=testid::ALL_FILES
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev| tree.drop_on(ev, tree.folder.get_untracked())>
            <div class="section-head">
                <h2>{crate::text::ALL_FILES}</h2>
                <label class="check">
                    <input type="checkbox" data-testid=testid::SHOW_TRASH on:change=move |ev| show_trash.set(event_target_checked(&ev))/>
                    {crate::text::SHOW_TRASH}
                </label>
            </div>
            <input type="file" class="sr-only" node_ref=version_input aria-hidden="true" tabindex="-1"
                on:change=move |_| tree.upload_chosen(tree.new_version_of.get_untracked(), version_input)/>
            {move || tree.error().map(|message| view! { <ErrorNote message/> })}
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || listing.get().map(|r| match r {
                    Ok(contents) => view! { <FolderContents tree contents/> }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            <TransferList uploads=tree.uploads/>
            <Show when=move || show_trash.get()>
                <TrashPanel tree/>
            </Show>
            <Viewer tree/>
        </section>
    }
    .into_any()
}

/// A folder: its path, the toolbar (new folder, upload) and its entries.
#[component]
fn FolderContents(tree: Tree, contents: FolderView) -> impl IntoView {
    let ready = hydrated();
    let writable = contents.writable;
    let last = contents.path.len().saturating_sub(1);
    let breadcrumbs = contents.path.into_iter().enumerate().map(|(i, c)| {
        let target = tree.target(c.id);
        view! {
            <li on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev| tree.drop_on(ev, target)>
                {if i == last {
                    view! { <span aria-current="page">{c.name}</span> }.into_any()
                } else {
                    view! { <button type="button" class="link" on:click=move |_| tree.folder.set(target)>{c.name}</button> }.into_any()
                }}
            </li>
        }
    }).collect_view();
    let empty = contents.folders.is_empty() && contents.documents.is_empty();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let folders = contents
        .folders
        .into_iter()
        .map(|f| view! { <FolderRow tree entry=f writable/> })
        .collect_view();
    let documents = contents
        .documents
        .into_iter()
        .map(|d| view! { <DocumentRow tree entry=d writable/> })
        .collect_view();
    view! {
        <nav aria-label=crate::text::FOLDER_PATH><ol class="breadcrumbs" data-testid=testid::BREADCRUMBS>{breadcrumbs}</ol></nav>
        {(!writable).then(|| view! { <p class="hint">{crate::text::THIS_MATTER_IS_CLOSED_ITS_FILES}</p> })}
        {writable.then(|| view! {
            <div class="toolbar">
                <ActionForm action=tree.create attr:class="form inline" attr:data-testid=testid::NEW_FOLDER_FORM>
                    <input type="hidden" name="matter_id" value=tree.matter_id.to_string()/>
                    <input type="hidden" name="parent_id" value=contents.id.to_string()/>
                    <input name="name" required maxlength="255" placeholder=crate::text::NEW_FOLDER_NAME aria-label=crate::text::NEW_FOLDER_NAME/>
                    <button class="button small" type="submit" disabled=move || !ready.get()>{crate::text::NEW_FOLDER}</button>
                </ActionForm>
                <label class="button small upload-button">
                    {crate::text::UPLOAD_FILES}
                    <input type="file" multiple class="sr-only" data-testid=testid::UPLOAD_INPUT node_ref=file_input
                        disabled=move || !ready.get()
                        on:change=move |_| tree.upload_chosen(None, file_input)/>
                </label>
            </div>
        })}
        {empty.then(|| view! { <p class="hint drop-hint">{crate::text::NO_FILES_HERE_YET_DROP_FILES}<a href="/help#share">{crate::text::SENDING_AND_SHARING_FILES}</a></p> })}
        <ul class="entries" data-testid=testid::ENTRIES on:keydown=between_rows>{folders}{documents}</ul>
    }
}

/// The keys that open a row's menu where no pointer is: the menu key and Shift+F10.
fn menu_key(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.key() == "ContextMenu" || (ev.key() == "F10" && ev.shift_key())
}

/// Up and Down arrows move between the items' names (Home and End to the first and last), so
/// the tree is walked by keyboard without tabbing through every row's buttons.
fn between_rows(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(list) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Ok(found) = list.query_selector_all(".entry-name") else {
            return;
        };
        let names: Vec<web_sys::HtmlElement> = (0..found.length())
            .filter_map(|i| found.get(i))
            .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
            .collect();
        let n = names.len();
        let Some(at) = document().active_element().and_then(|active| {
            names.iter().position(|name| {
                let name: &web_sys::Element = name.as_ref();
                *name == active
            })
        }) else {
            return;
        };
        let to = match ev.key().as_str() {
            "ArrowDown" => Some((at + 1).min(n - 1)),
            "ArrowUp" => Some(at.saturating_sub(1)),
            "Home" => Some(0),
            "End" => Some(n - 1),
            _ => None,
        };
        if let Some(name) = to.and_then(|i| names.get(i)) {
            ev.prevent_default();
            let _ = name.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[component]
fn FolderRow(tree: Tree, entry: super::FolderEntry, writable: bool) -> impl IntoView {
    let (id, folder_id, name) = (entry.id.0, entry.id, entry.name.clone());
    view! {
        <li class="entry folder" data-testid=testid::FOLDER_ROW draggable=if writable { "true" } else { "false" }
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                tree.dragging.set(Some((ItemKind::Folder, id)));
                if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", "folder"); }
            }
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev| tree.drop_on(ev, Some(folder_id))
            on:contextmenu=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); tree.open.set(Some(Open::Menu(ItemKind::Folder, id))); }
            on:keydown=move |ev| if menu_key(&ev) { ev.prevent_default(); tree.open.set(Some(Open::Menu(ItemKind::Folder, id))); }>
            <span class="icon icon-folder" aria-hidden="true"></span>
            <button type="button" class="link entry-name" on:click=move |_| tree.folder.set(Some(folder_id))>{entry.name.clone()}</button>
            <span class="hint">{entry.shared.then(shared_mark)}{crate::text::FOLDER}</span>
            {writable.then(|| view! {
                <button type="button" class="more" id=items::more_id(id) aria-label=crate::text::actions_for(&name)
                    aria-haspopup="menu" aria-expanded=move || tree.menu_open(ItemKind::Folder, id).to_string()
                    data-testid=testid::MORE on:click=move |_| tree.toggle_menu(ItemKind::Folder, id)>"⋯"</button>
            })}
            <RowTools tree kind=ItemKind::Folder id name=entry.name doc=None/>
        </li>
    }
}

/// The Shared icon on an item of the tree shared now in a conversation.
fn shared_mark() -> impl IntoView {
    view! {
        <span class="shared-icon" title=crate::text::SHARED_A_LIVE_LINK_IN_A aria-label=crate::text::SHARED
            role="img" data-testid=testid::SHARED_MARK></span>" "
    }
}

#[component]
fn DocumentRow(tree: Tree, entry: DocumentEntry, writable: bool) -> impl IntoView {
    let id = entry.id.0;
    let name = entry.name.clone();
    let for_open = entry.clone();
    view! {
        <li class="entry document" data-testid=testid::DOCUMENT_ROW draggable=if writable { "true" } else { "false" }
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                tree.dragging.set(Some((ItemKind::Document, id)));
                if let Some(dt) = ev.data_transfer() { let _ = dt.set_data("text/plain", "file"); }
            }
            on:contextmenu=move |ev: leptos::ev::MouseEvent| { ev.prevent_default(); tree.open.set(Some(Open::Menu(ItemKind::Document, id))); }
            on:keydown=move |ev| if menu_key(&ev) { ev.prevent_default(); tree.open.set(Some(Open::Menu(ItemKind::Document, id))); }>
            <span class="icon icon-file" aria-hidden="true"></span>
            {if entry.previewable {
                view! { <button type="button" class="link entry-name" on:click=move |_| tree.preview.set(Some(for_open.clone()))>{entry.name.clone()}</button> }.into_any()
            } else {
                view! { <a class="entry-name" href=format!("/files/{id}/download") download="">{entry.name.clone()}</a> }.into_any()
            }}
            <span class="hint" data-testid=testid::LAST_UPDATED>
                {entry.shared.then(shared_mark)}{human_size(entry.size)}{crate::text::UPDATED_2}<When at=entry.updated_at/>{format!(" by {}", entry.updated_by)}
                {(entry.versions > 1).then(|| format!(" · {} versions", entry.versions))}
            </span>
            <button type="button" class="more" id=items::more_id(id) aria-label=crate::text::actions_for(&name)
                aria-haspopup="menu" aria-expanded=move || tree.menu_open(ItemKind::Document, id).to_string()
                data-testid=testid::MORE on:click=move |_| tree.toggle_menu(ItemKind::Document, id)>"⋯"</button>
            <RowTools tree kind=ItemKind::Document id name=entry.name.clone() doc=Some(entry)/>
        </li>
    }
}

/// The matter's trash, with a way to restore each item.
#[component]
fn TrashPanel(tree: Tree) -> impl IntoView {
    let matter_id = tree.matter_id;
    let trash = crate::resources::resource(
        move || (matter_id, tree.changed()),
        |(matter_id, _)| api::list_trash(matter_id),
    );
    view! {
        <Transition fallback=|| ()>
            {move || trash.get().map(|r| match r {
                Ok(list) => view! {
                    <div class="trash" data-testid=testid::TRASH>
                        <h3>{crate::text::TRASH}</h3>
                        {list.is_empty().then(|| view! { <p class="hint">{crate::text::THE_TRASH_IS_EMPTY}</p> })}
                        <ul class="entries">
                            {list.into_iter().map(|t| {
                                let (kind, id) = (t.kind, t.id);
                                view! {
                                    <li class="entry" data-testid=testid::TRASH_ROW>
                                        <span class=if kind == ItemKind::Folder { "icon icon-folder" } else { "icon icon-file" } aria-hidden="true"></span>
                                        <span class="entry-name">{t.name}</span>
                                        <span class="hint">{format!("from {} · ", t.place)}{t.trashed_at.map(|at| view! { <When at/> })}{format!(" by {}", t.trashed_by)}</span>
                                        <button class="button small secondary" type="button" data-testid=testid::RESTORE
                                            on:click=move |_| { tree.restore.dispatch(api::RestoreItem { matter_id, kind, id }); }>{crate::text::RESTORE}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
            })}
        </Transition>
    }
}

/// The file being looked at, in the sandboxed viewer.
#[component]
fn Viewer(tree: Tree) -> impl IntoView {
    move || {
        tree.preview.get().map(|d| {
        view! {
            <div class="viewer" role="dialog" aria-label=crate::text::viewing(&d.name) data-testid=testid::VIEWER>
                <div class="viewer-bar">
                    <strong>{d.name.clone()}</strong>
                    <a class="button small secondary" href=format!("/files/{}/download", d.id) download="">{crate::text::DOWNLOAD}</a>
                    <button class="button small" type="button" on:click=move |_| tree.preview.set(None)>{crate::text::CLOSE}</button>
                </div>
                <Preview src=format!("/files/{}/preview", d.id) name=d.name.clone() content_type=d.content_type.clone()/>
            </div>
        }
    })
    }
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
