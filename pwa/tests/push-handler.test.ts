// @vitest-environment node
/**
 * public/push-handler.js is a classic script imported by the generated service worker. It is run
 * here against a fake `self` (registration, clients) so both its pure mapping and its event
 * handlers are exercised exactly as shipped.
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';

const SOURCE = readFileSync(new URL('../public/push-handler.js', import.meta.url), 'utf8');
const SCOPE = 'https://langso.example/';
const ID = '44444444-4444-4444-8444-444444444444';

interface Payload {
  type: string | null;
  dossierId: string | null;
  url: string | null;
}
interface Notice {
  title: string;
  options: { body: string; tag: string; renotify: boolean; lang: string; data: { route: string; type: string | null; dossierId: string | null } };
}
interface Api {
  parsePayload(text: string): Payload;
  routeFor(p: Payload): string;
  noticeFor(p: Payload): Notice;
  appUrl(scope: string, route: string): string;
}

class FakeClient {
  messages: unknown[] = [];
  focusedCount = 0;
  constructor(
    readonly url: string,
    readonly focused = false,
    readonly visibilityState: 'visible' | 'hidden' = 'hidden',
  ) {}
  postMessage(m: unknown): void {
    this.messages.push(m);
  }
  async focus(): Promise<FakeClient> {
    this.focusedCount += 1;
    return this;
  }
}

type Listener = (event: unknown) => void;

interface Worker {
  api: Api;
  listeners: Map<string, Listener>;
  shown: { title: string; options: Notice['options'] }[];
  opened: string[];
  windows: FakeClient[];
  subscribeCalls: unknown[];
}

function loadWorker(): Worker {
  const w: Partial<Worker> & { listeners: Map<string, Listener>; shown: Worker['shown']; opened: string[]; windows: FakeClient[]; subscribeCalls: unknown[] } = {
    listeners: new Map(),
    shown: [],
    opened: [],
    windows: [],
    subscribeCalls: [],
  };
  const self: Record<string, unknown> = {
    addEventListener: (type: string, fn: Listener) => w.listeners.set(type, fn),
    registration: {
      scope: SCOPE,
      showNotification: async (title: string, options: Notice['options']) => {
        w.shown.push({ title, options });
      },
      pushManager: {
        subscribe: async (opts: unknown) => {
          w.subscribeCalls.push(opts);
          return {};
        },
      },
    },
    clients: {
      matchAll: async (opts: { type: string; includeUncontrolled: boolean }) => {
        expect(opts).toEqual({ type: 'window', includeUncontrolled: true });
        return w.windows;
      },
      openWindow: async (url: string) => {
        w.opened.push(url);
        return null;
      },
    },
  };
  new Function('self', SOURCE)(self);
  w.api = self.langsoPush as Api;
  return w as Worker;
}

/** Dispatch an event to the worker and wait for its waitUntil promise. */
async function dispatch(w: Worker, type: string, event: Record<string, unknown>): Promise<void> {
  let pending: Promise<unknown> = Promise.resolve();
  w.listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => (pending = p) });
  await pending;
}

function pushEvent(payload: unknown): Record<string, unknown> {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { data: { text: () => text } };
}

let w: Worker;
beforeEach(() => {
  w = loadWorker();
});

