// Wide tables scroll sideways in their .table-wrap. A wrap that scrolls is
// made a focusable region named after its table (caption, else the nearest
// heading), so keyboard users can scroll it too (axe: scrollable-region-focusable).
(function () {
  "use strict";

  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var section = wrap.closest("section, figure, details, main");
    var heading = section && section.querySelector("h1, h2, h3, summary");
    return heading ? heading.textContent.trim() : document.title;
  }

  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls =
        wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", nameOf(wrap));
        wrap.dataset.scrolls = "true";
      } else if (!scrolls && wrap.dataset.scrolls) {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
        delete wrap.dataset.scrolls;
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 100);
  }
  mark();
  window.addEventListener("resize", later);
  document.addEventListener("toggle", mark, true); // a <details> table opened
  // Tables written by scripts (charts.js) after load.
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
})();
