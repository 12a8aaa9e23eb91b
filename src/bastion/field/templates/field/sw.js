/* Bastion field mode service worker, version {{ version }}.
   Precaches the field pages and their assets; serves them from the cache first (pages
   are refreshed in the background), so the pages open without a signal. The API is never
   cached here: the pages keep their data in IndexedDB, per user. */
"use strict";
var CACHE = "bastion-field-{{ version }}";
var PRECACHE = {{ precache_json|safe }};
var PAGES = {{ pages_json|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(PRECACHE.map(function (url) {
      return fetch(url, { credentials: "same-origin", cache: "reload" }).then(function (res) {
        // A login page in place of a field page must not be kept: fail the install.
        if (!res.ok || res.redirected) throw new Error("precache " + url + " " + res.status);
        return cache.put(url, res);
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("bastion-field-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (PAGES.indexOf(path) >= 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(path).then(function (cached) {
        var fresh = fetch(request).then(function (res) {
          if (res.ok && !res.redirected) cache.put(path, res.clone());
          return res;
        });
        if (cached) {
          event.waitUntil(fresh.catch(function () {}));
          return cached;
        }
        return fresh;
      });
    }));
    return;
  }
  if (PRECACHE.indexOf(path) >= 0) {
    event.respondWith(caches.match(path).then(function (cached) {
      return cached || fetch(request);
    }));
  }
});
