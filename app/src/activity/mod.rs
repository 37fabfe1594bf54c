//! Who saw what: each matter's access log (every open of a conversation, every preview and
//! download of a file, a file sent with a message or a shared one), kept tamper-evident
//! (`log`), shown to the firm on a file and on a share ("Activity"), and exported whole as CSV
//! (`/matters/{id}/activity.csv`, on the server). Contacts never see it.

pub mod api;
#[cfg(feature = "ssr")]
pub mod log;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    ids::{DocumentId, MatterId, ShareId},
    testid,
    ui::ErrorNote,
    when::{Moment, When},
};

/// What someone did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessKind {
    ConversationOpened,
    FilePreviewed,
    FileDownloaded,
}

impl AccessKind {
    pub const ALL: [Self; 3] = [
        Self::ConversationOpened,
        Self::FilePreviewed,
        Self::FileDownloaded,
    ];

    /// As stored, and in the CSV export.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConversationOpened => "conversation.opened",
            Self::FilePreviewed => "file.previewed",
            Self::FileDownloaded => "file.downloaded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Through {
    /// The matter's file tree (the firm).
    Files,
    /// A file sent with a message.
    Message,
    /// A share (a live link).
    Share,
    /// The conversation itself.
    Conversation,
}

/// One line of a file's or a share's activity, for the firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLine {
    pub at: Moment,
    pub who: String,
    pub kind: AccessKind,
    pub item: String,
    pub version: Option<i32>,
    pub through: Through,
}

impl ActivityLine {
    /// "downloaded version 2 through a share"
    fn what(&self) -> String {
        crate::text::access(self.kind, &self.item, self.version, self.through)
    }
}

/// Whose activity a panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Document(MatterId, DocumentId),
    Share(MatterId, ShareId),
}

/// The latest accesses of a file or a share, newest first: who, what, which version, when.
#[component]
pub fn ActivityPanel(subject: Subject, on_close: Callback<()>) -> impl IntoView {
    let lines = crate::resources::resource(
        move || subject,
        |subject| async move {
            match subject {
                Subject::Document(matter, document) => {
                    api::document_activity(matter, document).await
                }
                Subject::Share(matter, share) => api::share_activity(matter, share).await,
            }
        },
    );
    view! {
        <div class="activity" data-testid=testid::ACTIVITY>
            <h4>{crate::text::ACTIVITY}</h4>
            <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING_ACTIVITY}</p> }>
                {move || lines.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="hint">{crate::text::NO_ONE_HAS_OPENED_IT_YET}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ol class="plain activity-lines">
                            {list.into_iter().map(|l| view! {
                                <li data-testid=testid::ACTIVITY_LINE>
                                    <strong>{l.who.clone()}</strong>{format!(" {} · ", l.what())}<When at=l.at exact=true/>
                                </li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
            <button class="button small secondary" type="button" on:click=move |_| on_close.run(())>{crate::text::CLOSE}</button>
        </div>
    }
}

/// Where the matter's whole log downloads, as CSV.
pub fn csv_url(matter: MatterId) -> String {
    format!("/matters/{matter}/activity.csv")
}
