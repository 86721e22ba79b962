// Issue 14: a read outside the officer's queue answers 428; the console asks for a reason in an
// in-page dialog (privacy3; was the browser's prompt()), once per subject, and retries with the
// X-Access-Reason header. Cancelling shows the server's message; concurrent reads share one question.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { call, getJson, HttpError, setTokenSource } from '../src/api/http';
import { errorText } from '../src/officer/http-ui';
import { ReasonPromptHost } from '../src/officer/reason-dialog';
import { button, click, mount, settle, submit, typeInto } from './officer-helpers';

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

describe('access reason, asked in the page', () => {
  const seen: (string | null)[] = [];
  let host: ReturnType<typeof mount>;
  beforeEach(() => {
    seen.length = 0;
    setTokenSource(async () => 'tok');
    vi.stubGlobal('fetch', async (_path: string, init: RequestInit) => {
      const reason = new Headers(init.headers).get('X-Access-Reason');
      seen.push(reason);
      return reason ? respond(200, { ok: true }) : respond(428, problem428);
    });
    vi.stubGlobal('prompt', () => {
      throw new Error('the browser prompt must not be used');
    });
    host = mount(<ReasonPromptHost />);
  });
  afterEach(() => {
    host.unmount();
    vi.unstubAllGlobals();
    setTokenSource(undefined);
  });

  const dialog = (): HTMLElement | null => document.querySelector('[role="dialog"]');

  it('shows a Vietnamese dialog, refuses an empty reason, sends the typed one once per subject', async () => {
    const read = getJson('/api/members/m1');
    await settle(5);
    expect(dialog()?.textContent).toContain('Cần nêu lý do xem');
    expect(dialog()?.textContent).toContain('nhật ký truy cập');
    const form = dialog()!.querySelector('form')!;
    await submit(form);
    expect(dialog()?.textContent).toContain('Hãy nhập lý do');
    expect(seen).toEqual([null]);
    await typeInto(dialog()!.querySelector('textarea')!, '  Công dân hỏi  ');
    await submit(form);
    expect(await read).toEqual({ ok: true });
    expect(dialog()).toBeNull();
    expect(await getJson('/api/members/m1?fresh=1')).toEqual({ ok: true });
    expect(dialog()).toBeNull(); // the same subject: no second question
    expect(seen).toEqual([null, encodeURIComponent('Công dân hỏi'), null, encodeURIComponent('Công dân hỏi')]);
  });

  it('cancel sends nothing more and shows the server message', async () => {
    const read = call('/api/households/h9').catch((e: unknown) => e);
    await settle(5);
    await click(button(dialog()!, 'Hủy'));
    const error = await read;
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(428);
    expect(errorText(error)).toContain('hàng chờ');
    expect(seen).toEqual([null]);
    expect(dialog()).toBeNull();
  });

  it('two reads of one subject at once share one question', async () => {
    const a = getJson('/api/review/dossiers/d7');
    const b = getJson('/api/review/dossiers/d7/documents');
    await settle(5);
    expect(document.querySelectorAll('[role="dialog"]').length).toBe(1);
    await typeInto(dialog()!.querySelector('textarea')!, 'Thanh tra yêu cầu');
    await submit(dialog()!.querySelector('form')!);
    expect(await Promise.all([a, b])).toEqual([{ ok: true }, { ok: true }]);
    expect(dialog()).toBeNull();
    expect(seen.filter((r) => r === encodeURIComponent('Thanh tra yêu cầu')).length).toBe(2);
  });
});
