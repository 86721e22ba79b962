/**
 * Three-way per-field merge (SPEC §MRG), twin of sync/merge.py. Pure: no clock, no storage.
 *
 * Inputs: field values at the client's `base` version, the server's `current` values with the HLC
 * of the last write of each field, and the client's `proposed` changed fields stamped with one
 * `proposedHlc`. A field missing from a mapping equals null (MRG2). Record shapes (Loser, Conflict)
 * keep the snake_case member names of the vectors and the audit log.
 */
import { ConflictStale, MergeError } from './core-errors';
import { SERVER_NODE, compareHlc, parseHlc, type Hlc } from './hlc';

export const RULES = ['identity', 'lww', 'union', 'server'] as const;
export type MergeRule = (typeof RULES)[number];
export type FieldOutcome = 'noop' | 'kept' | 'applied' | 'lww_won' | 'lww_lost' | 'union' | 'conflict' | 'rejected';
export type Verdict = 'applied' | 'merged' | 'conflict' | 'rejected';
export type Values = Readonly<Record<string, unknown>>;
export type Clocks = Readonly<Record<string, string>>;

/** A value that lost a last-writer-wins race; kept for the audit log. */
export interface Loser {
  readonly field: string;
  readonly losing_value: unknown;
  readonly winning_value: unknown;
  readonly losing_hlc: string | null;
  readonly winning_hlc: string | null;
  readonly rule: MergeRule;
}

/** An open conflict: a person must choose; `current` stays in force meanwhile. */
export interface Conflict {
  readonly field: string;
  readonly base: unknown;
  readonly current: unknown;
  readonly proposed: unknown;
  readonly current_hlc: string | null;
  readonly proposed_hlc: string;
}

export interface MergeOutcome {
  /** `current` with every applied/lww_won/union field set (the new value may be null). */
  readonly values: Record<string, unknown>;
  /** `currentClocks` with the clock of every written field advanced. */
  readonly clocks: Record<string, string>;
  readonly verdict: Verdict;
  readonly outcomes: Record<string, FieldOutcome>;
  readonly applied: string[];
  readonly losers: Loser[];
  readonly conflicts: Conflict[];
  readonly rejected: string[];
}

/**
 * Rules whose stored value is always exactly one writer's value, so that the field's clock names the
 * writer of the value in force (MRG11). A union value mixes writers: its clock does not.
 */
const SELF_RULES: ReadonlySet<string> = new Set(['identity', 'lww']);
const EFFECTIVE: ReadonlySet<FieldOutcome> = new Set(['applied', 'lww_won', 'lww_lost', 'union']);
const MERGED: ReadonlySet<FieldOutcome> = new Set(['kept', 'lww_won', 'lww_lost', 'union']);

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
/** Own member or null: never a prototype member such as "constructor". */
const get = <T>(o: Readonly<Record<string, T>>, k: string): T | null => (hasOwn(o, k) ? (o[k] ?? null) : null);
/** Own data property even for the key "__proto__". */
function put<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
const copy = <T>(o: Readonly<Record<string, T>>): Record<string, T> => {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o)) put(out, k, o[k]!);
  return out;
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * JSON value equality (MRG2): same JSON type (true ≠ 1), objects member-wise regardless of order,
 * arrays element-wise in order, strings exactly (no normalisation); undefined counts as null.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (Array.isArray(x) || Array.isArray(y)) {
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => jsonEqual(v, y[i]));
  }
  if (isRecord(x) || isRecord(y)) {
    if (!isRecord(x) || !isRecord(y)) return false;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => hasOwn(y, k) && jsonEqual(x[k], y[k]));
  }
  return x === y;
}

function unionList(name: string, value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new MergeError(
      `Trường «${name}» phải là danh sách chuỗi / union field '${name}' must be a list of strings or null`,
      `bad_union_value:${name}`,
    );
  }
  return [...new Set(value as string[])].sort(); // default sort = UTF-16 order
}

/** Keep what both sides kept plus each side's additions; a removal on either side wins (MRG7). */
function union3(base: string[], current: string[], proposed: string[]): string[] {
  const b = new Set(base);
  const c = new Set(current);
  const p = new Set(proposed);
  const out = new Set<string>();
  for (const v of b) if (c.has(v) && p.has(v)) out.add(v);
  for (const v of c) if (!b.has(v)) out.add(v);
  for (const v of p) if (!b.has(v)) out.add(v);
  return [...out].sort();
}

const later = (proposedHlc: string, currentHlc: string | null): boolean =>
  currentHlc === null || compareHlc(proposedHlc, currentHlc) > 0;

/**
 * MRG11: the value in force was written by the proposing device itself, earlier. A device's writes
 * are totally ordered by its chain and its clock only moves forward, so a later clock on the same
 * device node causally follows that write. `server` is many writers (officers, worker processes)
 * and never counts as "self".
 */
function followsOwnWrite(proposed: Hlc, currentHlc: string | null): boolean {
  if (currentHlc === null || proposed.node === SERVER_NODE) return false;
  const current = parseHlc(currentHlc);
  return current.node === proposed.node && compareHlc(proposed, current) > 0;
}

