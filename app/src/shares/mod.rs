//! Shares: a file or folder of the matter's tree shared in a message as a live link. The
//! recipient always sees the item as it is now (its latest version; for a folder, everything
//! inside it now) until the firm removes access, which takes effect on the next request. Who
//! may open a share is `policy::Actor::share`; what inside a folder it reaches is
//! `server::reach`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod changes;
#[cfg(feature = "ssr")]
pub mod notices;
#[cfg(feature = "ssr")]
pub mod server;

use crate::when::When;
use leptos::prelude::*;

use crate::ids::{ConversationId, DocumentId, FolderId, MatterId, ShareId, UserId};
use crate::testid;
use crate::{
    files::{DocumentEntry, FolderView, ItemKind, Unseen, VersionEntry, human_size, ui::Preview},
    ui::{ErrorNote, hydrated},
};

/// Whether a share opens for whoever is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ShareStatus {
    Active,
    /// Access removed: for everyone, or for this reader.
    Revoked,
    /// Past its end date: the same as revoked.
    Expired,
}

/// One of the people a share reaches, as the firm sees them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    pub user_id: UserId,
    pub name: String,
    /// Access was removed for this person alone.
    pub removed: bool,
}

/// A share as a message or the matter's "Shared" list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ShareView {
    pub id: ShareId,
    pub kind: ItemKind,
    /// The item's name now; `None` once it is in the trash.
    pub name: Option<String>,
    /// It does not open for this reader (`status` says why).
    pub revoked: bool,
    pub status: ShareStatus,
    /// The end of its last day, if it has one.
    pub expires_at: Option<crate::when::Moment>,
    /// Whom it reaches (besides who shared it): for the firm only, empty for a contact.
    pub recipients: Vec<Recipient>,
    pub shared_by: String,
    pub shared_at: crate::when::Moment,
    pub conversation_id: ConversationId,
    /// Files changed since this reader last looked that they have not opened (`changes`).
    #[serde(default)]
    pub unseen: u32,
}

/// A share opened: the document as it is now, or the folder being looked at inside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OpenedShare {
    pub share: ShareView,
    pub document: Option<DocumentEntry>,
    /// A shared file's versions, newest first, each with its SHA-256 (a folder: none).
    pub history: Vec<VersionEntry>,
    /// Its path starts at the shared folder: nothing above it shows.
    pub folder: Option<FolderView>,
    /// The firm may remove access (and see the share's activity).
    pub can_revoke: bool,
    pub matter_id: MatterId,
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

