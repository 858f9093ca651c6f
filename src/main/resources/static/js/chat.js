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

  // One id per document: a stream opened after an htmx room switch tells the server that this page's earlier
  // stream is gone (its connection may not know yet), so that room no longer counts as being read here.
  var PAGE_ID = Math.random().toString(36).slice(2) + Date.now().toString(36);
  if (window.htmx) {
    htmx.createEventSource = function (url) {
      return new EventSource(url + (url.indexOf("?") < 0 ? "?" : "&") + "page=" + PAGE_ID, { withCredentials: true });
    };
  }

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
  // Day separators have no data-id: they are stepped over (and put right afterwards by updateFlow).
  function keepInOrder(li) {
    var id = Number(li.getAttribute("data-id"));
    var before = li.previousElementSibling;
    while (before && (!before.hasAttribute("data-id") || Number(before.getAttribute("data-id")) > id)) {
      before = before.previousElementSibling;
    }
    if (before !== li.previousElementSibling) {
      li.parentNode.insertBefore(li, before ? before.nextElementSibling : li.parentNode.firstElementChild);
    }
  }

  // Readable flow: a message by the same author as the one above it, within GROUP_GAP_MS of it and on the same
  // day, gets class "continued" (its author line is hidden visually, not from screen readers: see chat.css), and
  // a day separator goes above the first message of each day. Both are derived from the whole list each time,
  // because messages come from three places (the page, "Load earlier messages" on top, live events at the
  // bottom) and may be removed; recomputing a few hundred items is cheaper than getting every path right.
  var GROUP_GAP_MS = 5 * 60 * 1000;
  var DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December"];

  function messageList() { return document.getElementById("messages"); }

  function isMessage(elt) { return elt.classList.contains("message") && elt.hasAttribute("data-id"); }

  function isSeparator(elt) { return elt.classList.contains("day-separator"); }

  function messageTime(li) {
    var time = li.querySelector(".meta time[datetime]");
    var ms = time ? Date.parse(time.getAttribute("datetime")) : NaN;
    return isNaN(ms) ? null : ms;
  }

  // The day in the browser's own time zone (Date's local fields), as a key like "2026-6-3".
  function dayKey(date) { return date.getFullYear() + "-" + (date.getMonth() + 1) + "-" + date.getDate(); }

  // English like the rest of the page (and the server's full times): "Today", "Yesterday", "Wednesday 3 June",
  // and with the year outside the current one: "Monday 23 November 2026".
  function dayLabel(date, now) {
    if (dayKey(date) === dayKey(now)) { return "Today"; }
    // new Date(y, m, d - 1) is the previous calendar day, also across month ends and DST changes.
    if (dayKey(date) === dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))) { return "Yesterday"; }
    var label = DAYS[date.getDay()] + " " + date.getDate() + " " + MONTHS[date.getMonth()];
    return date.getFullYear() === now.getFullYear() ? label : label + " " + date.getFullYear();
  }

  // An li (the log's children stay list items) with a heading, so screen-reader users can jump between days.
  function newSeparator() {
    var li = document.createElement("li");
    li.className = "day-separator";
    var heading = document.createElement("h2");
    heading.className = "day-label";
    li.appendChild(heading);
    return li;
  }

  // Writes only what differs: the MutationObserver below sees our own changes, and a second pass that changes
  // nothing ends the round.
  function updateFlow() {
    var list = messageList();
    if (!list) { return; }
    var now = new Date();
    var keep = [];
    var previous = null;
    var previousTime = null;
    var previousDay = null;
    var items = Array.prototype.slice.call(list.children);
    for (var i = 0; i < items.length; i++) {
      var li = items[i];
      if (!isMessage(li)) { continue; }
      var time = messageTime(li);
      var date = time === null ? null : new Date(time);
      var day = date ? dayKey(date) : previousDay;
      if (date && day !== previousDay) {
        var separator = li.previousElementSibling;
        if (!separator || !isSeparator(separator)) {
          separator = newSeparator();
          list.insertBefore(separator, li);
        }
        var label = dayLabel(date, now);
        var heading = separator.firstElementChild;
        if (heading.textContent !== label) { heading.textContent = label; }
        keep.push(separator);
      }
      var author = li.getAttribute("data-author");
      var continued = previous !== null && author !== null && author === previous.getAttribute("data-author")
        && day === previousDay && time !== null && previousTime !== null
        && Math.abs(time - previousTime) <= GROUP_GAP_MS;
      if (li.classList.contains("continued") !== continued) { li.classList.toggle("continued", continued); }
      previous = li;
      previousTime = time;
      previousDay = day;
    }
    // Separators left over: above a message that moved, was removed, or now shares the day of the one above.
    var separators = list.querySelectorAll(":scope > .day-separator");
    for (var j = 0; j < separators.length; j++) {
      if (keep.indexOf(separators[j]) < 0) { separators[j].remove(); }
    }
  }

  // "Today" becomes "Yesterday" at the browser's midnight, with or without new messages.
  function updateFlowAtMidnight() {
    var now = new Date();
    var next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 1);
    setTimeout(function () { updateFlow(); updateFlowAtMidnight(); }, next.getTime() - now.getTime());
  }

  // Whatever adds or removes list items (htmx swaps, out-of-band history, live events, later edits and deletes)
  // is followed by one pass; the observer runs after the change, before the browser paints.
  function watchFlow() {
    var list = messageList();
    if (!list || !window.MutationObserver) { return; }
    new MutationObserver(updateFlow).observe(list, { childList: true });
  }

  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "message" || !e.detail.lastEventId) { return; }
    var id = Number(e.detail.lastEventId);
    var li = document.getElementById("m-" + id);
    if (li) { keepInOrder(li); }
    // Now rather than from the observer: a new separator or group changes the height scrolled to below.
    updateFlow();
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
    // Separators and groups first, so that the place put back is the final one.
    updateFlow();
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

  var midnightScheduled = false;

  // Once per app element: on page load, and after a click in the room list swapped in another room.
  function init() {
    var root = app();
    if (!root || root.getAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "true");
    var since = /[?&]since=(\d+)/.exec(root.getAttribute("sse-connect"));
    highestId = since ? Number(since[1]) : 0;
    if (root.getAttribute("data-title")) { document.title = root.getAttribute("data-title"); }
    restoreDraft();
    updateFlow();
    watchFlow();
    if (!midnightScheduled) { midnightScheduled = true; updateFlowAtMidnight(); }
    // The newest messages, as everywhere else; the "Unread" line above them marks where the reader left off.
    scrollToBottom();
    var c = conversation();
    if (c) {
      c.addEventListener("scroll", function () {
        if (atBottom()) { document.getElementById("new-messages").hidden = true; }
      });
    }
  }

  document.addEventListener("htmx:load", init);
  document.addEventListener("DOMContentLoaded", init);
})();
