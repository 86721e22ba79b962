// @vitest-environment node
/** Runs sync/vectors/hashing.json (shared with the Python core) against src/sync/hashing.ts. */
import { describe, expect, it } from 'vitest';
import { GENESIS, sha256Hex } from '../src/sync/hashing';
import { hexToBytes, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'sha256_hex' | 'genesis';
  input_hex?: string;
  expected: string;
}

const { cases } = loadVectors<Case>('hashing');

describe('hashing vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.op === 'genesis') expect(GENESIS).toBe(c.expected);
    else expect(await sha256Hex(hexToBytes(c.input_hex!))).toBe(c.expected);
  });
});
