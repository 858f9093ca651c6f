// The search page's script (no inline script: the CSP forbids it). "More results" is a link that htmx loads in
// place; the link goes away with it, so the keyboard focus moves to the first result it added.
(function () {
  "use strict";

  var shownBefore = null;

  function isMore(e) {
    var elt = e.detail && (e.detail.requestConfig ? e.detail.requestConfig.elt : e.detail.elt);
    return elt && elt.id === "more-results-link";
  }

  function results() { return document.querySelectorAll("#search-results > li"); }

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (isMore(e)) { shownBefore = results().length; }
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    if (!isMore(e) || shownBefore === null) { return; }
    var added = results()[shownBefore];
    shownBefore = null;
    var link = added && added.querySelector("a");
    var next = document.getElementById("more-results-link");
    if (link) { link.focus(); } else if (next) { next.focus(); }
  });
})();