describe('payload → notification (no personal data, Vietnamese)', () => {
  it('registers push, notificationclick and pushsubscriptionchange listeners', () => {
    expect([...w.listeners.keys()].sort()).toEqual(['notificationclick', 'push', 'pushsubscriptionchange']);
  });

  it.each([
    ['supplement_requested', `/dossiers/${ID}`, 'Xã yêu cầu bổ sung hồ sơ', 'Mở ứng dụng để xem lý do và bổ sung.', `/dossiers/${ID}`],
    ['result_issued', `/dossiers/${ID}`, 'Hồ sơ đã có kết quả', 'Mở ứng dụng để xem kết quả.', `/dossiers/${ID}`],
    ['dossier_submitted', `/officer/dossiers/${ID}`, 'Có hồ sơ mới gửi lên xã', 'Mở ứng dụng để tiếp nhận hồ sơ.', `/officer?tab=dossier&id=${ID}`],
    ['due_soon', `/officer/dossiers/${ID}`, 'Hồ sơ sắp đến hạn giải quyết', 'Còn không quá một ngày làm việc. Mở ứng dụng để xem.', `/officer?tab=dossier&id=${ID}`],
  ])('%s: title, body, per-dossier tag and the app route', (type, url, title, body, route) => {
    const n = w.api.noticeFor(w.api.parsePayload(JSON.stringify({ v: 1, type, dossier_id: ID, url })));
    expect(n.title).toBe(title);
    expect(n.options.body).toBe(body);
    expect(n.options.tag).toBe(`langso-dossier-${ID}`);
    expect(n.options.renotify).toBe(true);
    expect(n.options.lang).toBe('vi');
    expect(n.options.data).toEqual({ route, type, dossierId: ID });
    expect(title.normalize('NFC')).toBe(title);
    expect(body.normalize('NFC')).toBe(body);
  });

  it('derives the route from the type when the url is missing, and never follows a foreign url', () => {
    const route = (payload: unknown): string => w.api.routeFor(w.api.parsePayload(JSON.stringify(payload)));
    expect(route({ type: 'result_issued', dossier_id: ID })).toBe(`/dossiers/${ID}`);
    expect(route({ type: 'due_soon', dossier_id: ID })).toBe(`/officer?tab=dossier&id=${ID}`);
    expect(route({ type: 'dossier_submitted' })).toBe('/officer');
    expect(route({ type: 'supplement_requested', url: 'https://evil.example/dossiers/x' })).toBe('/dossiers');
    expect(route({ type: 'supplement_requested', dossier_id: '../../x', url: '/dossiers/a/../b' })).toBe('/dossiers');
    expect(route({ type: 'something_new', dossier_id: ID })).toBe('/');
  });

  it('still shows a generic notification for an unreadable payload (Chrome requires one per push)', () => {
    for (const text of ['', 'not json', 'null', '[]', JSON.stringify({ type: 42 })]) {
      const n = w.api.noticeFor(w.api.parsePayload(text));
      expect(n.title).toBe('Làng Số có thông báo mới');
      expect(n.options.tag).toBe('langso-notice');
      expect(n.options.data.route).toBe('/');
    }
  });

  it('builds the absolute app URL with the hash route', () => {
    expect(w.api.appUrl(SCOPE, `/dossiers/${ID}`)).toBe(`${SCOPE}#/dossiers/${ID}`);
    expect(w.api.appUrl(SCOPE, '//evil.example')).toBe(`${SCOPE}#/`);
  });
});

describe('event handlers', () => {
  it('push: shows the notification and asks every open window to sync', async () => {
    const a = new FakeClient(SCOPE + '#/');
    const b = new FakeClient(SCOPE + '#/dossiers');
    w.windows.push(a, b);
    await dispatch(w, 'push', pushEvent({ v: 1, type: 'supplement_requested', dossier_id: ID, url: `/dossiers/${ID}` }));
    expect(w.shown).toHaveLength(1);
    expect(w.shown[0]!.title).toBe('Xã yêu cầu bổ sung hồ sơ');
    expect(a.messages).toEqual([{ type: 'langso:push', notice: 'supplement_requested' }]);
    expect(b.messages).toEqual([{ type: 'langso:push', notice: 'supplement_requested' }]);
  });

  it('push without data still shows a notification', async () => {
    await dispatch(w, 'push', { data: null });
    expect(w.shown[0]!.title).toBe('Làng Số có thông báo mới');
  });

  it('notificationclick: focuses the best open window and navigates it in place', async () => {
    const hidden = new FakeClient(SCOPE + '#/');
    const visible = new FakeClient(SCOPE + '#/households/1', false, 'visible');
    const foreign = new FakeClient('https://other.example/', true, 'visible');
    w.windows.push(hidden, visible, foreign);
    let closed = false;
    await dispatch(w, 'notificationclick', { notification: { data: { route: `/dossiers/${ID}` }, close: () => (closed = true) } });
    expect(closed).toBe(true);
    expect(visible.focusedCount).toBe(1);
    expect(visible.messages).toEqual([{ type: 'langso:navigate', route: `/dossiers/${ID}` }]);
    expect(hidden.messages).toEqual([]);
    expect(foreign.messages).toEqual([]);
    expect(w.opened).toEqual([]);
  });

  it('notificationclick: opens a new window on the route when the app is not open', async () => {
    await dispatch(w, 'notificationclick', { notification: { data: { route: `/officer?tab=dossier&id=${ID}` }, close: () => undefined } });
    expect(w.opened).toEqual([`${SCOPE}#/officer?tab=dossier&id=${ID}`]);
  });

  it('pushsubscriptionchange: re-subscribes with the old key and tells the app to register it', async () => {
    const app = new FakeClient(SCOPE + '#/');
    w.windows.push(app);
    const key = new Uint8Array([4, 1, 2]).buffer;
    await dispatch(w, 'pushsubscriptionchange', { oldSubscription: { options: { applicationServerKey: key } }, newSubscription: null });
    expect(w.subscribeCalls).toEqual([{ userVisibleOnly: true, applicationServerKey: key }]);
    expect(app.messages).toEqual([{ type: 'langso:push-subscription-changed' }]);
  });

  it('pushsubscriptionchange: does not subscribe again when the browser already did', async () => {
    await dispatch(w, 'pushsubscriptionchange', { oldSubscription: { options: { applicationServerKey: new ArrayBuffer(1) } }, newSubscription: {} });
    expect(w.subscribeCalls).toEqual([]);
  });
});
