// Follows a report being made: asks its status every 2 seconds, moves the bar,
// and reloads the page (with its downloads) once the report is done or failed.
// The page works without it: a <noscript> refresh does the same more roughly.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-status]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("[data-report-bar]");
  var label = box.querySelector("[data-report-label]");
  var percent = box.querySelector("[data-report-percent]");
  function tick() {
    fetch(box.getAttribute("data-report-status"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
        percent.textContent = state.progress + "%";
        label.textContent = state.label;
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(tick, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(tick, 5000);
      });
  }
  window.setTimeout(tick, 1000);
})();
