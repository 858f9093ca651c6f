// Injected by BrowserLatencyBench through Playwright (addInitScript), never part of a page. Notes when a bench
// token (bench-xxxx) passes each point, in ms on a clock shared by all pages of the browser
// (performance.timeOrigin + performance.now()):
//   submit  the form's submit event (capture phase, before htmx or the page's own handler)
//   send    XMLHttpRequest.send (htmx's POST) or WebSocket.send with the token in the body
//   recv    first listener of an EventSource "message" or a WebSocket message that contains the token
//   dom     a MutationObserver sees a node with the token added to the document
//   done    the sender's send is answered: htmx's request ended (or it settled a swapped form), or the WebSocket reply
(function () {
  "use strict";
  var TOKEN = /bench-[a-z0-9]+/g;
  var marks = {};
  var waiters = {};
  var lastSubmitted = null;

  function now() { return performance.timeOrigin + performance.now(); }

  function mark(kind, token, t) {
    var m = marks[token] || (marks[token] = {});
    if (m[kind] === undefined) {
      m[kind] = t;
      var key = token + " " + kind;
      (waiters[key] || []).forEach(function (resolve) { resolve(true); });
      delete waiters[key];
    }
  }

  function markAll(kind, text, t) {
    if (typeof text !== "string") { return; }
    var found = text.match(TOKEN);
    if (found) { found.forEach(function (token) { mark(kind, token, t); }); }
  }

  function bodyText(body) {
    if (typeof body === "string") { return body; }
    if (body instanceof FormData) { return String(body.get("content")); }
    if (body instanceof URLSearchParams) { return body.toString(); }
    return null;
  }

  document.addEventListener("submit", function (e) {
    var t = now();
    var box = e.target && e.target.querySelector("textarea, input[type=text]");
    if (box) {
      markAll("submit", box.value, t);
      var found = box.value.match(TOKEN);
      lastSubmitted = found ? found[0] : null;
    }
  }, true);

  var xhrSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    markAll("send", bodyText(body), now());
    return xhrSend.apply(this, arguments);
  };

  // The chat answers a send with 204 and swaps nothing (older versions swapped the form): the request's end.
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (elt && elt.id === "send-form" && lastSubmitted) { mark("done", lastSubmitted, now()); }
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "send-form" && lastSubmitted) { mark("done", lastSubmitted, now()); }
  });

  var NativeEventSource = window.EventSource;
  if (NativeEventSource) {
    var BenchEventSource = function (url, init) {
      var source = new NativeEventSource(url, init);
      source.addEventListener("message", function (e) { markAll("recv", e.data, now()); });
      return source;
    };
    BenchEventSource.prototype = NativeEventSource.prototype;
    ["CONNECTING", "OPEN", "CLOSED"].forEach(function (k) { BenchEventSource[k] = NativeEventSource[k]; });
    window.EventSource = BenchEventSource;
  }

  var NativeWebSocket = window.WebSocket;
  var wsSend = NativeWebSocket.prototype.send;
  NativeWebSocket.prototype.send = function (data) {
    markAll("send", data, now());
    return wsSend.apply(this, arguments);
  };
  var BenchWebSocket = function (url, protocols) {
    var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    socket.addEventListener("message", function (e) {
      var t = now();
      markAll("recv", e.data, t);
      if (typeof e.data === "string" && e.data.indexOf('"type":"items"') >= 0) { markAll("done", e.data, t); }
    });
    return socket;
  };
  BenchWebSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { BenchWebSocket[k] = NativeWebSocket[k]; });
  window.WebSocket = BenchWebSocket;

  new MutationObserver(function (records) {
    var t = now();
    records.forEach(function (r) {
      r.addedNodes.forEach(function (node) { markAll("dom", node.textContent, t); });
    });
  }).observe(document, { childList: true, subtree: true });

  window.__bench = {
    // Resolves when the token has reached this point, or false after timeoutMs.
    when: function (token, kind, timeoutMs) {
      if (marks[token] && marks[token][kind] !== undefined) { return Promise.resolve(true); }
      return new Promise(function (resolve) {
        var key = token + " " + kind;
        (waiters[key] || (waiters[key] = [])).push(resolve);
        setTimeout(function () { resolve(false); }, timeoutMs);
      });
    },
    // The marks of a token, forgotten here once taken.
    take: function (token) {
      var m = marks[token] || {};
      delete marks[token];
      return m;
    }
  };
})();
