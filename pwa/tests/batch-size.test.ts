// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { batchCount, BATCH_MAX_ITEMS, FIRST_RATIO, IN_FLIGHT_MAX_BYTES, LinkMeter, MAX_BATCH_BYTES, MAX_IN_FLIGHT, MIN_BATCH_BYTES, mayLaunch } from '../src/net/batch-size';

describe('LinkMeter', () => {
  it('starts at the minimum batch before anything was acknowledged', () => {
    const m = new LinkMeter();
    expect(m.rate(0)).toBeNull();
    expect(m.targetBytes(0)).toBe(MIN_BATCH_BYTES);
    m.sent(20_000, 8_000, 0);
    expect(m.targetBytes(5_000)).toBe(MIN_BATCH_BYTES);
    expect(m.ratio).toBe(0.4);
  });

  it('sizes a batch as 0.64 s of the acknowledged throughput, between 8 and 16 KB', () => {
    const m = new LinkMeter();
    m.sent(50_000, 20_000, 0);
    m.acknowledged(20_000);
    // 20 KB in 1 s: 20,000 B/s × 0.64 = 12,800 B.
    expect(m.rate(1_000)).toBe(20_000);
    expect(m.targetBytes(1_000)).toBe(12_800);
    // The same bytes over 4 s (a slow answer under load): floored at 8 KB, not a round trip per item.
    expect(m.targetBytes(4_000)).toBe(MIN_BATCH_BYTES);
    // A fast link: capped at 16 KB, so an outage destroys little.
    expect(m.targetBytes(100)).toBe(MAX_BATCH_BYTES);
  });

  it('learns the gzip ratio from the last batch', () => {
    const m = new LinkMeter();
    expect(m.ratio).toBe(FIRST_RATIO);
    m.sent(10_000, 2_500, 0);
    expect(m.ratio).toBe(0.25);
    m.sent(0, 0, 10); // an empty measurement changes nothing
    expect(m.ratio).toBe(0.25);
  });
});

describe('batchCount', () => {
  it('takes as many items as fit the target after compression, at least one', () => {
    const sizes = Array.from({ length: 50 }, () => 1_000);
    expect(batchCount(sizes, 0, 8_192, 0.4)).toBe(20); // 20 × 1,000 × 0.4 = 8,000 ≤ 8,192
    expect(batchCount(sizes, 15, 8_192, 0.4)).toBe(20); // 15 left (6 KB gzip) will make a batch of their own
    expect(batchCount(sizes, 45, 8_192, 0.4)).toBe(5); // the rest
    expect(batchCount([100_000, 10], 0, 8_192, 0.4)).toBe(1); // one huge item still goes
    expect(batchCount(sizes, 50, 8_192, 0.4)).toBe(0);
  });

  it('takes a small tail along rather than send it alone behind a big batch', () => {
    const sizes = Array.from({ length: 24 }, () => 1_000);
    // 20 fit 8 KB; the 4 left (1.6 KB gzip, under half the target) ride along: 9.6 KB ≤ 16 KB.
    expect(batchCount(sizes, 0, 8_192, 0.4)).toBe(24);
    // Not past the largest batch: at 16 KB the tail stays apart.
    const big = Array.from({ length: 44 }, () => 1_000);
    expect(batchCount(big, 0, 16_384, 0.4)).toBe(40);
  });

  it('never exceeds the item cap (413 halving lowers it)', () => {
    const sizes = Array.from({ length: 500 }, () => 10);
    expect(batchCount(sizes, 0, MAX_BATCH_BYTES, 0.4)).toBe(BATCH_MAX_ITEMS);
    expect(batchCount(sizes, 0, MAX_BATCH_BYTES, 0.4, 7)).toBe(7);
  });
});

describe('mayLaunch', () => {
  it('one batch alone until the round had an answer (probe the link after a reset)', () => {
    expect(mayLaunch([], 8_192, false)).toBe(true);
    expect(mayLaunch([8_192], 8_192, false)).toBe(false);
    expect(mayLaunch([8_192], 8_192, true)).toBe(true);
  });

  it('at most 64 KB and four batches unacknowledged', () => {
    expect(mayLaunch([16_384, 16_384, 16_384], 16_384, true)).toBe(true); // exactly 64 KB
    expect(mayLaunch([16_384, 16_384, 16_384], 16_385, true)).toBe(false);
    expect(IN_FLIGHT_MAX_BYTES).toBe(65_536);
    expect(mayLaunch(Array.from({ length: MAX_IN_FLIGHT }, () => 100), 100, true)).toBe(false);
    expect(mayLaunch(Array.from({ length: MAX_IN_FLIGHT - 1 }, () => 100), 100, true)).toBe(true);
  });
});
