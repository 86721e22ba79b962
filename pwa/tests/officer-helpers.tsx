/**
 * Helpers for the officer console tests: a fetch mock that answers by method + path and records
 * every call, a fake EventSource, and small DOM helpers. No network, no IndexedDB session.
 */
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';
import { setTokenSource } from '../src/api/http';
import { resetLookups } from '../src/officer/lookups';

export interface Call {
  method: string;
  url: string;
  body: unknown;
  headers: Headers;
}

type Answer = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> };
type Handler = (call: Call) => Answer | undefined;

export function mockFetch(routes: Record<string, Answer | Handler>): Call[] {
  const calls: Call[] = [];
  setTokenSource(async () => 'test-token');
  resetLookups();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = String(input);
      const method = (init.method ?? 'GET').toUpperCase();
      let body: unknown = init.body;
      if (typeof body === 'string') {
        try {
          body = JSON.parse(body);
        } catch {
          /* keep text */
        }
      }
      const call: Call = { method, url, body, headers: new Headers(init.headers) };
      calls.push(call);
      const path = url.split('?')[0]!;
      const route = routes[`${method} ${url}`] ?? routes[`${method} ${path}`];
      const answer = typeof route === 'function' ? route(call) : route;
      if (!answer) return new Response(JSON.stringify({ code: 'not_found', message_vi: 'Không tìm thấy.' }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
      const status = answer.status ?? 200;
      if (answer.text !== undefined) return new Response(answer.text, { status, headers: answer.headers });
      return new Response(JSON.stringify(answer.json ?? {}), {
        status,
        headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...answer.headers },
      });
    }),
  );
  return calls;
}

export function resetMocks(): void {
  vi.unstubAllGlobals();
  setTokenSource(undefined);
  resetLookups();
}

/** A controllable EventSource: tests push `dossier` events through `FakeEventSource.last`. */
export class FakeEventSource {
  static last: FakeEventSource | undefined;
  static instances = 0;
  readonly listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  closed = false;
  constructor(
    readonly url: string,
    readonly init?: EventSourceInit,
  ) {
    FakeEventSource.last = this;
    FakeEventSource.instances++;
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data?: unknown): void {
    const event = new MessageEvent(type, { data: data === undefined ? undefined : JSON.stringify(data) });
    for (const fn of this.listeners.get(type) ?? []) fn(event);
  }
}

export function mount(node: ComponentChild): { root: HTMLElement; unmount: () => void } {
  const root = document.createElement('div');
  document.body.appendChild(root);
  act(() => {
    render(node, root);
  });
  return {
    root,
    unmount: () => {
      act(() => render(null, root));
      root.remove();
    },
  };
}

export async function settle(ms = 0): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, ms));
  });
}

export function button(root: ParentNode, text: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim().includes(text));
  if (!b) throw new Error(`no button "${text}" in ${[...root.querySelectorAll('button')].map((x) => x.textContent).join(' | ')}`);
  return b;
}

export async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
  });
}

export async function typeInto(el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): Promise<void> {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  });
}

export async function submit(form: HTMLFormElement): Promise<void> {
  await act(async () => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}
