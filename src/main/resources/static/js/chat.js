// The only script of the chat: no inline script anywhere, so the CSP can forbid it.
(function () {
  "use strict";

  // Report the browser's time zone so the server renders times in it.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax; max-age=31536000";
    }
  } catch (ignored) { /* the server's zone is used */ }

  // Each room keeps its own draft; the form names the key.
  function draftKey() {
    var form = document.getElementById("send-form");
    return (form && form.getAttribute("data-draft-key")) || "directus-chat-draft";
  }

  function textarea() { return document.getElementById("content"); }
  function conversation() { return document.getElementById("conversation"); }
  function app() { return document.querySelector(".app[sse-connect]"); }

  function atBottom() {
    var c = conversation();
    return !c || c.scrollHeight - c.scrollTop - c.clientHeight < 40;
  }

  function scrollToBottom() {
    var c = conversation();
    if (c) { c.scrollTop = c.scrollHeight; }
    var marker = document.getElementById("new-messages");
    if (marker) { marker.hidden = true; }
  }

  function setStatus(cls, text) {
    var status = document.getElementById("connection-status");
    if (status) {
      status.innerHTML = "";
      var outer = document.createElement("span");
      outer.className = "status-text";
      var inner = document.createElement("span");
      inner.className = cls;
      inner.textContent = text;
      outer.appendChild(inner);
      status.appendChild(outer);
    }
  }

  function showSendError(text) {
    var error = document.getElementById("send-error");
    if (error) { error.textContent = text; }
  }

  // Keep the typed text across session ends, reloads and log-ins in this tab.
  function restoreDraft() {
    var box = textarea();
    if (box && !box.value) {
      var saved = sessionStorage.getItem(draftKey());
      if (saved) { box.value = saved; }
    }
  }

  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "content") { sessionStorage.setItem(draftKey(), e.target.value); }
  });

  // The composer is never swapped. What was sent is removed from the box once Directus has it (HTTP 204);
  // anything typed meanwhile stays. An Enter pressed while a send is under way sends next, not never.
  var sending = null;
  var sendNext = false;

  function isSendForm(elt) { return elt && elt.id === "send-form"; }

  // Enter sends, Shift+Enter starts a new line.
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.id === "content" && e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (sending !== null) { sendNext = true; return; }
      var form = e.target.form;
      if (form && form.requestSubmit) { form.requestSubmit(); }
    }
  });

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (isSendForm(e.detail && e.detail.elt)) {
      var box = textarea();
      sending = box ? box.value : "";
    }
  });

  function markInvalid(invalid) {
    var box = textarea();
    if (box) { box.setAttribute("aria-invalid", invalid ? "true" : "false"); }
  }

  document.addEventListener("htmx:afterRequest", function (e) {
    if (!isSendForm(e.detail && e.detail.elt)) { return; }
    var sent = sending;
    sending = null;
    var box = textarea();
    var accepted = e.detail.xhr && e.detail.xhr.status === 204;
    if (accepted && box && sent !== null) {
      if (box.value === sent) {
        box.value = "";
      } else if (box.value.indexOf(sent) === 0) {
        box.value = box.value.slice(sent.length).replace(/^\n/, "");
      }
      if (box.value) { sessionStorage.setItem(draftKey(), box.value); } else { sessionStorage.removeItem(draftKey()); }
      showSendError("");
      markInvalid(false);
    } else if (!accepted) {
      markInvalid(true);
      sendNext = false;
    }
    if (accepted && sendNext) {
      sendNext = false;
      if (box && box.value.trim() && box.form && box.form.requestSubmit) { box.form.requestSubmit(); }
    }
  });

  document.addEventListener("htmx:sendError", function () {
    sending = null;
    sendNext = false;
    markInvalid(true);
    showSendError("Could not reach the chat server, so your message was not sent. It is still in the box; try again.");
  });

  var wasAtBottom = true;
  var highestId = 0;

  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!e.detail || e.detail.type !== "message") { return; }
    // Replays overlap on purpose; a message already on the page is not shown twice.
    if (e.detail.lastEventId && document.getElementById("m-" + e.detail.lastEventId)) {
      e.preventDefault();
      return;
    }
    wasAtBottom = atBottom();
  });

  // A lower id can arrive after a higher one (PostgreSQL commits out of order): keep the list in id order.
  function keepInOrder(li) {
    var id = Number(li.getAttribute("data-id"));
    var before = li.previousElementSibling;
    while (before && Number(before.getAttribute("data-id")) > id) { before = before.previousElementSibling; }
    if (before !== li.previousElementSibling) {
      li.parentNode.insertBefore(li, before ? before.nextElementSibling : li.parentNode.firstElementChild);
    }
  }

  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "message" || !e.detail.lastEventId) { return; }
    var id = Number(e.detail.lastEventId);
    var li = document.getElementById("m-" + id);
    if (li) { keepInOrder(li); }
    // A new EventSource (after an error) starts from here, not from the page's first render.
    if (id > highestId) {
      highestId = id;
      var root = app();
      if (root) {
        root.setAttribute("sse-connect", root.getAttribute("sse-connect").replace(/([?&]since=)\d*/, "$1" + id));
      }
    }
    var empty = document.querySelector(".conversation .empty");
    if (empty) { empty.remove(); }
    if (wasAtBottom) {
      scrollToBottom();
    } else {
      var marker = document.getElementById("new-messages");
      if (marker) { marker.hidden = false; }
    }
  });

  // "Load earlier messages" inserts older messages above what the reader is looking at. Chromium's scroll
  // anchoring keeps the view in place when the list is scrolled down even a little, but not at scroll offset 0,
  // which is exactly where the button is clicked (the older messages then push everything down). So the first
  // message in view is put back at its place by hand; where Chromium already did, the correction is zero.
  var historyAnchor = null;

  function isHistoryRequest(e) {
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    return elt && elt.id === "load-earlier";
  }

  function firstMessageInView() {
    var c = conversation();
    if (!c) { return null; }
    var top = c.getBoundingClientRect().top;
    var items = document.querySelectorAll("#messages li.message");
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (box.bottom > top) { return { id: items[i].id, offset: box.top - top }; }
    }
    return null;
  }

  // Older messages never repeat one already shown (keyset paging), but a message shown twice would be worse
  // than a check: keep the first of each id.
  function removeDuplicateMessages() {
    var seen = {};
    var items = document.querySelectorAll("#messages li.message");
    for (var i = 0; i < items.length; i++) {
      var id = items[i].getAttribute("data-id");
      if (seen[id]) { items[i].remove(); } else { seen[id] = true; }
    }
  }

  document.addEventListener("htmx:beforeSwap", function (e) {
    if (isHistoryRequest(e)) { historyAnchor = firstMessageInView() || { id: null, offset: 0 }; }
  });

  // Fired once per swapped element, after all of them (the older messages and the new history line) are in.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!historyAnchor || !isHistoryRequest(e)) { return; }
    var anchor = historyAnchor;
    historyAnchor = null;
    removeDuplicateMessages();
    var c = conversation();
    var li = anchor.id && document.getElementById(anchor.id);
    if (c && li) {
      c.scrollTop += (li.getBoundingClientRect().top - c.getBoundingClientRect().top) - anchor.offset;
    }
  });

  document.addEventListener("htmx:sseError", function (e) {
    if (document.querySelector("#session-ended .notice")) { return; }
    var source = e.detail && e.detail.source;
    if (source && source.readyState === 2) {
      setStatus("status-offline", "Offline — retrying");
    } else {
      setStatus("status-reconnecting", "Reconnecting…");
    }
  });

  document.addEventListener("htmx:sseClose", function () {
    setStatus("status-offline", "Offline");
  });

  document.addEventListener("click", function (e) {
    if (e.target && e.target.id === "new-messages") { scrollToBottom(); }
  });

  // Once per app element: on page load, and after a click in the room list swapped in another room.
  function init() {
    var root = app();
    if (!root || root.getAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "true");
    var since = /[?&]since=(\d+)/.exec(root.getAttribute("sse-connect"));
    highestId = since ? Number(since[1]) : 0;
    if (root.getAttribute("data-title")) { document.title = root.getAttribute("data-title"); }
    restoreDraft();
    // Where the reader left off, if the room has news for them; otherwise the newest messages.
    var divider = document.getElementById("unread-divider");
    var c = conversation();
    if (divider && c) {
      c.scrollTop += divider.getBoundingClientRect().top - c.getBoundingClientRect().top - 8;
    } else {
      scrollToBottom();
    }
    if (c) {
      c.addEventListener("scroll", function () {
        if (atBottom()) { document.getElementById("new-messages").hidden = true; }
      });
    }
  }

  document.addEventListener("htmx:load", init);
  document.addEventListener("DOMContentLoaded", init);
})();
