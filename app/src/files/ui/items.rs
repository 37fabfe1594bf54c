//! What opens under a file or folder of the tree: its menu, the rename box, the "Move to…"
//! picker, a document's versions and its activity (who opened it).

use crate::when::When;
use leptos::prelude::*;
use uuid::Uuid;

use super::{Open, Tree};
use crate::{
    activity::{ActivityPanel, Subject},
    conversations::Outgoing,
    files::{DocumentEntry, ItemKind, api, human_size},
    ids::DocumentId,
    testid,
    ui::ErrorNote,
};

/// Whatever is open on this item now, if anything.
#[component]
pub(super) fn RowTools(
    tree: Tree,
    kind: ItemKind,
    id: Uuid,
    name: String,
    doc: Option<DocumentEntry>,
) -> impl IntoView {
    move || match tree.open.get() {
        Some(Open::Menu(k, i)) if k == kind && i == id => {
            let (name, doc) = (name.clone(), doc.clone());
            Some(view! { <ItemMenu tree kind id name doc/> }.into_any())
        }
        Some(Open::Rename(k, i)) if k == kind && i == id => {
            let name = name.clone();
            Some(view! { <RenameForm tree kind id name/> }.into_any())
        }
        Some(Open::Move(k, i)) if k == kind && i == id => {
            Some(view! { <MovePicker tree kind id/> }.into_any())
        }
        Some(Open::Versions(i)) if i == id => {
            Some(view! { <VersionsPanel tree id=DocumentId(id)/> }.into_any())
        }
        Some(Open::Activity(i)) if i == id => {
            let subject = Subject::Document(tree.matter_id, DocumentId(id));
            let on_close = Callback::new(move |()| tree.open.set(None));
            Some(view! { <ActivityPanel subject on_close/> }.into_any())
        }
        _ => None,
    }
}

#[component]
fn ItemMenu(
    tree: Tree,
    kind: ItemKind,
    id: Uuid,
    name: String,
    doc: Option<DocumentEntry>,
) -> impl IntoView {
    let open = tree.open;
    let outgoing = {
        let name = name.clone();
        move |share: bool| Outgoing {
            kind,
            id,
            name: name.clone(),
            share,
        }
    };
    let pick = move |item: Outgoing| {
        if let Some(s) = tree.sending {
            s.add(item);
        }
        open.set(None);
        crate::ui::scroll_to("messages");
    };
    let (send, share) = (outgoing(false), outgoing(true));
    let document_tools = doc.map(|d| {
        let for_open = d.clone();
        view! {
            {d.previewable.then(|| view! {
                <button role="menuitem" type="button" on:click=move |_| { tree.preview.set(Some(for_open.clone())); open.set(None); }>{crate::text::OPEN}</button>
            })}
            <a role="menuitem" href=format!("/files/{}/download", d.id) download="">{crate::text::DOWNLOAD}</a>
            <button role="menuitem" type="button" on:click=move |_| {
                tree.new_version_of.set(Some(DocumentId(id)));
                open.set(None);
                if let Some(input) = tree.version_input.get() { input.click(); }
            }>{crate::text::UPLOAD_NEW_VERSION}</button>
            <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Versions(id)))>
                {crate::text::versions(&d.versions)}
            </button>
            <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Activity(id)))>{crate::text::ACTIVITY}</button>
        }
    });
    let menu = NodeRef::<leptos::html::Div>::new();
    // Opened by pointer or keyboard (the menu key, Shift+F10, Enter on "⋯"), focus goes to its
    // first item.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(first) = menu.get().and_then(|m| menu_items(&m).into_iter().next()) {
            let _ = first.focus();
        }
    });
    // Arrows, Home and End move between the items; Escape closes it and focus goes back to
    // "⋯"; Tab leaves it closed.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        #[cfg(feature = "hydrate")]
        {
            let Some(items) = menu.get_untracked().map(|m| menu_items(&m)) else {
                return;
            };
            let n = items.len();
            let at = document().active_element().and_then(|active| {
                items.iter().position(|i| {
                    let item: &web_sys::Element = i.as_ref();
                    *item == active
                })
            });
            let to = match ev.key().as_str() {
                "ArrowDown" => at.map_or(Some(0), |a| Some((a + 1) % n.max(1))),
                "ArrowUp" => at.map_or(n.checked_sub(1), |a| Some((a + n - 1) % n.max(1))),
                "Home" => Some(0),
                "End" => n.checked_sub(1),
                "Escape" => {
                    ev.prevent_default();
                    open.set(None);
                    if let Some(more) = document().get_element_by_id(&more_id(id)).and_then(|e| {
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()
                    }) {
                        let _ = more.focus();
                    }
                    None
                }
                "Tab" => {
                    open.set(None);
                    None
                }
                _ => None,
            };
            if let Some(item) = to.and_then(|i| items.get(i)) {
                ev.prevent_default();
                let _ = item.focus();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let label = crate::text::actions_for(&name);
    view! {
        <div class="menu" role="menu" aria-label=label data-testid=testid::ITEM_MENU
            node_ref=menu on:keydown=on_key>
            {document_tools}
            <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Rename(kind, id)))>{crate::text::RENAME}</button>
            <button role="menuitem" type="button" on:click=move |_| open.set(Some(Open::Move(kind, id)))>{crate::text::MOVE_TO}</button>
            <button role="menuitem" type="button" data-testid=testid::SEND_ITEM
                disabled=kind == ItemKind::Folder || tree.sending.is_none()
                title=(kind == ItemKind::Folder).then_some(crate::text::A_FOLDER_IS_SHARED_NOT_SENT)
                on:click=move |_| pick(send.clone())>{crate::text::SEND}</button>
            <button role="menuitem" type="button" data-testid=testid::SHARE_ITEM disabled=tree.sending.is_none()
                on:click=move |_| pick(share.clone())>{crate::text::SHARE}</button>
            <crate::ui::AskFirst label=crate::text::MOVE_TO_TRASH question=crate::text::move_to_the_trash(&name)
                role="menuitem" class="danger" testid=testid::TRASH_ITEM
                act=move || { tree.trash.dispatch(api::TrashItem { matter_id: tree.matter_id, kind, id }); }/>
            <span class="sr-only">{name}</span>
        </div>
    }
}

