//! Uploads into the tree from the browser (tus, through `public/uploads.js`) and the list that
//! shows their progress.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use crate::ids::{DocumentId, FolderId, MatterId};
use crate::{files::human_size, testid};

/// One upload in the progress list.
#[derive(Debug, Clone, PartialEq)]
struct Transfer {
    key: u32,
    name: String,
    sent: f64,
    total: f64,
    started_ms: f64,
    state: TransferState,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum TransferState {
    Running,
    Done,
    Failed(String),
}

impl Transfer {
    fn percent(&self) -> u32 {
        if self.total <= 0.0 {
            100
        } else {
            (self.sent / self.total * 100.0).floor().clamp(0.0, 100.0) as u32
        }
    }

    fn time_left(&self, now_ms: f64) -> String {
        let elapsed = (now_ms - self.started_ms) / 1000.0;
        if self.sent <= 0.0 || elapsed < 1.0 {
            return crate::text::ESTIMATING_TIME_LEFT.into();
        }
        let rate = self.sent / elapsed;
        let left = ((self.total - self.sent) / rate).ceil() as u64;
        match left {
            0..=59 => format!("about {left} s left"),
            60..=3599 => crate::text::about_min_left(&(left.div_ceil(60))),
            _ => crate::text::about_h_min_left(&(left / 3600), &((left % 3600) / 60)),
        }
    }
}

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

#[cfg(feature = "hydrate")]
pub(crate) mod glue {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `public/uploads.js`: sends a file with tus-js-client.
        #[wasm_bindgen(js_namespace = dossierUploads, js_name = start)]
        pub fn start(
            file: &web_sys::File,
            meta: &JsValue,
            on: &Closure<dyn FnMut(String, f64, f64, String)>,
        ) -> JsValue;
    }

    /// Why `uploads.js` says an upload failed: the server's sentence, or a name for one of its
    /// own cases, so that their words too are in `text`.
    pub fn failure(text: &str) -> String {
        match text {
            "signed-out" => crate::text::UPLOAD_SIGN_IN_AGAIN,
            "unreachable" => crate::text::UPLOAD_UNREACHABLE,
            "not-started" => crate::text::UPLOAD_NOT_STARTED,
            sentence => sentence,
        }
        .to_string()
    }

    /// For the file tree: into `folder`, or as a new version of `document`.
    pub fn meta(matter: &str, folder: Option<String>, document: Option<String>) -> JsValue {
        let meta = js_sys::Object::new();
        let set = |k: &str, v: &str| {
            let _ = js_sys::Reflect::set(&meta, &k.into(), &v.into());
        };
        set("matter", matter);
        set("purpose", "files");
        if let Some(f) = folder {
            set("folder", &f);
        }
        if let Some(d) = document {
            set("document", &d);
        }
        meta.into()
    }

    /// For a line of a file request: the upload goes into the uploader's folder of the tree.
    pub fn request_meta(message: &str, item: usize) -> JsValue {
        let meta = js_sys::Object::new();
        let set = |k: &str, v: &str| {
            let _ = js_sys::Reflect::set(&meta, &k.into(), &v.into());
        };
        set("purpose", "request");
        set("message", message);
        set("item", &item.to_string());
        meta.into()
    }

    /// For a message: the upload becomes a staged attachment.
    pub fn attachment_meta(matter: &str) -> JsValue {
        let meta = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&meta, &"matter".into(), &matter.into());
        let _ = js_sys::Reflect::set(&meta, &"purpose".into(), &"attachment".into());
        meta.into()
    }
}

/// The uploads of one "All Files" section: their progress, and a counter bumped when one lands
/// (the listing reloads on it).
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) struct Uploads {
    transfers: RwSignal<Vec<Transfer>>,
    next_key: StoredValue<u32>,
    pub(super) refresh: RwSignal<u32>,
}

impl Uploads {
    pub(super) fn new() -> Self {
        Self {
            transfers: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
            refresh: RwSignal::new(0),
        }
    }

    /// Starts uploading `files` into `folder` (or as new versions of `document`).
    #[cfg(feature = "hydrate")]
    pub(super) fn send(
        self,
        files: web_sys::FileList,
        matter_id: MatterId,
        folder: Option<FolderId>,
        document: Option<DocumentId>,
    ) {
        use wasm_bindgen::prelude::*;
        let Self {
            transfers,
            next_key,
            refresh,
        } = self;
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            // The server decides; this only saves sending a file it would refuse.
            let refused = (file.size() > crate::files::MAX_FILE_SIZE as f64)
                .then(|| crate::text::this_file_is_a_file_can(&(human_size(file.size() as u64))));
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            transfers.update(|t| {
                t.push(Transfer {
                    key,
                    name: file.name(),
                    sent: 0.0,
                    total: file.size(),
                    started_ms: now_ms(),
                    state: refused
                        .clone()
                        .map_or(TransferState::Running, TransferState::Failed),
                })
            });
            if refused.is_some() {
                continue;
            }
            let on = Closure::<dyn FnMut(String, f64, f64, String)>::new(
                move |kind: String, sent: f64, total: f64, text: String| {
                    transfers.update(|list| {
                        if let Some(t) = list.iter_mut().find(|t| t.key == key) {
                            match kind.as_str() {
                                "progress" => {
                                    t.sent = sent;
                                    t.total = total;
                                }
                                "done" => {
                                    t.sent = t.total;
                                    t.state = TransferState::Done;
                                }
                                _ => t.state = TransferState::Failed(glue::failure(&text)),
                            }
                        }
                    });
                    if kind == "done" {
                        refresh.update(|n| *n += 1);
                    }
                },
            );
            let meta = glue::meta(
                &matter_id.to_string(),
                folder.map(|f| f.to_string()),
                document.map(|d| d.to_string()),
            );
            glue::start(&file, &meta, &on);
            // Lives as long as the page: tus-js-client calls it until the upload ends.
            on.forget();
        }
    }
}

/// Each upload with its progress, time left, or why it failed.
#[component]
pub(super) fn TransferList(uploads: Uploads) -> impl IntoView {
    move || {
        let now = now_ms();
        let list = uploads.transfers.get();
        (!list.is_empty()).then(|| view! {
            <ul class="transfers" data-testid=testid::TRANSFERS aria-live="polite">
                {list.into_iter().map(|t| {
                    let status = match &t.state {
                        TransferState::Running => format!(
                            "{} of {} · {}% · {}", human_size(t.sent as u64), human_size(t.total as u64), t.percent(), t.time_left(now)
                        ),
                        TransferState::Done => crate::text::uploaded(&(human_size(t.total as u64))),
                        TransferState::Failed(why) => why.clone(),
                    };
                    let failed = matches!(t.state, TransferState::Failed(_));
                    view! {
                        <li data-testid=testid::TRANSFER class:failed=failed>
                            <span class="transfer-name">{t.name.clone()}</span>
                            <progress max="100" value=t.percent()></progress>
                            <span class="hint" data-testid=testid::TRANSFER_STATUS>{status}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        })
    }
}
