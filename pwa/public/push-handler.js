/*
 * Làng Số — Web Push inside the service worker.
 *
 * Loaded by the Workbox-generated sw.js with importScripts (vite.config.ts, workbox.importScripts),
 * so this is a classic script: plain JavaScript, no imports, no build step. The pure parts
 * (payload → notification, payload → app route) are exposed on `self.langsoPush` so
 * tests/push-handler.test.ts can run them, and the event handlers, against a fake `self`.
 *
 * Payloads come from backend/push/notify.py: {"v": 1, "type", "dossier_id", "url"} and carry no
 * personal data; the texts below add none either (a lock screen is public). Chrome requires a
 * visible notification for every push (userVisibleOnly), so a payload we cannot read still shows
 * a generic one rather than nothing.
 *
 * Messages to the open app (src/net/push-subscription.ts listens):
 *   {type: 'langso:push', notice}                  → the app runs a sync now (the task arrives)
 *   {type: 'langso:navigate', route}               → the app sets location.hash = '#' + route
 *   {type: 'langso:push-subscription-changed'}     → the app re-registers its subscription
 */
(function (sw) {
  'use strict';

  /** Vietnamese first: the service worker cannot read the app's language choice (localStorage). */
  var NOTICES = {
    supplement_requested: { title: 'Xã yêu cầu bổ sung hồ sơ', body: 'Mở ứng dụng để xem lý do và bổ sung.' },
    result_issued: { title: 'Hồ sơ đã có kết quả', body: 'Mở ứng dụng để xem kết quả.' },
    dossier_submitted: { title: 'Có hồ sơ mới gửi lên xã', body: 'Mở ứng dụng để tiếp nhận hồ sơ.' },
    due_soon: { title: 'Hồ sơ sắp đến hạn giải quyết', body: 'Còn không quá một ngày làm việc. Mở ứng dụng để xem.' },
  };
  var GENERIC = { title: 'Làng Số có thông báo mới', body: 'Mở ứng dụng để xem.' };
  var OFFICER_TYPES = { dossier_submitted: true, due_soon: true };
  // Dossier ids are UUIDs; anything else is not put into a route or a tag.
  var ID = /^[A-Za-z0-9-]{1,64}$/;
  var ICON = '/icons/icon-192.png';

  /** The payload's fields we use, each null when missing or malformed. Never throws. */
  function parsePayload(text) {
    var out = { type: null, dossierId: null, url: null };
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return out;
    }
    if (!data || typeof data !== 'object') return out;
    if (typeof data.type === 'string' && Object.prototype.hasOwnProperty.call(NOTICES, data.type)) out.type = data.type;
    if (typeof data.dossier_id === 'string' && ID.test(data.dossier_id)) out.dossierId = data.dossier_id;
    if (typeof data.url === 'string') out.url = data.url;
    return out;
  }

  /**
   * The app's hash route (without '#') for a notice. The server's paths map onto the routes of
   * src/app.tsx ("/dossiers/:id") and of the officer console (src/officer/nav.ts:
   * "/officer?tab=dossier&id=…"). Unknown or foreign URLs never become a route: we fall back to
   * the type's list screen, so a payload cannot send the app anywhere else.
   */
  function routeFor(p) {
    var m;
    if (p.url && (m = /^\/officer\/dossiers\/([A-Za-z0-9-]{1,64})$/.exec(p.url))) {
      return '/officer?tab=dossier&id=' + m[1];
    }
    if (p.url && (m = /^\/dossiers\/([A-Za-z0-9-]{1,64})$/.exec(p.url))) return '/dossiers/' + m[1];
    if (p.type && OFFICER_TYPES[p.type]) return p.dossierId ? '/officer?tab=dossier&id=' + p.dossierId : '/officer';
    if (p.type) return p.dossierId ? '/dossiers/' + p.dossierId : '/dossiers';
    return '/';
  }

  /** A route is safe to hand to the app when it is one of ours (see routeFor). */
  function isAppRoute(route) {
    return typeof route === 'string' && /^\/(?:[A-Za-z0-9?&=\/_-]*)$/.test(route) && route.indexOf('//') === -1;
  }

  /** {title, options} for registration.showNotification. One notification per dossier (tag). */
  function noticeFor(p) {
    var text = (p.type && NOTICES[p.type]) || GENERIC;
    var tag = p.dossierId ? 'langso-dossier-' + p.dossierId : 'langso-' + (p.type || 'notice');
    return {
      title: text.title,
      options: {
        body: text.body,
        tag: tag,
        // A second notice about the same dossier (e.g. result after supplement) alerts again.
        renotify: true,
        icon: ICON,
        badge: ICON,
        lang: 'vi',
        data: { route: routeFor(p), type: p.type, dossierId: p.dossierId },
      },
    };
  }

  /** Absolute URL that opens the app on `route` (hash routing: every screen is "/#/…"). */
  function appUrl(scope, route) {
    return new URL('#' + (isAppRoute(route) ? route : '/'), scope).href;
  }

  function windowClients() {
    return sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  }

  /** The open app window to reuse: focused first, then visible, then any of our scope. */
  function pickClient(list, scope) {
    var ours = list.filter(function (c) {
      return typeof c.url === 'string' && c.url.indexOf(scope) === 0;
    });
    var rank = function (c) {
      return c.focused ? 0 : c.visibilityState === 'visible' ? 1 : 2;
    };
    ours.sort(function (a, b) {
      return rank(a) - rank(b);
    });
    return ours[0] || null;
  }

  function broadcast(message) {
    return windowClients().then(function (list) {
      list.forEach(function (c) {
        c.postMessage(message);
      });
    });
  }

  function onPush(event) {
    var text = '';
    try {
      text = event.data ? event.data.text() : '';
    } catch (e) {
      text = '';
    }
    var p = parsePayload(text);
    var n = noticeFor(p);
    event.waitUntil(
      Promise.all([
        sw.registration.showNotification(n.title, n.options),
        // Open windows sync now, so the supplement task or result is there when the user looks.
        broadcast({ type: 'langso:push', notice: p.type }).catch(function () {}),
      ]),
    );
  }

  /** Focus an open window and move it to the route, or open a new one there. */
  function openRoute(route) {
    var scope = sw.registration.scope;
    return windowClients().then(function (list) {
      var client = pickClient(list, scope);
      if (client) {
        // The page changes its own hash (no reload: a half-filled form stays as it is).
        client.postMessage({ type: 'langso:navigate', route: isAppRoute(route) ? route : '/' });
        return client.focus ? client.focus().catch(function () {}) : undefined;
      }
      return sw.clients.openWindow ? sw.clients.openWindow(appUrl(scope, route)) : undefined;
    });
  }

  function onNotificationClick(event) {
    event.notification.close();
    var data = event.notification.data || {};
    event.waitUntil(openRoute(typeof data.route === 'string' ? data.route : '/'));
  }

  /**
   * The push service replaced or dropped our subscription. Re-subscribe with the same key when the
   * browser did not, then let an open app register it (the worker has no login token). With no
   * window open, the app compares endpoints at its next start (syncPushSubscription).
   */
  function onSubscriptionChange(event) {
    var old = event.oldSubscription;
    var ready =
      !event.newSubscription && old && old.options && old.options.applicationServerKey
        ? sw.registration.pushManager
            .subscribe({ userVisibleOnly: true, applicationServerKey: old.options.applicationServerKey })
            .catch(function () {})
        : Promise.resolve();
    event.waitUntil(
      ready.then(function () {
        return broadcast({ type: 'langso:push-subscription-changed' });
      }),
    );
  }

  sw.langsoPush = {
    NOTICES: NOTICES,
    GENERIC: GENERIC,
    parsePayload: parsePayload,
    routeFor: routeFor,
    isAppRoute: isAppRoute,
    noticeFor: noticeFor,
    appUrl: appUrl,
    pickClient: pickClient,
  };
  sw.addEventListener('push', onPush);
  sw.addEventListener('notificationclick', onNotificationClick);
  sw.addEventListener('pushsubscriptionchange', onSubscriptionChange);
})(self);
