//! The inbox: a person's conversations across their matters, latest first, each a link into its
//! matter with the conversation open.

use leptos::prelude::*;

use super::api;
use crate::testid;
use crate::ui::ErrorNote;
use crate::when::When;

#[component]
pub fn Inbox() -> impl IntoView {
    let lines = crate::resources::resource(|| (), |_| api::get_inbox());
    let shown = move || {
        lines.get().map(|r| match r {
            Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
            Ok(lines) if lines.is_empty() => view! {
                <p class="hint" data-testid=testid::INBOX_EMPTY>
                    {crate::text::NO_CONVERSATIONS_YET_WHEN_THE_FIRM}
                    <a href="/guide">{crate::text::HOW_THE_PORTAL_WORKS}</a>
                </p>
            }
            .into_any(),
            Ok(lines) => view! {
                <ul class="plain inbox">
                    {lines.into_iter().map(|line| {
                        let c = line.conversation;
                        let href = format!("/matters/{}?conversation={}", line.matter_id, c.id);
                        let title = c.subject.clone().unwrap_or_else(|| crate::text::SECURE_CONVERSATION.into());
                        view! {
                            <li class="inbox-line" class:unread={c.unread > 0} data-testid=testid::INBOX_LINE>
                                <a href=href>
                                    <span class="inbox-top">
                                        {c.locked.then(|| view! { <span class="lock" aria-hidden="true"></span> })}
                                        <strong class="conversation-subject">{title}</strong>
                                        <When at=c.last_message_at/>
                                    </span>
                                    <span class="hint">{format!("{} · {}", line.matter_number, line.matter_name)}</span>
                                    {if c.locked {
                                        Some(view! { <span class="hint preview">{crate::text::CONFIRM_IT_IS_YOU_TO_READ}</span> }.into_any())
                                    } else {
                                        c.preview.map(|p| view! { <span class="preview">{p}</span> }.into_any())
                                    }}
                                </a>
                                {(c.unread > 0).then(|| view! {
                                    <span class="badge unread">{format!("{} unread", c.unread)}</span>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        })
    };
    view! {
        <section class="card" data-testid=testid::INBOX>
            <h1>{crate::text::YOUR_CONVERSATIONS}</h1>
            <Transition fallback=|| view! { <p class="hint">{crate::text::LOADING}</p> }>{shown}</Transition>
        </section>
    }
}