/// Shared items as links with the "Shared" icon; a click opens the viewer. With `details` (the
/// firm's list), each says with whom, since when and until when.
#[component]
pub fn ShareLinks(shares: Vec<ShareView>, #[prop(optional)] details: bool) -> AnyView {
    let viewing = use_context::<Viewing>();
    let items = shares
        .into_iter()
        .map(|s| {
            let id = s.id;
            let noun = if s.kind == ItemKind::Folder { " (folder)" } else { "" };
            let label = match (&s.name, s.status) {
                (_, ShareStatus::Revoked) => view! { <span class="hint">{crate::text::ACCESS_REMOVED_2}</span> }.into_any(),
                (_, ShareStatus::Expired) => view! { <span class="hint">{crate::text::ACCESS_ENDED}</span> }.into_any(),
                (None, _) => view! { <span class="hint">{crate::text::NO_LONGER_AVAILABLE}</span> }.into_any(),
                (Some(_), ShareStatus::Active) => ().into_any(),
            };
            // For the firm: with whom (and for whom access was removed), since when, until when.
            let details = (details && !s.recipients.is_empty()).then(|| {
                let with = s.recipients.iter().map(|r| if r.removed {
                    crate::text::access_removed(&r.name)
                } else {
                    r.name.clone()
                }).collect::<Vec<_>>().join(", ");
                view! {
                    <span class="hint share-details" data-testid=testid::SHARE_DETAILS>
                        {format!(" · with {with} · since ")}<When at=s.shared_at/>
                        {s.expires_at.map(|at| view! { {crate::text::UNTIL}<When at exact=true/> })}
                    </span>
                }
            });
            let name = s.name.clone().unwrap_or_else(|| crate::text::A_SHARED_ITEM.into());
            let openable = s.name.is_some() && !s.revoked && viewing.is_some();
            // Looking is what the count is about: once the viewer shows it, every card of it
            // on the page has nothing more to say.
            let unseen = RwSignal::new(if s.status == ShareStatus::Active { s.unseen } else { 0 });
            if let Some(v) = viewing {
                Effect::new(move |_| {
                    if v.open.get() == Some(id) {
                        unseen.set(0);
                    }
                });
            }
            view! {
                <li class="shared" data-testid=testid::SHARED_ITEM>
                    <span class="shared-icon" title=crate::text::SHARED_ALWAYS_THE_LATEST_VERSION aria-label=crate::text::SHARED></span>
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
                    {move || (unseen.get() > 0).then(|| view! {
                        <span class="badge unseen" data-testid=testid::SHARE_UNSEEN>
                            {crate::text::updated_since_you_last_looked(&unseen.get())}
                        </span>
                    })}
                    {details}
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
    let shares = crate::resources::resource(
        move || (matter_id, changed.get(), revoked.map(|r| r.get())),
        |(matter_id, ..)| api::list_shares(matter_id),
    );
    view! {
        <h3>{crate::text::SHARED_FILES_AND_FOLDERS}</h3>
        <div data-testid=testid::SHARED_LIST>
            <Transition fallback=|| ()>
                {move || shares.get().map(|r| match r {
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="hint">{crate::text::NOTHING_SHARED_YET}</p> }.into_any(),
                    Ok(list) => view! { <ShareLinks shares=list details=true/> }.into_any(),
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// The share's end date: the firm picks a day, and access ends at the end of it where the firm
/// is (the browser works out that moment); or removes the date.
#[component]
fn EndDate(
    id: ShareId,
    expires_at: Option<crate::when::Moment>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let save = ServerAction::<api::SetShareExpiry>::new();
    let day = RwSignal::new(String::new());
    let wrong = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = save.value().get() {
            on_saved.run(());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match end_of_day(&day.get_untracked()) {
            Some(ms) => {
                wrong.set(false);
                save.dispatch(api::SetShareExpiry {
                    id,
                    expires_at: Some(ms),
                });
            }
            None => wrong.set(true),
        }
    };
    view! {
        <form class="end-date" on:submit=submit data-testid=testid::SHARE_END_DATE>
            <label>{crate::text::ACCESS_ENDS_AFTER}
                <input type="date" required prop:value=move || day.get() on:input=move |ev| day.set(event_target_value(&ev))/>
            </label>
            <button class="button small" type="submit" disabled=move || save.pending().get()>{crate::text::SET_END_DATE}</button>
            {expires_at.map(|_| view! {
                <button class="button small secondary" type="button"
                    on:click=move |_| { save.dispatch(api::SetShareExpiry { id, expires_at: None }); }>{crate::text::NO_END_DATE}</button>
            })}
            {move || wrong.get().then(|| view! { <ErrorNote message=crate::text::CHOOSE_A_DAY.to_string()/> })}
            {crate::ui::error_of(save.value())}
        </form>
    }
}

/// The last millisecond of `day` ("2026-12-31", as a date input gives it) in the browser's
/// time zone; `None` if it is not a date.
fn end_of_day(day: &str) -> Option<i64> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (year, month, date) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&date) {
        return None;
    }
    #[cfg(feature = "hydrate")]
    {
        let at = js_sys::Date::new_with_year_month_day_hr_min_sec_milli(
            year,
            month as i32 - 1,
            date as i32,
            23,
            59,
            59,
            999,
        );
        let ms = at.get_time();
        ms.is_finite().then_some(ms as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (year, month, date);
        None
    }
}

/// "New" or "Updated" beside a file the reader has not opened since it changed.
#[component]
fn UnseenMark(unseen: RwSignal<Option<Unseen>>) -> impl IntoView {
    move || {
        unseen.get().map(|u| {
            view! { <span class=format!("mark {}", u.label().to_lowercase()) data-testid=testid::UNSEEN_MARK>{u.label()}</span> }
        })
    }
}

/// A file inside a shared folder: its version history, asked for when opened.
#[component]
fn FileHistory(share: ShareId, document: DocumentId, name: String) -> impl IntoView {
    let open = RwSignal::new(false);
    let versions = crate::resources::resource(
        move || (share, document, open.get()),
        |(share, document, open)| async move {
            if open {
                Some(api::share_history(share, document).await)
            } else {
                None
            }
        },
    );
    let name = StoredValue::new(name);
    view! {
        <details class="file-history" on:toggle=move |_| open.set(true)>
            <summary>{crate::text::VERSIONS}</summary>
            <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING}</p> }>
                {move || versions.get().flatten().map(|r| match r {
                    Ok(list) => view! { <VersionList versions=list name=name.get_value()/> }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
        </details>
    }
}

/// A shared file's versions: when, by whom, how large, and each one's SHA-256, with how to
/// check that a download is exactly that version.
#[component]
fn VersionHistory(versions: Vec<VersionEntry>, name: String) -> impl IntoView {
    let count = versions.len();
    view! {
        <details class="version-history" data-testid=testid::SHARE_HISTORY>
            <summary>{crate::text::version_history(&count)}</summary>
            <VersionList versions name/>
        </details>
    }
}

/// Each version (number, time, uploader, size, SHA-256) and how to check a download.
#[component]
fn VersionList(versions: Vec<VersionEntry>, name: String) -> impl IntoView {
    let rows = versions
        .into_iter()
        .map(|v| {
            view! {
                <li>
                    <strong>{crate::text::version(&v.number)}</strong>{" · "}<When at=v.uploaded_at exact=true/>
                    {format!(" · {} · {}", v.uploaded_by, human_size(v.size))}
                    <br/><span class="hint">{crate::text::SHA_256}</span><code class="digest">{v.sha256}</code>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="plain">{rows}</ol>
        <p class="hint">{crate::text::TO_CHECK_THAT_A_DOWNLOAD_IS}
            <code>{format!("certutil -hashfile \"{name}\" SHA256")}</code>{crate::text::ON_A_MAC_OR_LINUX}
            <code>{format!("shasum -a 256 \"{name}\"")}</code>"."</p>
    }
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
    let activity = RwSignal::new(false);
    // Whom the last removal of access was for (`None`: everyone); an action's input is gone
    // by the time its answer comes.
    let revoking_for = StoredValue::new(None::<UserId>);
    let revoke = ServerAction::<api::RevokeShare>::new();
    // The first answer is the look (what changed is measured from the one before); going into
    // folders and live reloads are the same look.
    let looked = StoredValue::new(false);
    let opened = crate::resources::resource(
        move || (id, folder.get(), reload.get(), looked),
        |(id, folder_id, _, looked)| {
            let look = !looked.get_value();
            looked.set_value(true);
            api::open_share(id, folder_id, look)
        },
    );
    let close = move || {
        if let Some(v) = viewing {
            v.open.set(None);
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            // For everyone: closed first, so the one who removed access is not shown "Access
            // removed". For one person: the viewer stays, without that person's item.
            let for_everyone = revoking_for.get_value().is_none();
            menu.set(false);
            if for_everyone {
                close();
            }
            if let Some(v) = viewing {
                v.revoked.update(|n| *n += 1);
            }
            on_changed.run(());
        }
    });
    let documents = move |list: Vec<DocumentEntry>| {
        list.into_iter()
            .map(|d| {
                // Opening the file clears its mark here; the server agrees from the next look.
                let unseen = RwSignal::new(d.unseen);
                let opened = move |_| unseen.set(None);
                let preview = d.previewable.then(|| {
                    view! { <a href=preview_url(id, d.id) target="_blank" rel="noopener" on:click=opened>{crate::text::OPEN}</a> }
                });
                view! {
                    <li class="shared-row" data-testid=testid::SHARED_DOCUMENT>
                        <span class="file-icon" aria-hidden="true"></span>
                        <a href=download_url(id, d.id) download="" on:click=opened>{d.name.clone()}</a>
                        <UnseenMark unseen/>
                        <span class="hint">{human_size(d.size)}{crate::text::UPDATED_2}<When at=d.updated_at/>{format!(" by {}", d.updated_by)}</span>
                        {preview}
                        <FileHistory share=id document=d.id name=d.name.clone()/>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="share-viewer" id="share-viewer" role="dialog" aria-label=crate::text::SHARED_WITH_YOU data-testid=testid::SHARE_VIEWER>
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || opened.get().map(|r| match r {
                    // Revoked (or never this person's): said plainly, with the way back.
                    Err(crate::AppError::NotFound(_)) => view! {
                        <p class="status bad" role="alert" data-testid=testid::ACCESS_REMOVED>{crate::text::ACCESS_REMOVED_2}</p>
                        <p class="hint">{crate::text::THE_FIRM_NO_LONGER_SHARES_THIS}
                            <a href="/guide#access-removed">{crate::text::WHAT_THIS_MEANS}</a></p>
                        <button class="button small" type="button" on:click=move |_| close()>{crate::text::BACK_TO_THE_CONVERSATION}</button>
                    }.into_any(),
                    Err(e) => view! {
                        <crate::ui::PageError error=e/>
                        <button class="button small" type="button" on:click=move |_| close()>{crate::text::CLOSE}</button>
                    }.into_any(),
                    Ok(o) => {
                        let name = o.share.name.clone().unwrap_or_default();
                        let updated = o.document.as_ref().map(|d| view! { {crate::text::LAST_UPDATED}<When at=d.updated_at exact=true/>{format!(" by {}", d.updated_by)} });
                        let history = o.history;
                        let expires_at = o.share.expires_at;
                        let for_one: Vec<Recipient> = o.share.recipients.iter().filter(|r| !r.removed).cloned().collect();
                        let for_one = StoredValue::new(for_one);
                        let for_one = move || for_one.get_value();
                        let body = match (o.document, o.folder) {
                            (Some(d), _) => {
                                // A preview shown here is an opening (the server logs it).
                                let unseen = RwSignal::new(d.unseen.filter(|_| !d.previewable));
                                let shown = d.previewable.then(|| view! {
                                    <Preview src=preview_url(id, d.id) name=d.name.clone() content_type=d.content_type.clone()/>
                                });
                                view! {
                                    <p><a class="button small secondary" href=download_url(id, d.id) download="" on:click=move |_| unseen.set(None)>{crate::text::DOWNLOAD}</a>
                                        <UnseenMark unseen/>
                                        <span class="hint">{format!(" {} · version {}", human_size(d.size), d.versions)}</span></p>
                                    {shown}
                                    <VersionHistory versions=history name=d.name.clone()/>
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
                                    <nav class="breadcrumbs" aria-label=crate::text::FOLDER>{crumbs}</nav>
                                    <ul class="plain shared-tree">{folders}{documents(f.documents)}</ul>
                                    {empty.then(|| view! { <p class="hint">{crate::text::THIS_FOLDER_IS_EMPTY}</p> })}
                                }.into_any()
                            }
                            _ => ().into_any(),
                        };
                        view! {
                            <div class="share-head">
                                <span class="shared-icon" aria-label=crate::text::SHARED></span>
                                <strong data-testid=testid::SHARE_NAME>{name}</strong>
                                <span class="share-updated hint" data-testid=testid::SHARE_UPDATED>{updated}</span>
                                {o.can_revoke.then(|| view! {
                                    <div class="share-menu">
                                        <button type="button" class="icon-button" aria-label=crate::text::MORE data-testid=testid::SHARE_MORE
                                            on:click=move |_| menu.update(|m| *m = !*m)>"⋯"</button>
                                        <Show when=move || menu.get()>
                                            <div class="menu" role="menu">
                                                <button role="menuitem" type="button" on:click=move |_| { activity.set(true); menu.set(false); }>{crate::text::ACTIVITY}</button>
                                                {for_one().into_iter().map(|r| {
                                                    let person = r.user_id;
                                                    view! {
                                                        <crate::ui::AskFirst label=crate::text::remove_access_for(&r.name)
                                                            question=crate::text::remove_access_for_the_others_in(&r.name)
                                                            role="menuitem" class="danger" testid=testid::REVOKE_FOR
                                                            disabled=Signal::derive(move || !ready.get() || revoke.pending().get())
                                                            act=move || { revoking_for.set_value(Some(person)); revoke.dispatch(api::RevokeShare { id, person: Some(person) }); }/>
                                                    }
                                                }).collect_view()}
                                                <crate::ui::AskFirst label=crate::text::REMOVE_ACCESS_FOR_EVERYONE
                                                    question=crate::text::REMOVE_ACCESS_FOR_EVERYONE_QUESTION
                                                    role="menuitem" class="danger" testid=testid::REVOKE_SHARE
                                                    disabled=Signal::derive(move || !ready.get() || revoke.pending().get())
                                                    act=move || { revoking_for.set_value(None); revoke.dispatch(api::RevokeShare { id, person: None }); }/>
                                                <EndDate id expires_at on_saved=Callback::new(move |()| { menu.set(false); on_changed.run(()); })/>
                                            </div>
                                        </Show>
                                    </div>
                                })}
                                <button class="button small" type="button" on:click=move |_| close()>{crate::text::CLOSE}</button>
                            </div>
                            <p class="hint">{crate::text::SHARED_BY}{o.share.shared_by.clone()}" · "<When at=o.share.shared_at/>
                                {crate::text::YOU_ALWAYS_SEE_THE_LATEST_VERSION}
                                {expires_at.map(|at| view! { {crate::text::ACCESS_ENDS}<When at exact=true/>"." })}</p>
                            {move || activity.get().then(|| {
                                let subject = crate::activity::Subject::Share(o.matter_id, id);
                                let on_close = Callback::new(move |()| activity.set(false));
                                view! { <crate::activity::ActivityPanel subject on_close/> }
                            })}
                            {body}
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}
