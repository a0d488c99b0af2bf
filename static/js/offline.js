// The offline page (/phap-luat/ngoai-tuyen/): lists the documents the library's service
// worker kept on this phone (see /sw.js) and filters them as one types, ignoring case and
// diacritics ("hon nhan" finds "Hôn nhân"). Nothing leaves the phone.
(function () {
  "use strict";
  var list = document.querySelector("[data-saved]");
  if (!list || !("caches" in window)) { return; }
  var form = document.querySelector("[data-saved-search]");
  var input = document.getElementById("saved-q");
  var none = document.querySelector("[data-saved-none]");
  var nomatch = document.querySelector("[data-saved-nomatch]");
  var DOCUMENT = /^\/van-ban\/[^/]+\/$/;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ");
  }

  function saved() {
    return caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (request) {
              return DOCUMENT.test(new URL(request.url).pathname);
            }).map(function (request) {
              return cache.match(request).then(function (response) { return response.text(); })
                .then(function (html) { return read(request.url, html); });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var seen = {};
      return [].concat.apply([], groups).filter(function (item) {
        if (!item || seen[item.href]) { return false; }
        seen[item.href] = true;
        return true;
      }).sort(function (a, b) { return a.title.localeCompare(b.title, "vi"); });
    });
  }

  function read(url, html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var title = page.querySelector("article h1");
    if (!title) { return null; }
    var article = page.querySelector("article");
    var status = page.querySelector(".status-box strong");
    return {
      href: new URL(url).pathname + new URL(url).search,  // a Jrai view is its own
      title: title.textContent.trim(),
      status: status ? status.textContent.trim() : "",
      text: fold(article.textContent)
    };
  }

  function show(items) {
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "doc";
      var a = document.createElement("a");
      a.className = "doc-title";
      a.href = item.href;
      a.textContent = item.title;
      li.appendChild(a);
      if (item.status) {
        var p = document.createElement("p");
        p.className = "doc-meta";
        p.textContent = item.status;
        li.appendChild(p);
      }
      item.element = li;
      list.appendChild(li);
    });
    none.hidden = items.length > 0;
    form.hidden = items.length === 0;
    list.setAttribute("data-ready", "");
    input.addEventListener("input", function () {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var match = words.every(function (word) { return item.text.indexOf(word) !== -1; });
        item.element.hidden = !match;
        if (match) { shown += 1; }
      });
      nomatch.hidden = shown > 0;
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }

  saved().then(show).catch(function () { none.hidden = false; });
})();
