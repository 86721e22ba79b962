// @vitest-environment node
/** Runs sync/vectors/hlc.json (shared with the Python core) against src/sync/hlc.ts. */
import { describe, expect, it } from 'vitest';
import { HlcError } from '../src/sync/core-errors';
import { compareHlc, formatHlc, makeHlc, parseHlc, receive, serverReceive, tick } from '../src/sync/hlc';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'parse' | 'format' | 'compare' | 'tick' | 'receive' | 'server_receive';
  input?: string;
  ms?: number;
  counter?: number;
  node?: string;
  a?: string;
  b?: string;
  local?: string;
  remote?: string;
  now_ms?: number;
  expected?: unknown;
}

const { cases } = loadVectors<Case>('hlc');

function run(c: Case): unknown {
  switch (c.op) {
    case 'parse': {
      const h = parseHlc(c.input);
      return { ms: h.ms, counter: h.counter, node: h.node };
    }
    case 'format':
      return formatHlc(makeHlc(c.ms!, c.counter!, c.node!));
    case 'compare':
      return compareHlc(c.a!, c.b!);
    case 'tick':
      return formatHlc(tick(parseHlc(c.local), c.now_ms!));
    case 'receive':
      return formatHlc(receive(parseHlc(c.local), parseHlc(c.remote), c.now_ms!));
    case 'server_receive':
      return formatHlc(serverReceive(parseHlc(c.local), parseHlc(c.remote), c.now_ms!));
  }
}

describe('hlc vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.error !== undefined) {
      await expectCode(() => run(c), c.error);
      expect(() => run(c)).toThrow(HlcError);
    } else {
      expect(run(c)).toEqual(c.expected);
    }
  });

  it('string order of valid wire clocks equals compareHlc for every pair in the vectors', () => {
    const clocks = cases.flatMap((c) =>
      c.op === 'parse' && c.error === undefined ? [c.input!] : c.op === 'compare' ? [c.a!, c.b!] : [],
    );
    for (const a of clocks) for (const b of clocks) expect(compareHlc(a, b)).toBe(a < b ? -1 : a > b ? 1 : 0);
  });
});
