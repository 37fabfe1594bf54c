//! Shares: a file or folder of the matter's tree shared in a message as a live link. The
//! recipient always sees the item as it is now (its latest version; for a folder, everything
//! inside it now) until the firm removes access, which takes effect on the next request. Who
//! may open a share is `policy::Actor::share`; what inside a folder it reaches is
//! `server::reach`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod server;

use crate::when::When;
use leptos::prelude::*;

use crate::ids::{ConversationId, DocumentId, FolderId, MatterId, ShareId};
use crate::testid;
use crate::{
    files::{DocumentEntry, FolderView, ItemKind, human_size, ui::Preview},
    ui::{ErrorNote, hydrated},
};

/// A share as a message or the matter's "Shared" list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShareView {
    pub id: ShareId,
    pub kind: ItemKind,
    /// The item's name now; `None` once it is in the trash.
    pub name: Option<String>,
    pub revoked: bool,
    pub shared_by: String,
    pub shared_at: crate::when::Moment,
    pub conversation_id: ConversationId,
}

/// A share opened: the document as it is now, or the folder being looked at inside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenedShare {
    pub share: ShareView,
    pub document: Option<DocumentEntry>,
    /// Its path starts at the shared folder: nothing above it shows.
    pub folder: Option<FolderView>,
    /// The firm may remove access.
    pub can_revoke: bool,
}

fn download_url(share: ShareId, document: DocumentId) -> String {
    format!("/shares/{share}/files/{document}/download")
}

fn preview_url(share: ShareId, document: DocumentId) -> String {
    format!("/shares/{share}/files/{document}/preview")
}

/// Which share the page's viewer shows, shared by the links that open it; `revoked` counts
/// the removals of access, so that what lists shares shows them again.
#[derive(Debug, Clone, Copy)]
pub struct Viewing {
    pub open: RwSignal<Option<ShareId>>,
    pub revoked: RwSignal<u32>,
}

impl Viewing {
    pub fn provide() -> Self {
        let viewing = Self {
            open: RwSignal::new(None),
            revoked: RwSignal::new(0),
        };
        provide_context(viewing);
        viewing
    }
}

