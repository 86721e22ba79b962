import { afterEach, describe, expect, it } from 'vitest';
import { RateBars, TrendChart } from '../src/officer/screens/trend-chart';
import { mount, resetMocks } from './officer-helpers';

afterEach(() => resetMocks());

describe('province charts', () => {
  it('draws the weekly trend as lines that break where a week has nothing to measure', () => {
    const { root, unmount } = mount(
      <TrendChart
        title="Xu hướng"
        weeks={['2026-03-02', '2026-03-09', '2026-03-16']}
        series={[{ label: 'Đúng hạn', values: [0.5, null, 1], tone: 'ok' }]}
        target={{ value: 0.95, label: '95 %' }}
      />,
    );
    const d = root.querySelector('.oc-line path')!.getAttribute('d')!;
    expect(d.match(/M/g)).toHaveLength(2); // two pieces: the empty week is a gap, not a zero
    expect(root.querySelectorAll('.oc-line circle')).toHaveLength(2);
    const label = root.querySelector('svg')!.getAttribute('aria-label')!;
    expect(label).toContain('2026-03-02 50 %');
    expect(label).toContain('2026-03-09 —');
    expect(root.querySelector('.oc-legend')!.textContent).toContain('Đúng hạn: 100 %');
    unmount();
  });

  it('colours communes against the goal and leaves a commune without data unscored', () => {
    const { root, unmount } = mount(
      <RateBars title="Hài lòng" goal={0.95} bars={[{ label: 'Pu Sam Cáp', rate: 0.96 }, { label: 'Nậm Cuổi', rate: 0.9 }, { label: 'Xã Mới', rate: null }]} />,
    );
    const tones = [...root.querySelectorAll('.oc-bar')].map((g) => g.getAttribute('class'));
    expect(tones).toEqual(['oc-bar oc-bar--ok', 'oc-bar oc-bar--bad', 'oc-bar oc-bar--neutral']);
    expect(root.querySelector('.oc-chart__target text')!.textContent).toBe('95 %');
    expect(root.textContent).toContain('—');
    unmount();
  });
});
