import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/net/sync', () => ({ requestSync: vi.fn(() => Promise.resolve()) }));

import { requestSync } from '../src/net/sync';
import { setTransport } from '../src/api/http';
import {
  b64urlToBytes,
  disablePush,
  enablePush,
  getPushState,
  handleWorkerMessage,
  PushSetupError,
  RECORD_KEY,
  startPushClient,
  syncPushSubscription,
  timeouts,
} from '../src/net/push-subscription';
import { setDbForTests, type LangsoDB } from '../src/store/db';
import { saveSession } from '../src/store/repo';
import type { Session } from '../src/store/types';
import { freshDb } from './store-harness';

// A real uncompressed P-256 point is not needed by the client: it only passes the bytes on.
const VAPID = 'BAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0A';
const OTHER_VAPID = 'BP' + VAPID.slice(2);

function session(userId = 'u-1'): Session {
  return {
    token: 'tok-' + userId,
    user: { id: userId, username: userId, full_name: 'Người Dùng', role: 'volunteer', commune_id: 'c', village_ids: ['v'] },
  };
}

class FakeSubscription {
  unsubscribed = false;
  constructor(
    readonly endpoint: string,
    key: Uint8Array,
    private readonly owner: FakePushManager,
  ) {
    this.options = { applicationServerKey: key.slice().buffer, userVisibleOnly: true };
  }
  options: { applicationServerKey: ArrayBuffer; userVisibleOnly: boolean };
  toJSON(): unknown {
    return { endpoint: this.endpoint, expirationTime: null, keys: { p256dh: 'p-' + this.endpoint, auth: 'a' } };
  }
  async unsubscribe(): Promise<boolean> {
    this.unsubscribed = true;
    if (this.owner.current === this) this.owner.current = null;
    return true;
  }
}

class FakePushManager {
  current: FakeSubscription | null = null;
  fail: DOMException | undefined;
  calls: { userVisibleOnly: boolean; key: number[] }[] = [];
  private n = 0;
  async getSubscription(): Promise<FakeSubscription | null> {
    return this.current;
  }
  async subscribe(opts: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }): Promise<FakeSubscription> {
    this.calls.push({ userVisibleOnly: opts.userVisibleOnly, key: [...opts.applicationServerKey] });
    if (this.fail) throw this.fail;
    this.n += 1;
    this.current = new FakeSubscription(`https://fcm.googleapis.com/fcm/send/e${this.n}`, opts.applicationServerKey, this);
    return this.current;
  }
}

interface Browser {
  push: FakePushManager;
  permission: NotificationPermission;
  answer: NotificationPermission;
  prompts: number;
  online: boolean;
  registered: boolean;
  listeners: Map<string, (e: MessageEvent) => void>;
}

function installBrowser(): Browser {
  const b: Browser = { push: new FakePushManager(), permission: 'default', answer: 'granted', prompts: 0, online: true, registered: true, listeners: new Map() };
  const reg = { active: {}, pushManager: b.push };
  vi.stubGlobal('navigator', {
    get onLine() {
      return b.online;
    },
    serviceWorker: {
      getRegistration: async () => (b.registered ? reg : undefined),
      ready: Promise.resolve(reg),
      addEventListener: (type: string, fn: (e: MessageEvent) => void) => b.listeners.set(type, fn),
      removeEventListener: (type: string) => b.listeners.delete(type),
    },
  });
  vi.stubGlobal('PushManager', FakePushManager);
  vi.stubGlobal('Notification', {
    get permission() {
      return b.permission;
    },
    requestPermission: async () => {
      b.prompts += 1;
      b.permission = b.answer;
      return b.answer;
    },
  });
  return b;
}

interface Server {
  requests: { method: string; path: string; auth: string | null; body: unknown }[];
  subscriptions: Map<string, string>; // endpoint → token
  vapid: string;
  refuse: boolean;
  down: boolean;
}

function installServer(): Server {
  const s: Server = { requests: [], subscriptions: new Map(), vapid: VAPID, refuse: false, down: false };
  setTransport(async (input, init) => {
    const url = new URL(String(input), 'http://x');
    const method = init?.method ?? 'GET';
    const auth = new Headers(init?.headers).get('Authorization');
    const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    s.requests.push({ method, path: url.pathname + url.search, auth, body });
    if (s.down) throw new TypeError('Failed to fetch');
    const json = (v: unknown, status = 200): Response => new Response(v === null ? null : JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.pathname === '/api/push/vapid-public-key') return json({ public_key: s.vapid });
    if (url.pathname === '/api/push/subscriptions' && method === 'POST') {
      if (s.refuse) return json({ code: 'invalid_subscription', message_vi: 'Dịch vụ nhận thông báo không được hỗ trợ.', message_en: 'endpoint is not a known Web Push service.' }, 422);
      const endpoint = (body as { endpoint: string }).endpoint;
      const created = !s.subscriptions.has(endpoint);
      s.subscriptions.set(endpoint, auth ?? '');
      return json({ id: 'x', endpoint }, created ? 201 : 200);
    }
    if (url.pathname === '/api/push/subscriptions' && method === 'DELETE') {
      const endpoint = url.searchParams.get('endpoint')!;
      if (!s.subscriptions.delete(endpoint)) return json({ code: 'not_found' }, 404);
      return json(null, 204);
    }
    return json({ code: 'not_found' }, 404);
  });
  return s;
}

