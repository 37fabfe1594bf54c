//! File requests in the browser: under the message that asks, its lines and what was uploaded
//! into each; a contact uploads into a line from their device (the same resumable upload as the
//! file tree's, up to 5 GB a file, with progress, and resumed after a dropped connection or a
//! reload: choose the same file again). The firm's "Ask for files" is in the reply box.

use leptos::prelude::*;

use super::{FILES_PER_REQUEST_LINE, RequestItemView, RequestView, RequestedFileView};
use crate::files::human_size;
use crate::ids::MessageId;
use crate::testid;
use crate::when::When;

/// One file on its way into a line.
#[derive(Debug, Clone, PartialEq)]
struct Sending {
    key: u32,
    message: MessageId,
    item: usize,
    name: String,
    sent: f64,
    total: f64,
    /// `None` while it travels; then done, or the sentence that says why not.
    outcome: Option<Result<(), String>>,
}

/// The files on their way into request lines, kept by the page (`App`) rather than by the
/// message that asks: a live change draws the conversation's messages again, and an upload
/// that is still travelling must keep its progress on screen through that.
#[derive(Clone, Copy)]
pub struct RequestUploads {
    sending: RwSignal<Vec<Sending>>,
    next_key: StoredValue<u32>,
}

impl RequestUploads {
    pub fn provide() {
        provide_context(Self {
            sending: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        });
    }

    fn get() -> Self {
        use_context::<Self>().unwrap_or_else(|| {
            Self::provide();
            expect_context::<Self>()
        })
    }
}

/// The request under its message. `answerable`: the reader is a contact who may upload (the
/// matter is open).
#[component]
pub(super) fn RequestCard(message: MessageId, request: RequestView, answerable: bool) -> AnyView {
    let uploads = RequestUploads::get();
    let lines = request
        .items
        .into_iter()
        .enumerate()
        .map(|(item, line)| {
            view! { <RequestLine message item line answerable uploads/> }
        })
        .collect_view();
    view! {
        <div class="file-request" data-testid=testid::FILE_REQUEST>
            <p class="file-request-head">{crate::text::FILES_ASKED_FOR}</p>
            {answerable.then(|| view! {
                <p class="hint">{format!("Up to 5 GB a file, {FILES_PER_REQUEST_LINE} files a line.")}</p>
            })}
            <ol class="plain file-request-lines">{lines}</ol>
        </div>
    }
    .into_any()
}

