//! "Notifications" on the account page: a box a channel, and push turned on or off for this
//! browser or installed app (the browser asks the person's permission first).

use leptos::prelude::*;

use super::notifications::{
    NotificationChoices, SaveNotifications, SubscribePush, UnsubscribePush, get_notifications,
};
use crate::testid;
use crate::ui::{ErrorNote, error_of, hydrated};

/// Whether this browser receives push: not known until the page has asked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Device {
    Unknown,
    Unsupported,
    Denied,
    On,
    Off,
}

/// The section's data and actions. Made by the page before its `Transition`, so that the
/// browser makes the resource in the same order as the server did (made inside, after the
/// server had rendered the signed-out steps once, it would get another resource's number and
/// hydration would fail).
#[derive(Clone, Copy)]
pub(super) struct Notifications {
    save: ServerAction<SaveNotifications>,
    subscribe: ServerAction<SubscribePush>,
    unsubscribe: ServerAction<UnsubscribePush>,
    current: crate::resources::Data<Result<Option<NotificationChoices>, crate::AppError>>,
}

impl Notifications {
    pub(super) fn new() -> Self {
        let save = ServerAction::<SaveNotifications>::new();
        let subscribe = ServerAction::<SubscribePush>::new();
        let unsubscribe = ServerAction::<UnsubscribePush>::new();
        let current = crate::resources::resource(
            move || {
                (
                    save.version().get(),
                    subscribe.version().get(),
                    unsubscribe.version().get(),
                )
            },
            |_| get_notifications(),
        );
        Self {
            save,
            subscribe,
            unsubscribe,
            current,
        }
    }
}