/// The id of an item's "⋯" button, where focus returns when its menu closes.
pub(super) fn more_id(id: Uuid) -> String {
    format!("more-{id}")
}

/// The menu's items that can act now, in order.
#[cfg(feature = "hydrate")]
fn menu_items(menu: &web_sys::HtmlDivElement) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role=menuitem]:not([disabled]):not([hidden])") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(node).ok())
        .collect()
}

#[component]
fn RenameForm(tree: Tree, kind: ItemKind, id: Uuid, name: String) -> impl IntoView {
    view! {
        <ActionForm action=tree.rename attr:class="form inline rename" attr:data-testid=testid::RENAME_FORM>
            <input type="hidden" name="matter_id" value=tree.matter_id.to_string()/>
            <input type="hidden" name="kind" value=if kind == ItemKind::Folder { "folder" } else { "document" }/>
            <input type="hidden" name="id" value=id.to_string()/>
            <input name="name" value=name required maxlength="255" aria-label=crate::text::NEW_NAME autofocus/>
            <button class="button small" type="submit">{crate::text::RENAME}</button>
            <button class="button small secondary" type="button" on:click=move |_| tree.open.set(None)>{crate::text::CANCEL}</button>
        </ActionForm>
    }
}

/// Every folder of the matter but the item itself: where it can go.
#[component]
fn MovePicker(tree: Tree, kind: ItemKind, id: Uuid) -> impl IntoView {
    let matter_id = tree.matter_id;
    let folders = crate::resources::resource(
        move || (matter_id, tree.changed()),
        |(matter_id, _)| api::list_all_folders(matter_id),
    );
    view! {
        <div class="move-picker" data-testid=testid::MOVE_PICKER>
            <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING_FOLDERS}</p> }>
                {move || folders.get().map(|r| match r {
                    Ok(list) => view! {
                        <ul>
                            {list.into_iter().filter(|(fid, _)| !(kind == ItemKind::Folder && fid.0 == id)).map(|(fid, path)| {
                                let to = tree.target(fid);
                                view! {
                                    <li><button type="button" class="link" on:click=move |_| {
                                        tree.move_item.dispatch(api::MoveItem { matter_id, kind, id, to });
                                    }>{path}</button></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            <button class="button small secondary" type="button" on:click=move |_| tree.open.set(None)>{crate::text::CANCEL}</button>
        </div>
    }
}

/// A document's versions, newest first, each with its download and fingerprint.
#[component]
fn VersionsPanel(tree: Tree, id: DocumentId) -> impl IntoView {
    let matter_id = tree.matter_id;
    let versions = crate::resources::resource(
        move || (matter_id, id),
        |(matter_id, document_id)| api::list_versions(matter_id, document_id),
    );
    view! {
        <div class="versions" data-testid=testid::VERSIONS>
            <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING_VERSIONS}</p> }>
                {move || versions.get().map(|r| match r {
                    Ok(list) => view! {
                        <ol reversed>
                            {list.into_iter().map(|v| view! {
                                <li>
                                    <a href=format!("/files/{id}/download?version={}", v.number) download="">{crate::text::version(&v.number)}</a>
                                    {format!(" · {} · ", human_size(v.size))}<When at=v.uploaded_at exact=true/>{format!(" by {} · SHA-256 ", v.uploaded_by)}
                                    <code title=v.sha256.clone()>{v.sha256[..12.min(v.sha256.len())].to_string()}"…"</code>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            <button class="button small secondary" type="button" on:click=move |_| tree.open.set(None)>{crate::text::CLOSE}</button>
        </div>
    }
}
