// The one script of the page: while a job runs, ask for its progress once a second and
// show the records read so far; reload the page once the job is done or has failed, and
// again once the last downloads are written.
"use strict";
(function () {
  var pending = document.getElementById("pending");
  if (pending) {
    var wait = function () {
      fetch(pending.getAttribute("data-status"), {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (s) { if (s.pending && s.pending.length) setTimeout(wait, 2000); else window.location.reload(); })
        .catch(function () { setTimeout(wait, 5000); });
    };
    setTimeout(wait, 1000);
  }
  var box = document.getElementById("progress");
  if (!box) return;
  var url = box.getAttribute("data-status");
  var records = document.getElementById("records");
  function poll() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      if (s.state === "running") {
        records.textContent = s.records.toLocaleString();
        var queued = document.getElementById("queued");
        queued.hidden = !s.queued;
        document.getElementById("ahead").textContent = s.queued || "";
        setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
