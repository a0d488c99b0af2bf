// Progressive extras for the legal library; every page works without them.
// 1. Offline reading: a service worker keeps the library pages that were opened,
//    and, on a point's page, that point's documents.
// 2. The "Share" button uses the phone's own share sheet (Zalo, Messenger...).
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var links = document.querySelectorAll("[data-offline] a[href]");
      var keep = [location.pathname];
      links.forEach(function (a) {  // a document in two categories is copied once
        var href = a.getAttribute("href");
        if (keep.indexOf(href) === -1) { keep.push(href); }
      });
      if (registration.active) { registration.active.postMessage({ keep: keep }); }
    }).catch(function () { /* no offline copy: the page still works */ });
  }
  var share = document.querySelector("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: document.title, url: location.href.split("?")[0] }).catch(function () {});
    });
  }
})();
