// Service worker of the public verification page only (scope /v): keeps the page, its script
// and style and the commune key list, so a result can be verified with no server at all.
// Network first (fresh keys when online), the cached copy when the network fails.
'use strict';
const CACHE = 'langso-verify-v1';
const FILES = ['/v', '/v.js', '/public.css', '/v/keys.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (!FILES.includes(path)) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          void caches.open(CACHE).then((c) => c.put(path, copy));
        }
        return response;
      })
      .catch(() => caches.open(CACHE).then((c) => c.match(path)).then((hit) => hit || Response.error())),
  );
});
