// The volunteers' app worker (scope /tinh-nguyen/): the visit form opens without signal.
// The visits typed offline are not kept here but in the page's outbox (static/js/visits.js,
// localStorage), which sends them when the signal is back; this worker only serves pages.
// - On install it keeps the visit form and its files. The form is the signed-in
//   volunteer's own (their branch, their choices): it is kept for nobody else, and the
//   outbox deletes these copies when they sign out.
// - Pages under /tinh-nguyen/ come from the network first; without signal, the kept form
//   answers for any of them (the app's start page included), and says what waits.
// - A visit posted while the network fails is answered by the kept form (?cho-gui=1):
//   the outbox saved it on the phone before the page sent it.
// - Updating the app (a new CACHE) drops only this worker's old copies, never the
//   outbox, which is not a cache.
const CACHE = {{ cache|safe }};
const PREFIX = "tinh-nguyen-";
const FORM = {{ form_url|safe }};
const SCOPE = {{ scope|safe }};
const PRECACHE = {{ precache|safe }};

function keepable(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

self.addEventListener("install", (event) => event.waitUntil(
  caches.open(CACHE).then((cache) => Promise.all(PRECACHE.map((href) =>
    fetch(href, {cache: "no-store", credentials: "same-origin"}).then((response) =>
      keepable(response) ? cache.put(href, response) : null).catch(() => null))))
    .then(() => self.skipWaiting())));

self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys().then((names) => Promise.all(names.filter((name) =>
    name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim())));

function fromCache(href) {
  return caches.open(CACHE).then((cache) => cache.match(href, {ignoreVary: true}));
}

function page(event, url) {
  return fetch(event.request).then((response) => {
    if (url.pathname === FORM && !url.search && keepable(response)) {
      const kept = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(FORM, kept)));
    }
    return response;
  }).catch(() => fromCache(FORM).then((hit) => hit || Response.error()));
}

function posted(event) {
  // The outbox kept the visit before the form was sent: say so from the kept form.
  return fetch(event.request).catch(() => Response.redirect(FORM + "?cho-gui=1", 303));
}

function file(event, url) {
  return fetch(event.request).then((response) => {
    if (keepable(response) && PRECACHE.includes(url.pathname)) {
      const kept = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(url.pathname, kept)));
    }
    return response;
  }).catch(() => fromCache(url.pathname).then((hit) => hit || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin) return;
  const navigate = event.request.mode === "navigate" && url.pathname.startsWith(SCOPE);
  if (navigate && event.request.method === "POST" && url.pathname === FORM) {
    event.respondWith(posted(event));
  } else if (navigate && event.request.method === "GET") {
    event.respondWith(page(event, url));
  } else if (event.request.method === "GET" && PRECACHE.includes(url.pathname)) {
    event.respondWith(file(event, url));
  }
});
