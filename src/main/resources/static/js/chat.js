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
      return new EventSource(url + (url.indexOf("?") < 0 ? "?" : "&") + "page=" + PAGE_ID + shownNear(url),
        { withCredentials: true });
    };
  }

  // The ids this page shows above the data-overlap ids below its since= (the position: the highest id Directus
  // confirmed to this page; messages sent through the chat may already show above it): the server sends the others
  // there should they still come (on PostgreSQL a lower id can commit after a higher one), and these not again. With
  // older messages not loaded ("Load earlier messages"), oldest= is its first message: what is below it is not missing.
  function shownNear(url) {
    var since = /[?&]since=(\d+)/.exec(url);
    var root = document.querySelector(".app[sse-connect]");
    var overlap = root ? Number(root.getAttribute("data-overlap")) : NaN;
    if (!since || !(overlap >= 0)) { return ""; }
    var high = Number(since[1]);
    var shown = [];
    var oldest = 0;
    var items = document.querySelectorAll("#messages li.message[data-id]");
    for (var i = 0; i < items.length; i++) {
      var id = Number(items[i].getAttribute("data-id"));
      if (id > high - overlap) { shown.push(id); }
      if (!oldest || id < oldest) { oldest = id; }
    }
    return "&shown=" + shown.join(",") + (oldest && document.getElementById("load-earlier") ? "&oldest=" + oldest : "");
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

  // A message event's id is the page's position (where a replay starts), not the message's: that is in its HTML.
  function messageIdOf(data) {
    var match = /\bdata-id="(\d+)"/.exec(data || "");
    return match ? Number(match[1]) : null;
  }

  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!e.detail || e.detail.type !== "message") { return; }
    // Replays overlap on purpose; a message already on the page is not shown twice.
    var id = messageIdOf(e.detail.data);
    if (id !== null && document.getElementById("m-" + id)) {
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

  // An li (the list's children stay list items) with a heading, so screen-reader users can jump between days.
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

  function messageBeside(li, step) {
    var other = li[step];
    while (other && !isMessage(other)) { other = other[step]; }
    return other;
  }

  // Nodes a live message put in or took out of the list, already handled by updateFlowAround: the observer below
  // then has nothing to do.
  var handledNodes = [];

  // The separator and grouping of one message, against the message above it (the rule of updateFlow).
  function updateFlowOf(li, now) {
    var list = li.parentNode;
    var previous = messageBeside(li, "previousElementSibling");
    var time = messageTime(li);
    var previousTime = previous ? messageTime(previous) : null;
    var previousDay = previousTime === null ? null : dayKey(new Date(previousTime));
    var date = time === null ? null : new Date(time);
    var day = date ? dayKey(date) : previousDay;
    var wanted = date && day !== previousDay ? li.previousElementSibling : null;
    if (date && day !== previousDay) {
      if (!wanted || !isSeparator(wanted)) {
        wanted = newSeparator();
        list.insertBefore(wanted, li);
        handledNodes.push(wanted);
      }
      var label = dayLabel(date, now);
      if (wanted.firstElementChild.textContent !== label) { wanted.firstElementChild.textContent = label; }
    }
    // Any other separator between the two messages is left over.
    for (var n = li.previousElementSibling; n && n !== previous; n = n.previousElementSibling) {
      if (isSeparator(n) && n !== wanted) { handledNodes.push(n); n.remove(); break; }
    }
    var author = li.getAttribute("data-author");
    var continued = previous !== null && author !== null && author === previous.getAttribute("data-author")
      && day === previousDay && time !== null && previousTime !== null
      && Math.abs(time - previousTime) <= GROUP_GAP_MS;
    if (li.classList.contains("continued") !== continued) { li.classList.toggle("continued", continued); }
  }

  // A live message changes the flow only around itself: its own separator and group, and those of the message
  // below it (when it was put in between), not the whole list.
  function updateFlowAround(li) {
    var now = new Date();
    handledNodes.push(li);
    updateFlowOf(li, now);
    var next = messageBeside(li, "nextElementSibling");
    if (next) { updateFlowOf(next, now); }
  }

  function allHandled(records) {
    for (var i = 0; i < records.length; i++) {
      var nodes = Array.prototype.slice.call(records[i].addedNodes).concat(
        Array.prototype.slice.call(records[i].removedNodes));
      for (var j = 0; j < nodes.length; j++) {
        if (nodes[j].nodeType === 1 && handledNodes.indexOf(nodes[j]) < 0) { return false; }
      }
    }
    return true;
  }

  // Whatever else adds or removes list items (htmx swaps, out-of-band history, later edits and deletes) is followed
  // by one pass over the list; the observer runs after the change, before the browser paints.
  function watchFlow() {
    var list = messageList();
    if (!list || !window.MutationObserver) { return; }
    new MutationObserver(function (records) {
      var handled = allHandled(records);
      handledNodes = [];
      if (!handled) { updateFlow(); }
    }).observe(list, { childList: true });
  }

  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "message") { return; }
    var id = messageIdOf(e.detail.data);
    var li = id === null ? null : document.getElementById("m-" + id);
    if (li) {
      keepInOrder(li);
      // Now rather than from the observer: a new separator or group changes the height scrolled to below. Only
      // around the new message: the rest of the list has not changed.
      updateFlowAround(li);
    }
    // A new EventSource (after an error) starts from the position, not from the page's first render.
    var position = Number(e.detail.lastEventId);
    if (position > highestId) {
      highestId = position;
      var root = app();
      if (root) {
        root.setAttribute("sse-connect", root.getAttribute("sse-connect").replace(/([?&]since=)\d*/, "$1" + position));
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

  // ---- A page opened around one message (?around=, from search) ----

  // Until "Load newer messages" has reached the newest message, the list has a gap below it, so live messages are
  // held back (by id) instead of shown after the gap; edits and deletes of held ones apply to them. The stream
  // started at the newest message when the page was made, and the newer pages read everything up to their own
  // moment: together they miss nothing, and a message both brought is shown once.
  var heldLive = {};

  function holdsLive() { return !!document.getElementById("load-newer"); }

  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!e.detail || !holdsLive()) { return; }
    if (e.detail.type === "message") {
      var id = messageIdOf(e.detail.data);
      if (id !== null) { heldLive[id] = e.detail.data; }
      e.preventDefault();
    } else if (e.detail.type === "message-change") {
      var parsed = document.createElement("template");
      parsed.innerHTML = e.detail.data;
      var items = parsed.content.children;
      for (var i = 0; i < items.length; i++) {
        var match = /^m-(\d+)$/.exec(items[i].id || "");
        if (!match || !heldLive[match[1]]) { continue; }
        if (items[i].getAttribute("hx-swap-oob") === "delete") {
          delete heldLive[match[1]];
        } else {
          items[i].removeAttribute("hx-swap-oob");
          heldLive[match[1]] = items[i].outerHTML;
        }
      }
    }
  });

  // The last newer page is in: what was held goes into the list (in id order), minus what the pages brought.
  function releaseHeldLive() {
    var list = messageList();
    if (holdsLive() || !list) { return; }
    var held = heldLive;
    heldLive = {};
    var ids = Object.keys(held).map(Number).sort(function (a, b) { return a - b; });
    for (var i = 0; i < ids.length; i++) {
      if (document.getElementById("m-" + ids[i])) { continue; }
      var parsed = document.createElement("template");
      parsed.innerHTML = held[ids[i]].trim();
      var li = parsed.content.firstElementChild;
      if (!li) { continue; }
      list.appendChild(li);
      htmx.process(li);
      keepInOrder(li);
    }
  }

  function isNewerRequest(e) {
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    return elt && elt.id === "load-newer";
  }

  // After the settle, when the newer messages (out of band) and the new line are both in.
  document.addEventListener("htmx:afterSettle", function (e) {
    if (!isNewerRequest(e)) { return; }
    removeDuplicateMessages();
    releaseHeldLive();
    if (focusLost() && composer()) { composer().focus(); }
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
    // Live messages held back by a page opened around a message belong to that page, not to the one swapped in.
    heldLive = {};
    var since = /[?&]since=(\d+)/.exec(root.getAttribute("sse-connect"));
    highestId = since ? Number(since[1]) : 0;
    if (root.getAttribute("data-title")) { document.title = root.getAttribute("data-title"); }
    restoreDraft();
    updateFlow();
    watchFlow();
    if (!midnightScheduled) { midnightScheduled = true; updateFlowAtMidnight(); }
    // The newest messages, as everywhere else; the "Unread" line above them marks where the reader left off. A
    // page opened at one message (a search result: ?around=) shows that one instead, highlighted and focused.
    var found = document.querySelector("#messages li.message.found");
    if (found) {
      found.setAttribute("tabindex", "-1");
      found.scrollIntoView({ block: "center" });
      found.focus({ preventScroll: true });
    } else {
      scrollToBottom();
    }
    var c = conversation();
    if (c) {
      c.addEventListener("scroll", function () {
        if (atBottom()) { document.getElementById("new-messages").hidden = true; }
      });
    }
  }

  document.addEventListener("htmx:load", init);
  document.addEventListener("DOMContentLoaded", init);
  // ---- Editing and deleting one's own messages ----

  // CSRF: the edit form and the Delete buttons carry no token (live fragments are shared between viewers), so
  // every non-GET htmx request gets the page's token, the send form's hidden _csrf field, as Spring's header.
  document.addEventListener("htmx:configRequest", function (e) {
    var verb = e.detail && e.detail.verb ? String(e.detail.verb).toLowerCase() : "get";
    var field = document.querySelector('#send-form input[name="_csrf"]');
    if (verb !== "get" && field && field.value) { e.detail.headers["X-CSRF-TOKEN"] = field.value; }
  });

  function messageOf(elt) { return elt && elt.closest ? elt.closest("li.message") : null; }

  function composer() { return textarea(); }

  function removeErrors(li) {
    var errors = li.querySelectorAll(".message-error");
    for (var i = 0; i < errors.length; i++) { errors[i].remove(); }
  }

  // The text a message shows, for its editor: a mention reads "@First Last" (saving turns it back into the mention);
  // one of an unknown user keeps its stored token, which "@unknown user" would lose.
  function editorText(content) {
    if (!content) { return ""; }
    var text = "";
    for (var n = content.firstChild; n; n = n.nextSibling) {
      var unknown = n.nodeType === 1 && n.classList.contains("mention-unknown") && n.getAttribute("data-user");
      text += unknown ? "<@" + n.getAttribute("data-user") + ">" : n.textContent;
    }
    return text;
  }

  // "Edit" opens an editor in the message, with the text it shows (links included: they show their address).
  // state, when a live edit replaced the message under an open editor: what was typed, the caret, the focus.
  function openEditor(li, state) {
    var button = li && li.querySelector(".edit-button");
    if (!button) { return; }
    var open = li.querySelector(".edit-form textarea");
    if (open) { open.focus(); return; }
    var id = li.getAttribute("data-id");
    var form = document.createElement("form");
    form.className = "edit-form";
    form.setAttribute("data-id", id);
    form.setAttribute("hx-patch", button.getAttribute("data-url"));
    form.setAttribute("hx-target", "closest li");
    form.setAttribute("hx-swap", "outerHTML");
    form.setAttribute("hx-sync", "this:drop");
    var box = document.createElement("textarea");
    box.name = "content";
    box.id = "m-" + id + "-editor";
    box.rows = 2;
    box.setAttribute("aria-label", "Edit message");
    box.setAttribute("aria-describedby", "m-" + id + "-edit-hint");
    var content = li.querySelector(".content");
    box.value = state ? state.text : editorText(content);
    var row = document.createElement("div");
    row.className = "edit-actions";
    var save = document.createElement("button");
    save.type = "submit";
    save.textContent = "Save";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link edit-cancel";
    cancel.textContent = "Cancel";
    var hint = document.createElement("span");
    hint.className = "edit-hint";
    hint.id = "m-" + id + "-edit-hint";
    hint.textContent = "Enter saves, Shift+Enter starts a new line, Escape cancels.";
    row.appendChild(save);
    row.appendChild(cancel);
    row.appendChild(hint);
    var notice = document.createElement("p");
    notice.className = "edit-notice";
    notice.setAttribute("role", "status");
    if (state) { notice.textContent = "Changed meanwhile (shown above is not your text). Saving replaces it with yours."; }
    form.appendChild(box);
    form.appendChild(row);
    form.appendChild(notice);
    if (content) { content.insertAdjacentElement("afterend", form); } else { li.appendChild(form); }
    htmx.process(form);
    if (!state || state.focused) {
      box.focus();
      var start = state ? state.start : box.value.length;
      var end = state ? state.end : box.value.length;
      box.setSelectionRange(start, end);
    }
  }

  function closeEditor(li, focusEdit) {
    if (!li) { return; }
    var form = li.querySelector(".edit-form");
    if (form) { form.remove(); }
    removeErrors(li);
    var edit = li.querySelector(".edit-button");
    if (focusEdit && edit) { edit.focus(); }
  }

  document.addEventListener("click", function (e) {
    var target = e.target && e.target.closest ? e.target : null;
    if (!target) { return; }
    if (target.closest(".edit-button")) {
      openEditor(messageOf(target), null);
    } else if (target.closest(".edit-cancel")) {
      closeEditor(messageOf(target), true);
    }
  });

  // In the editor Enter saves, Shift+Enter starts a new line, Escape cancels and goes back to "Edit".
  document.addEventListener("keydown", function (e) {
    var form = e.target && e.target.closest ? e.target.closest(".edit-form") : null;
    if (!form) { return; }
    if (e.key === "Escape") {
      e.preventDefault();
      closeEditor(messageOf(form), true);
    } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target.tagName === "TEXTAREA") {
      e.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); }
    }
  });

  function changeRequest(e) {
    var elt = e.detail && e.detail.requestConfig ? e.detail.requestConfig.elt : e.detail && e.detail.elt;
    if (!elt || !elt.classList) { return null; }
    if (elt.classList.contains("edit-form")) { return { kind: "edit", elt: elt, id: elt.getAttribute("data-id") }; }
    if (elt.classList.contains("delete-button")) {
      var li = messageOf(elt);
      return { kind: "delete", elt: elt, id: li ? li.getAttribute("data-id") : null };
    }
    return null;
  }

  // A refusal goes at the end of its message, one at a time. The message is looked up by id: a live edit may have
  // replaced the one the request came from. When it is gone, the refusal shows under the composer.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var change = changeRequest(e);
    if (!change || !e.detail.xhr || e.detail.xhr.status < 400) { return; }
    var li = change.id && document.getElementById("m-" + change.id);
    if (li && change.kind === "edit" && !li.querySelector(".edit-form")) {
      e.detail.shouldSwap = false; // the editor was cancelled meanwhile: nothing to fix
    } else if (li) {
      removeErrors(li);
      e.detail.target = li;
      e.detail.swapOverride = "beforeend";
    } else {
      e.detail.shouldSwap = false;
      var holder = document.createElement("div");
      holder.innerHTML = e.detail.serverResponse;
      showSendError(holder.textContent.trim());
    }
  });

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.body.contains(active);
  }

  // After a save the focus goes back to the message's Edit button; after a delete, to the composer.
  document.addEventListener("htmx:afterRequest", function (e) {
    var change = changeRequest(e);
    if (!change || !e.detail.successful || !focusLost()) { return; }
    var edit = change.kind === "edit" && document.getElementById("m-" + change.id + "-edit");
    if (edit) { edit.focus(); } else if (composer()) { composer().focus(); }
  });

  // Live edits and deletes arrive as out-of-band swaps of #m-<id>. What this page does not show (another room,
  // older history, deleted already) and edits no newer than what it shows (its own save's answer came first) are
  // dropped before htmx sees them: an out-of-band swap without its target logs htmx:oobErrorNoTarget.
  function version(li) { return Number(li.getAttribute("data-version")) || 0; }

  htmx.defineExtension("message-changes", {
    transformResponse: function (text) {
      var parsed = document.createElement("template");
      parsed.innerHTML = text;
      var items = Array.prototype.slice.call(parsed.content.children);
      for (var i = 0; i < items.length; i++) {
        var current = items[i].id ? document.getElementById(items[i].id) : null;
        var remove = items[i].getAttribute("hx-swap-oob") === "delete";
        if (!current || (!remove && version(items[i]) <= version(current))) { items[i].remove(); }
      }
      return parsed.innerHTML;
    }
  });

  // A message about to be replaced or removed: remember the focus and an open editor, to carry them over.
  var changing = [];

  document.addEventListener("htmx:oobBeforeSwap", function (e) {
    var li = e.detail && e.detail.target;
    if (!li || !li.classList || !li.classList.contains("message")) { return; }
    var active = document.activeElement;
    var form = li.querySelector(".edit-form");
    var box = form && form.querySelector("textarea");
    // An editor whose save is under way closes: the live edit is most likely that save.
    var editor = box && !form.classList.contains("htmx-request")
      ? { text: box.value, start: box.selectionStart, end: box.selectionEnd, focused: active === box } : null;
    changing.push({ id: li.id, hadFocus: !!(active && li.contains(active)), editor: editor });
  });

  document.addEventListener("htmx:sseMessage", function (e) {
    if (!e.detail || e.detail.type !== "message-change") { return; }
    var done = changing;
    changing = [];
    for (var i = 0; i < done.length; i++) {
      var li = document.getElementById(done[i].id);
      if (li && done[i].editor) {
        openEditor(li, done[i].editor);
      } else if (done[i].hadFocus && focusLost()) {
        var edit = li && li.querySelector(".edit-button");
        if (edit) { edit.focus(); } else if (composer()) { composer().focus(); }
      }
    }
  });

  // ---- "… is typing" ----

  // While the composer has text being typed into, the server hears so at most every TYPING_EVERY_MS from this tab
  // (it shows the others "Alice Example is typing…" until about 4 s after the last signal, or until the message
  // is sent). Failures are not worth a word: the line is a nicety, the chat goes on without it.
  var TYPING_EVERY_MS = 2000;
  var typingSentAt = 0;

  document.addEventListener("input", function (e) {
    if (!e.target || e.target.id !== "content" || !e.target.value.trim()) { return; }
    var now = Date.now();
    if (now - typingSentAt < TYPING_EVERY_MS) { return; }
    var form = document.getElementById("send-form");
    var url = form && form.getAttribute("data-typing-url");
    var token = form && form.querySelector('input[name="_csrf"]');
    if (!url || !token || !window.fetch) { return; }
    typingSentAt = now;
    // HX-Request like the page's other posts: after a restart or logout it gets the short "session ended" answer,
    // not the error page (which would start a new session and so turn the next send's answer into a bare 403).
    fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-TOKEN": token.value, "HX-Request": "true" } })
      .catch(function () { /* offline: the next keystroke tries again after the interval */ });
  });

  // After a send the next keystroke signals at once: the server dropped this user from the line when it arrived.
  document.addEventListener("htmx:afterRequest", function (e) {
    if (isSendForm(e.detail && e.detail.elt) && e.detail.successful) { typingSentAt = 0; }
  });

  // On every (re)connect the server says which messages exist in the range the page may show (the newest
  // chat.history-size up to where the page resumed): those the page shows in that range and that are not listed
  // were deleted while it was not listening. Older ones loaded with "Load earlier messages" are not checked.
  document.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!e.detail || e.detail.type !== "message-window") { return; }
    e.preventDefault();
    var range;
    try { range = JSON.parse(e.detail.data); } catch (ignored) { return; }
    if (!range || !range.ids) { return; }
    var present = {};
    for (var i = 0; i < range.ids.length; i++) { present[range.ids[i]] = true; }
    var items = document.querySelectorAll("#messages li.message");
    for (var j = 0; j < items.length; j++) {
      var id = Number(items[j].getAttribute("data-id"));
      if (id >= range.low && id <= range.high && !present[id]) {
        var hadFocus = items[j].contains(document.activeElement);
        items[j].remove();
        if (hadFocus && composer()) { composer().focus(); }
      }
    }
  });
})();
