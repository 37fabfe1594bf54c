//! The one way the app loads data into a page: `resource(source, fetch)`.
//!
//! - **Once per request.** The server builds a part of a page nested in a `Transition` more
//!   than once (once to learn what it waits for, again to render it). A resource made in such
//!   a part would be made, fetched and sent to the browser once per build (the matter page's
//!   conversation went twice: a quarter of the page). Here the server makes each resource once
//!   per request for its call site and source, and hands the same one back to later builds.
//!   `fetch` is a plain function of the source (it captures nothing), so the call site and the
//!   source name everything it fetches.
//! - **One JSON reader in the browser.** Server functions' answers are read from bytes; Leptos
//!   reads a resource's data from text with a second copy of every type's JSON reader. `Json`
//!   reads both from bytes, so the Wasm holds one.

use std::fmt::Debug;

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};

/// serde_json, reading from bytes (see the module's comment).
pub struct Json;

impl<T: serde::Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(val: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(val)
    }
}

impl<T: serde::de::DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(val: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(val.as_bytes())
    }
}

/// Data a page loads: a `Resource` read with `Json`.
pub type Data<T> = Resource<T, Json>;

/// A resource that refetches when `source` changes, made once per request on the server (see
/// the module's comment).
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: fn(S) -> Fut,
) -> Data<T>
where
    S: PartialEq + Clone + Debug + Send + Sync + 'static,
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    #[cfg(feature = "ssr")]
    {
        let key = format!("{}:{:?}", std::panic::Location::caller(), untrack(&source));
        // Owned by the page, not by the build that made it first: that build is dropped.
        let owner = use_context::<PageOwner>().and_then(|p| p.0.upgrade());
        crate::policy::RequestMemo::made_once(key, move || {
            let make = move || Resource::new_with_options(source, fetch, false);
            match owner {
                Some(owner) => owner.with(make),
                None => make(),
            }
        })
    }
    #[cfg(not(feature = "ssr"))]
    Resource::new_with_options(source, fetch, false)
}

/// The owner of the whole page on the server: what `resource` makes lives as long as it. Held
/// weakly: the owner holds this context, and a strong handle would keep the page alive forever.
#[cfg(feature = "ssr")]
#[derive(Clone)]
struct PageOwner(WeakOwner);

/// Called once at the top of the app, so that `resource` can find the page's owner.
pub fn provide_page_owner() {
    #[cfg(feature = "ssr")]
    if let Some(owner) = Owner::current() {
        provide_context(PageOwner(owner.downgrade()));
    }
}

#[cfg(test)]
mod tests {
    /// A `Resource::new` elsewhere would be made and sent once per build of its part of the page.
    #[test]
    fn the_app_loads_data_only_through_resource() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("app sources").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("resources.rs")
                    && std::fs::read_to_string(&path)
                        .expect("a source file")
                        .contains(concat!("Resource", "::new"))
                {
                    found.push(path.display().to_string());
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(found.is_empty(), "use resources::resource in {found:?}");
    }
}
