// Dossier's service worker. It makes the portal installable and lets it open offline to a page
// that says so. It keeps nothing confidential: only the front end's content-hashed files (/pkg/)
// and a few static files are cached; pages, server functions, file bytes, uploads and the live
// stream always go to the network, untouched.
"use strict";
const CACHE = "dossier-shell-v1";
const SHELL = ["/offline.html", "/favicon.svg", "/icons/icon-192.png"];
const BYPASS = ["/api/", "/files/", "/attachments/", "/shares/", "/uploads", "/events", "/healthz"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // File bytes, uploads, server functions and the live stream never pass through here.
  if (BYPASS.some((prefix) => url.pathname.startsWith(prefix))) return;
  // Content-hashed: a name never changes its bytes, so the cache is always right.
  if (url.pathname.startsWith("/pkg/")) {
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const hit = await cache.match(request);
        if (hit) return hit;
        const response = await fetch(request);
        if (response.ok) cache.put(request, response.clone());
        return response;
      }),
    );
    return;
  }
  // Pages come from the network; only when it is unreachable, the offline page.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match("/offline.html")));
  }
});

// Web Push: the server sends {title, body, url}, encrypted to this browser (RFC 8291). A
// protected conversation's notice says only that there is a message, never its text.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_) {
    data = {};
  }
  // The portal always sends a title (its words are in app/src/text); this is a last resort.
  const title = data.title || self.location.host;
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    tag: data.url || "dossier",
    data: { url: data.url || "/" },
  }));
});

// A tap opens the conversation: in the portal's window if one is open, else a new one. Only
// the portal's own addresses are opened.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL("/", self.location.origin);
  try {
    const asked = new URL(event.notification.data && event.notification.data.url, self.location.origin);
    if (asked.origin === self.location.origin) target = asked;
  } catch (_) { /* the portal's home page */ }
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of open) {
      if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
        await client.focus();
        return client.navigate(target.href);
      }
    }
    return self.clients.openWindow(target.href);
  })());
});
