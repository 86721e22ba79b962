import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildQueueQuery, parseQueueFilters, withFilter } from '../src/officer/query';
import { Queue } from '../src/officer/screens/Queue';
import { FakeEventSource, button, click, mockFetch, mount, resetMocks, settle, typeInto } from './officer-helpers';
import { item, PROCEDURES, queuePage, VILLAGES } from './officer-fixtures';

describe('queue filters ⇄ query string', () => {
  it('builds the API parameters in a fixed order, flags as true, page always explicit', () => {
    const q = buildQueueQuery({
      page: 2,
      page_size: 50,
      overdue: true,
      status: 'processing',
      village_id: 'v1',
      possible_duplicate: true,
      procedure_code: 'khai-sinh',
      volunteer: 'u1',
      due_soon: false,
    });
    expect(q).toBe('status=processing&procedure_code=khai-sinh&village_id=v1&volunteer=u1&overdue=true&possible_duplicate=true&page=2&page_size=50');
  });

  it('drops empty values and unknown parameters and defaults the page', () => {
    const f = parseQueueFilters('status=&overdue=yes&has_conflict=true&page=0&page_size=9999&foo=bar');
    expect(f).toEqual({ page: 1, page_size: 200, has_conflict: true });
    expect(buildQueueQuery(f)).toBe('has_conflict=true&page=1&page_size=200');
  });

  it('round-trips and goes back to page 1 when a filter changes', () => {
    const f = parseQueueFilters('status=submitted&due_soon=true&page=3&page_size=25');
    expect(parseQueueFilters(buildQueueQuery(f))).toEqual(f);
    const g = withFilter(f, 'due_soon', false);
    expect(buildQueueQuery(g)).toBe('status=submitted&page=1&page_size=25');
  });
});

