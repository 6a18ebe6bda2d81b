// Autosave for a quiz attempt: every change is sent to the server at once, with an
// increasing sequence number. Unsent answers wait in localStorage and are resent when the
// network comes back, so closing the laptop lid or losing Wi-Fi never loses an answer.
// Without JavaScript the page still works: the form posts every answer on submit.
(function () {
  "use strict";
  var bar = document.getElementById("attempt-bar");
  var form = document.getElementById("attempt-form");
  if (!bar || !form) { return; }
  var messages = document.getElementById("attempt-messages").dataset;
  var statusBox = document.getElementById("save-status");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var storeKey = "attempt-queue-" + bar.dataset.attempt;
  var startedMs = Date.parse(bar.dataset.started);
  // Server clock minus ours: the countdown follows the server, not the PC's clock.
  var skew = Date.parse(bar.dataset.serverNow) - Date.now();
  var lastSeq = 0;
  var sending = false;
  var closed = false;

  function loadQueue() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function saveQueue(queue) {
    try { localStorage.setItem(storeKey, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }
  var queue = loadQueue();

  function nextSeq() {
    // Milliseconds since the attempt started: increasing across reloads and tabs.
    var seq = Math.max(lastSeq + 1, Math.floor(Date.now() + skew - startedMs) + 1);
    lastSeq = seq;
    return seq;
  }

  function responseOf(fieldset) {
    var id = fieldset.dataset.question;
    var type = fieldset.dataset.qtype;
    var name = "q" + id;
    if (type === "single_choice" || type === "true_false") {
      var checked = fieldset.querySelector("input[name='" + name + "']:checked");
      return { option: checked ? checked.value : null };
    }
    if (type === "multiple_response") {
      return { options: Array.prototype.map.call(
        fieldset.querySelectorAll("input[name='" + name + "']:checked"), function (i) { return i.value; }) };
    }
    if (type === "matching") {
      var pairs = {};
      fieldset.querySelectorAll("select").forEach(function (s) { pairs[s.name.split("-")[1]] = s.value; });
      return { pairs: pairs };
    }
    var text = fieldset.querySelector("[name='" + name + "']");
    return { text: text ? text.value : "" };
  }

  function show(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "save-status" + (kind ? " save-" + kind : "");
  }

  function pendingCount() { return Object.keys(queue).length; }

  function flush() {
    if (sending || closed) { return; }
    var ids = Object.keys(queue);
    if (!ids.length) { return; }
    if (!navigator.onLine) { show(messages.offline, "offline"); return; }
    sending = true;
    var id = ids[0];
    var item = queue[id];
    show(messages.saving, "saving");
    fetch(bar.dataset.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ question_id: Number(id), response: item.response, seq: item.seq })
    }).then(function (reply) {
      return reply.json().catch(function () { return {}; }).then(function (body) {
        return [reply.status, body, reply.headers.get("Retry-After")];
      });
    }).then(function (result) {
      var status = result[0];
      var body = result[1];
      sending = false;
      if ((status === 200 && body.saved === true) || status === 409 || status === 400) {
        if (queue[id] && queue[id].seq === item.seq) { delete queue[id]; saveQueue(queue); }
        if (status === 409) { markQuestion(id, messages.stale); }
        if (status === 400 && body.error) { markQuestion(id, body.error.message); }
        if (!pendingCount()) { show(messages.saved + " " + new Date().toLocaleTimeString("vi-VN"), "ok"); }
        flush();
      } else if (status === 410) {
        closed = true;
        saveQueue({});
        show((body.error && body.error.message) || messages.closed, "closed");
        window.setTimeout(function () { window.location.assign(bar.dataset.resultUrl); }, 2500);
      } else if (status === 401) {
        // Signed out (the session ended): the answers stay on this computer until the person signs in again.
        show(messages.signedOut, "offline");
        window.setTimeout(flush, 10000);
      } else {
        // The server could not store it now (503 during an outage, 429, a proxy error): keep it
        // and try again, no sooner than the server asked.
        var wait = Math.max(3, Number(result[2]) || 0) * 1000;
        show(status === 503 ? messages.unavailable : messages.pending, "offline");
        window.setTimeout(flush, Math.min(wait, 60000));
      }
    }).catch(function () {
      sending = false;
      show(messages.offline, "offline");
      window.setTimeout(flush, 3000);
    });
  }

  function markQuestion(id, text) {
    var box = form.querySelector("fieldset[data-question='" + id + "'] .question-status");
    if (box) { box.textContent = text; }
  }

  function onChange(event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset || closed) { return; }
    queue[fieldset.dataset.question] = { response: responseOf(fieldset), seq: nextSeq() };
    saveQueue(queue);
    flush();
  }

  var typingTimer = null;
  form.addEventListener("change", onChange);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || !event.target.type) {
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(function () { onChange(event); }, 800);
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { show(messages.offline, "offline"); });
  form.addEventListener("submit", function (event) {
    if (!closed && !window.confirm(messages.confirm)) { event.preventDefault(); }
  });

  // Answers queued before a crash or reload are sent first.
  flush();

  // Practice quizzes: "check this question" shows the verdict, feedback and explanation at once.
  if (bar.dataset.checkUrl) {
    form.querySelectorAll(".check-answer").forEach(function (button) {
      button.hidden = false;
      // The verdict's panel exists before it is filled, so that screen readers announce it.
      var panel = element("div", "check-result");
      panel.setAttribute("aria-live", "polite");
      button.closest("fieldset[data-question]").appendChild(panel);
      button.addEventListener("click", function () {
        var fieldset = button.closest("fieldset[data-question]");
        var id = fieldset.dataset.question;
        var box = fieldset.querySelector(".question-status");
        function ask() {
          if (queue[id]) { window.setTimeout(ask, 300); flush(); return; }  // wait until saved
          fetch(bar.dataset.checkUrl, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
            body: JSON.stringify({ question_id: Number(id) })
          }).then(function (reply) { return reply.json(); }).then(function (verdict) {
            showVerdict(fieldset, verdict);
            box.textContent = "";
          }).catch(function () { box.textContent = messages.offline; });
        }
        ask();
      });
    });
  }

  // The verdict, the feedback on the answer given, the right answer and the explanation, each
  // in an element of its own (never run together in one sentence: the feedback often begins
  // with "Đúng." itself).
  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) { node.textContent = text; }
    return node;
  }
  function labelled(className, label, text) {
    var node = element("p", className);
    node.appendChild(element("strong", "check-label", label));
    node.appendChild(document.createTextNode(" " + text));
    return node;
  }
  function showVerdict(fieldset, verdict) {
    var panel = fieldset.querySelector(".check-result");
    panel.textContent = "";
    var kind = !verdict.answered ? "none" : verdict.credit >= 1 ? "right" : verdict.credit > 0 ? "partly" : "wrong";
    var said = { none: messages.unanswered, right: messages.right, partly: messages.partly, wrong: messages.wrong };
    panel.appendChild(element("p", "verdict verdict-" + kind, said[kind]));
    (verdict.feedback || []).forEach(function (text) { panel.appendChild(element("p", "feedback", text)); });
    if (verdict.correct && verdict.correct.length) {
      panel.appendChild(labelled("key", messages.key, verdict.correct.join("; ")));
    }
    if (verdict.explanation) {
      panel.appendChild(labelled("explanation", messages.explanation, verdict.explanation));
    }
  }

  var deadline = bar.dataset.deadline ? Date.parse(bar.dataset.deadline) : null;
  var timeLeft = document.getElementById("time-left");
  function tick() {
    if (!deadline || !timeLeft) { return; }
    var remaining = Math.max(0, deadline - (Date.now() + skew));
    var minutes = Math.floor(remaining / 60000);
    var seconds = Math.floor((remaining % 60000) / 1000);
    timeLeft.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (remaining <= 60000) { timeLeft.parentNode.classList.add("timer-low"); }
    if (remaining === 0) {
      closed = true;
      show(messages.closed, "closed");
      window.setTimeout(function () { window.location.assign(bar.dataset.resultUrl); }, 1500);
      return;
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}());
