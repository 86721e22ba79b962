// @vitest-environment node
/** Runs sync/vectors/merge.json (shared with the Python core) against src/sync/merge.ts. */
import { describe, expect, it } from 'vitest';
import { SyncError } from '../src/sync/errors';
import { mergeFields, resolveConflict, type Clocks, type Conflict, type Values } from '../src/sync/merge';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'merge' | 'resolve';
  base?: Values;
  current: Values;
  current_clocks: Clocks;
  proposed?: Values;
  proposed_hlc?: string;
  rules?: Record<string, string>;
  default_rule?: string;
  conflict?: Conflict;
  chosen?: unknown;
  resolver_hlc?: string;
  expected?: unknown;
}

const { cases } = loadVectors<Case>('merge');

function run(c: Case): unknown {
  if (c.op === 'resolve') {
    return resolveConflict(c.conflict!, c.current, c.current_clocks, c.chosen, c.resolver_hlc!);
  }
  return mergeFields(c.base!, c.current, c.current_clocks, c.proposed!, c.proposed_hlc!, c.rules!, c.default_rule);
}

describe('merge vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.error !== undefined) {
      await expectCode(() => run(c), c.error);
      expect(() => run(c)).toThrow(SyncError);
    } else {
      expect(run(c)).toEqual(c.expected);
    }
  });

  it('does not mutate its inputs', () => {
    const c = cases.find((x) => x.op === 'merge' && (x.expected as { verdict?: string } | undefined)?.verdict === 'merged')!;
    const snapshot = JSON.stringify(c);
    run(c);
    expect(JSON.stringify(c)).toBe(snapshot);
  });
});
