/* Bastion field mode: the day's lists kept in IndexedDB per user, a versioned queue of
   entries with their idempotency keys, sent one by one in order when the signal returns.
   Hand-written, no framework (docs/decisions/0075..0079). */
(function () {
  "use strict";

  var FORMAT = 2; // queue entry format written by this page (see migrateEntry)
  var DB_NAME = "bastion-field";
  var DB_VERSION = 2; // 1: store "queue" of format-1 entries; 2: store "entries"
  var CACHE_PREFIX = "bastion-field-";
  var cfg = JSON.parse(document.getElementById("field-config").textContent);
  var T = JSON.parse(document.getElementById("field-strings").textContent);
  var state = {
    user: null, name: "", day: null, savedAt: null, entries: [],
    loginNeeded: false, editing: null, open: null, lastSeq: 0
  };

  function fmt(text, vars) {
    return String(text).replace(/%\((\w+)\)s/g, function (_m, k) { return vars[k]; });
  }

  // --- Queue format -------------------------------------------------------------------

  var V1_KINDS = { followup: "followup", visit: "visit", checkin: "checkin", report: "incident" };

  /* Any stored entry -> the current format. Format 1 (the first field pages):
     {v:1, id, owner, type, ref, payload:{..., campaign, round}, queuedAt (ms), state, error}
     with at_home as "yes"/"no". Format 2 adds tickets and keeps campaign/round apart. */
  function migrateEntry(e) {
    if (!e || e.v === FORMAT) return e;
    if (e.v === 1) {
      var p = Object.assign({}, e.payload || {});
      var campaign = p.campaign || "";
      var round = (p.round === undefined || p.round === null) ? null : p.round;
      delete p.campaign; delete p.round;
      if (typeof p.at_home === "string") p.at_home = p.at_home === "yes";
      return {
        v: 2, key: e.id, user: e.owner, seq: e.queuedAt, kind: V1_KINDS[e.type] || e.type,
        target: e.ref, ticket: "", campaign: campaign, round: round, data: p,
        label: e.label || "", queued_at: new Date(e.queuedAt).toISOString(),
        status: e.state === "rejected" ? "rejected" : "pending", reason: e.error || "",
        fields: {}, conflict: null, migrated_from: 1
      };
    }
    throw new Error("unknown queue format " + e.v);
  }

  // --- IndexedDB ----------------------------------------------------------------------

  var dbPromise = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function (ev) {
        var db = req.result, tx = req.transaction;
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
        if (!db.objectStoreNames.contains("day")) db.createObjectStore("day", { keyPath: "user" });
        if (!db.objectStoreNames.contains("entries")) {
          db.createObjectStore("entries", { keyPath: "key" }).createIndex("user", "user");
        }
        if (ev.oldVersion < 2 && db.objectStoreNames.contains("queue")) {
          tx.objectStore("queue").getAll().onsuccess = function (got) {
            var entries = tx.objectStore("entries");
            got.target.result.forEach(function (old) { entries.put(migrateEntry(old)); });
            db.deleteObjectStore("queue");
          };
        }
      };
      req.onsuccess = function () {
        var db = req.result;
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
    });
  }

  function db() {
    if (!dbPromise) dbPromise = openDb();
    return dbPromise;
  }

  function run(store, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(store, mode), out;
        var req = fn(tx.objectStore(store));
        if (req) req.onsuccess = function () { out = req.result; };
        tx.oncomplete = function () { resolve(out); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function idbGet(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }
  function idbPut(store, value) { return run(store, "readwrite", function (s) { return s.put(value); }); }
  function idbDel(store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); }
  function idbAll(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }

  function entriesOf(user) {
    return run("entries", "readonly", function (s) { return s.index("user").getAll(user); })
      .then(function (rows) { return rows.sort(function (a, b) { return a.seq - b.seq; }); });
  }

  // --- Local state ---------------------------------------------------------------------

  function loadLocal() {
    if (!state.user) { state.day = null; state.entries = []; return Promise.resolve(); }
    return Promise.all([idbGet("day", state.user), entriesOf(state.user)]).then(function (r) {
      state.day = r[0] ? r[0].bundle : null;
      state.savedAt = r[0] ? r[0].saved_at : null;
      state.entries = r[1];
      state.entries.forEach(function (e) { state.lastSeq = Math.max(state.lastSeq, e.seq); });
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function enqueue(kind, item, data, extra, replacing) {
    var seq = replacing ? replacing.seq : Math.max(Date.now(), state.lastSeq + 1);
    state.lastSeq = Math.max(state.lastSeq, seq);
    var entry = Object.assign({
      v: FORMAT, key: newKey(), user: state.user, seq: seq, kind: kind,
      target: item.target, ticket: item.ticket || "", campaign: "", round: null,
      data: data, label: item.label, queued_at: new Date().toISOString(),
      status: "pending", reason: "", fields: {}, conflict: null
    }, extra || {});
    var done = replacing ? idbDel("entries", replacing.key) : Promise.resolve();
    return done.then(function () { return idbPut("entries", entry); })
      .then(loadLocal).then(function () { state.editing = null; state.open = null; render(); drain(); });
  }

  // --- Server -------------------------------------------------------------------------

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function headers(extra) {
    return Object.assign({
      "Accept": "application/json",
      "Accept-Language": document.documentElement.lang || "zh-hans"
    }, extra || {});
  }

  function fetchDay() {
    return fetch(cfg.day, { credentials: "same-origin", cache: "no-store", headers: headers() })
      .then(function (res) {
        if (res.redirected || res.status === 401 || res.status === 403) {
          state.loginNeeded = true;
          return null;
        }
        if (!res.ok) return null;
        return res.json();
      })
      .then(function (bundle) {
        if (!bundle) return false;
        state.loginNeeded = false;
        var user = bundle.user.public_id;
        state.user = user;
        state.name = bundle.user.name;
        return idbPut("meta", { key: "current", user: user, name: bundle.user.name })
          .then(function () { return idbPut("day", { user: user, saved_at: Date.now(), bundle: bundle }); })
          .then(function () { return idbAll("day"); })
          .then(function (days) {
            // The lists of anyone else who used this phone go; their unsent entries stay
            // under their own id and are never sent as this user.
            return Promise.all(days.filter(function (d) { return d.user !== user; })
              .map(function (d) { return idbDel("day", d.user); }));
          })
          .then(loadLocal).then(function () { return true; });
      })
      .catch(function () { return false; });
  }

  function refresh() {
    if (!navigator.onLine) { render(); return Promise.resolve(); }
    return fetchDay().then(function () { render(); return drain(); }).then(function (sent) {
      if (sent > 0) return fetchDay().then(render);
    });
  }

  function entryBody(e) {
    return JSON.stringify({
      format: FORMAT, kind: e.kind, target: e.target, ticket: e.ticket,
      campaign: e.campaign, round: e.round, data: e.data, queued_at: e.queued_at
    });
  }

  function flatten(fields) {
    var out = [];
    Object.keys(fields || {}).forEach(function (k) { out = out.concat(fields[k]); });
    return out.join("；");
  }

  /* Send one entry. Resolves "next" (go on), or "stop" (retry later). */
  function send(e) {
    return fetch(cfg.entries, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: headers({ "Content-Type": "application/json", "Idempotency-Key": e.key, "X-CSRFToken": csrf() }),
      body: entryBody(e)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (res.status === 201) return idbDel("entries", e.key).then(function () { return "sent"; });
        if (res.status === 409 && body.code === "field_conflict") {
          e.status = "conflict"; e.reason = body.message;
          e.conflict = body.conflict ? body.conflict.public_id : null;
          return idbPut("entries", e).then(function () { return "next"; });
        }
        if (res.status === 401 || (res.status === 403 && body.code !== "forbidden")) {
          state.loginNeeded = true; return "stop";
        }
        if (res.status === 429 || res.status >= 500) {
          state.retryHint = parseInt(res.headers.get("Retry-After"), 10) || 0;
          return "stop";
        }
        e.status = "rejected";
        e.reason = body.message || T.rejected;
        e.fields = body.fields || {};
        var detail = flatten(e.fields);
        if (detail) e.reason = e.reason + "：" + detail;
        return idbPut("entries", e).then(function () { return "next"; });
      });
    }, function () { state.retryHint = 0; return "stop"; });
  }

  var draining = null;

  /* After a send that failed while the phone counts as online (a weak signal, a 503, a
     429), try again by itself: after Retry-After when the server gave one, else after
     5 s, 10 s, 20 s ... up to 5 minutes. A success resets the wait. */
  var retry = { timer: null, delay: 0 };
  function scheduleRetry(hintSeconds) {
    if (retry.timer) return;
    retry.delay = hintSeconds > 0 ? hintSeconds * 1000
      : Math.min(300000, retry.delay ? retry.delay * 2 : 5000);
    retry.timer = setTimeout(function () { retry.timer = null; drain(); },
      retry.delay + Math.floor(Math.random() * 500));
  }

  function drain() {
    if (draining) return draining;
    if (!navigator.onLine || !state.user || state.loginNeeded) return Promise.resolve(0);
    var sent = 0;
    var stopped = false;
    function next() {
      return entriesOf(state.user).then(function (rows) {
        var e = rows.filter(function (r) { return r.status === "pending"; })[0];
        if (!e) return sent;
        return send(e).then(function (outcome) {
          if (outcome === "sent") sent += 1;
          if (outcome === "stop") { stopped = true; return sent; }
          return loadLocal().then(function () { render(); return next(); });
        });
      });
    }
    draining = next().then(function (n) {
      draining = null;
      if (stopped && !state.loginNeeded) scheduleRetry(state.retryHint);
      else if (!stopped) retry.delay = 0;
      return loadLocal().then(function () { render(); return n; });
    }, function () { draining = null; render(); return 0; });
    return draining;
  }

  // --- Logout: nothing of the user stays on the phone -----------------------------------

  function clearAll() {
    var closing = dbPromise ? dbPromise.then(function (d) { d.close(); }) : Promise.resolve();
    dbPromise = null;
    return closing.then(function () {
      return new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase(DB_NAME);
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      });
    }).then(function () {
      if (!window.caches) return;
      return caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf(CACHE_PREFIX) === 0; })
          .map(function (k) { return caches.delete(k); }));
      });
    }).then(function () {
      if (!navigator.serviceWorker) return;
      return navigator.serviceWorker.getRegistrations().then(function (regs) {
        return Promise.all(regs.map(function (r) { return r.unregister(); }));
      });
    });
  }

  // --- Rendering ------------------------------------------------------------------------

  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return el;
  }

  function entryFor(kind, target) {
    return state.entries.filter(function (e) { return e.kind === kind && e.target === target; }).pop();
  }

  var STATUS_TEXT = function (e) {
    return { pending: T.pending, rejected: T.rejected, conflict: T.conflict }[e.status];
  };

  function badge(kind, target) {
    var e = entryFor(kind, target);
    return e ? h("span", { "class": "badge " + e.status, text: STATUS_TEXT(e) }) : null;
  }

  function renderStatus() {
    var net = document.getElementById("net");
    var online = navigator.onLine;
    net.className = "net " + (online ? "online" : "offline");
    var text = online ? T.online : T.offline;
    if (state.savedAt) {
      var t = new Date(state.savedAt);
      text += " · " + fmt(T.saved_at, { time: ("0" + t.getHours()).slice(-2) + ":" + ("0" + t.getMinutes()).slice(-2) });
    }
    net.textContent = text;
    var login = document.getElementById("login-needed");
    login.hidden = !state.loginNeeded;
  }

  function typingIn(el) {
    var a = document.activeElement;
    return !!a && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName) && el.contains(a);
  }

  function renderQueue() {
    var box = document.getElementById("queue");
    if (typingIn(box)) return;
    box.textContent = "";
    var pending = state.entries.filter(function (e) { return e.status === "pending"; }).length;
    var kept = state.entries.length - pending;
    var title = h("h2", { id: "queue-count", "data-pending": pending, "data-kept": kept,
      text: pending ? fmt(T.waiting, { n: pending }) : T.nothing_waiting });
    box.appendChild(title);
    if (pending && navigator.onLine && !state.loginNeeded) {
      box.appendChild(h("button", { type: "button", "class": "btn small", id: "send-now", text: T.send_now, onclick: drain }));
    }
    if (!state.entries.length) return;
    var list = h("ul", { "class": "queue-list" });
    state.entries.forEach(function (e) {
      var li = h("li", { "class": "entry " + e.status, "data-key": e.key, "data-kind": e.kind }, [
        h("span", { "class": "what", text: T.kinds[e.kind] + " · " + (e.label || "") }),
        h("span", { "class": "badge " + e.status, text: STATUS_TEXT(e) })
      ]);
      if (e.reason) li.appendChild(h("p", { "class": "reason", text: e.reason }));
      if (e.status === "rejected") {
        li.appendChild(h("div", { "class": "actions" }, [
          h("button", { type: "button", "class": "btn small", "data-fix": e.key, text: T.fix,
            onclick: function () { state.editing = e.key; render(); } }),
          h("button", { type: "button", "class": "btn small secondary", "data-discard": e.key, text: T.discard,
            onclick: function () {
              if (window.confirm(T.confirm_discard)) idbDel("entries", e.key).then(loadLocal).then(render);
            } })
        ]));
        if (state.editing === e.key) li.appendChild(formFor(e.kind, itemOf(e), e.data, e));
      }
      if (e.status === "conflict") {
        li.appendChild(h("div", { "class": "actions" }, [
          h("button", { type: "button", "class": "btn small secondary", "data-ack": e.key, text: T.acknowledge,
            onclick: function () { idbDel("entries", e.key).then(loadLocal).then(render); } })
        ]));
      }
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function itemOf(e) {
    return { target: e.target, ticket: e.ticket, label: e.label, campaign: e.campaign, round: e.round };
  }

  function choiceInputs(type, name, choices, selected) {
    return h("div", { "class": "chips" }, choices.map(function (c) {
      var checked = type === "checkbox" ? (selected || []).indexOf(c.value) >= 0 : selected === c.value;
      return h("label", { "class": "chip" }, [
        h("input", { type: type, name: name, value: c.value, checked: checked }), " " + c.label
      ]);
    }));
  }

  function field(label, input) {
    return h("label", { "class": "field" }, [h("span", { text: label }), input]);
  }

  function localNow() {
    return new Date().toISOString();
  }

  var FORMS = {
    followup: function (item, d, choices) {
      d = d || {};
      return {
        fields: [
          field(T.temperature, h("input", { name: "temperature", inputmode: "decimal", placeholder: "36.5",
            autocomplete: "off", value: d.temperature || "" })),
          h("fieldset", {}, [h("legend", { text: T.symptoms }), choiceInputs("checkbox", "symptoms", choices.symptoms, d.symptoms)]),
          h("fieldset", {}, [h("legend", { text: T.at_home }), choiceInputs("radio", "at_home",
            [{ value: "yes", label: T.yes_home }, { value: "no", label: T.not_home }], d.at_home === false ? "no" : "yes")]),
          h("fieldset", {}, [h("legend", { text: T.contact }), choiceInputs("radio", "contact", choices.contacts, d.contact || "seen")]),
          field(T.note, h("input", { name: "note", maxlength: "300", value: d.note || "" }))
        ],
        read: function (form) {
          return {
            temperature: form.temperature.value.trim(),
            symptoms: Array.prototype.filter.call(form.querySelectorAll("[name=symptoms]"), function (i) { return i.checked; })
              .map(function (i) { return i.value; }),
            at_home: form.querySelector("[name=at_home]:checked").value === "yes",
            contact: form.querySelector("[name=contact]:checked").value,
            note: form.note.value.trim(),
            observed_at: d.observed_at || localNow()
          };
        }
      };
    },
    visit: function (item, d, choices) {
      d = d || {};
      return {
        fields: [
          h("fieldset", {}, [h("legend", { text: T.outcome }), choiceInputs("radio", "outcome", choices.outcomes, d.outcome || "visited")]),
          field(T.people_present, h("input", { name: "people_present", type: "number", min: "0", max: "99",
            inputmode: "numeric", value: d.people_present === undefined ? "" : d.people_present })),
          field(T.note, h("input", { name: "note", maxlength: "500", value: d.note || "" }))
        ],
        read: function (form) {
          var n = parseInt(form.people_present.value, 10);
          return {
            outcome: form.querySelector("[name=outcome]:checked").value,
            people_present: isNaN(n) ? 0 : n,
            note: form.note.value.trim(),
            visited_at: d.visited_at || localNow()
          };
        }
      };
    },
    checkin: function (item, d) {
      d = d || {};
      return {
        fields: [
          field(T.checkin_code, h("input", { name: "code", autocomplete: "off", value: d.code || "", placeholder: T.checkin_code_hint })),
          h("fieldset", {}, [h("legend", { text: T.check_kind }), choiceInputs("radio", "kind",
            [{ value: "in", label: T.check_in }, { value: "out", label: T.check_out }], d.kind || (item.checked_in ? "out" : "in"))])
        ],
        read: function (form) {
          return { kind: form.querySelector("[name=kind]:checked").value, code: form.code.value.trim(), at: d.at || localNow() };
        }
      };
    },
    incident: function (item, d, choices) {
      d = d || {};
      var inc = (state.day && state.day.incident) || { kinds: [], grades: [], regions: [] };
      function select(name, options, value) {
        return h("select", { name: name }, options.map(function (o) {
          return h("option", { value: o.value, selected: o.value === value, text: o.label });
        }));
      }
      return {
        fields: [
          field(T.incident_kind, select("kind", inc.kinds, d.kind)),
          field(T.grade, select("grade", inc.grades, d.grade || "simple")),
          field(T.description, h("textarea", { name: "description", rows: "3", maxlength: "1000", text: d.description || "" })),
          field(T.place, h("input", { name: "place", maxlength: "200", value: d.place || "" }))
        ],
        read: function (form) {
          return { kind: form.kind.value, grade: form.grade.value, description: form.description.value.trim(),
            place: form.place.value.trim() };
        }
      };
    }
  };

  function formFor(kind, item, data, replacing) {
    var choices = (state.day && state.day.choices) || { symptoms: [], contacts: [], outcomes: [] };
    var spec = FORMS[kind](item, data, choices);
    var form = h("form", { "class": "entry-form", "data-form": kind }, spec.fields.concat([
      h("button", { type: "submit", "class": "btn big", text: navigator.onLine ? T.save_send : T.save_offline })
    ]));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (form.dataset.sent) return;
      form.dataset.sent = "1";
      if (document.activeElement) document.activeElement.blur();
      var extra = kind === "visit" ? { campaign: item.campaign, round: item.round } : {};
      enqueue(kind, item, spec.read(form), extra, replacing);
    });
    return form;
  }

  function row(kind, item, title, lines) {
    var open = state.open === kind + ":" + item.target;
    var li = h("li", { "class": "item", "data-target": item.target }, [
      h("div", { "class": "line" }, [h("strong", { text: title }), badge(kind, item.target)]),
      h("div", { "class": "sub", text: lines.join(" · ") })
    ]);
    if (!entryFor(kind, item.target) || entryFor(kind, item.target).status !== "pending") {
      li.appendChild(h("button", { type: "button", "class": "btn", "data-open": item.target,
        text: open ? T.close : T.record, onclick: function () {
          state.open = open ? null : kind + ":" + item.target; render();
        } }));
    }
    if (open) li.appendChild(formFor(kind, item, null));
    return li;
  }

  function empty(text) { return h("p", { "class": "empty", text: text }); }

  var PAGES = {
    home: function (day) {
      var counts = {
        today: day.followups.length, visits: day.campaigns.reduce(function (n, c) { return n + c.households.length; }, 0),
        tasks: day.tasks.length
      };
      return h("ul", { "class": "cards" }, cfg.pages.filter(function (p) { return p.name !== "home"; }).map(function (p) {
        var n = counts[p.name];
        return h("li", {}, [h("a", { href: p.url, "class": "card" }, [
          h("strong", { text: p.label }), n === undefined ? null : h("span", { "class": "count", text: String(n) })
        ])]);
      }));
    },
    today: function (day) {
      if (!day.followups.length) return empty(T.no_followups);
      return h("ul", { "class": "items", id: "followups" }, day.followups.map(function (r) {
        return row("followup", { target: r.target, ticket: r.ticket, label: r.name }, r.name,
          [T.states[r.state] || r.state, r.day, r.today]);
      }));
    },
    visits: function (day) {
      if (!day.campaigns.length) return empty(T.no_campaigns);
      return h("div", {}, day.campaigns.map(function (c) {
        return h("section", { "class": "campaign", "data-campaign": c.public_id }, [
          h("h2", { text: c.name + " · " + fmt(T.round, { n: c.round }) }),
          c.instructions ? h("p", { "class": "sub", text: c.instructions }) : null,
          c.households.length ? h("ul", { "class": "items" }, c.households.map(function (hh) {
            return row("visit", { target: hh.target, ticket: hh.ticket, label: hh.label, campaign: c.public_id, round: c.round },
              hh.label, [hh.grid, T.outcomes[hh.status] || hh.status]);
          })) : empty(T.no_households)
        ]);
      }));
    },
    tasks: function (day) {
      if (!day.tasks.length) return empty(T.no_tasks);
      return h("ul", { "class": "items", id: "tasks" }, day.tasks.map(function (t) {
        var done = t.checked_out ? T.checked_out : (t.checked_in ? T.checked_in : "");
        return row("checkin", { target: t.target, ticket: t.ticket, label: t.title, checked_in: t.checked_in },
          t.title, [t.when, t.place, done].filter(Boolean));
      }));
    },
    incident: function (day) {
      var inc = day.incident;
      if (!inc || !inc.regions.length) return empty(T.no_incident);
      var region = h("select", { name: "region" }, inc.regions.map(function (r) {
        return h("option", { value: r.code, text: r.name });
      }));
      var wrap = h("div", { id: "incident" }, [field(T.region, region)]);
      var formHolder = h("div", {});
      function draw() {
        var r = inc.regions.filter(function (x) { return x.code === region.value; })[0];
        formHolder.textContent = "";
        formHolder.appendChild(formFor("incident", { target: r.code, ticket: r.ticket, label: r.name }, null));
      }
      region.addEventListener("change", draw);
      draw();
      wrap.appendChild(formHolder);
      return wrap;
    }
  };

  function render() {
    renderStatus();
    renderQueue();
    var view = document.getElementById("view");
    if (typingIn(view)) return; // never redraw a form under the user's fingers
    view.textContent = "";
    if (!state.day) {
      view.appendChild(empty(navigator.onLine ? T.loading : T.no_data_offline));
      return;
    }
    view.appendChild(PAGES[cfg.page](state.day));
  }

  // --- Start ---------------------------------------------------------------------------

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(cfg.sw, { scope: cfg.scope }).catch(function () {});
  }

  document.getElementById("field-logout").addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.dataset.cleared) return;
    ev.preventDefault();
    var waiting = state.entries.filter(function (e) { return e.status !== "conflict"; }).length;
    if (waiting && !window.confirm(fmt(T.confirm_logout, { n: waiting }))) return;
    // The page may come from the cache, made before this login: send the current token.
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    if (token && csrf()) token.value = csrf();
    clearAll().then(function () { form.dataset.cleared = "1"; form.submit(); });
  });

  window.addEventListener("online", function () { render(); refresh(); });
  window.addEventListener("offline", render);
  window.bastionField = { migrateEntry: migrateEntry, clearAll: clearAll, drain: drain, state: state, FORMAT: FORMAT };

  registerWorker();
  idbGet("meta", "current").then(function (m) {
    state.user = m ? m.user : null;
    state.name = m ? m.name : "";
    return loadLocal();
  }).then(function () {
    render();
    return refresh();
  }).then(function () {
    document.documentElement.dataset.ready = "1";
  }, function () {
    render();
    document.documentElement.dataset.ready = "1";
  });
})();