describe('queue screen', () => {
  afterEach(() => {
    resetMocks();
    location.hash = '';
  });

  function routes(items = [item('a'), item('b')]): ReturnType<typeof mockFetch> {
    return mockFetch({
      'GET /api/review/dossiers': { json: queuePage(items) },
      'GET /api/units/villages': { json: VILLAGES },
      'GET /api/procedures': { json: PROCEDURES },
      'GET /api/monitoring/dashboard': { json: { by_volunteer: [{ volunteer_id: 'u1', name: 'Giàng A Chứ' }], sync_health: { items: [] } } },
    });
  }

  it('asks the API with the filters of the hash and renders rows with badges', async () => {
    vi.stubGlobal('EventSource', undefined);
    const calls = routes([
      item('a', { flags: { overdue: true, due_soon: false, has_conflict: true, possible_duplicate: false, signature_valid: false, attachments_complete: false }, due_date: '2026-03-01' }),
      item('b', { flags: { overdue: false, due_soon: true, has_conflict: false, possible_duplicate: true, signature_valid: true, attachments_complete: true } }),
    ]);
    const { root, unmount } = mount(<Queue query="status=processing&overdue=true&page=1&page_size=25" />);
    await settle(10);
    expect(calls.find((c) => c.url.startsWith('/api/review/dossiers'))!.url).toBe('/api/review/dossiers?status=processing&overdue=true&page=1&page_size=25');
    expect(calls[0]!.headers.get('Authorization')).toBe('Bearer test-token');
    const rows = root.querySelectorAll('tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('CODE-a');
    expect(rows[0]!.textContent).toContain('01/03/2026');
    expect(rows[0]!.classList.contains('oc-row--loud')).toBe(true);
    expect(rows[0]!.querySelector('.oc-badge--loud')!.textContent).toBe('Chữ ký không hợp lệ');
    expect(rows[0]!.querySelector('.oc-badge--red')!.textContent).toBe('Quá hạn');
    expect(rows[0]!.textContent).toContain('Xung đột');
    expect(rows[0]!.textContent).toContain('Thiếu giấy tờ');
    expect(rows[1]!.querySelector('.oc-badge--amber')!.textContent).toBe('Sắp đến hạn');
    expect(rows[1]!.textContent).toContain('Có thể trùng');
    expect(rows[1]!.textContent).not.toContain('Thiếu giấy tờ');
    expect(root.querySelector('a.oc-code')!.getAttribute('href')).toBe('#/officer?tab=dossier&id=a');
    unmount();
  });

  it('puts a changed filter in the hash (page 1) with the API parameter names', async () => {
    vi.stubGlobal('EventSource', undefined);
    routes();
    const { root, unmount } = mount(<Queue query="status=submitted&page=3&page_size=25" />);
    await settle(10);
    await click(root.querySelector<HTMLInputElement>('input[name=possible_duplicate]')!);
    expect(location.hash).toBe('#/officer?tab=queue&status=submitted&possible_duplicate=true&page=1&page_size=25');
    const selects = root.querySelectorAll<HTMLSelectElement>('.oc-filters select');
    await typeInto(selects[2]!, 'v1');
    expect(location.hash).toBe('#/officer?tab=queue&status=submitted&village_id=v1&page=1&page_size=25');
    unmount();
  });

  it('pages forward and shows the total', async () => {
    vi.stubGlobal('EventSource', undefined);
    mockFetch({ 'GET /api/review/dossiers': { json: { ...queuePage([item('a')], 60), page_size: 25 } } });
    const { root, unmount } = mount(<Queue query="page=1&page_size=25" />);
    await settle(10);
    expect(root.querySelector('.oc-pager')!.textContent).toContain('Trang 1/3 · 60 hồ sơ');
    await click(button(root, 'Trang sau'));
    expect(location.hash).toBe('#/officer?tab=queue&page=2&page_size=25');
    unmount();
  });

  it('shows the server message when the queue is refused', async () => {
    vi.stubGlobal('EventSource', undefined);
    mockFetch({ 'GET /api/review/dossiers': { status: 400, json: { code: 'bad_status', message_vi: 'Trạng thái không hợp lệ.' } } });
    const { root, unmount } = mount(<Queue query="status=xyz" />);
    await settle(10);
    expect(root.querySelector('[role=alert]')!.textContent).toContain('Trạng thái không hợp lệ.');
    unmount();
  });
});

describe('live updates', () => {
  afterEach(() => {
    resetMocks();
    FakeEventSource.last = undefined;
  });

  it('counts new dossiers from the SSE feed in a notice and re-reads the queue', async () => {
    vi.stubGlobal('EventSource', FakeEventSource);
    let served = [item('a')];
    const calls = mockFetch({ 'GET /api/review/dossiers': () => ({ json: queuePage(served) }) });
    const { root, unmount } = mount(<Queue query="page=1&page_size=25" />);
    await settle(10);
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/live/dossiers');
    expect(es.init).toEqual({ withCredentials: true });
    es.emit('open');
    await settle();
    expect(root.querySelector('.oc-live')!.textContent).toBe('Cập nhật trực tiếp');
    expect(root.querySelector('.oc-notice')).toBeNull();

    served = [item('a'), item('n1'), item('n2')];
    const before = calls.length;
    await settle();
    es.emit('dossier', { seq: 10, dossier_id: 'n1', version: 2, commune_id: 'c1', village_id: 'v1', deleted: false, status: 'submitted' });
    es.emit('dossier', { seq: 11, dossier_id: 'n2', version: 2, commune_id: 'c1', village_id: 'v1', deleted: false, status: 'submitted' });
    es.emit('dossier', { seq: 12, dossier_id: 'n2', version: 3, commune_id: 'c1', village_id: 'v1', deleted: false, status: 'submitted' });
    es.emit('dossier', { seq: 13, dossier_id: 'a', version: 3, commune_id: 'c1', village_id: 'v1', deleted: false, status: 'processing' });
    es.emit('dossier', { seq: 14, dossier_id: 'x', version: 1, commune_id: 'c1', village_id: 'v1', deleted: false, status: 'draft' });
    await settle();
    expect(root.querySelector('.oc-notice')!.textContent).toContain('Có 2 hồ sơ mới');
    await settle(900);
    expect(calls.length).toBe(before + 1);
    expect(root.querySelectorAll('tbody tr')).toHaveLength(3);
    expect([...root.querySelectorAll('tbody tr')].filter((r) => r.textContent!.includes('Mới'))).toHaveLength(2);

    await click(button(root, 'Ẩn thông báo'));
    expect(root.querySelector('.oc-notice')).toBeNull();
    unmount();
    expect(es.closed).toBe(true);
  });

  it('falls back to polling when the feed drops', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      vi.stubGlobal('EventSource', FakeEventSource);
      const calls = mockFetch({ 'GET /api/review/dossiers': { json: queuePage([item('a')]) } });
      const { root, unmount } = mount(<Queue query="page=1&page_size=25" />);
      await settle(10);
      FakeEventSource.last!.emit('error');
      await settle();
      expect(root.querySelector('.oc-live')!.textContent).toContain('30 giây');
      const before = calls.length;
      vi.advanceTimersByTime(30_000);
      await settle(10);
      expect(calls.length).toBe(before + 1);
      unmount();
    } finally {
      vi.useRealTimers();
    }
  });
});
