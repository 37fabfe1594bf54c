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
            Self::Client => crate::text::CLIENT,
            Self::OtherParty => crate::text::OTHER_PARTY,
            Self::Counsel => crate::text::COUNSEL,
            Self::Other => crate::text::OTHER_CONTACT,
            Self::Staff => crate::text::STAFF,
        }
    }

    pub fn parse(key: &str) -> Result<Self, AppError> {
        Self::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .ok_or_else(|| AppError::bad_request(crate::text::CHOOSE_THE_PERSONS_ROLE_ON_THE))
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
                    {crate::text::matter_opened(&m.number)}
                    <a href=format!("/matters/{}", m.id)>{crate::text::GO_TO_IT}</a>
                </p>
            }
            .into_any(),
        ),
        _ => error_of(create.value())(),
    };
    view! {
        <Title text=crate::text::MATTERS/>
        <section class="card">
            <h1>{crate::text::MATTERS}</h1>
            <div class="toolbar">
                <input type="search" placeholder=crate::text::FIND_BY_NUMBER_NAME_OR_CONTACT aria-label=crate::text::FIND_A_MATTER
                    data-testid=testid::MATTER_SEARCH
                    on:input=move |ev| set_query.set(event_target_value(&ev))/>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| set_closed.set(event_target_checked(&ev))/>
                    {crate::text::INCLUDE_CLOSED}
                </label>
            </div>
            <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
                {move || matters.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! { <p class="hint">{crate::text::NO_MATTERS_TO_SHOW}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="matters" data-testid=testid::MATTERS>
                            {list.into_iter().map(|m| view! {
                                <li>
                                    <a href=format!("/matters/{}", m.id)>
                                        <span class="matter-number">{m.number}</span>
                                        <span class="matter-name">{m.name}</span>
                                    </a>
                                    <span class="hint">{m.clients.join(", ")}</span>
                                    {(!m.open).then(|| view! { <span class="badge">{crate::text::CLOSED}</span> })}
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
                <h2>{crate::text::OPEN_A_NEW_MATTER}</h2>
                <ActionForm action=create attr:class="form" attr:data-testid=testid::CREATE_MATTER_FORM>
                    <label>{crate::text::MATTER_NUMBER}<input name="number" required maxlength="40" autocomplete="off"/></label>
                    <label>{crate::text::NAME}<input name="name" required maxlength="200" autocomplete="off"/></label>
                    <label>{crate::text::DESCRIPTION_OPTIONAL}<textarea name="description" rows="3" maxlength="10000"></textarea></label>
                    {created}
                    <button class="button" type="submit" data-testid=testid::CREATE_MATTER
                        disabled=move || !ready.get() || create.pending().get()>
                        {crate::text::OPEN_MATTER}
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
        <label>{crate::text::ROLE}
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
        <label>{crate::text::NAME_OR_EMAIL_OF_A_PERSON}
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
                    crate::text::THERE_IS_NO_SUCH_MATTER_OR.into(),
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
        <Title text=crate::text::MATTER/>
        <Transition fallback=|| view! { <p>{crate::text::LOADING}</p> }>
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
                                {p.revoked.then(|| view! { <span class="badge bad">{crate::text::ACCESS_REVOKED}</span> })}
                                {manage.then(|| view! {
                                    <crate::ui::AskFirst label=crate::text::REMOVE class="button small secondary"
                                        question=crate::text::remove_from_this_matter_they_lose(&name)
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
                            {(!open).then(|| view! { <p class="badge" data-testid=testid::MATTER_CLOSED>{crate::text::CLOSED}</p> })}
                            {held.then(|| view! { <p class="badge" data-testid=testid::LEGAL_HOLD>{crate::text::LEGAL_HOLD_NOTHING_ON_THIS_MATTER}</p> })}
                            {(manage && open).then(|| view! { <crate::conversations::MessageButton/> })}
                        </header>
                        <nav class="matter-tabs" aria-label=crate::text::PARTS_OF_THIS_MATTER>
                            {[("messages", crate::text::MESSAGES), ("files", crate::text::FILES), ("details", crate::text::DETAILS)]
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
                            {m.retain_until.clone().map(|day| view! { <p class="hint">{crate::text::this_closed_matter_and_everything_on(&day)}</p> })}
                            <p class="pre">{m.description.clone()}</p>
                            <p class="hint">{m.responsible.clone().map(|r| crate::text::responsible(&r))}</p>
                            {note}
                            {manage.then(|| view! {
                                <details class="section">
                                    <summary>{crate::text::EDIT_DETAILS}</summary>
                                    <ActionForm action=update attr:class="form" attr:data-testid=testid::EDIT_MATTER_FORM>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <input type="hidden" name="responsible_id" value=m.responsible_id.map(|r| r.to_string()).unwrap_or_default()/>
                                        <label>{crate::text::MATTER_NUMBER}<input name="number" required maxlength="40" value=m.number.clone()/></label>
                                        <label>{crate::text::NAME}<input name="name" required maxlength="200" value=m.name.clone()/></label>
                                        <label>{crate::text::DESCRIPTION}<textarea name="description" rows="3" maxlength="10000" prop:value=m.description.clone()></textarea></label>
                                        <button class="button" type="submit" disabled=move || !ready.get()>{crate::text::SAVE}</button>
                                    </ActionForm>
                                </details>
                                {if open { view! {
                                    <crate::ui::AskFirst label=crate::text::CLOSE_MATTER class="button secondary" testid=testid::TOGGLE_MATTER_STATUS
                                        question=crate::text::CLOSE_THIS_MATTER
                                        disabled=Signal::derive(move || !ready.get())
                                        act=move || { status.dispatch(api::SetMatterOpen { id, open: false }); }/>
                                }.into_any() } else { view! {
                                    <button class="button secondary" type="button" data-testid=testid::TOGGLE_MATTER_STATUS
                                        disabled=move || !ready.get()
                                        on:click=move |_| { status.dispatch(api::SetMatterOpen { id, open: true }); }>
                                        {crate::text::REOPEN_MATTER}
                                    </button>
                                }.into_any() }}
                                <details class="section">
                                    <summary>{crate::text::RECORDS}</summary>
                                    <p class="hint">{crate::text::A_LEGAL_HOLD_KEEPS_EVERYTHING_ON}</p>
                                    <button class="button secondary" type="button" data-testid=testid::TOGGLE_LEGAL_HOLD
                                        disabled=move || !ready.get()
                                        on:click=move |_| { hold.dispatch(api::SetLegalHold { id, on: !held }); }>
                                        {if held { crate::text::LIFT_THE_LEGAL_HOLD } else { crate::text::PLACE_A_LEGAL_HOLD }}
                                    </button>
                                    <p class="hint">{crate::text::EVERY_OPENING_OF_A_CONVERSATION_AND}</p>
                                    <a class="button secondary" href=crate::activity::csv_url(id) download="" data-testid=testid::ACTIVITY_CSV>{crate::text::EXPORT_ACTIVITY_CSV}</a>
                                    {(!open).then(|| view! {
                                        <ActionForm action=retention attr:class="form inline" attr:data-testid=testid::RETENTION_FORM>
                                            <input type="hidden" name="id" value=id.to_string()/>
                                            <label>{crate::text::DELETE_THIS_CLOSED_MATTER_ON_EMPTY}
                                                <input name="until" type="date" value=m.retain_until.clone().unwrap_or_default()/>
                                            </label>
                                            <button class="button" type="submit" disabled=move || !ready.get()>{crate::text::SAVE_THE_DATE}</button>
                                        </ActionForm>
                                    })}
                                </details>
                            })}
                        </section>
                        <section class="card">
                            <h2>{crate::text::CONTACTS_AND_STAFF}</h2>
                            <ul class="people" data-testid=testid::MATTER_PEOPLE>{people}</ul>
                            {manage.then(|| view! {
                                <ActionForm action=add attr:class="form inline" attr:data-testid=testid::ADD_MATTER_PERSON_FORM>
                                    <input type="hidden" name="id" value=id.to_string()/>
                                    <FindPerson/>
                                    <RoleChoice roles=&MatterRole::ALL/>
                                    <button class="button" type="submit" data-testid=testid::ADD_MATTER_PERSON disabled=move || !ready.get()>{crate::text::ADD_TO_MATTER}</button>
                                </ActionForm>
                                <details class="section" data-testid=testid::NEW_CONTACT>
                                    <summary>{crate::text::SOMEONE_NEW_ADD_AND_INVITE_A}</summary>
                                    <ActionForm action=add_new attr:class="form" attr:data-testid=testid::NEW_CONTACT_FORM>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <label>{crate::text::NAME}<input name="display_name" required maxlength="200" autocomplete="off"/></label>
                                        <label>{crate::text::EMAIL}<input name="email" type="email" required maxlength="320" autocomplete="off"/></label>
                                        <label>{crate::text::MOBILE_NUMBER_OPTIONAL_FOR_TEXT_MESSAGES}<input name="mobile" type="tel" autocomplete="off"/></label>
                                        <RoleChoice roles=&MatterRole::CONTACTS/>
                                        <label class="check"><input type="checkbox" name="invite" value="true" checked/>{crate::text::INVITE_THEM_BY_EMAIL_NOW}</label>
                                        <label class="check"><input type="checkbox" name="sms" value="true"/>{crate::text::SEND_THE_INVITATION_BY_TEXT_MESSAGE}</label>
                                        <button class="button" type="submit" data-testid=testid::ADD_NEW_CONTACT disabled=move || !ready.get() || add_new.pending().get()>{crate::text::ADD_TO_MATTER}</button>
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
