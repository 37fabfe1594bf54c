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

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <h1>"Your matters, messages and documents in one secure place"</h1>
            <p class="lead">
                "Dossier is your law firm's private client portal. Talk with your lawyer, "
                "share documents and follow your matter from any browser or phone."
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
