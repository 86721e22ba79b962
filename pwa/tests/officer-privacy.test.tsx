/**
 * The console's personal-data pages and the "mark lost" device action (branch privacy2): what
 * is sent, and that wrong input is refused in the page with a Vietnamese message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseDayTime } from '../src/officer/privacy-api';
import { DevicesScreen } from '../src/officer/screens/Devices';
import { PeopleView } from '../src/officer/screens/PrivacyPeople';
import { BreachesView } from '../src/officer/screens/PrivacyBreaches';
import { button, click, mockFetch, mount, resetMocks, settle, submit, typeInto } from './officer-helpers';
import { DASHBOARD, DEVICE } from './officer-fixtures';

afterEach(resetMocks);

describe('parseDayTime', () => {
  it('reads dd/mm/yyyy [hh:mm] and refuses impossible dates', () => {
    expect(parseDayTime('06/12/2026 07:05', true)?.getHours()).toBe(7);
    expect(parseDayTime('6/12/2026', false)?.getDate()).toBe(6);
    expect(parseDayTime('31/02/2026', false)).toBeUndefined();
    expect(parseDayTime('06/12/2026', true)).toBeUndefined();
    expect(parseDayTime('06/12/2026 24:00', true)).toBeUndefined();
    expect(parseDayTime('2026-12-06', false)).toBeUndefined();
  });
});

describe('mark lost', () => {
  it('sends a revocation with the wipe order and a reason, then shows the pending wipe', async () => {
    const calls = mockFetch({
      'GET /api/devices': { json: { items: [DEVICE], total: 1, page: 1, page_size: 50 } },
      'GET /api/monitoring/dashboard': { json: DASHBOARD },
      'POST /api/devices/d1/revoke': { json: { ...DEVICE, revoked_at: '2026-03-02T00:00:00Z', wipe_ordered_at: '2026-03-02T00:00:00Z' } },
    });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    await click(button(root, 'Báo mất máy'));
    const dialog = document.querySelector<HTMLElement>('[role=dialog]')!;
    expect(button(dialog, 'Báo mất máy').disabled).toBe(true);
    await typeInto(dialog.querySelector('textarea')!, 'Rơi khi qua suối');
    await submit(dialog.querySelector('form')!);
    await settle(10);
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/devices/d1/revoke');
    expect(post.body).toEqual({ reason: 'Rơi khi qua suối', wipe: true });
    expect(root.textContent).toContain('Đã ra lệnh xoá dữ liệu.');
    unmount();
  });

  it('shows a wiped device as wiped, with no button left', async () => {
    mockFetch({
      'GET /api/devices': {
        json: { items: [{ ...DEVICE, revoked_at: '2026-03-02T00:00:00Z', wipe_ordered_at: '2026-03-02T00:00:00Z', wiped_at: '2026-03-02T01:00:00Z' }], total: 1, page: 1, page_size: 50 },
      },
      'GET /api/monitoring/dashboard': { json: DASHBOARD },
    });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    expect(root.textContent).toContain('đã xoá dữ liệu lúc');
    expect([...root.querySelectorAll('button')].some((b) => b.textContent === 'Báo mất máy')).toBe(false);
    unmount();
  });
});

describe('people', () => {
  it('refuses a one-letter search in the page and records a request with its note', async () => {
    const calls = mockFetch({
      'GET /api/privacy/people/m1/requests': { json: [] },
      'GET /api/privacy/people/m1/access-log': { json: [] },
      'POST /api/privacy/people/m1/requests': { status: 201, json: { id: 'r1', member_id: 'm1', kind: 'restriction', status: 'done', outcome: {}, recorded_at: '2026-03-02T00:00:00Z' } },
    });
    const { root, unmount } = mount(<PeopleView personId="m1" />);
    await settle(10);
    await typeInto(root.querySelector<HTMLInputElement>('input[name=q]')!, 'a');
    await submit(root.querySelector('form')!);
    expect(root.textContent).toContain('Nhập ít nhất 2 chữ');
    expect(calls.some((c) => c.url.startsWith('/api/privacy/people?'))).toBe(false);
    const form = root.querySelectorAll('form')[1]!;
    await submit(form);
    expect(root.textContent).toContain('Hãy chọn loại yêu cầu.');
    const select = form.querySelector<HTMLSelectElement>('select[name=kind]')!;
    select.value = 'restriction';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle(2);
    await typeInto(form.querySelector('textarea')!, ' Đơn số 12 ');
    await submit(form);
    await settle(10);
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.body).toEqual({ kind: 'restriction', note: 'Đơn số 12' });
    expect(root.textContent).toContain('Đã ghi nhận yêu cầu.');
    unmount();
  });
});

describe('breaches', () => {
  it('checks the form before sending: description, times, window order', async () => {
    const calls = mockFetch({
      'GET /api/privacy/breaches': { json: [] },
      'GET /api/devices': { json: { items: [DEVICE], total: 1, page: 1, page_size: 200 } },
    });
    const { root, unmount } = mount(<BreachesView />);
    await settle(10);
    const form = root.querySelector('form')!;
    await submit(form);
    expect(root.textContent).toContain('Hãy mô tả sự việc.');
    await typeInto(form.querySelector<HTMLTextAreaElement>('textarea[name=description]')!, 'Mất máy tính');
    await typeInto(form.querySelector<HTMLInputElement>('input[name=found_at]')!, '06/12/2026');
    await submit(form);
    expect(root.textContent).toContain('Thời điểm không hợp lệ');
    await typeInto(form.querySelector<HTMLInputElement>('input[name=found_at]')!, '01/12/2026 08:00');
    await typeInto(form.querySelector<HTMLInputElement>('input[name=window_from]')!, '01/12/2026 07:00');
    await typeInto(form.querySelector<HTMLInputElement>('input[name=window_to]')!, '30/11/2026 07:00');
    await submit(form);
    expect(root.textContent).toContain('Thời điểm bắt đầu phải trước thời điểm kết thúc.');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    unmount();
  });
});
