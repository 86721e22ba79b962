// pdp branch (issue 14): a read outside the officer's queue answers 428; the console asks for
// a reason once per subject and retries with the X-Access-Reason header.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call, getJson, HttpError, setTokenSource } from '../src/api/http';
import { errorText } from '../src/officer/http-ui';

const problem428 = {
  code: 'access_reason_required',
  message_vi: 'Hồ sơ/người này không thuộc hàng chờ xử lý của bạn',
};

function respond(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

describe('access reason', () => {
  const seen: (string | null)[] = [];
  beforeEach(() => {
    seen.length = 0;
    setTokenSource(async () => 'tok');
    vi.stubGlobal('fetch', async (_path: string, init: RequestInit) => {
      const reason = new Headers(init.headers).get('X-Access-Reason');
      seen.push(reason);
      return reason ? respond(200, { ok: true }) : respond(428, problem428);
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setTokenSource(undefined);
  });

  it('asks once per subject and sends the reason percent-encoded', async () => {
    const prompt = vi.fn(() => '  Công dân hỏi  ');
    vi.stubGlobal('prompt', prompt);
    expect(await getJson('/api/members/m1')).toEqual({ ok: true });
    expect(await getJson('/api/members/m1')).toEqual({ ok: true });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([null, encodeURIComponent('Công dân hỏi'), null,
      encodeURIComponent('Công dân hỏi')]);
  });

  it('a cancelled prompt shows the server message', async () => {
    vi.stubGlobal('prompt', () => null);
    const error = await call('/api/households/h9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(428);
    expect(errorText(error)).toContain('hàng chờ');
  });
});
