/**
 * Hybrid logical clocks (SPEC §HLC), twin of sync/hlc.py.
 *
 * Wire form "<ms:15 digits>-<counter:5 digits>-<node>", e.g. "001763820000000-00000-server". Order
 * is (ms, counter, node) with node by code points; the fixed-width fields make plain string
 * comparison of two valid wire strings agree with it (HLC2). Wall-clock time is always the
 * `nowMs` argument.
 */
import { ClockDrift, HlcError } from './core-errors';

export const MS_MAX = 999_999_999_999_999;
export const COUNTER_MAX = 99_999;
export const MAX_DRIFT_MS = 24 * 60 * 60 * 1000;
export const SERVER_LEAD_MS = 5 * 60 * 1000;
export const SERVER_NODE = 'server';

export interface Hlc {
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HLC_RE = /^([0-9]{15})-([0-9]{5})-(server|[0-9a-f-]{36})$/;

/** True for a lowercase canonical 8-4-4-4-12 hex uuid string (any version/variant). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function isNode(value: unknown): value is string {
  return value === SERVER_NODE || isUuid(value);
}

const inRange = (n: unknown, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= max;

/** A validated clock value; throws bad_hlc for ms/counter out of range or a bad node. */
export function makeHlc(ms: number, counter: number, node: string): Hlc {
  if (!inRange(ms, MS_MAX)) throw new HlcError(`HLC: ms ngoài miền / ms out of range: ${String(ms)}`);
  if (!inRange(counter, COUNTER_MAX)) throw new HlcError(`HLC: bộ đếm ngoài miền / counter out of range: ${String(counter)}`);
  if (!isNode(node)) throw new HlcError(`HLC: nút không hợp lệ / bad node: ${JSON.stringify(node)}`);
  return { ms, counter, node };
}

export function formatHlc(h: Hlc): string {
  return `${String(h.ms).padStart(15, '0')}-${String(h.counter).padStart(5, '0')}-${h.node}`;
}

/** Parse the wire form; anything else (uppercase, missing padding, spaces…) is bad_hlc. */
export function parseHlc(text: unknown): Hlc {
  const m = typeof text === 'string' ? HLC_RE.exec(text) : null;
  if (m === null || !isNode(m[3])) throw new HlcError(`HLC không hợp lệ / malformed HLC: ${JSON.stringify(text)}`);
  return makeHlc(Number(m[1]), Number(m[2]), m[3]);
}

const asHlc = (h: Hlc | string): Hlc => (typeof h === 'string' ? parseHlc(h) : h);

/** -1, 0 or 1 as `a` is before, equal to or after `b` (wire strings or values). */
export function compareHlc(a: Hlc | string, b: Hlc | string): -1 | 0 | 1 {
  const x = asHlc(a);
  const y = asHlc(b);
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  if (x.counter !== y.counter) return x.counter < y.counter ? -1 : 1;
  if (x.node !== y.node) return x.node < y.node ? -1 : 1; // ASCII: code units = code points
  return 0;
}

function checkNow(nowMs: number): void {
  if (!inRange(nowMs, MS_MAX)) throw new HlcError(`now_ms ngoài miền / now_ms out of range: ${String(nowMs)}`);
}

/** Counter overflow carries into ms (HLC5) rather than failing: the clock must always move. */
function advance(ms: number, counter: number, node: string): Hlc {
  return counter > COUNTER_MAX ? makeHlc(ms + 1, 0, node) : makeHlc(ms, counter, node);
}

/** Clock for a local or send event (HLC4): strictly greater than `local`. */
export function tick(local: Hlc, nowMs: number): Hlc {
  checkNow(nowMs);
  if (nowMs > local.ms) return makeHlc(nowMs, 0, local.node);
  return advance(local.ms, local.counter + 1, local.node);
}

/** clock_drift if `remote` is more than 24 h ahead of `nowMs` (HLC6); exactly 24 h is accepted. */
export function checkDrift(remote: Hlc, nowMs: number): void {
  checkNow(nowMs);
  if (remote.ms - nowMs > MAX_DRIFT_MS) {
    throw new ClockDrift(
      `Đồng hồ thiết bị lệch quá 24 giờ / remote clock is more than 24 h ahead: ${formatHlc(remote)} vs now ${nowMs}`,
    );
  }
}

/** Clock after receiving `remote` (HLC5): greater than both, keeps `local.node`; drift checked first. */
export function receive(local: Hlc, remote: Hlc, nowMs: number): Hlc {
  checkDrift(remote, nowMs);
  const ms = Math.max(local.ms, remote.ms, nowMs);
  let counter: number;
  if (ms === local.ms && ms === remote.ms) counter = Math.max(local.counter, remote.counter) + 1;
  else if (ms === local.ms) counter = local.counter + 1;
  else if (ms === remote.ms) counter = remote.counter + 1;
  else counter = 0;
  return advance(ms, counter, local.node);
}

/**
 * The server clock after receiving a device clock (HLC7): drift checked first; a remote more
 * than SERVER_LEAD_MS ahead of `nowMs` is not received (the server clock only ticks), so one
 * fast phone cannot drag the clock all server nodes share.
 */
export function serverReceive(local: Hlc, remote: Hlc, nowMs: number): Hlc {
  checkDrift(remote, nowMs);
  if (remote.ms - nowMs > SERVER_LEAD_MS) return tick(local, nowMs);
  return receive(local, remote, nowMs);
}
