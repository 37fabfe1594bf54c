//! The matter page's live updates: the `/events` stream (`crate::live` on the server), what
//! the page shows of a change it was told, and what it reloads for the others.

use super::{ConversationSummary, ConversationView};
use crate::{
    AppError,
    ids::{ConversationId, MatterId},
    live::Told,
};
use leptos::prelude::*;

/// What the matter page hears live (`crate::live`), for its parts: `Messages` provides it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Live {
    /// Changes the parts reload for.
    pub(super) heard: RwSignal<Heard>,
    /// The latest change that came with what changed: the parts patch themselves from it.
    pub(super) told: RwSignal<Option<Told>>,
}

impl Live {
    pub(super) fn new() -> Self {
        Self {
            heard: RwSignal::new(Heard::default()),
            told: RwSignal::new(None),
        }
    }

    /// A new message told with its line: the line moves to the top of the conversation list,
    /// nothing is reloaded.
    pub(super) fn patch_list(
        self,
        list: crate::resources::Data<Result<Vec<ConversationSummary>, AppError>>,
    ) {
        Effect::watch(
            move || self.told.get(),
            move |told, _, _| {
                if let Some(gone) = told.as_ref().filter(|t| t.gone) {
                    let id = gone.change.conversation;
                    list.update(|all| {
                        if let Some(Ok(all)) = all {
                            all.retain(|c| c.id != id);
                        }
                    });
                    return;
                }
                let Some(line) = told.as_ref().and_then(|t| t.summary.clone()) else {
                    return;
                };
                list.update(|all| {
                    if let Some(Ok(all)) = all {
                        place(all, line);
                    }
                });
            },
            false,
        );
    }

    /// A new message in open conversation `id`, told with the change: added to what is shown,
    /// and marked unread as the person's line says (being on screen, it is then read).
    pub(super) fn patch_conversation(
        self,
        id: ConversationId,
        conversation: crate::resources::Data<Result<ConversationView, AppError>>,
    ) {
        Effect::watch(
            move || self.told.get(),
            move |told, _, _| {
                let Some(told) = told.as_ref().filter(|t| t.change.conversation == id) else {
                    return;
                };
                if told.gone {
                    conversation.set(Some(Err(AppError::NotFound(REMOVED.into()))));
                    return;
                }
                if let Some(seen) = told.seen.clone() {
                    conversation.update(|shown| {
                        if let Some(Ok(shown)) = shown {
                            add_receipt(&mut shown.messages, seen);
                        }
                    });
                    return;
                }
                let Some(message) = told.message.clone() else {
                    return;
                };
                let unread = told.summary.as_ref().is_some_and(|line| line.unread > 0);
                conversation.update(|shown| {
                    if let Some(Ok(shown)) = shown {
                        // Edited or deleted: in its place; new: at the end.
                        match shown.messages.iter_mut().find(|m| m.id == message.id) {
                            Some(was) => *was = message,
                            None => shown.messages.push(message),
                        }
                        shown.unread = unread;
                    }
                });
            },
            false,
        );
    }
}

/// What someone removed from a conversation sees in its place.
pub(super) const REMOVED: &str = crate::text::YOU_ARE_NO_LONGER_IN_THIS;

/// Puts a conversation's line in a list kept latest first: where its last message puts it
/// (a new message: at the top; an edit: where it was).
pub(super) fn place(all: &mut Vec<ConversationSummary>, line: ConversationSummary) {
    all.retain(|c| c.id != line.id);
    let at = all
        .iter()
        .position(|c| c.last_message_at <= line.last_message_at)
        .unwrap_or(all.len());
    all.insert(at, line);
}

/// `seen` read everything of others' up to its moment: each such message shows it, once.
pub(super) fn add_receipt(messages: &mut [super::MessageView], seen: super::Seen) {
    for m in messages.iter_mut() {
        if m.author_id != Some(seen.user_id)
            && m.created_at <= seen.at
            && !m.seen.iter().any(|s| s.user_id == seen.user_id)
        {
            m.seen.push(seen.clone());
        }
    }
}

