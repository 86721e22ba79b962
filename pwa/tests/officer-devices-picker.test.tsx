import { afterEach, describe, expect, it } from 'vitest';
import { DevicesScreen } from '../src/officer/screens/Devices';
import { mockFetch, mount, resetMocks, settle, submit, typeInto } from './officer-helpers';

afterEach(resetMocks);

const DEVICE = {
  id: 'd1',
  user_id: 'u2',
  commune_id: 'c1',
  alg: 'Ed25519',
  key_id: 'k1',
  label: '',
  enrolled_via: 'session',
  last_n: 0,
  created_at: '2026-03-01T00:00:00Z',
  last_push_at: null,
  revoked_at: null,
  revoke_reason: '',
  username: 'volunteer2',
  full_name: 'Lò Thị Xuân',
};

const USERS = {
  items: [
    { id: 'u1', username: 'volunteer1', full_name: 'Giàng A Chứ', role: 'volunteer', commune_id: 'c1', village_ids: ['v1'] },
    { id: 'u2', username: 'volunteer2', full_name: 'Lò Thị Xuân', role: 'volunteer', commune_id: 'c1', village_ids: ['v2'] },
  ],
  total: 2,
  page: 1,
  page_size: 200,
};

describe('enrolment ticket: picking the volunteer', () => {
  it('offers the commune\u2019s volunteers by name and sends the chosen username', async () => {
    const calls = mockFetch({
      'GET /api/devices': { json: { items: [DEVICE], total: 1, page: 1, page_size: 50 } },
      'GET /api/users': { json: USERS },
      'POST /api/devices/tickets': { status: 201, json: { ticket: 'ABCDE-FGHJK', expires_at: '2026-03-02T05:00:00Z', volunteer_username: 'volunteer2', qr: 'langso-enrol:1:ABCDE-FGHJK' } },
    });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    expect(calls.some((c) => c.url.startsWith('/api/users?role=volunteer'))).toBe(true);
    // The device list names its owner itself (no dashboard needed).
    expect(root.querySelector('tbody tr')!.textContent).toContain('Lò Thị Xuân');
    const select = root.querySelector<HTMLSelectElement>('select[name=volunteer_username]')!;
    expect([...select.options].map((o) => o.textContent)).toEqual(['—', 'Giàng A Chứ (volunteer1)', 'Lò Thị Xuân (volunteer2)']);
    expect(root.querySelector<HTMLButtonElement>('form button[type=submit]')!.disabled).toBe(true);
    await typeInto(select, 'volunteer2');
    await submit(root.querySelector('form')!);
    await settle(10);
    expect(calls.at(-1)!.body).toEqual({ volunteer_username: 'volunteer2' });
    expect(root.querySelector('.oc-ticket__code')!.textContent).toBe('ABCDE-FGHJK');
    unmount();
  });

  it('falls back to typing the username when the list cannot be loaded', async () => {
    mockFetch({ 'GET /api/devices': { json: { items: [], total: 0, page: 1, page_size: 50 } } });
    const { root, unmount } = mount(<DevicesScreen />);
    await settle(10);
    expect(root.querySelector('select[name=volunteer_username]')).toBeNull();
    expect(root.querySelector('input[name=volunteer_username]')).not.toBeNull();
    unmount();
  });
});