#[component]
pub(super) fn NotificationSettings(n: Notifications) -> impl IntoView {
    let Notifications {
        save,
        subscribe,
        unsubscribe,
        current,
    } = n;
    let saved = move || {
        match save.value().get() {
        Some(Ok(_)) => Some(
            view! { <p class="status ok" data-testid=testid::NOTIFICATIONS_SAVED>{crate::text::SAVED}</p> }
                .into_any(),
        ),
        _ => error_of(save.value())(),
    }
    };
    view! {
        <div class="section" data-testid=testid::NOTIFICATIONS>
            <h2>{crate::text::NOTIFICATIONS}</h2>
            <p class="hint">{crate::text::HOW_YOU_HEAR_OF_NEW_MESSAGES}</p>
            <Transition fallback=|| ()>
                {move || current.get().map(|r| match r {
                    Ok(None) => ().into_any(),
                    Ok(Some(c)) => {
                        let shown = c.clone();
                        view! {
                        <ActionForm action=save attr:class="form">
                            <Choices c=shown/>
                            {saved}
                            <button class="button secondary" type="submit" data-testid=testid::SAVE_NOTIFICATIONS
                                disabled=move || save.pending().get()>
                                {crate::text::SAVE}
                            </button>
                        </ActionForm>
                        <ThisDevice c subscribe unsubscribe/>
                    }.into_any()
                    }
                    Err(e) => view! { <ErrorNote message=e.to_string()/> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Choices(c: NotificationChoices) -> impl IntoView {
    let email_hint = if !c.email_available {
        Some(crate::text::THIS_PORTAL_DOES_NOT_SEND_EMAIL)
    } else if c.protected_email_required {
        Some(crate::text::YOUR_FIRM_ALWAYS_EMAILS_YOU_WHEN)
    } else {
        None
    };
    let sms_hint = (!c.sms_available).then_some(crate::text::TEXTS_GO_ONLY_TO_A_MOBILE);
    view! {
        <label class="check">
            <input type="checkbox" name="email" value="true" checked=c.email data-testid=testid::NOTIFY_EMAIL/>
            {crate::text::EMAIL}
        </label>
        {email_hint.map(|h| view! { <p class="hint">{h}</p> })}
        <label class="check">
            <input type="checkbox" name="sms" value="true" checked=c.sms data-testid=testid::NOTIFY_SMS/>
            {crate::text::TEXT_MESSAGE_WHEN_THE_WRITER_SENDS}
        </label>
        {sms_hint.map(|h| view! { <p class="hint">{h}</p> })}
        <label class="check">
            <input type="checkbox" name="push" value="true" checked=c.push data-testid=testid::NOTIFY_PUSH/>
            {crate::text::NOTIFICATIONS_ON_THE_DEVICES_WHERE_YOU}
        </label>
    }
}

#[component]
fn ThisDevice(
    c: NotificationChoices,
    subscribe: ServerAction<SubscribePush>,
    unsubscribe: ServerAction<UnsubscribePush>,
) -> impl IntoView {
    let ready = hydrated();
    let device = RwSignal::new(Device::Unknown);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if ready.get() {
            glue::ask_state(device, subscribe);
        }
    });
    let key = c.push_key.clone();
    let turn_on = move |_| {
        problem.set(None);
        glue::turn_on(key.clone(), device, problem, subscribe);
    };
    let turn_off = move |_| {
        problem.set(None);
        glue::turn_off(device, problem, unsubscribe);
    };
    let devices = c.devices;
    let status = move || {
        match device.get() {
            // Never empty: an empty text is not in the server's HTML, and hydration would miss it.
            Device::Unknown => crate::text::CHECKING_THIS_DEVICE.to_string(),
            Device::Unsupported => crate::text::THIS_BROWSER_CANNOT_SHOW_NOTIFICATIONS_FROM.into(),
            Device::Denied => crate::text::NOTIFICATIONS_ARE_BLOCKED_FOR_THIS_SITE.into(),
            Device::On => crate::text::NOTIFICATIONS_ARE_ON_FOR_THIS_DEVICE.into(),
            Device::Off => match devices {
                0 => crate::text::NOTIFICATIONS_ARE_NOT_ON_FOR_ANY.into(),
                1 => crate::text::NOTIFICATIONS_ARE_ON_FOR_ONE_OF.into(),
                n => crate::text::notifications_are_on_for_of_your(&n),
            },
        }
    };
    view! {
        <div class="device-push">
            <p class="hint" data-testid=testid::PUSH_STATUS aria-live="polite">{status}</p>
            {move || problem.get().map(|p| view! { <ErrorNote message=p/> })}
            {error_of(subscribe.value())}
            <Show when=move || device.get() == Device::Off>
                <button class="button secondary" type="button" data-testid=testid::PUSH_ON
                    disabled=move || subscribe.pending().get() on:click=turn_on.clone()>
                    {crate::text::TURN_ON_NOTIFICATIONS_ON_THIS_DEVICE}
                </button>
            </Show>
            <Show when=move || device.get() == Device::On>
                <button class="button secondary" type="button" data-testid=testid::PUSH_OFF
                    disabled=move || unsubscribe.pending().get() on:click=turn_off>
                    {crate::text::TURN_OFF_ON_THIS_DEVICE}
                </button>
            </Show>
        </div>
    }
}

pub(super) use glue::forget_this_browser;

/// `public/pwa.js`'s `dossierPush`: the browser's Push API behind four calls.
#[cfg(feature = "hydrate")]
mod glue {
    use super::{Device, SubscribePush, UnsubscribePush};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = dossierPush, js_name = state, catch)]
        fn state() -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(js_namespace = dossierPush, js_name = subscribe, catch)]
        fn subscribe(key: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(js_namespace = dossierPush, js_name = unsubscribe, catch)]
        fn unsubscribe() -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(js_namespace = dossierPush, js_name = current, catch)]
        fn current() -> Result<js_sys::Promise, JsValue>;
    }

    /// What the browser gave for a subscription, as the server takes it.
    fn parts(v: &JsValue) -> SubscribePush {
        let part = |i: u32| {
            js_sys::Reflect::get_u32(v, i)
                .ok()
                .and_then(|p| p.as_string())
                .unwrap_or_default()
        };
        SubscribePush {
            endpoint: part(0),
            p256dh: part(1),
            auth: part(2),
        }
    }

    /// Signing out: this browser stops receiving push at its push service too, so nothing of
    /// the person who leaves reaches whoever uses it next (the server forgets the devices this
    /// session subscribed in any case).
    pub fn forget_this_browser() {
        leptos::task::spawn_local(async move {
            if let Err(why) = call(unsubscribe()).await {
                leptos::logging::warn!("push could not be turned off here: {why}");
            }
        });
    }

    async fn call(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
        let said = |e: JsValue| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| crate::text::THE_BROWSER_REFUSED.into())
        };
        JsFuture::from(promise.map_err(said)?).await.map_err(said)
    }

    /// Asks the browser; a subscription it still has is filed again under this session, so
    /// "on" is true on the server too (it forgets a device when the session that subscribed it
    /// is signed out, or all of the person's are).
    pub(super) fn ask_state(device: RwSignal<Device>, action: ServerAction<SubscribePush>) {
        leptos::task::spawn_local(async move {
            if let Ok(v) = call(current()).await
                && !v.is_null()
            {
                action.dispatch(parts(&v));
            }
            let now = match call(state())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .as_deref()
            {
                Some("on") => Device::On,
                Some("off") => Device::Off,
                Some("denied") => Device::Denied,
                _ => Device::Unsupported,
            };
            device.set(now);
        });
    }

    pub(super) fn turn_on(
        key: String,
        device: RwSignal<Device>,
        problem: RwSignal<Option<String>>,
        action: ServerAction<SubscribePush>,
    ) {
        leptos::task::spawn_local(async move {
            match call(subscribe(&key)).await {
                Ok(v) => {
                    action.dispatch(parts(&v));
                    device.set(Device::On);
                }
                Err(why) if why == "denied" => device.set(Device::Denied),
                Err(why) => problem.set(Some(crate::text::notifications_could_not_be_turned_on(
                    &why,
                ))),
            }
        });
    }

    pub(super) fn turn_off(
        device: RwSignal<Device>,
        problem: RwSignal<Option<String>>,
        action: ServerAction<UnsubscribePush>,
    ) {
        leptos::task::spawn_local(async move {
            match call(unsubscribe()).await {
                Ok(v) => {
                    if let Some(endpoint) = v.as_string().filter(|e| !e.is_empty()) {
                        action.dispatch(UnsubscribePush { endpoint });
                    }
                    device.set(Device::Off);
                }
                Err(why) => problem.set(Some(crate::text::notifications_could_not_be_turned_off(
                    &why,
                ))),
            }
        });
    }
}

/// On the server the page renders with the device's state unknown; the browser fills it in.
#[cfg(not(feature = "hydrate"))]
mod glue {
    use super::{Device, SubscribePush, UnsubscribePush};
    use leptos::prelude::*;

    pub(super) fn ask_state(_: RwSignal<Device>, _: ServerAction<SubscribePush>) {}
    pub fn forget_this_browser() {}
    pub(super) fn turn_on(
        _: String,
        _: RwSignal<Device>,
        _: RwSignal<Option<String>>,
        _: ServerAction<SubscribePush>,
    ) {
    }
    pub(super) fn turn_off(
        _: RwSignal<Device>,
        _: RwSignal<Option<String>>,
        _: ServerAction<UnsubscribePush>,
    ) {
    }
}
