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
