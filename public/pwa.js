// Registers Dossier's service worker (public/sw.js), which makes the portal installable as an
// app, shows an offline page when the network is gone and shows push notifications. It caches
// nothing confidential.
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (err) {
      console.warn("Dossier could not install its offline page:", err && err.message);
    });
  });
}

// Web Push for the account page (accounts::notifications_ui): whether this browser receives
// it, and turning it on (with the portal's VAPID key) or off.
window.dossierPush = {
  supported: function () {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  },
  // "on", "off", "denied" or "unsupported".
  state: async function () {
    if (!this.supported()) return "unsupported";
    if (Notification.permission === "denied") return "denied";
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    return subscription && Notification.permission === "granted" ? "on" : "off";
  },
  // Answers [endpoint, p256dh, auth] for the server; throws Error("denied") if the person said no.
  subscribe: async function (key) {
    if (!this.supported()) throw new Error("this browser has no push notifications");
    if ((await Notification.requestPermission()) !== "granted") throw new Error("denied");
    const registration = await navigator.serviceWorker.ready;
    // One made with another key (a restored portal with a new secret key) cannot be reused.
    const old = await registration.pushManager.getSubscription();
    if (old) await old.unsubscribe();
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const json = subscription.toJSON();
    return [json.endpoint, json.keys.p256dh, json.keys.auth];
  },
  // Answers [endpoint, p256dh, auth] of this browser's subscription, or null if it has none.
  current: async function () {
    if (!this.supported() || Notification.permission !== "granted") return null;
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (!subscription) return null;
    const json = subscription.toJSON();
    return [json.endpoint, json.keys.p256dh, json.keys.auth];
  },
  // Answers the endpoint that stops receiving ("" if there was none).
  unsubscribe: async function () {
    if (!this.supported()) return "";
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (!subscription) return "";
    const endpoint = subscription.endpoint;
    await subscription.unsubscribe();
    return endpoint;
  },
};
