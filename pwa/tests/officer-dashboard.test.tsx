import { afterEach, describe, expect, it, vi } from 'vitest';
import { BarChart } from '../src/officer/screens/charts';
import { DashboardScreen, scopeQuery } from '../src/officer/screens/Dashboard';
import { button, click, mockFetch, mount, resetMocks, settle } from './officer-helpers';
import { DASHBOARD } from './officer-fixtures';

afterEach(() => {
  resetMocks();
  vi.restoreAllMocks();
});

describe('dashboard', () => {
  it('asks for the scope in the hash and shows each figure against its target', async () => {
    const calls = mockFetch({ 'GET /api/monitoring/dashboard': { json: DASHBOARD } });
    const { root, unmount } = mount(<DashboardScreen query="village_id=v1&from=2026-03-01&foo=1" />);
    await settle(10);
    expect(calls[0]!.url).toBe('/api/monitoring/dashboard?village_id=v1&from=2026-03-01');
    const tiles = [...root.querySelectorAll('.oc-tile')].map((t) => t.textContent ?? '');
    expect(tiles[0]).toContain('11');
    expect(tiles[0]).toContain('2 hồ sơ đang quá hạn');
    expect(tiles[1]).toContain('75,0 %');
    expect(tiles[1]).toContain('Trước hạn 2, đúng hạn 1, trễ hạn 1 / 4');
    expect(tiles[2]).toContain('4:00');
    expect(tiles[2]).toContain('Mục tiêu dưới 5:00 phút');
    expect(tiles[2]).toContain('✓ đạt');
    expect(tiles[3]).toContain('27,8 %');
    expect(tiles[3]).toContain('✗ chưa đạt');
    expect(tiles[4]).toContain('100,0 %');
    expect(tiles[4]).toContain('95,0 %');
    // the fixture is the server's whole answer (typed by the generated wire types): the
    // volunteers' own ratings come as their own tile, apart from the citizens'
    expect(tiles[5]).toContain('Tình nguyện viên ghi nhận');
    expect(tiles[6]).toContain('1/3');
    expect(tiles[6]).toContain('Cũ nhất: 2 ngày');
    expect(root.querySelectorAll('.oc-tile--bad')).toHaveLength(2); // prefill, sync
    // hand-written SVG charts with a text alternative
    const charts = root.querySelectorAll('figure.oc-chart svg[role=img]');
    expect(charts.length).toBe(5);
    expect(charts[0]!.getAttribute('aria-label')).toContain('Đã nộp, chờ tiếp nhận: 3');
    expect(charts[3]!.querySelector('.oc-chart__target text')!.textContent).toBe('50,0 %');
    // per village and per volunteer tables, sync health
    expect(root.textContent).toContain('Theo thôn, bản');
    expect(root.textContent).toContain('Theo tình nguyện viên');
    expect(root.textContent).toContain('Điện thoại Chứ');
    unmount();
  });

  it('downloads the CSV exports of the same scope with the session', async () => {
    const calls = mockFetch({
      'GET /api/monitoring/dashboard': { json: DASHBOARD },
      'GET /api/monitoring/dashboard.csv': { text: '\ufeffgroup,id\r\n', headers: { 'Content-Type': 'text/csv' } },
      'GET /api/monitoring/dossiers.csv': { text: '\ufeffcode\r\n', headers: { 'Content-Type': 'text/csv' } },
    });
    const created = vi.fn(() => 'blob:x');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    const { root, unmount } = mount(<DashboardScreen query="volunteer_id=u1" />);
    await settle(10);
    await click(button(root, 'Tải CSV chỉ số'));
    await click(button(root, 'Tải CSV danh sách hồ sơ'));
    await settle(10);
    const csv = calls.filter((c) => c.url.includes('.csv'));
    expect(csv.map((c) => c.url)).toEqual(['/api/monitoring/dashboard.csv?volunteer_id=u1', '/api/monitoring/dossiers.csv?volunteer_id=u1']);
    expect(csv[0]!.headers.get('Authorization')).toBe('Bearer test-token');
    expect(clicks).toEqual(['langso-chi-so.csv', 'langso-ho-so.csv']);
    unmount();
  });

  it('keeps only the known scope parameters, in order', () => {
    expect(scopeQuery(new URLSearchParams('to=2026-03-31&tab=dashboard&village_id=v1&volunteer_id='))).toBe('village_id=v1&to=2026-03-31');
  });
});

describe('bar chart', () => {
  it('scales bars to the largest value and draws the target line', () => {
    const { root, unmount } = mount(
      <BarChart
        title="Hài lòng"
        max={100}
        bars={[
          { label: 'A', value: 100, text: '100 %', tone: 'ok' },
          { label: 'B', value: 50, text: '50 %', tone: 'bad' },
        ]}
        target={{ value: 95, label: '95 %' }}
      />,
    );
    const rects = root.querySelectorAll('rect');
    expect(Number(rects[0]!.getAttribute('width'))).toBe(300);
    expect(Number(rects[1]!.getAttribute('width'))).toBe(150);
    expect(root.querySelector('.oc-bar--bad')).not.toBeNull();
    expect(root.querySelector('line')!.getAttribute('x1')).toBe(String(190 + 285));
    expect(root.querySelector('svg')!.getAttribute('aria-label')).toBe('Hài lòng. A: 100 %; B: 50 %');
    unmount();
  });
});
