// Mention suggestions in the composer: "@" and letters before the caret ask GET /people?q= for matching people,
// shown in the listbox "Mention suggestions" (the box is its combobox). Up/Down move the active option, Enter or Tab
// picks (or the mouse), Escape closes. Picking writes "@First Last " in place of what was typed and keeps the id in
// the form's hidden "mentions" field, which decides between people who share a name. No inline script (CSP).
(function () {
  "use strict";

  var seq = 0;
  var typed = null; // { start, end } of "@query" in the box while the list is open

  function box() { return document.getElementById("content"); }
  function list() { return document.getElementById("mention-suggestions"); }
  function options() { var l = list(); return l ? l.querySelectorAll('[role="option"]') : []; }
  function isOpen() { var l = list(); return !!l && !l.hidden && options().length > 0; }

  // "@" at the start or after a space or punctuation, then letters, and at most one more word: "@bo", "@Bob Ex".
  var QUERY = /(^|[^\p{L}\p{N}@<])@(\p{L}[\p{L}\p{N}'’.-]*(?: \p{L}[\p{L}\p{N}'’.-]*)?)$/u;

  function close() {
    var l = list();
    var b = box();
    typed = null;
    seq++;
    if (l) { l.hidden = true; l.innerHTML = ""; }
    if (b) { b.setAttribute("aria-expanded", "false"); b.removeAttribute("aria-activedescendant"); }
  }

  function activate(index) {
    var opts = options();
    var b = box();
    for (var i = 0; i < opts.length; i++) { opts[i].setAttribute("aria-selected", i === index ? "true" : "false"); }
    if (b && opts[index]) {
      b.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({ block: "nearest" });
    }
  }

  function activeIndex() {
    var opts = options();
    for (var i = 0; i < opts.length; i++) { if (opts[i].getAttribute("aria-selected") === "true") { return i; } }
    return -1;
  }

  function pick(option) {
    var b = box();
    if (!b || !option || !typed) { close(); return; }
    var name = option.getAttribute("data-name");
    var text = "@" + name + " ";
    b.value = b.value.slice(0, typed.start) + text + b.value.slice(typed.end);
    var caret = typed.start + text.length;
    b.setSelectionRange(caret, caret);
    var field = document.querySelector('#send-form input[name="mentions"]');
    var id = option.getAttribute("data-user");
    if (field && id) {
      var ids = field.value ? field.value.split(",") : [];
      if (ids.indexOf(id) < 0) { ids.push(id); }
      field.value = ids.join(",");
    }
    close();
    b.focus();
    // The draft and the typing signal follow the box's input events.
    b.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function suggest(b) {
    var before = b.value.slice(0, b.selectionStart);
    var match = b.selectionStart === b.selectionEnd ? QUERY.exec(before) : null;
    var url = b.getAttribute("data-people-url");
    if (!match || !url || !window.fetch) { close(); return; }
    var query = match[2];
    var at = before.length - query.length - 1;
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var l = list();
        if (mine !== seq || !l) { return; }
        l.innerHTML = html;
        if (!options().length) { close(); return; }
        typed = { start: at, end: at + 1 + query.length };
        l.hidden = false;
        b.setAttribute("aria-expanded", "true");
        b.removeAttribute("aria-activedescendant");
      })
      .catch(function () { if (mine === seq) { close(); } });
  }

  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "content") { suggest(e.target); }
  });

  // Captured before chat.js's Enter-sends: while the list is open these keys are the list's.
  document.addEventListener("keydown", function (e) {
    if (!e.target || e.target.id !== "content" || e.isComposing || !isOpen()) { return; }
    var count = options().length;
    var at = activeIndex();
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      activate(e.key === "ArrowDown" ? (at + 1) % count : (at <= 0 ? count - 1 : at - 1));
    } else if ((e.key === "Enter" && !e.shiftKey) || (e.key === "Tab" && !e.shiftKey)) {
      pick(options()[at < 0 ? 0 : at]);
    } else if (e.key === "Escape") {
      close();
    } else {
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
  }, true);

  // The mouse picks too; mousedown keeps the focus in the box.
  document.addEventListener("mousedown", function (e) {
    if (e.target && e.target.closest && e.target.closest("#mention-suggestions")) { e.preventDefault(); }
  });
  document.addEventListener("click", function (e) {
    var option = e.target && e.target.closest ? e.target.closest("#mention-suggestions [role=option]") : null;
    if (option) { pick(option); }
  });

  document.addEventListener("focusout", function (e) {
    if (e.target && e.target.id === "content") { close(); }
  });

  // A sent message takes its picks with it.
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (elt && elt.id === "send-form" && e.detail.xhr && e.detail.xhr.status === 204) {
      var field = elt.querySelector('input[name="mentions"]');
      if (field) { field.value = ""; }
      close();
    }
  });
})();