/**
 * Merge `proposed` into `current` field by field (MRG3–MRG9, MRG11). Fields are processed in UTF-16
 * order of their names. Throws `bad_rule:<field>` for an unknown rule name, `bad_hlc` for a malformed
 * proposed clock or a malformed current clock that a rule reads, and `bad_union_value:<field>` for a
 * union value that is not null or a list of strings.
 */
export function mergeFields(
  base: Values,
  current: Values,
  currentClocks: Clocks,
  proposed: Values,
  proposedHlc: string,
  rules: Readonly<Record<string, string>>,
  defaultRule: string = 'lww',
): MergeOutcome {
  const pHlc = parseHlc(proposedHlc);
  const values = copy(current);
  const clocks = copy(currentClocks);
  const outcomes: Record<string, FieldOutcome> = {};
  const applied: string[] = [];
  const losers: Loser[] = [];
  const conflicts: Conflict[] = [];
  const rejected: string[] = [];

  for (const name of Object.keys(proposed).sort()) {
    const rule: unknown = hasOwn(rules, name) ? rules[name] : defaultRule;
    if (typeof rule !== 'string' || !(RULES as readonly string[]).includes(rule)) {
      throw new MergeError(`Quy tắc gộp không tồn tại / unknown merge rule ${JSON.stringify(rule)}`, `bad_rule:${name}`);
    }
    let b: unknown = get(base, name);
    let c: unknown = get(current, name);
    let p: unknown = get(proposed, name);
    const cHlc = get(currentClocks, name);
    if (rule === 'union') {
      b = unionList(name, b);
      c = unionList(name, c);
      p = unionList(name, p);
    } else if (SELF_RULES.has(rule) && followsOwnWrite(pHlc, cHlc)) {
      // MRG11: the device's own earlier write is not a concurrent change; merge as if it were the base.
      b = c;
    }

    let outcome: FieldOutcome;
    if (jsonEqual(p, c)) {
      outcome = 'noop';
    } else if (jsonEqual(p, b)) {
      outcome = 'kept'; // the client did not change it; the server's newer value stands
    } else if (rule === 'server') {
      outcome = 'rejected';
      rejected.push(name);
    } else if (jsonEqual(c, b)) {
      outcome = 'applied';
      put(values, name, p);
      put(clocks, name, proposedHlc);
      applied.push(name);
    } else if (rule === 'identity') {
      outcome = 'conflict';
      conflicts.push({ field: name, base: b, current: c, proposed: p, current_hlc: cHlc, proposed_hlc: proposedHlc });
    } else if (rule === 'lww') {
      if (later(proposedHlc, cHlc)) {
        outcome = 'lww_won';
        put(values, name, p);
        put(clocks, name, proposedHlc);
        losers.push({ field: name, losing_value: c, winning_value: p, losing_hlc: cHlc, winning_hlc: proposedHlc, rule: 'lww' });
      } else {
        outcome = 'lww_lost';
        losers.push({ field: name, losing_value: p, winning_value: c, losing_hlc: proposedHlc, winning_hlc: cHlc, rule: 'lww' });
      }
    } else {
      // union, with a concurrent change on both sides
      outcome = 'union';
      put(values, name, union3(b as string[], c as string[], p as string[]));
      put(clocks, name, later(proposedHlc, cHlc) ? proposedHlc : cHlc!);
    }
    put(outcomes, name, outcome);
  }

  const kinds = new Set(Object.values(outcomes));
  const any = (set: ReadonlySet<FieldOutcome>): boolean => [...kinds].some((k) => set.has(k));
  let verdict: Verdict;
  if (kinds.has('conflict')) verdict = 'conflict';
  else if (kinds.has('rejected') && !any(EFFECTIVE)) verdict = 'rejected';
  else if (any(MERGED)) verdict = 'merged';
  else verdict = 'applied';
  return { values, clocks, verdict, outcomes, applied, losers, conflicts, rejected };
}

/** Fields whose stored value the merge changes (for the new version's diff). */
export function changedFields(o: MergeOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [f, kind] of Object.entries(o.outcomes)) {
    if (kind === 'applied' || kind === 'lww_won' || kind === 'union') put(out, f, o.values[f]);
  }
  return out;
}

/**
 * Apply a person's choice for an open conflict (MRG10): `chosen` (current, proposed or a new value)
 * is written with clock `resolverHlc`. Throws `conflict_stale` if the field changed since the
 * conflict was opened (current[field] ≠ conflict.current), and `bad_hlc` for a malformed clock.
 */
export function resolveConflict(
  conflict: Conflict,
  current: Values,
  currentClocks: Clocks,
  chosen: unknown,
  resolverHlc: string,
): { values: Record<string, unknown>; clocks: Record<string, string> } {
  parseHlc(resolverHlc);
  if (!jsonEqual(get(current, conflict.field), conflict.current)) {
    throw new ConflictStale(
      `Trường «${conflict.field}» đã thay đổi sau khi phát sinh xung đột / field '${conflict.field}' changed since the conflict was opened`,
    );
  }
  const values = copy(current);
  const clocks = copy(currentClocks);
  put(values, conflict.field, chosen);
  put(clocks, conflict.field, resolverHlc);
  return { values, clocks };
}
