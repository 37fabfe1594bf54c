//! Dossier's isomorphic app: pages, components and server functions, laid out by domain.
//! Each domain folder holds its UI (`mod.rs`), its server functions (`api.rs`) and its
//! server-only logic (`server.rs`, compiled only with the `ssr` feature).

pub mod accounts;
pub mod activity;
pub mod conversations;
pub mod error;
pub mod files;
pub mod help;
pub mod ids;
pub mod live;
pub mod matters;
pub mod people;
pub mod resources;
pub mod settings;
pub mod shares;
pub mod system;
pub mod testid;
pub mod text;
pub mod ui;
pub mod when;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod policy;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod security;
#[cfg(feature = "ssr")]
pub mod shell;
#[cfg(feature = "ssr")]
pub mod state;

pub use error::AppError;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

/// The part of every page that is hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    resources::provide_page_owner();
    accounts::Auth::provide();
    settings::brand::Brand::provide();
    conversations::RequestUploads::provide();
    let brand = settings::brand::Brand::current();
    view! {
        <Title formatter=move |page: String| brand.title(&page)/>
        <Router>
            <ui::TopBar/>
            <main class="page">
                <Routes fallback=ui::NotFound>
                    <Route path=StaticSegment("") view=system::HomePage/>
                    <Route path=StaticSegment("setup") view=accounts::SetupPage/>
                    // Rendered whole before it is sent: its form must work before the Wasm
                    // arrives, and streamed parts need a script to take their place.
                    <Route path=StaticSegment("sign-in") view=accounts::SignInPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("people") view=people::PeoplePage/>
                    <Route path=StaticSegment("invitation") view=accounts::InvitationPage/>
                    <Route path=StaticSegment("forgot-password") view=accounts::ForgotPasswordPage/>
                    <Route path=StaticSegment("reset-password") view=accounts::ResetPasswordPage/>
                    <Route path=StaticSegment("settings") view=settings::SettingsPage/>
                    <Route path=StaticSegment("matters") view=matters::MattersPage/>
                    // Rendered whole before it is sent, so a matter, conversation or share that
                    // is not there answers 404 (`ui::PageError`).
                    <Route path=(StaticSegment("matters"), ParamSegment("id")) view=matters::MatterPage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("verify") view=accounts::VerifyPage/>
                    // Rendered whole before it is sent: read without signing in or the Wasm.
                    <Route path=StaticSegment("guide") view=help::GuidePage ssr=SsrMode::Async/>
                    <Route path=StaticSegment("help") view=help::StaffHelpPage/>
                    <Route path=(StaticSegment("sign-in"), StaticSegment("link")) view=accounts::SignInLinkPage/>
                </Routes>
            </main>
        </Router>
    }
}