let d: LangsoDB;
let b: Browser;
let s: Server;

beforeEach(async () => {
  d = freshDb();
  setDbForTests(d);
  await saveSession(session(), d);
  localStorage.clear();
  b = installBrowser();
  s = installServer();
  vi.mocked(requestSync).mockClear();
});

afterEach(() => {
  vi.unstubAllGlobals();
  setTransport(undefined);
  setDbForTests(undefined);
  d.close();
  localStorage.clear();
});

async function setupError(p: Promise<unknown>): Promise<PushSetupError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PushSetupError);
  return error as PushSetupError;
}

describe('enablePush', () => {
  it('asks permission, subscribes with the server VAPID key and registers the subscription with the bearer token', async () => {
    await enablePush();
    expect(b.prompts).toBe(1);
    expect(b.push.calls).toEqual([{ userVisibleOnly: true, key: [...b64urlToBytes(VAPID)] }]);
    const post = s.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/api/push/subscriptions');
    expect(post.auth).toBe('Bearer tok-u-1');
    expect(post.body).toEqual({ endpoint: 'https://fcm.googleapis.com/fcm/send/e1', expirationTime: null, keys: { p256dh: 'p-https://fcm.googleapis.com/fcm/send/e1', auth: 'a' } });
    expect(await getPushState('u-1')).toBe('on');
    expect(await getPushState('someone-else')).toBe('off');
  });

  it('decodes base64url keys exactly', () => {
    expect([...b64urlToBytes('AQID_-8')]).toEqual([1, 2, 3, 255, 239]);
  });

  it('reuses a subscription made with the same key and replaces one made with another key', async () => {
    await enablePush();
    const first = b.push.current!;
    await enablePush();
    expect(b.push.current).toBe(first);
    expect(b.push.calls).toHaveLength(1);
    s.vapid = OTHER_VAPID;
    await enablePush();
    expect(first.unsubscribed).toBe(true);
    expect(b.push.current!.endpoint).toBe('https://fcm.googleapis.com/fcm/send/e2');
    expect(s.subscriptions.has('https://fcm.googleapis.com/fcm/send/e2')).toBe(true);
  });

  it('refuses when the permission is denied or dismissed, without subscribing', async () => {
    b.answer = 'default'; // prompt dismissed
    expect((await setupError(enablePush())).code).toBe('denied');
    b.permission = 'denied';
    b.answer = 'denied'; // a blocked origin is answered without a prompt
    expect((await setupError(enablePush())).code).toBe('denied');
    expect(await getPushState('u-1')).toBe('denied');
    expect(b.push.calls).toHaveLength(0);
    expect(s.requests).toHaveLength(0);
  });

  it('needs to be online and logged in, and checks that before any request', async () => {
    b.online = false;
    expect((await setupError(enablePush())).code).toBe('offline');
    b.online = true;
    await d.meta.delete('session');
    expect((await setupError(enablePush())).code).toBe('not_logged_in');
    expect(s.requests).toHaveLength(0);
  });

  it('reports a push-service failure (e.g. no route to FCM) as push_service, and registers nothing', async () => {
    b.push.fail = new DOMException('Registration failed - push service error', 'AbortError');
    const error = await setupError(enablePush());
    expect(error.code).toBe('push_service');
    expect(s.requests.some((r) => r.method === 'POST')).toBe(false);
    expect(await getPushState('u-1')).toBe('off');
  });

  it('gives up on a push service that never answers (no route to FCM) instead of waiting forever', async () => {
    b.push.subscribe = () => new Promise(() => undefined);
    const saved = timeouts.subscribeMs;
    timeouts.subscribeMs = 20;
    try {
      expect((await setupError(enablePush())).code).toBe('push_service');
    } finally {
      timeouts.subscribeMs = saved;
    }
    expect(s.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('passes the server refusal on with its Vietnamese message', async () => {
    s.refuse = true;
    const error = await setupError(enablePush());
    expect(error.code).toBe('server');
    expect(error.message_vi).toBe('Dịch vụ nhận thông báo không được hỗ trợ.');
    expect(await getPushState('u-1')).toBe('off');
  });

  it('says when the service worker is missing, and when push is not supported at all', async () => {
    b.registered = false;
    expect((await setupError(enablePush())).code).toBe('no_worker');
    vi.stubGlobal('PushManager', undefined);
    expect((await setupError(enablePush())).code).toBe('unsupported');
    expect(await getPushState('u-1')).toBe('unsupported');
  });

  it('maps a lost connection while registering to offline', async () => {
    b.permission = 'granted';
    s.down = true;
    expect((await setupError(enablePush())).code).toBe('offline');
  });
});

describe('disablePush', () => {
  it('deletes the subscription on the server, then in the browser', async () => {
    await enablePush();
    const sub = b.push.current!;
    await disablePush();
    const del = s.requests.find((r) => r.method === 'DELETE')!;
    expect(del.path).toBe('/api/push/subscriptions?endpoint=' + encodeURIComponent(sub.endpoint));
    expect(s.subscriptions.size).toBe(0);
    expect(sub.unsubscribed).toBe(true);
    expect(localStorage.getItem(RECORD_KEY)).toBeNull();
    expect(await getPushState('u-1')).toBe('off');
  });

  it('offline, still drops the browser subscription (the server cleans up on the 410)', async () => {
    await enablePush();
    const sub = b.push.current!;
    b.online = false;
    await disablePush();
    expect(s.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(sub.unsubscribed).toBe(true);
  });

  it('treats a subscription the server no longer knows (404) as removed', async () => {
    await enablePush();
    s.subscriptions.clear();
    await disablePush();
    expect(b.push.current).toBeNull();
  });
});

describe('syncPushSubscription (re-subscribe when the subscription changes)', () => {
  it('does nothing while offline, logged out or without permission', async () => {
    expect(await syncPushSubscription()).toBe('skipped'); // permission 'default'
    b.permission = 'granted';
    b.online = false;
    expect(await syncPushSubscription()).toBe('skipped');
    b.online = true;
    await d.meta.delete('session');
    expect(await syncPushSubscription()).toBe('skipped');
    expect(s.requests).toHaveLength(0);
  });

  it('leaves a known subscription alone', async () => {
    await enablePush();
    const before = s.requests.length;
    expect(await syncPushSubscription()).toBe('unchanged');
    expect(s.requests.length).toBe(before);
  });

  it('registers a new endpoint the browser switched to', async () => {
    await enablePush();
    b.push.current = new FakeSubscription('https://fcm.googleapis.com/fcm/send/rotated', b64urlToBytes(VAPID), b.push);
    expect(await syncPushSubscription()).toBe('registered');
    expect(s.subscriptions.has('https://fcm.googleapis.com/fcm/send/rotated')).toBe(true);
    expect(await getPushState('u-1')).toBe('on');
  });

  it('subscribes again when the push service dropped the subscription of a user who had it on', async () => {
    await enablePush();
    b.push.current = null;
    expect(await syncPushSubscription()).toBe('registered');
    expect(b.push.calls).toHaveLength(2);
    expect(await getPushState('u-1')).toBe('on');
  });

  it("drops another user's subscription instead of handing it over", async () => {
    await enablePush();
    const sub = b.push.current!;
    await saveSession(session('u-2'), d);
    expect(await syncPushSubscription()).toBe('dropped');
    expect(sub.unsubscribed).toBe(true);
    expect(s.requests.filter((r) => r.method === 'POST')).toHaveLength(1); // never posted for u-2
    expect(await getPushState('u-2')).toBe('off');
  });

  it('never throws: a failing push service just means "try later"', async () => {
    await enablePush();
    b.push.current = null;
    b.push.fail = new DOMException('no push service', 'AbortError');
    expect(await syncPushSubscription()).toBe('skipped');
  });
});

describe('messages from the service worker', () => {
  it('a push runs the sync loop now', () => {
    handleWorkerMessage({ type: 'langso:push', notice: 'supplement_requested' });
    expect(requestSync).toHaveBeenCalledWith('online');
  });

  it('a notification click moves the app to the hash route, and only to app routes', () => {
    location.hash = '#/';
    handleWorkerMessage({ type: 'langso:navigate', route: '/dossiers/44444444-4444-4444-8444-444444444444' });
    expect(location.hash).toBe('#/dossiers/44444444-4444-4444-8444-444444444444');
    for (const route of ['https://evil.example/', '//evil.example', 'javascript:alert(1)', '/a b', 42]) {
      handleWorkerMessage({ type: 'langso:navigate', route });
    }
    expect(location.hash).toBe('#/dossiers/44444444-4444-4444-8444-444444444444');
    handleWorkerMessage({ type: 'langso:navigate', route: '/officer?tab=dossier&id=abc' });
    expect(location.hash).toBe('#/officer?tab=dossier&id=abc');
  });

  it('startPushClient listens to the worker and re-registers a changed subscription', async () => {
    await enablePush();
    b.push.current = new FakeSubscription('https://fcm.googleapis.com/fcm/send/changed', b64urlToBytes(VAPID), b.push);
    const stop = startPushClient();
    try {
      const listener = b.listeners.get('message')!;
      listener(new MessageEvent('message', { data: { type: 'langso:push' } }));
      expect(requestSync).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(s.subscriptions.has('https://fcm.googleapis.com/fcm/send/changed')).toBe(true));
    } finally {
      stop();
    }
    expect(b.listeners.has('message')).toBe(false);
  });
});
