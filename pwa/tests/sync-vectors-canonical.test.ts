// @vitest-environment node
/** Runs sync/vectors/canonical.json (shared with the Python core) against src/sync/canonical.ts. */
import { describe, expect, it } from 'vitest';
import { canonicalBytes, nfc, parseCanonical, parseJson } from '../src/sync/canonical';
import { CanonicalError } from '../src/sync/core-errors';
import { bytesToHex } from '../src/sync/hashing';
import { expectCode, hexToBytes, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'canonicalize' | 'parse_canonical' | 'nfc';
  input_json?: string;
  input_hex?: string;
  expected_hex?: string;
  expected_ok?: true;
}

const { cases } = loadVectors<Case>('canonical');

function run(c: Case): Uint8Array | null {
  if (c.op === 'canonicalize') return canonicalBytes(parseJson(c.input_json!));
  if (c.op === 'nfc') return canonicalBytes(nfc(JSON.parse(c.input_json!) as unknown));
  parseCanonical(hexToBytes(c.input_hex!));
  return null;
}

describe('canonical vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.error !== undefined) {
      await expectCode(() => run(c), c.error);
      expect(() => run(c)).toThrow(CanonicalError);
    } else if (c.op === 'parse_canonical') {
      expect(c.expected_ok).toBe(true);
      expect(run(c)).toBeNull();
    } else {
      expect(bytesToHex(run(c)!)).toBe(c.expected_hex);
    }
  });
});

describe('canonical: JavaScript-specific behaviour', () => {
  it('reports too_deep for very deep valid input without overflowing the stack', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await expectCode(() => parseJson(deep), 'too_deep');
  });

  it('refuses values JSON cannot carry instead of letting JSON.stringify drop or convert them', async () => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is one of the values refused
    for (const value of [undefined, { a: undefined }, [1, , 2], 1n, new Date(0), new Map(), () => 1]) {
      await expectCode(() => canonicalBytes(value), 'not_json_type');
    }
    await expectCode(() => canonicalBytes({ [Symbol('k')]: 1 }), 'key_not_string');
    await expectCode(() => canonicalBytes(Number.NaN), 'float_forbidden');
  });

  it('keeps a "__proto__" member as data, as JSON.parse does', () => {
    const bytes = new TextEncoder().encode('{"__proto__":1,"a":2}');
    expect(parseCanonical(bytes)).toEqual(JSON.parse('{"__proto__":1,"a":2}'));
    expect(new TextDecoder().decode(canonicalBytes(nfc(JSON.parse('{"__proto__":"e\\u0301"}'))))).toBe('{"__proto__":"é"}');
  });

  it('never normalises implicitly', async () => {
    await expectCode(() => canonicalBytes({ ho_ten: 'Nguye\u0302\u0303n' }), 'not_nfc');
    expect(new TextDecoder().decode(canonicalBytes(nfc({ ho_ten: 'Nguye\u0302\u0303n' })))).toBe('{"ho_ten":"Nguyễn"}');
  });
});
