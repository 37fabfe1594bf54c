//! The portal itself: the home page and its health.

pub mod api;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::testid;
use crate::ui::{ErrorNote, hydrated};

/// Whether the portal's two dependencies answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub database: bool,
    pub storage: bool,
    pub version: String,
}

impl SystemStatus {
    pub fn healthy(&self) -> bool {
        self.database && self.storage
    }
}

/// Signed in, the person's inbox; signed out, what the portal is and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let auth = crate::accounts::Auth::get();
    view! {
        <Title text=""/>
        <Transition fallback=|| ()>
            {move || auth.me.get().map(|me| match me {
                Ok(Some(who)) => view! {
                    <crate::conversations::Inbox/>
                    {who.is_firm_member.then(|| view! {
                        <p class="hint"><a href="/matters">{crate::text::ALL_MATTERS}</a>" · "<a href="/people">{crate::text::PEOPLE}</a></p>
                    })}
                }.into_any(),
                _ => view! { <Welcome/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>{crate::text::YOUR_MATTERS_MESSAGES_AND_DOCUMENTS_IN}</h1>
            <p class="lead">
                {match crate::settings::brand::Brand::current().firm.as_str() {
                    "" => crate::text::DOSSIER_IS_YOUR_LAW_FIRMS_PRIVATE.to_string(),
                    firm => crate::text::this_is_s_private_client_portal(&firm),
                }}
                {crate::text::TALK_WITH_YOUR_LAWYER_SHARE_DOCUMENTS}
            </p>
            <p class="actions">
                <a class="button" href="/sign-in">{crate::text::SIGN_IN}</a>
                <a href="/guide">{crate::text::NEW_HERE_HOW_THE_PORTAL_WORKS}</a>
            </p>
        </section>
        <StatusCard/>
    }
}

/// Asks the server whether the portal is healthy; works only once the Wasm has hydrated.
#[component]
fn StatusCard() -> impl IntoView {
    let ready = hydrated();
    let check = ServerAction::<api::SystemStatusCheck>::new();
    let pending = check.pending();
    let outcome = move || {
        check.value().get().map(|result| match result {
            Ok(status) => {
                let word = |ok: bool| if ok { "OK" } else { crate::text::NOT_ANSWERING };
                let class = if status.healthy() {
                    "status ok"
                } else {
                    "status bad"
                };
                view! {
                    <p class=class data-testid=testid::STATUS_RESULT>
                        {crate::text::status_line(&word(status.database), &word(status.storage), &status.version)}
                    </p>
                }
                .into_any()
            }
            Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
        })
    };
    view! {
        <section class="card">
            <h2>{crate::text::PORTAL_STATUS}</h2>
            <p>{crate::text::CHECK_THAT_THIS_PORTAL_CAN_REACH}</p>
            <button
                type="button"
                class="button"
                data-testid=testid::STATUS_CHECK
                disabled=move || !ready.get() || pending.get()
                on:click=move |_| {
                    check.dispatch(api::SystemStatusCheck {});
                }
            >
                {move || if pending.get() { crate::text::CHECKING } else { crate::text::CHECK_NOW }}
            </button>
            {outcome}
        </section>
    }
}
