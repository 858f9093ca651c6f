// A plain-JS client of Directus realtime, after the seed tutorial: WebSocket auth with email and password,
// a subscription to messages created with the tutorial's fields (id, content, the author's first name), and items
// create from the form.
// Settings come in the URL hash: #ws=<ws url of Directus>&email=…&password=…
(function () {
  "use strict";
  var params = new URLSearchParams(location.hash.slice(1));
  var SUBSCRIPTION = "messages-subscription";
  var sent = 0;
  var socket;

  function setStatus(text) { document.getElementById("status").textContent = text; }

  function append(message) {
    var li = document.createElement("li");
    li.className = "message";
    li.id = "m-" + message.id;
    var author = message.user_created ? message.user_created.first_name : "Anonymous";
    var who = document.createElement("span");
    who.className = "author";
    who.textContent = author;
    var content = document.createElement("p");
    content.className = "content";
    content.textContent = message.content;
    li.appendChild(who);
    li.appendChild(content);
    document.getElementById("messages").appendChild(li);
  }

  function receive(message) {
    if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "auth") {
      if (message.status === "ok") {
        socket.send(JSON.stringify({
          type: "subscribe", collection: "messages", event: "create", uid: SUBSCRIPTION,
          query: { fields: ["id", "content", "user_created.first_name"] }
        }));
      } else {
        setStatus("Login failed: " + JSON.stringify(message.error));
      }
    } else if (message.type === "subscription" && message.uid === SUBSCRIPTION) {
      if (message.event === "init") {
        setStatus("Connected");
      } else if (message.event === "create") {
        (message.data || []).forEach(append);
      }
    } else if (message.type === "items" && message.status === "error") {
      document.getElementById("send-error").textContent = message.error.code + ": " + message.error.message;
    }
  }

  function connect() {
    socket = new WebSocket(params.get("ws"));
    socket.addEventListener("open", function () {
      socket.send(JSON.stringify({ type: "auth", email: params.get("email"), password: params.get("password") }));
    });
    socket.addEventListener("message", function (e) { receive(JSON.parse(e.data)); });
    socket.addEventListener("close", function (e) { setStatus("Closed (" + e.code + ")"); });
  }

  document.getElementById("send-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var box = document.getElementById("content");
    var text = box.value;
    if (!text.trim()) { return; }
    document.getElementById("send-error").textContent = "";
    sent += 1;
    socket.send(JSON.stringify({
      type: "items", collection: "messages", action: "create", data: { content: text }, uid: "create-" + sent
    }));
    box.value = "";
  });

  // Enter sends, Shift+Enter starts a new line (as in the chat).
  document.getElementById("content").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });

  connect();
})();
