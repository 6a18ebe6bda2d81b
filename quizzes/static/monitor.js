// The examiner's monitoring page: fetch the room's state every few seconds and update the table
// in place (the add-time forms stay as they are, so typing in one is never interrupted).
(function () {
  "use strict";
  var table = document.getElementById("monitor");
  if (!table || !window.fetch) { return; }
  var words = JSON.parse(table.getAttribute("data-words"));
  var status = document.getElementById("monitor-status");
  var INTERVAL = 5000;

  function clock(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function update(data) {
    data.candidates.forEach(function (row) {
      var tr = table.querySelector('tr[data-candidate="' + row.candidate_id + '"]');
      if (!tr) { return; }
      tr.querySelector(".state").textContent = words[row.state] + (row.submitted_text ? " " + row.submitted_text : "");
      tr.querySelector(".answered").textContent =
        (row.state === "answering" || row.state === "submitted") ? row.answered + "/" + row.questions : "";
      tr.querySelector(".last-save").textContent = row.last_save_text || "";
      tr.querySelector(".time-left").textContent = row.seconds_left === null ? "" : clock(row.seconds_left);
    });
    status.textContent = words.updated + " " + new Date().toLocaleTimeString("vi-VN");
  }

  function poll() {
    fetch(table.getAttribute("data-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(update)
      .catch(function () { status.textContent = words.offline; })
      .then(function () { window.setTimeout(poll, INTERVAL); });
  }
  window.setTimeout(poll, INTERVAL);
}());
