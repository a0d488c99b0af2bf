// The volunteer's outbox: visits typed on the phone are kept on it until the server has
// them, so nothing typed is lost where the signal drops between houses.
//
// - Every visit saved on the form first goes into the outbox (localStorage), with an id
//   made here. Online, the form is then sent as without JavaScript, and the server's
//   answer (?luu=<id>) takes it out; offline, it stays, and the screen says how many wait.
// - Waiting visits are sent by themselves when the page opens and when the signal comes
//   back, in batches to /tinh-nguyen/dong-bo/; the server answers per visit: stored,
//   already stored (taken out too: the id makes a second copy impossible), or refused
//   with reasons ("cần sửa": fixed in the form, or discarded, never dropped unasked).
// - A visit leaves the outbox only on the server's word, so closing the phone mid-send
//   loses nothing; signed out, the outbox waits and asks to sign in.
// - Visits are kept per account: a phone shared by two volunteers sends each one's own.
// The app's worker (/tinh-nguyen/sw.js) keeps the form so that it opens offline.
(function () {
  "use strict";
  var box = document.querySelector("[data-outbox]");
  if (!box || !window.localStorage || !window.JSON) { return; }
  var KEY = "chuprong.outbox.v1";
  var BATCH = 50;
  var owner = Number(box.getAttribute("data-owner"));
  var syncUrl = box.getAttribute("data-sync");
  var form = document.querySelector("form[data-visit-form]");
  var state = { sending: 0, sent: 0, signIn: false, offline: false };
  var fixing = null;  // the outbox visit the form is fixing

  function t(name, n) {
    return box.getAttribute("data-t-" + name).replace("{n}", String(n));
  }

  function all() {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; }
  }

  function write(items) { localStorage.setItem(KEY, JSON.stringify(items)); }

  function change(fn) {  // read, change, write at once (another tab may write between calls)
    var items = fn(all());
    write(items);
    return items;
  }

  function put(entry) {
    change(function (items) {
      return items.filter(function (item) { return item.id !== entry.id; }).concat([entry]);
    });
  }

  function drop(ids) {
    change(function (items) {
      return items.filter(function (item) { return ids.indexOf(item.id) === -1; });
    });
  }

  function find(id) {
    return all().filter(function (item) { return item.id === id; })[0] || null;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (part) { return part.join(""); }).join("-");
  }

  // ------------------------------------------------------------------ the form

  function pairs() {
    var data = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") { data.push([name, value]); }
    });
    return data;
  }

  function chosenText(name) {
    var field = form.elements[name];
    if (!field || field.selectedIndex === undefined || field.selectedIndex < 0) { return ""; }
    return field.value ? field.options[field.selectedIndex].text : "";
  }

  function summary() {
    var date = form.elements.helped_on.value.split("-").reverse().join("/");
    var name = form.elements.resident_name.value.trim() || t("anonymous");
    var services = Array.prototype.filter.call(form.querySelectorAll("[name^=svc_]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.parentNode.textContent.trim(); });
    return [date, chosenText("village"), name].concat(services).filter(Boolean).join(" · ");
  }

  function fill(entry) {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken") { return; }
      var values = entry.fields.filter(function (pair) { return pair[0] === field.name; })
        .map(function (pair) { return pair[1]; });
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
      } else if (values.length) {
        field.value = values[0];
      }
    });
  }

  function showErrors(entry) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-outbox-error]"), function (node) {
      node.remove();
    });
    var top = document.createElement("div");
    top.className = "errors";
    top.setAttribute("role", "alert");
    top.setAttribute("data-outbox-error", "");
    var lead = document.createElement("p");
    lead.textContent = t("fixing");
    top.appendChild(lead);
    (entry.reasons || []).forEach(function (reason) {
      var p = document.createElement("p");
      p.textContent = reason;
      top.appendChild(p);
    });
    form.insertBefore(top, form.firstChild);
    Object.keys(entry.errors || {}).forEach(function (name) {
      var field = form.elements[name];
      var node = field && (field.length && !field.tagName ? field[0] : field);
      var holder = node && node.closest(".field, fieldset");
      if (!holder) { return; }
      holder.classList.add("has-error");
      entry.errors[name].forEach(function (message) {
        var p = document.createElement("p");
        p.className = "error";
        p.setAttribute("data-outbox-error", "");
        p.textContent = message;
        holder.appendChild(p);
      });
    });
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function nextVisit() {
    // Ready for the next house: the same day, village, campaign and helpers; a new resident.
    var keep = ["helped_on", "village", "campaign", "volunteers"];
    var kept = pairs().filter(function (pair) { return keep.indexOf(pair[0]) !== -1; });
    fill({ fields: kept });
    fixing = null;
    Array.prototype.forEach.call(form.querySelectorAll("[data-outbox-error]"), function (node) {
      node.remove();
    });
  }

  function onSubmit(event) {
    var id = fixing ? fixing.id : newId();
    form.elements.client_id.value = id;
    put({ v: 1, id: id, owner: owner, saved: Date.now(), status: "waiting",
          fields: pairs(), summary: summary() });
    if (navigator.onLine === false) {
      event.preventDefault();
      nextVisit();
      state.offline = true;
      render();
      window.scrollTo(0, 0);
      box.focus();
    }
    // Online the form goes as it would without JavaScript. Should the network fail on the
    // way, the app's worker answers with the kept form, and the visit waits here.
  }

  function openForm() {
    if (!form) { return; }
    var params = new URLSearchParams(location.search);
    var bound = form.hasAttribute("data-bound");
    var posted = bound && find(form.elements.client_id.value);
    if (posted) {
      // The server refused the form just sent: its errors are on the page; the visit
      // stays in the outbox as "to fix" until saved or discarded.
      posted.status = "refused";
      posted.reasons = Array.prototype.map.call(form.querySelectorAll(".error, .errors p"),
        function (node) { return node.textContent.trim(); }).filter(Boolean);
      put(posted);
      fixing = posted;
    } else if (params.get("sua") && find(params.get("sua"))) {
      fixing = find(params.get("sua"));
      fill(fixing);
      showErrors(fixing);
    } else if (!bound) {
      form.elements.helped_on.value = today();  // a kept copy of the form may be days old
    }
    form.addEventListener("submit", onSubmit);
  }

  // ------------------------------------------------------------------ sending

  function mine(status) {
    return all().filter(function (item) {
      return item.owner === owner && (!status || item.status === status);
    });
  }

  function post(token, batch) {
    return fetch(syncUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify({ visits: batch.map(function (item) {
        return { id: item.id, fields: item.fields };
      }) })
    });
  }

  function apply(answers) {
    var done = [];
    var refused = {};
    answers.forEach(function (answer) {
      if (answer.status === "stored" || answer.status === "already") { done.push(answer.id); }
      if (answer.status === "refused") { refused[answer.id] = answer; }
    });
    change(function (items) {
      return items.filter(function (item) { return done.indexOf(item.id) === -1; })
        .map(function (item) {
          var answer = refused[item.id];
          if (answer) {
            item.status = "refused";
            item.errors = answer.errors;
            item.reasons = answer.reasons;
          }
          return item;
        });
    });
    state.sent += done.length;
  }

  function sendAll() {
    var waiting = mine("waiting");
    if (!waiting.length) { render(); return Promise.resolve(); }
    state.sending = waiting.length;
    render();
    return fetch(syncUrl, { credentials: "same-origin", cache: "no-store",
                            headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { state.signIn = true; return null; }
        if (!response.ok) { return null; }
        return response.json();
      }).then(function (hello) {
        if (!hello) { return; }
        state.signIn = false;
        state.offline = false;
        owner = hello.owner;  // the account signed in now (the page may be a kept copy)
        var batches = [];
        var items = mine("waiting");
        for (var i = 0; i < items.length; i += BATCH) { batches.push(items.slice(i, i + BATCH)); }
        return batches.reduce(function (chain, batch) {
          return chain.then(function (go) {
            if (!go) { return false; }
            return post(hello.csrf, batch).then(function (response) {
              if (response.status === 401) { state.signIn = true; return false; }
              if (!response.ok) { return false; }
              return response.json().then(function (body) { apply(body.visits); return true; });
            });
          });
        }, Promise.resolve(true));
      }).catch(function () { state.offline = true; })
      .then(function () { state.sending = 0; render(); });
  }

  var running = null;

  function sync() {
    if (running) { return running; }
    var run = function () { return sendAll(); };
    running = (navigator.locks ? navigator.locks.request("chuprong-outbox", run) : run())
      .then(function () { running = null; }, function () { running = null; });
    return running;
  }

  // ------------------------------------------------------------------ the screen

  function render() {
    var waiting = mine("waiting").length;
    var refused = mine("refused").filter(function (item) {  // not the one in the form
      return !fixing || item.id !== fixing.id;
    });
    var others = all().filter(function (item) { return item.owner !== owner; }).length;
    var status = box.querySelector("[data-outbox-status]");
    var note = box.querySelector("[data-outbox-note]");
    if (state.sending) {
      status.textContent = t("sending", state.sending);
    } else if (waiting) {
      status.textContent = t("waiting", waiting);
    } else if (state.sent) {
      status.textContent = t("sent", state.sent);
    } else {
      status.textContent = "";
    }
    var notes = [];
    if (waiting && state.offline && !state.sending) { notes.push(t("offline")); }
    if (others) { notes.push(t("others", others)); }
    note.textContent = notes.join(" ");
    note.hidden = !notes.length;
    box.querySelector("[data-outbox-sign-in]").hidden = !(state.signIn && waiting);
    box.querySelector("[data-outbox-send]").hidden = !(waiting && !state.sending && !state.signIn);
    var fix = box.querySelector("[data-outbox-fix]");
    var list = box.querySelector("[data-outbox-list]");
    list.textContent = "";
    refused.forEach(function (item) {
      var node = box.querySelector("[data-outbox-item]").content.firstElementChild.cloneNode(true);
      node.querySelector(".outbox-summary").textContent = item.summary;
      (item.reasons || []).forEach(function (reason) {
        var li = document.createElement("li");
        li.textContent = reason;
        node.querySelector(".outbox-reasons").appendChild(li);
      });
      var link = node.querySelector("[data-fix]");
      link.href = link.getAttribute("href") + "?sua=" + encodeURIComponent(item.id);
      node.querySelector("[data-discard]").addEventListener("click", function () {
        if (window.confirm(t("discard"))) { drop([item.id]); render(); }
      });
      list.appendChild(node);
    });
    box.querySelector("[data-outbox-fix-title]").textContent = t("fix-count", refused.length);
    fix.hidden = !refused.length;
    box.hidden = !(waiting || refused.length || others || state.sent || state.sending);
    box.setAttribute("data-waiting", String(waiting));
    box.setAttribute("data-refused", String(refused.length));
  }

  // ------------------------------------------------------------------ start

  var stored = new URLSearchParams(location.search).get("luu");
  if (stored) {
    drop([stored]);  // the page saved it: nothing to send
    history.replaceState(null, "", location.pathname);
  }
  openForm();
  box.querySelector("[data-outbox-send] button").addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("storage", function (event) { if (event.key === KEY) { render(); } });
  var signOut = document.querySelector("form[data-sign-out]");
  if (signOut && window.caches) {
    // The kept form is this account's: it goes with the sign-out; waiting visits stay.
    signOut.addEventListener("submit", function (event) {
      event.preventDefault();
      var send = function () { HTMLFormElement.prototype.submit.call(signOut); };
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("tinh-nguyen-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }).then(send, send);
    });
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(box.getAttribute("data-worker"), {
      scope: box.getAttribute("data-scope")
    }).catch(function () { return null; });
  }
  render();
  sync();
}());
