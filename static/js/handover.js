// Hand-over screens (portal/login_handover.html, market/vendor_handover.html): a "Copy the link" button,
// and "Share" where the phone offers it (navigator.share). Without JavaScript the link is
// in a read-only field to select and copy by hand; both buttons stay hidden.
(function () {
  "use strict";
  function field(button) {
    return document.getElementById(button.getAttribute("data-copy") || button.getAttribute("data-share"));
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = field(button);
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      input.focus();
      input.select();
      var done = function () {
        button.textContent = input.getAttribute("data-copied");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });
  if (!navigator.share) return;
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var input = field(button);
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.share({title: button.getAttribute("data-title"), url: input.value}).catch(function () {});
    });
  });
})();