/// Whether the page can show `told` without asking the server again: a new message that
/// shares nothing (a share also changes the page's list of shares), told with the
/// conversation's line.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) fn patchable(told: &Told) -> bool {
    // A read receipt is added where it belongs; a conversation gone for this person closes.
    if told.seen.is_some() || told.gone {
        return true;
    }
    told.summary.is_some()
        && match &told.message {
            // A deleted message may have withdrawn shares: the list of shares reloads.
            Some(message) => message.shares.is_empty() && !message.deleted,
            // A message this person cannot read yet (a locked conversation): its line only.
            None => told.change.message.is_some(),
        }
}

/// The live changes heard so far: how many, and in which conversation the last one was
/// (`None`: maybe any).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Heard {
    count: u32,
    last: Option<ConversationId>,
}

impl Heard {
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn hear(&mut self, conversation: Option<ConversationId>) {
        self.count += 1;
        self.last = conversation;
    }

    /// A number that moves exactly when a change may concern conversation `id`.
    pub(super) fn concerning(self, id: ConversationId, before: Option<&u32>) -> u32 {
        match self.last {
            Some(other) if other != id => before.copied().unwrap_or(0),
            _ => self.count,
        }
    }
}

/// Opens the page's live-update stream (`/events`); the browser's EventSource reconnects by
/// itself after a drop, and the stream closes when the page goes.
pub(super) fn listen(matter_id: MatterId, changed: RwSignal<u32>, live: Live) {
    #[cfg(feature = "hydrate")]
    let files = use_context::<crate::files::FilesChanged>();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{JsCast, closure::Closure};
        let Ok(source) = web_sys::EventSource::new(&format!("/events?matter={matter_id}")) else {
            return;
        };
        // A new message comes with what the page shows of it; anything else names its
        // conversation, and only a page showing that one reloads it.
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let told = e
                    .data()
                    .as_string()
                    .and_then(|data| serde_json::from_str::<Told>(&data).ok());
                if told.as_ref().is_some_and(|t| t.change.files)
                    && let Some(files) = files
                {
                    files.bump();
                }
                match told {
                    Some(told) if patchable(&told) => {
                        live.told.try_set(Some(told));
                    }
                    other => {
                        changed.try_update(|n| *n += 1);
                        live.heard
                            .try_update(|heard| heard.hear(other.map(|t| t.change.conversation)));
                    }
                }
            });
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // "Resync", and every reconnection after the first (the stream was cut: a node went
        // away, or the page fell behind): changes may have been missed, reload everything.
        let opened = std::cell::Cell::new(0u32);
        let on_missed = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if e.type_() == "open" {
                opened.set(opened.get() + 1);
                if opened.get() == 1 {
                    return;
                }
            }
            changed.try_update(|n| *n += 1);
            live.heard.try_update(|heard| heard.hear(None));
            if let Some(files) = files {
                files.bump();
            }
        });
        for kind in ["resync", "open"] {
            let _ =
                source.add_event_listener_with_callback(kind, on_missed.as_ref().unchecked_ref());
        }
        on_change.forget();
        on_missed.forget();
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (matter_id, changed, live);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::{ConversationKind, MessageView};

    fn told(message: bool, readable: bool, shares: bool, line: bool) -> Told {
        let conversation = ConversationId(uuid::Uuid::from_u128(1));
        let id = crate::ids::MessageId(uuid::Uuid::from_u128(2));
        Told {
            change: crate::live::Change {
                matter: MatterId(uuid::Uuid::from_u128(3)),
                conversation,
                message: message.then_some(id),
                read: None,
                left: None,
                files: false,
            },
            message: (message && readable).then(|| MessageView {
                id,
                author: "Ada".into(),
                author_id: None,
                mine: false,
                body: "Hello".into(),
                html: "<p>Hello</p>".into(),
                sent_as_sms: false,
                created_at: crate::when::Moment(0),
                attachments: Vec::new(),
                shares: shares
                    .then(|| crate::shares::ShareView {
                        id: crate::ids::ShareId(uuid::Uuid::from_u128(4)),
                        kind: crate::files::ItemKind::Folder,
                        name: Some("Evidence".into()),
                        revoked: false,
                        status: crate::shares::ShareStatus::Active,
                        expires_at: None,
                        recipients: Vec::new(),
                        shared_by: "Ada".into(),
                        shared_at: crate::when::Moment(0),
                        conversation_id: conversation,
                        unseen: 0,
                    })
                    .into_iter()
                    .collect(),
                seen: Vec::new(),
                edited: false,
                deleted: false,
                editable_until: None,
                request: None,
            }),
            summary: line.then(|| ConversationSummary {
                id: conversation,
                kind: ConversationKind::External,
                subject: None,
                requires_second_factor: false,
                locked: !readable,
                participants: Vec::new(),
                last_message_at: crate::when::Moment(0),
                preview: None,
                unread: 1,
            }),
            seen: None,
            gone: false,
        }
    }

    #[test]
    fn only_a_new_message_that_shares_nothing_is_shown_without_asking_again() {
        assert!(
            patchable(&told(true, true, false, true)),
            "a message and its line"
        );
        assert!(
            patchable(&told(true, false, false, true)),
            "a locked conversation's line"
        );
        assert!(
            !patchable(&told(true, true, false, false)),
            "no line: reload"
        );
        assert!(
            !patchable(&told(true, true, true, true)),
            "a share: its list reloads"
        );
        assert!(
            !patchable(&told(false, false, false, true)),
            "not a message: reload"
        );
    }

    #[test]
    fn an_edit_keeps_its_line_in_place_a_new_message_goes_on_top_and_removal_is_shown_at_once() {
        let line = |n: u128, at: i64| ConversationSummary {
            id: ConversationId(uuid::Uuid::from_u128(n)),
            last_message_at: crate::when::Moment(at),
            ..told(true, true, false, true).summary.expect("a line")
        };
        let mut all = vec![line(1, 30), line(2, 20), line(3, 10)];
        place(&mut all, line(2, 20));
        let order =
            |all: &[ConversationSummary]| all.iter().map(|c| c.id.0.as_u128()).collect::<Vec<_>>();
        assert_eq!(order(&all), [1, 2, 3], "an edit: where it was");
        place(&mut all, line(3, 40));
        assert_eq!(order(&all), [3, 1, 2], "a new message: on top");
        let mut gone = told(false, false, false, false);
        gone.gone = true;
        assert!(patchable(&gone), "closed without asking the server");
        let mut deleted = told(true, true, false, true);
        if let Some(m) = deleted.message.as_mut() {
            m.deleted = true;
        }
        assert!(
            !patchable(&deleted),
            "a deleted message reloads what it shared"
        );
    }

    #[test]
    fn a_read_receipt_goes_on_the_others_messages_up_to_its_moment_once() {
        let grace = crate::ids::UserId(uuid::Uuid::from_u128(7));
        let mut receipt = told(false, false, false, false);
        receipt.seen = Some(crate::conversations::Seen {
            user_id: grace,
            name: "Grace Hopper".into(),
            at: crate::when::Moment(20),
        });
        assert!(patchable(&receipt), "shown without asking again");
        let message = |ms: i64, author: Option<crate::ids::UserId>| MessageView {
            created_at: crate::when::Moment(ms),
            author_id: author,
            ..told(true, true, false, true).message.expect("a message")
        };
        let mut messages = vec![
            message(10, None),
            message(15, Some(grace)),
            message(30, None),
        ];
        for _ in 0..2 {
            add_receipt(&mut messages, receipt.seen.clone().expect("seen"));
        }
        let counts: Vec<usize> = messages.iter().map(|m| m.seen.len()).collect();
        assert_eq!(counts, [1, 0, 0], "hers are not, nor what came after");
    }

    #[test]
    fn a_change_elsewhere_leaves_the_open_conversation_alone() {
        let open = ConversationId(uuid::Uuid::from_u128(1));
        let other = ConversationId(uuid::Uuid::from_u128(2));
        let mut heard = Heard::default();
        let mut seen = heard.concerning(open, None);
        for (change, reloads) in [
            (Some(other), false),
            (Some(open), true),
            (Some(other), false),
            (None, true),
            (Some(other), false),
        ] {
            heard.count += 1;
            heard.last = change;
            let now = heard.concerning(open, Some(&seen));
            assert_eq!(now != seen, reloads, "after a change in {change:?}");
            seen = now;
        }
    }
}