#[component]
fn RequestLine(
    message: MessageId,
    item: usize,
    line: RequestItemView,
    answerable: bool,
    uploads: RequestUploads,
) -> impl IntoView {
    let RequestUploads { sending, next_key } = uploads;
    let ready = crate::ui::hydrated();
    let input = NodeRef::<leptos::html::Input>::new();
    let count = line.files.len();
    let done = count > 0;
    let label = line.label.clone();
    // An upload that is done and listed under the line needs no chip of its own.
    let listed: Vec<String> = line.files.iter().map(|f| f.name.clone()).collect();
    let files = line
        .files
        .into_iter()
        .map(|f| view! { <RequestedFile f/> })
        .collect_view();
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = input.get() {
            if let Some(list) = input.files() {
                upload(message, item, list, sending, next_key);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, message, next_key);
    };
    let in_flight = move || {
        sending
            .get()
            .into_iter()
            .filter(|s| s.message == message && s.item == item)
            .filter(|s| !(s.outcome == Some(Ok(())) && listed.contains(&s.name)))
            .map(|s| {
                let status = match &s.outcome {
                    None => format!(
                        "{} of {} · {}%",
                        human_size(s.sent as u64),
                        human_size(s.total as u64),
                        if s.total > 0.0 {
                            (s.sent / s.total * 100.0).floor() as u32
                        } else {
                            100
                        }
                    ),
                    Some(Ok(())) => crate::text::uploaded(&(human_size(s.total as u64))),
                    Some(Err(why)) => why.clone(),
                };
                let failed = matches!(s.outcome, Some(Err(_)));
                view! {
                    <li class="chip" class:failed=failed data-testid=testid::REQUEST_UPLOAD>
                        <span class="chip-name">{s.name}</span>
                        <span class="hint" data-testid=testid::REQUEST_UPLOAD_STATUS>{status}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let input_id = format!("request-{message}-{item}");
    view! {
        <li class="file-request-line" class:done=done data-testid=testid::REQUEST_LINE>
            <span class="file-request-label">{if done { format!("✓ {}", line.label) } else { line.label }}</span>
            <ul class="plain file-request-files">{files}</ul>
            {answerable.then(|| view! {
                <div class="attach">
                    <input type="file" multiple class="sr-only" id=input_id.clone() node_ref=input
                        on:change=on_change data-testid=testid::REQUEST_INPUT
                        aria-label=crate::text::upload(&label)/>
                    <button type="button" class="button secondary small" disabled=move || !ready.get()
                        data-testid=testid::REQUEST_UPLOAD_BUTTON
                        on:click=move |_| { if let Some(i) = input.get() { i.click(); } }>
                        {if done { crate::text::UPLOAD_ANOTHER } else { crate::text::UPLOAD }}
                    </button>
                    <ul class="plain chips" aria-live="polite">{in_flight}</ul>
                </div>
            })}
        </li>
    }
}

/// A file that answered a line: the firm can download it from All Files.
#[component]
fn RequestedFile(f: RequestedFileView) -> impl IntoView {
    let name = match f.document {
        Some(doc) => view! {
            <a href=format!("/files/{doc}/download") download="">{f.name}</a>
        }
        .into_any(),
        None => view! { <span>{f.name}</span> }.into_any(),
    };
    view! {
        <li class="hint" data-testid=testid::REQUESTED_FILE>
            {name}" · "{human_size(f.size)}" · "{f.by}" · "<When at=f.at/>
            <span class="sr-only">{format!(" SHA-256 {}", f.sha256)}</span>
        </li>
    }
}

/// Sends each chosen file into the line with the resumable upload.
#[cfg(feature = "hydrate")]
fn upload(
    message: MessageId,
    item: usize,
    files: web_sys::FileList,
    sending: RwSignal<Vec<Sending>>,
    next_key: StoredValue<u32>,
) {
    use wasm_bindgen::prelude::*;
    for i in 0..files.length() {
        let Some(file) = files.get(i) else { continue };
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        let too_large = file.size() > crate::files::MAX_FILE_SIZE as f64;
        sending.update(|l| {
            l.push(Sending {
                key,
                message,
                item,
                name: file.name(),
                sent: 0.0,
                total: file.size(),
                outcome: too_large.then(|| {
                    Err(crate::text::this_file_is_a_file_can(&human_size(
                        file.size() as u64,
                    )))
                }),
            })
        });
        if too_large {
            continue;
        }
        let on = Closure::<dyn FnMut(String, f64, f64, String)>::new(
            move |kind: String, sent: f64, total: f64, text: String| {
                sending.update(|l| {
                    if let Some(s) = l.iter_mut().find(|s| s.key == key) {
                        match kind.as_str() {
                            "progress" => {
                                s.sent = sent;
                                s.total = total;
                            }
                            "done" => {
                                s.sent = s.total;
                                s.outcome = Some(Ok(()));
                            }
                            _ => s.outcome = Some(Err(crate::files::ui::glue::failure(&text))),
                        }
                    }
                });
            },
        );
        let meta = crate::files::ui::glue::request_meta(&message.to_string(), item);
        crate::files::ui::glue::start(&file, &meta, &on);
        // Lives as long as the page: tus-js-client calls it until the upload ends.
        on.forget();
    }
}

/// The firm's "Ask for files" in the reply box: one file a line. Unticked, it asks for none.
#[component]
pub(super) fn AskForFiles(open: RwSignal<bool>, requested: RwSignal<String>) -> impl IntoView {
    Effect::new(move |_| {
        if !open.get() {
            requested.set(String::new());
        }
    });
    view! {
        <div class="ask-for-files">
            <label class="check">
                <input type="checkbox" bind:checked=open data-testid=testid::ASK_FOR_FILES/>
                {crate::text::ASK_FOR_FILES}
            </label>
            <Show when=move || open.get()>
                <label>{crate::text::FILES_TO_ASK_FOR_ONE_A}
                    <textarea rows="3" maxlength="4200" bind:value=requested
                        placeholder=crate::text::PASSPORT_LAST_THREE_PAYSLIPS
                        data-testid=testid::REQUESTED_FILES></textarea>
                </label>
                <p class="hint">{crate::text::EACH_LINE_GETS_ITS_OWN_UPLOAD}</p>
            </Show>
        </div>
    }
}
