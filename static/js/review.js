// Scoring form autosave. Every change is kept in this browser at once and sent
// to the server shortly after; a closed tab or a dropped connection loses
// nothing. The server refuses a save from a stale copy (409): we then stop and
// ask for a reload instead of overwriting newer answers.
(function () {
  "use strict";
  var form = document.getElementById("review-form");
  if (!form || form.dataset.readonly === "true") { return; }
  var versionInput = document.getElementById("review-version");
  var submitVersion = document.getElementById("submit-version");
  var statusText = document.getElementById("save-status");
  var answeredCount = document.getElementById("answered-count");
  var key = "smartcity-review-" + form.dataset.review;
  var timer = null, inFlight = null, dirty = false, stopped = false, retry = 2000;

  function say(text, kind) {
    statusText.textContent = text;
    statusText.className = kind ? "save-" + kind : "";
  }

  function snapshot() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "version") { data[name] = value; }
    });
    return data;
  }

  function keepLocally() {
    try {
      localStorage.setItem(key, JSON.stringify({ base: versionInput.value, data: snapshot() }));
    } catch (e) { /* storage full or disabled: the server save still runs */ }
  }

  function forget() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }

  function setVersion(version) {
    versionInput.value = version;
    if (submitVersion) { submitVersion.value = version; }
  }

  function save(keepalive) {
    if (stopped || !dirty) { return Promise.resolve(true); }
    if (inFlight) { return inFlight.then(function () { return save(keepalive); }); }
    dirty = false;
    say(form.dataset.msgSaving);
    inFlight = fetch(form.dataset.saveUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      keepalive: !!keepalive
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      inFlight = null;
      if (result.body.ok) {
        setVersion(result.body.version);
        if (answeredCount) { answeredCount.textContent = result.body.answered; }
        retry = 2000;
        if (dirty) { keepLocally(); schedule(); } else { forget(); say(result.body.saved, "ok"); }
        return true;
      }
      if (result.body.stale) { stopped = true; }
      say(result.body.error, "error");
      return false;
    }).catch(function () {
      inFlight = null;
      dirty = true;
      say(form.dataset.msgOffline, "error");
      window.setTimeout(function () { save(); }, retry);
      retry = Math.min(retry * 2, 30000);
      return false;
    });
    return inFlight;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { save(); }, 800);
  }

  function changed() {
    if (stopped) { return; }
    dirty = true;
    keepLocally();
    say(form.dataset.msgUnsaved);
    schedule();
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved) { return; }
    if (String(saved.base) !== String(versionInput.value)) {
      forget();
      say(form.dataset.msgDiscarded, "error");
      return;
    }
    Object.keys(saved.data).forEach(function (name) {
      var fields = form.elements.namedItem(name);
      if (!fields) { return; }
      if (fields instanceof RadioNodeList) {
        Array.prototype.forEach.call(fields, function (radio) { radio.checked = radio.value === saved.data[name]; });
      } else {
        fields.value = saved.data[name];
      }
    });
    dirty = true;
    say(form.dataset.msgRestored);
    save();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    dirty = true;
    save();
  });
  window.addEventListener("online", function () { if (dirty) { save(); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (!dirty && !inFlight) { return; }
      event.preventDefault();
      save().then(function (ok) { if (ok) { submitForm.submit(); } });
    });
  }
  restore();
})();
