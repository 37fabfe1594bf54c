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
                        <p class="hint"><a href="/matters">"All matters"</a>" · "<a href="/people">"People"</a></p>
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
            <h1>"Your matters, messages and documents in one secure place"</h1>
            <p class="lead">
                {match crate::settings::brand::Brand::current().firm.as_str() {
                    "" => "Dossier is your law firm's private client portal.".to_string(),
                    firm => format!("This is {firm}'s private client portal."),
                }}
                " Talk with your lawyer, share documents and follow your matter from any browser or phone."
            </p>
            <p class="actions">
                <a class="button" href="/sign-in">"Sign in"</a>
                <a href="/guide">"New here? How the portal works"</a>
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
                let word = |ok: bool| if ok { "OK" } else { "not answering" };
                let class = if status.healthy() {
                    "status ok"
                } else {
                    "status bad"
                };
                view! {
                    <p class=class data-testid=testid::STATUS_RESULT>
                        {format!(
                            "Database: {} · Storage: {} · Version {}",
                            word(status.database),
                            word(status.storage),
                            status.version,
                        )}
                    </p>
                }
                .into_any()
            }
            Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
        })
    };
    view! {
        <section class="card">
            <h2>"Portal status"</h2>
            <p>"Check that this portal can reach its database and document storage."</p>
            <button
                type="button"
                class="button"
                data-testid=testid::STATUS_CHECK
                disabled=move || !ready.get() || pending.get()
                on:click=move |_| {
                    check.dispatch(api::SystemStatusCheck {});
                }
            >
                {move || if pending.get() { "Checking…" } else { "Check now" }}
            </button>
            {outcome}
        </section>
    }
}
