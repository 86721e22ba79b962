/**
 * How big a push batch is and when the next one may leave (docs/protocol.md §12, items 2–4): the
 * same numbers as the benchmark client (bench/edge_link.py), so what was measured on the EDGE
 * link is what the phone does. Pure: the clock is passed in.
 *
 * - A batch is about BATCH_SECONDS of link at the measured throughput, between MIN_BATCH_BYTES
 *   (so a slow answer under server load does not shrink batches into round trips) and
 *   MAX_BATCH_BYTES (so an outage destroys little), and at most BATCH_MAX_ITEMS items.
 * - At most IN_FLIGHT_MAX_BYTES and MAX_IN_FLIGHT batches are unacknowledged: an outage costs at
 *   most ~64 KB of re-sent data, and four batches cover the round trip and the server's work.
 * - Until the first answer of a round only one batch is out: after a reset, probe the link
 *   before filling it again.
 * - Batches leave one after the other on the one link, so they reach the server in chain order
 *   (and the server takes a device's pushes one at a time); one that overtakes anyway (a browser
 *   sends concurrent requests on separate connections) is refused whole (`chain_gap`, nothing
 *   written) and resent — usually the small last batch of a round.
 */

export const MIN_BATCH_BYTES = 8 * 1024;
export const MAX_BATCH_BYTES = 16 * 1024;
export const BATCH_SECONDS = 0.64;
export const IN_FLIGHT_MAX_BYTES = 64 * 1024;
export const MAX_IN_FLIGHT = 4;
export const BATCH_MAX_ITEMS = 100;
/** gzip size ÷ JSON size of a compact batch before any was measured (about 0.4 for dossiers). */
export const FIRST_RATIO = 0.4;

/** Throughput of the link as acknowledged bytes over the time since the first batch left. */
export class LinkMeter {
  private began: number | null = null;
  private acked = 0;
  ratio = FIRST_RATIO;

  /** A batch of `bytes` (gzip) left at `now` from `raw` JSON characters. */
  sent(raw: number, bytes: number, now: number): void {
    if (this.began === null) this.began = now;
    if (raw > 0 && bytes > 0) this.ratio = bytes / raw;
  }

  acknowledged(bytes: number): void {
    this.acked += bytes;
  }

  /** Bytes per second, or null before anything was acknowledged. */
  rate(now: number): number | null {
    if (this.began === null || this.acked === 0) return null;
    return this.acked / Math.max((now - this.began) / 1000, 0.1);
  }

  /** The gzip size the next batch should have. */
  targetBytes(now: number): number {
    const rate = this.rate(now);
    if (rate === null) return MIN_BATCH_BYTES;
    return Math.min(MAX_BATCH_BYTES, Math.max(MIN_BATCH_BYTES, rate * BATCH_SECONDS));
  }
}

/**
 * How many of the items (their JSON sizes, from `start`) make the next batch: at least one, as
 * many as fit `targetBytes` after compression at `ratio`, at most `maxItems`.
 */
export function batchCount(sizes: readonly number[], start: number, targetBytes: number, ratio: number, maxItems: number = BATCH_MAX_ITEMS): number {
  let raw = 0;
  let end = start;
  while (end < sizes.length && end - start < maxItems && (end === start || (raw + sizes[end]!) * ratio <= targetBytes)) {
    raw += sizes[end]!;
    end++;
  }
  // A small tail rides along instead of following alone: a small batch sent right behind a big
  // one is the one that overtakes it on the way (and is then refused and resent).
  let rest = 0;
  for (let i = end; i < sizes.length; i++) rest += sizes[i]!;
  if (end < sizes.length && rest * ratio < targetBytes / 2 && (raw + rest) * ratio <= MAX_BATCH_BYTES && sizes.length - start <= maxItems) return sizes.length - start;
  return end - start;
}

/**
 * May one more batch of about `nextBytes` leave now? `inFlight` are the gzip sizes of the
 * unanswered batches in order; `answered` whether this round had an answer yet.
 */
export function mayLaunch(inFlight: readonly number[], nextBytes: number, answered: boolean): boolean {
  if (inFlight.length === 0) return true;
  if (!answered || inFlight.length >= MAX_IN_FLIGHT) return false;
  return inFlight.reduce((a, b) => a + b, 0) + nextBytes <= IN_FLIGHT_MAX_BYTES;
}
