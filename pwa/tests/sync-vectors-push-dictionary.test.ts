// @vitest-environment node
/**
 * Runs sync/vectors/push_dictionary.json (SPEC WIRE6, shared with the Python server) against
 * fflate and the dictionary the app ships (src/net/push-dictionary.ts).
 */
import { readFileSync } from 'node:fs';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DICTIONARY, deflateWithDictionary } from '../src/net/push-dictionary';
import { loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'dictionary_id' | 'inflate';
  file: string;
  [key: string]: unknown;
}

const { cases } = loadVectors<Case>('push_dictionary');
const fileBytes = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../${file}`, import.meta.url)));
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** The DICTID the app writes: bytes 2–5 of its zlib header (FDICT set). */
const shippedDictId = (): string => hex(deflateWithDictionary(new Uint8Array(0)).subarray(2, 6));

describe('push dictionary vectors', () => {
  const newest = cases.filter((c) => c.op === 'dictionary_id').at(-1)!;

  it('the app ships the newest dictionary, byte for byte', () => {
    expect(hex(DICTIONARY)).toBe(hex(fileBytes(newest.file)));
    expect(shippedDictId()).toBe(newest.expected);
  });

  it.each(cases.filter((c) => c.op === 'inflate' && c.file === newest.file))('$id $comment', (c) => {
    const body = Uint8Array.from(Buffer.from(c['zlib_b64'] as string, 'base64'));
    expect(hex(body.subarray(0, 6))).toBe(c['header_hex']);
    expect(new TextDecoder().decode(unzlibSync(body, { dictionary: DICTIONARY }))).toBe(c.expected);
    // What the app writes for the same text carries the same header (level 9, FDICT, DICTID)
    // and comes back whole.
    const ours = deflateWithDictionary(new TextEncoder().encode(c.expected as string));
    expect(hex(ours.subarray(0, 6))).toBe(c['header_hex']);
    expect(new TextDecoder().decode(unzlibSync(ours, { dictionary: DICTIONARY }))).toBe(c.expected);
  });
});
