// The import run's page: while the run is queued or running, poll its progress endpoint
// (staff only, JSON) and update the counts in place, without a reload. A file of its own, no
// inline script: the admin's Content-Security-Policy allows scripts from our origin only.
"use strict";

function followImportProgress() {
  const POLL_MS = 1000;
  const RETRY_MS = 5000;
  const box = document.getElementById("import-progress");
  if (!box || !box.dataset.progressUrl) {
    return;
  }
  const url = box.dataset.progressUrl;
  const bar = box.querySelector("progress");

  function show(name, value) {
    for (const node of box.querySelectorAll(`[data-progress="${name}"]`)) {
      node.textContent = String(value);
    }
  }

  function update(progress) {
    bar.max = Math.max(progress.files.total, 1);
    bar.value = progress.files.done;
    show("state_label", progress.state_label);
    show("files_done", progress.files.done);
    show("files_total", progress.files.total);
    show("created", progress.items.created);
    show("updated", progress.items.updated);
    show("conflicts", progress.conflicts);
    show("errors", progress.errors);
    if (!progress.active) {
      for (const node of document.querySelectorAll("[data-progress-while=active]")) {
        node.hidden = true;
      }
      for (const node of box.querySelectorAll("[data-progress-when=done]")) {
        node.hidden = false;
      }
    }
  }

  async function poll() {
    let progress;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) {
        throw new Error(`progress: expected 200, found ${response.status}`);
      }
      progress = await response.json();
    } catch (error) {
      // A restarting server or a lost connection: try again a little later.
      window.setTimeout(poll, RETRY_MS);
      return;
    }
    update(progress);
    if (progress.active) {
      window.setTimeout(poll, POLL_MS);
    }
  }

  poll();
}

// The admin loads its media in <head>, before the page's body exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", followImportProgress);
} else {
  followImportProgress();
}
