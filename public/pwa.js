// Registers Dossier's service worker (public/sw.js), which makes the portal installable as an
// app and shows an offline page when the network is gone. It caches nothing confidential.
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (err) {
      console.warn("Dossier could not install its offline page:", err && err.message);
    });
  });
}
