// Processing status of uploaded files: poll until every file on the page is
// read, then reload once so the page count and pre-screen appear.
(function () {
  "use strict";
  var pending = Array.prototype.slice.call(document.querySelectorAll("[data-status-url]"));
  if (!pending.length) { return; }
  var delay = 3000;
  function poll() {
    Promise.all(pending.map(function (badge) {
      return fetch(badge.getAttribute("data-status-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return false; }
          badge.textContent = data.label;
          return data.final;
        })
        .catch(function () { return false; });
    })).then(function (finals) {
      if (finals.length && finals.every(Boolean)) { window.location.reload(); return; }
      delay = Math.min(delay * 1.5, 30000);
      window.setTimeout(poll, delay);
    });
  }
  window.setTimeout(poll, delay);
})();
