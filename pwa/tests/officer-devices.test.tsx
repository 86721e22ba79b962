import { afterEach, describe, expect, it } from 'vitest';
import { qrModules, qrPath } from '../src/officer/qr';
import { DevicesScreen } from '../src/officer/screens/Devices';
import { button, click, mockFetch, mount, resetMocks, settle, submit, typeInto } from './officer-helpers';
import { DASHBOARD, DEVICE } from './officer-fixtures';

afterEach(resetMocks);

describe('QR', () => {
  it('encodes the enrolment payload as a square symbol with a quiet zone', () => {
    const m = qrModules('langso-enrol:1:ABCDE-FGHJK');
    expect(m.length).toBeGreaterThanOrEqual(21);
    expect(m.every((row) => row.length === m.length)).toBe(true);
    // finder pattern corners are dark
    expect(m[0]![0] && m[0]![m.length - 1] && m[m.length - 1]![0]).toBe(true);
    expect(qrPath([[true, false]], 4)).toBe('M4 4h1v1h-1z');
  });
});

describe('devices', () => {
  it('lists devices with the volunteer name and issues a ticket shown big with a QR', async () => {
    const calls = mockFetch({
      'GET /api/devices': { json: { items: [DEVICE], total: 1, page: 1, page_size: 50 } },
      'GET /api/monitoring/dashboard': { json: DASHBOARD },
      'POST /api/devices/tickets': { status: 201, json: { ticket: 'ABCDE-FGHJK', expires_at: '2026-03-02T05:00:00Z', volunteer_username: 'volunteer1', qr: 'langso-enrol:1:ABCDE-FGHJK' } },
    });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    expect(root.querySelector('tbody tr')!.textContent).toContain('Giàng A Chứ');
    await typeInto(root.querySelector<HTMLInputElement>('input[name=volunteer_username]')!, ' volunteer1 ');
    await submit(root.querySelector('form')!);
    await settle(10);
    expect(calls.at(-1)!.body).toEqual({ volunteer_username: 'volunteer1' });
    expect(root.querySelector('.oc-ticket__code')!.textContent).toBe('ABCDE-FGHJK');
    expect(root.querySelector('svg.oc-qr path')!.getAttribute('d')!.length).toBeGreaterThan(100);
    unmount();
  });

  it('revokes only with a reason', async () => {
    const calls = mockFetch({
      'GET /api/devices': { json: { items: [DEVICE], total: 1, page: 1, page_size: 50 } },
      'GET /api/monitoring/dashboard': { json: DASHBOARD },
      'POST /api/devices/d1/revoke': { json: { ...DEVICE, revoked_at: '2026-03-02T00:00:00Z', revoke_reason: 'Mất máy' } },
    });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    await click(button(root, 'Thu hồi'));
    const dialog = document.querySelector<HTMLElement>('[role=dialog]')!;
    expect(button(dialog, 'Thu hồi').disabled).toBe(true);
    await typeInto(dialog.querySelector('textarea')!, 'Mất máy');
    await submit(dialog.querySelector('form')!);
    await settle(10);
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/devices/d1/revoke');
    expect(post.body).toEqual({ reason: 'Mất máy' });
    expect(root.textContent).toContain('Đã thu hồi thiết bị.');
    unmount();
  });
});
