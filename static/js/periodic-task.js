// The admin's periodic task form (django-celery-beat): shows the chosen crontab
// in words under the crontab field. The package inlines this script in its
// template; our Content Security Policy allows no inline script, so it is here.
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!data || !select) return;
  var readable = JSON.parse(data.textContent);
  var script = document.getElementById("periodic-task-overrides");
  var original = script ? script.getAttribute("data-help") || "" : "";
  var help = document.querySelector(".field-crontab .help");
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) translation.style.display = "none";
  select.addEventListener("change", function () {
    if (!help) return;
    help.textContent = original;
    var words = readable[select.value];
    if (words) {
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode(words));
    }
  });
})();
