// The report editor, better with script: the draft is saved on the server a few seconds after each change and
// when the page is left, so nothing typed is lost. Without script the "Save draft" button does the same.
// Served from /assets/editor.js (the CSP allows script from this node only, never inline).
(function () {
  "use strict";
  var form = document.querySelector("form.editor[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var seconds = parseInt(form.getAttribute("data-autosave"), 10) || 5;
  // Not form.action: the buttons are named "action", and a named control shadows the form's property of that name.
  var target = form.getAttribute("action");
  var changed = false, saving = false;

  function body() {
    var data = new FormData(form);
    data.set("action", "autosave");
    return data;
  }

  function remember(answer) {
    // A new draft gets its id with the first save: later saves (and the buttons) update that draft.
    var id = form.querySelector("input[name=draftId]");
    if (!id) {
      id = document.createElement("input");
      id.type = "hidden";
      id.name = "draftId";
      form.appendChild(id);
    }
    id.value = answer.draftId;
    if (status) status.textContent = form.getAttribute("data-saved-text").replace("{0}", answer.savedAt);
  }

  function save() {
    if (!changed || saving) return;
    changed = false;
    saving = true;
    fetch(target, { method: "POST", body: body(), credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(remember)
      .catch(function () { changed = true; if (status) status.textContent = form.getAttribute("data-failed-text"); })
      .then(function () { saving = false; });
  }

  form.addEventListener("input", function () { changed = true; });
  // A button press posts the form itself: nothing is left for the autosave to do.
  form.addEventListener("submit", function () { changed = false; });
  window.setInterval(save, seconds * 1000);
  // Leaving the page (another link, closing the tab): the browser sends the last changes even as it goes.
  window.addEventListener("pagehide", function () {
    if (changed && navigator.sendBeacon) { navigator.sendBeacon(target, body()); changed = false; }
  });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") save(); });
})();