/// Shared items as links with the "Shared" icon; a click opens the viewer.
#[component]
pub fn ShareLinks(shares: Vec<ShareView>) -> AnyView {
    let viewing = use_context::<Viewing>();
    let items = shares
        .into_iter()
        .map(|s| {
            let id = s.id;
            let noun = if s.kind == ItemKind::Folder { " (folder)" } else { "" };
            let label = match (&s.name, s.revoked) {
                (_, true) => view! { <span class="hint">"Access removed"</span> }.into_any(),
                (None, _) => view! { <span class="hint">"No longer available"</span> }.into_any(),
                (Some(_), _) => ().into_any(),
            };
            let name = s.name.clone().unwrap_or_else(|| "A shared item".into());
            let openable = s.name.is_some() && !s.revoked && viewing.is_some();
            view! {
                <li class="shared" data-testid=testid::SHARED_ITEM>
                    <span class="shared-icon" title="Shared: always the latest version" aria-label="Shared"></span>
                    {if openable {
                        view! {
                            <button type="button" class="link" on:click=move |_| {
                                if let Some(v) = viewing { v.open.set(Some(id)); }
                                crate::ui::scroll_to("share-viewer");
                            }>{name}</button>
                        }.into_any()
                    } else {
                        view! { <span>{name}</span> }.into_any()
                    }}
                    <span class="hint">{noun}</span>
                    {label}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="plain attachments">{items}</ul> }.into_any()
}

/// The matter's "Shared" list: everything shared that this person may open.
#[component]
pub fn SharedList(matter_id: MatterId, changed: RwSignal<u32>) -> AnyView {
    let revoked = use_context::<Viewing>().map(|v| v.revoked);
    let shares = Resource::new(
        move || (matter_id, changed.get(), revoked.map(|r| r.get())),
        |(matter_id, ..)| api::list_shares(matter_id),
    );
    view! {
        <h3>"Shared files and folders"</h3>
        <div data-testid=testid::SHARED_LIST>
            <Transition fallback=|| ()>
                {move || shares.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="hint">"Nothing shared yet."</p> }.into_any(),
                    Ok(list) => view! { <ShareLinks shares=list/> }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// The share viewer: the shared document as it is now (with its last update at the top
/// right), or the shared folder to browse; the firm removes access from its "⋯" menu.
#[component]
pub fn ShareViewer(
    id: ShareId,
    on_changed: Callback<()>,
    /// Bumped by the matter's live changes: an open viewer looks again, so a share revoked
    /// while it is open says so at once.
    reload: Signal<u32>,
) -> AnyView {
    let ready = hydrated();
    let viewing = use_context::<Viewing>();
    let folder = RwSignal::new(None::<FolderId>);
    let menu = RwSignal::new(false);
    let revoke = ServerAction::<api::RevokeShare>::new();
    let opened = Resource::new(
        move || (id, folder.get(), reload.get()),
        |(id, folder_id, _)| api::open_share(id, folder_id),
    );
    let close = move || {
        if let Some(v) = viewing {
            v.open.set(None);
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            // Closed first: the one who removed access is not shown "Access removed".
            close();
            if let Some(v) = viewing {
                v.revoked.update(|n| *n += 1);
            }
            on_changed.run(());
        }
    });
    let documents = move |list: Vec<DocumentEntry>| {
        list.into_iter()
            .map(|d| {
                let preview = d.previewable.then(|| {
                    view! { <a href=preview_url(id, d.id) target="_blank" rel="noopener">"Open"</a> }
                });
                view! {
                    <li class="shared-row" data-testid=testid::SHARED_DOCUMENT>
                        <span class="file-icon" aria-hidden="true"></span>
                        <a href=download_url(id, d.id) download="">{d.name.clone()}</a>
                        <span class="hint">{human_size(d.size)}" · updated "<When at=d.updated_at/>{format!(" by {}", d.updated_by)}</span>
                        {preview}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="share-viewer" id="share-viewer" role="dialog" aria-label="Shared with you" data-testid=testid::SHARE_VIEWER>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || opened.get().map(|r| match r {
                    // Revoked (or never this person's): said plainly, with the way back.
                    Err(crate::AppError::NotFound(_)) => view! {
                        <p class="status bad" role="alert" data-testid=testid::ACCESS_REMOVED>"Access removed"</p>
                        <p class="hint">"The firm no longer shares this with you. "
                            <a href="/guide#access-removed">"What this means"</a></p>
                        <button class="button small" type="button" on:click=move |_| close()>"Back to the conversation"</button>
                    }.into_any(),
                    Err(e) => view! {
                        <crate::ui::PageError error=e/>
                        <button class="button small" type="button" on:click=move |_| close()>"Close"</button>
                    }.into_any(),
                    Ok(o) => {
                        let name = o.share.name.clone().unwrap_or_default();
                        let updated = o.document.as_ref().map(|d| view! { "Last updated "<When at=d.updated_at exact=true/>{format!(" by {}", d.updated_by)} });
                        let body = match (o.document, o.folder) {
                            (Some(d), _) => {
                                let shown = d.previewable.then(|| view! {
                                    <Preview src=preview_url(id, d.id) name=d.name.clone() content_type=d.content_type.clone()/>
                                });
                                view! {
                                    <p><a class="button small secondary" href=download_url(id, d.id) download="">"Download"</a>
                                        <span class="hint">{format!(" {} · version {}", human_size(d.size), d.versions)}</span></p>
                                    {shown}
                                }.into_any()
                            }
                            (None, Some(f)) => {
                                let crumbs = f.path.iter().enumerate().map(|(i, c)| {
                                    let target = (i > 0).then_some(c.id);
                                    view! {
                                        {(i > 0).then_some(" / ")}
                                        <button type="button" class="link" on:click=move |_| folder.set(target)>{c.name.clone()}</button>
                                    }
                                }).collect_view();
                                let folders = f.folders.into_iter().map(|sub| {
                                    let target = sub.id;
                                    view! {
                                        <li class="shared-row" data-testid=testid::SHARED_FOLDER>
                                            <span class="folder-icon" aria-hidden="true"></span>
                                            <button type="button" class="link" on:click=move |_| folder.set(Some(target))>{sub.name}</button>
                                        </li>
                                    }
                                }).collect_view();
                                let empty = f.documents.is_empty() && f.path.len() <= 1;
                                view! {
                                    <nav class="breadcrumbs" aria-label="Folder">{crumbs}</nav>
                                    <ul class="plain shared-tree">{folders}{documents(f.documents)}</ul>
                                    {empty.then(|| view! { <p class="hint">"This folder is empty."</p> })}
                                }.into_any()
                            }
                            _ => ().into_any(),
                        };
                        view! {
                            <div class="share-head">
                                <span class="shared-icon" aria-label="Shared"></span>
                                <strong data-testid=testid::SHARE_NAME>{name}</strong>
                                <span class="share-updated hint" data-testid=testid::SHARE_UPDATED>{updated}</span>
                                {o.can_revoke.then(|| view! {
                                    <div class="share-menu">
                                        <button type="button" class="icon-button" aria-label="More" data-testid=testid::SHARE_MORE
                                            on:click=move |_| menu.update(|m| *m = !*m)>"⋯"</button>
                                        <Show when=move || menu.get()>
                                            <div class="menu" role="menu">
                                                <crate::ui::AskFirst label="Remove access"
                                                    question="Remove access? Nobody in the conversation can open it any more."
                                                    role="menuitem" class="danger" testid=testid::REVOKE_SHARE
                                                    disabled=Signal::derive(move || !ready.get() || revoke.pending().get())
                                                    act=move || { revoke.dispatch(api::RevokeShare { id }); }/>
                                            </div>
                                        </Show>
                                    </div>
                                })}
                                <button class="button small" type="button" on:click=move |_| close()>"Close"</button>
                            </div>
                            <p class="hint">"Shared by "{o.share.shared_by.clone()}" · "<When at=o.share.shared_at/>
                                ". You always see the latest version here."</p>
                            {body}
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}
