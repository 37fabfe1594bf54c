//! Matters: a client's legal case and its people. `/matters` lists and finds them;
//! `/matters/:id` is one matter's page, which also holds its conversations (`crate::conversations`)
//! and, for the firm, its files (`crate::files`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod retention;
#[cfg(feature = "ssr")]
pub mod server;

use crate::ids::{MatterId, UserId};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[cfg(feature = "ssr")]
use sea_orm::entity::prelude::StringLen;

use crate::testid;
use crate::{
    AppError,
    ui::{ErrorNote, PageError, error_of, hydrated},
};

/// A person's part in a matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(rs_type = "String", db_type = "String(StringLen::N(24))")
)]
pub enum MatterRole {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "client"))]
    Client,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "other_party"))]
    OtherParty,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "counsel"))]
    Counsel,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "other"))]
    Other,
    /// One of the firm's people working on the matter.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "staff"))]
    Staff,
}

impl MatterRole {
    /// The roles of people outside the firm: they see the matter in the portal.
    pub const CONTACTS: [Self; 4] = [Self::Client, Self::OtherParty, Self::Counsel, Self::Other];
    pub const ALL: [Self; 5] = [
        Self::Client,
        Self::OtherParty,
        Self::Counsel,
        Self::Other,
        Self::Staff,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::OtherParty => "other_party",
            Self::Counsel => "counsel",
            Self::Other => "other",
            Self::Staff => "staff",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Client => "Client",
            Self::OtherParty => "Other party",
            Self::Counsel => "Counsel",
            Self::Other => "Other contact",
            Self::Staff => "Staff",
        }
    }

    pub fn parse(key: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| {
                AppError::bad_request(
                    "Choose the person's role on the matter: client, other party, counsel, other contact or staff.",
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatterInput {
    pub number: String,
    pub name: String,
    pub description: String,
    pub responsible_id: Option<UserId>,
}

/// A line in the list of matters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatterSummary {
    pub id: MatterId,
    pub number: String,
    pub name: String,
    pub open: bool,
    /// The names of the matter's clients.
    pub clients: Vec<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatterPerson {
    pub user_id: UserId,
    pub name: String,
    /// Empty when the viewer may not see it (another contact's address, seen by a contact).
    pub email: String,
    pub role: MatterRole,
    /// Their portal access was revoked.
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MatterDetails {
    pub id: MatterId,
    pub number: String,
    pub name: String,
    pub description: String,
    pub open: bool,
    pub responsible_id: Option<UserId>,
    pub responsible: Option<String>,
    pub people: Vec<MatterPerson>,
    /// The viewer is at the firm and may change the matter.
    pub can_manage: bool,
    /// A legal hold blocks every deletion (shown to the firm only).
    pub legal_hold: bool,
    /// The closed matter is deleted from this day ("2027-03-31"; the firm only).
    pub retain_until: Option<String>,
}

/// `/matters`: the matters this person may see, a search box, and (for staff) a new matter.
#[component]
pub fn MattersPage() -> impl IntoView {
    let ready = hydrated();
    let (query, set_query) = signal(String::new());
    let (closed, set_closed) = signal(false);
    let create = ServerAction::<api::CreateMatter>::new();
    let matters = crate::resources::resource(
        move || (query.get(), closed.get(), create.version().get()),
        |(query, include_closed, _)| api::list_matters(query, include_closed),
    );
    let is_firm = move || {
        crate::accounts::Auth::get()
            .me
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|m| m.is_firm_member)
    };
    let created = move || match create.value().get() {
        Some(Ok(m)) => Some(
            view! {
                <p class="status ok" data-testid=testid::MATTER_CREATED>
                    {format!("Matter {} opened. ", m.number)}
                    <a href=format!("/matters/{}", m.id)>"Go to it"</a>
                </p>
            }
            .into_any(),
        ),
        _ => error_of(create.value())(),
    };
    view! {
        <Title text="Matters"/>
        <section class="card">
            <h1>"Matters"</h1>
            <div class="toolbar">
                <input type="search" placeholder="Find by number, name or contact" aria-label="Find a matter"
                    data-testid=testid::MATTER_SEARCH
                    on:input=move |ev| set_query.set(event_target_value(&ev))/>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| set_closed.set(event_target_checked(&ev))/>
                    "Include closed"
                </label>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || matters.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="hint">"No matters to show."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="matters" data-testid=testid::MATTERS>
                            {list.into_iter().map(|m| view! {
                                <li>
                                    <a href=format!("/matters/{}", m.id)>
                                        <span class="matter-number">{m.number}</span>
                                        <span class="matter-name">{m.name}</span>
                                    </a>
                                    <span class="hint">{m.clients.join(", ")}</span>
                                    {(!m.open).then(|| view! { <span class="badge">"Closed"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
        </section>
        <Transition fallback=|| ()>
        <Show when=is_firm>
            <section class="card">
                <h2>"Open a new matter"</h2>
                <ActionForm action=create attr:class="form" attr:data-testid=testid::CREATE_MATTER_FORM>
                    <label>"Matter number"<input name="number" required maxlength="40" autocomplete="off"/></label>
                    <label>"Name"<input name="name" required maxlength="200" autocomplete="off"/></label>
                    <label>"Description (optional)"<textarea name="description" rows="3" maxlength="10000"></textarea></label>
                    {created}
                    <button class="button" type="submit" data-testid=testid::CREATE_MATTER
                        disabled=move || !ready.get() || create.pending().get()>
                        "Open matter"
                    </button>
                </ActionForm>
            </section>
        </Show>
        </Transition>
    }
}

/// The role a person takes on the matter, Client first.
#[component]
fn RoleChoice(roles: &'static [MatterRole]) -> impl IntoView {
    view! {
        <label>"Role"
            <select name="role">
                {roles.iter().map(|r| view! {
                    <option value=r.key() selected=*r == MatterRole::Client>{r.label()}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The email field of "add to matter": as one types a name or an address, the directory's
/// matches are offered (a `datalist`, so the browser's own list, keyboard included). Without
/// the Wasm it is a plain email field.
#[component]
fn FindPerson() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let found = crate::resources::resource(
        move || typed.get(),
        |query| async move {
            if query.trim().chars().count() < 2 {
                return Vec::new();
            }
            crate::people::api::find_people(query)
                .await
                .unwrap_or_default()
        },
    );
    view! {
        <label>"Name or email of a person in the directory"
            <input name="email" required autocomplete="off" list="directory-matches"
                data-testid=testid::FIND_PERSON
                on:input=move |ev| typed.set(event_target_value(&ev))/>
        </label>
        <datalist id="directory-matches">
            <Transition fallback=|| ()>
                {move || found.get().map(|people| people.into_iter().map(|p| view! {
                    <option value=p.email.clone()>{format!("{} ({})", p.display_name, p.email)}</option>
                }).collect_view())}
            </Transition>
        </datalist>
    }
}

/// `/matters/:id`: details, people, Messages and All Files.
#[component]
pub fn MatterPage() -> impl IntoView {
    let ready = hydrated();
    let id = move || {
        use_params_map()
            .read()
            .get("id")
            .and_then(|s| s.parse::<MatterId>().ok())
    };
    // On a phone the matter shows one part at a time (`?tab=`); a desktop shows them all.
    let query = use_query_map();
    let tab = Memo::new(move |_| query.read().get("tab").unwrap_or_else(|| "messages".into()));
    let update = ServerAction::<api::UpdateMatter>::new();
    let status = ServerAction::<api::SetMatterOpen>::new();
    let add = ServerAction::<api::AddMatterPerson>::new();
    let add_new = ServerAction::<api::AddNewMatterContact>::new();
    let remove = ServerAction::<api::RemoveMatterPerson>::new();
    let hold = ServerAction::<api::SetLegalHold>::new();
    let retention = ServerAction::<api::SetRetention>::new();
    let matter = crate::resources::resource(
        move || {
            (
                id(),
                update.version().get(),
                status.version().get(),
                hold.version().get(),
                retention.version().get(),
                add.version().get(),
                add_new.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => api::get_matter(id).await,
                None => Err(AppError::NotFound(
                    "There is no such matter, or it is not shared with you.".into(),
                )),
            }
        },
    );
    let note = move || {
        error_of(update.value())()
            .or_else(error_of(status.value()))
            .or_else(error_of(add.value()))
            .or_else(error_of(add_new.value()))
            .or_else(error_of(remove.value()))
            .or_else(error_of(hold.value()))
            .or_else(error_of(retention.value()))
    };
    view! {
        <Title text="Matter"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || matter.get().map(|r| match r {
                Err(e) => view! { <section class="card"><PageError error=e/></section> }.into_any(),
                Ok(m) => {
                    let id = m.id;
                    let open = m.open;
                    let manage = m.can_manage;
                    let held = m.legal_hold;
                    // What the file tree's "Send" picks, for the Messages section to send.
                    crate::conversations::Sending::provide();
                    // What the Messages section hears of the files, for the file tree.
                    crate::files::FilesChanged::provide();
                    let people = m.people.clone().into_iter().map(|p| {
                        let user_id = p.user_id;
                        let name = p.name.clone();
                        view! {
                            <li data-testid=testid::MATTER_PERSON>
                                <span class="person-name">{p.name}</span>
                                <span class="hint">{p.email}</span>
                                <span class="badge">{p.role.label()}</span>
                                {p.revoked.then(|| view! { <span class="badge bad">"Access revoked"</span> })}
                                {manage.then(|| view! {
                                    <crate::ui::AskFirst label="Remove" class="button small secondary"
                                        question=format!("Remove {name} from this matter? They lose access to it at once.")
                                        act=move || { remove.dispatch(api::RemoveMatterPerson { id, user_id }); }/>
                                })}
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <Title text=format!("{} {}", m.number, m.name)/>
                        <header class="matter-head">
                            <p class="matter-number" data-testid=testid::MATTER_NUMBER>{m.number.clone()}</p>
                            <h1 data-testid=testid::MATTER_NAME>{m.name.clone()}</h1>
                            {(!open).then(|| view! { <p class="badge" data-testid=testid::MATTER_CLOSED>"Closed"</p> })}
                            {held.then(|| view! { <p class="badge" data-testid=testid::LEGAL_HOLD>"Legal hold: nothing on this matter can be deleted"</p> })}
                            {(manage && open).then(|| view! { <crate::conversations::MessageButton/> })}
                        </header>
                        <nav class="matter-tabs" aria-label="Parts of this matter">
                            {[("messages", "Messages"), ("files", "Files"), ("details", "Details")]
                                .into_iter()
                                .filter(|(key, _)| manage || *key != "files")
                                .map(|(key, label)| view! {
                                    <a href=format!("?tab={key}") data-testid=testid::MATTER_TAB
                                        aria-current=move || (tab.get() == key).then_some("page")>{label}</a>
                                })
                                .collect_view()}
                        </nav>
                        <div class="matter-parts" data-tab=move || tab.get()>
                        <div class="part-details">
                        <section class="card">
                            {m.retain_until.clone().map(|day| view! { <p class="hint">{format!("This closed matter and everything on it will be deleted on {day}.")}</p> })}
                            <p class="pre">{m.description.clone()}</p>
                            <p class="hint">{m.responsible.clone().map(|r| format!("Responsible: {r}"))}</p>
                            {note}
                            {manage.then(|| view! {
                                <details class="section">
                                    <summary>"Edit details"</summary>
                                    <ActionForm action=update attr:class="form" attr:data-testid=testid::EDIT_MATTER_FORM>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="responsible_id" value=m.responsible_id.map(|r| r.to_string()).unwrap_or_default()/>
                                        <label>"Matter number"<input name="number" required maxlength="40" value=m.number.clone()/></label>
                                        <label>"Name"<input name="name" required maxlength="200" value=m.name.clone()/></label>
                                        <label>"Description"<textarea name="description" rows="3" maxlength="10000" prop:value=m.description.clone()></textarea></label>
                                        <button class="button" type="submit" disabled=move || !ready.get()>"Save"</button>
                                    </ActionForm>
                                </details>
                                {if open { view! {
                                    <crate::ui::AskFirst label="Close matter" class="button secondary" testid=testid::TOGGLE_MATTER_STATUS
                                        question="Close this matter? Nobody can write or add files on it until it is reopened."
                                        disabled=Signal::derive(move || !ready.get())
                                        act=move || { status.dispatch(api::SetMatterOpen { id, open: false }); }/>
                                }.into_any() } else { view! {
                                    <button class="button secondary" type="button" data-testid=testid::TOGGLE_MATTER_STATUS
                                        disabled=move || !ready.get()
                                        on:click=move |_| { status.dispatch(api::SetMatterOpen { id, open: true }); }>
                                        "Reopen matter"
                                    </button>
                                }.into_any() }}
                                <details class="section">
                                    <summary>"Records"</summary>
                                    <p class="hint">"A legal hold keeps everything on the matter: its trash is not emptied and it is not deleted on a date, until the hold is lifted."</p>
                                    <button class="button secondary" type="button" data-testid=testid::TOGGLE_LEGAL_HOLD
                                        disabled=move || !ready.get()
                                        on:click=move |_| { hold.dispatch(api::SetLegalHold { id, on: !held }); }>
                                        {if held { "Lift the legal hold" } else { "Place a legal hold" }}
                                    </button>
                                    <p class="hint">"Every opening of a conversation and every view or download of a file on this matter is logged: who, when, which version, from where. Contacts never see the log."</p>
                                    <a class="button secondary" href=crate::activity::csv_url(id) download="" data-testid=testid::ACTIVITY_CSV>"Export activity (CSV)"</a>
                                    {(!open).then(|| view! {
                                        <ActionForm action=retention attr:class="form inline" attr:data-testid=testid::RETENTION_FORM>
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <label>"Delete this closed matter on (empty: keep it)"
                                                <input name="until" type="date" value=m.retain_until.clone().unwrap_or_default()/>
                                            </label>
                                            <button class="button" type="submit" disabled=move || !ready.get()>"Save the date"</button>
                                        </ActionForm>
                                    })}
                                </details>
                            })}
                        </section>
                        <section class="card">
                            <h2>"Contacts and staff"</h2>
                            <ul class="people" data-testid=testid::MATTER_PEOPLE>{people}</ul>
                            {manage.then(|| view! {
                                <ActionForm action=add attr:class="form inline" attr:data-testid=testid::ADD_MATTER_PERSON_FORM>
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <FindPerson/>
                                    <RoleChoice roles=&MatterRole::ALL/>
                                    <button class="button" type="submit" data-testid=testid::ADD_MATTER_PERSON disabled=move || !ready.get()>"Add to matter"</button>
                                </ActionForm>
                                <details class="section" data-testid=testid::NEW_CONTACT>
                                    <summary>"Someone new: add and invite a contact"</summary>
                                    <ActionForm action=add_new attr:class="form" attr:data-testid=testid::NEW_CONTACT_FORM>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <label>"Name"<input name="display_name" required maxlength="200" autocomplete="off"/></label>
                                        <label>"Email"<input name="email" type="email" required maxlength="320" autocomplete="off"/></label>
                                        <label>"Mobile number (optional, for text messages)"<input name="mobile" type="tel" autocomplete="off"/></label>
                                        <RoleChoice roles=&MatterRole::CONTACTS/>
                                        <label class="check"><input type="checkbox" name="invite" value="true" checked/>"Invite them by email now"</label>
                                        <label class="check"><input type="checkbox" name="sms" value="true"/>"Send the invitation by text message too"</label>
                                        <button class="button" type="submit" data-testid=testid::ADD_NEW_CONTACT disabled=move || !ready.get() || add_new.pending().get()>"Add to matter"</button>
                                    </ActionForm>
                                </details>
                            })}
                        </section>
                        </div>
                        <div class="part-messages">
                            <crate::conversations::Messages matter_id=id firm=manage open people=m.people.clone()/>
                        </div>
                        {manage.then(|| view! { <div class="part-files"><crate::files::AllFiles matter_id=id/></div> })}
                        </div>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
