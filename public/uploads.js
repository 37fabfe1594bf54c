// Dossier's upload glue: the Wasm app hands a File to `dossierUploads.start`, which sends it
// with tus-js-client (resumable tus 1.0: it retries after a dropped connection and, after a page
// reload, resumes an unfinished upload of the same file from where the server has it).
// tus-js-client is fetched with the first upload, not with every page: on slow mobile data its
// 20 KB would otherwise be loaded beside the Wasm by people who never upload.
"use strict";
(function () {
  // Retry while the network or the server is away; not when the server refused the upload.
  function shouldRetry(err) {
    var res = err.originalResponse;
    var status = res ? res.getStatus() : 0;
    if (status === 0 || status >= 500 || status === 423) return true;
    // An offset conflict carries the server's offset: ask again (HEAD) and resume.
    return status === 409 && !!res.getHeader("Upload-Offset");
  }

  function message(err) {
    var res = err.originalResponse;
    var body = res ? (res.getBody() || "").trim() : "";
    if (body && body.length < 500) return body;
    // Named, not worded: the words are the app's (app/src/text, `glue::failure`).
    if (res && res.getStatus() === 401) return "signed-out";
    return "unreachable";
  }

  var TUS = "/vendor/tus-4.3.1.min.js";
  var tusLoading = null;
  function loadTus() {
    if (window.tus) return Promise.resolve();
    if (!tusLoading) {
      tusLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = TUS;
        script.onload = resolve;
        script.onerror = function () {
          tusLoading = null;
          reject();
        };
        document.head.appendChild(script);
      });
    }
    return tusLoading;
  }

  /// meta: { matter, purpose ("files", "attachment" or "request"), folder, document, message,
  /// item }; on(kind, sent,
  /// total, text) is told "progress", "done" (text: the document's or the attachment's id) and
  /// "error" (text: the server's sentence, or "signed-out", "unreachable" or "not-started").
  function start(file, meta, on) {
    var upload = null;
    var cancelled = false;
    loadTus().then(function () {
      if (!cancelled) upload = send(file, meta, on);
    }, function () {
      on("error", 0, file.size, "not-started");
    });
    return {
      cancel: function () {
        cancelled = true;
        return upload ? upload.abort(true) : Promise.resolve();
      },
    };
  }

  function send(file, meta, on) {
    var metadata = { filename: file.name, purpose: meta.purpose || "files" };
    if (meta.matter) metadata.matter = meta.matter;
    if (meta.folder) metadata.folder = meta.folder;
    if (meta.document) metadata.document = meta.document;
    // A line of a file request: the message that asks, and which line.
    if (meta.message) metadata.message = meta.message;
    if (meta.item !== undefined) metadata.item = meta.item;
    var upload = new tus.Upload(file, {
      endpoint: "/uploads",
      metadata: metadata,
      chunkSize: 64 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      removeFingerprintOnSuccess: true,
      onShouldRetry: shouldRetry,
      fingerprint: function (f) {
        return Promise.resolve(["dossier", meta.matter || "", metadata.purpose, meta.folder || "", meta.document || "",
          meta.message || "", meta.item === undefined ? "" : meta.item, f.name, f.size, f.type, f.lastModified].join("/"));
      },
      onProgress: function (sent, total) { on("progress", sent, total, ""); },
      onSuccess: function (payload) {
        var res = payload && payload.lastResponse;
        var id = res && (res.getHeader("Dossier-Document") || res.getHeader("Dossier-Attachment"));
        on("done", file.size, file.size, id || "");
      },
      onError: function (err) { on("error", 0, file.size, message(err)); },
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
    return upload;
  }

  window.dossierUploads = { start: start };
})();
