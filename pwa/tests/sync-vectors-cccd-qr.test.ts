// @vitest-environment node
/** Runs sync/vectors/cccd_qr.json (shared with the Python core) against src/sync/cccd-qr.ts. */
import { describe, expect, it } from 'vitest';
import { CCCD_QR_FIELDS, parseCccdQr } from '../src/sync/cccd-qr';
import { loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  input: { text: string; today: string };
  expected: Record<string, unknown>;
}

const { cases } = loadVectors<Case>('cccd_qr');

describe('CCCD QR vectors', () => {
  it.each(cases)('$id $comment', (c) => {
    const result = parseCccdQr(c.input.text, c.input.today);
    expect({ ...result, problems: result.problems.map((p) => ({ ...p })) }).toEqual(c.expected);
  });

  it('returns NFC strings for decomposed input', () => {
    const decomposed = cases.filter((c) => c.input.text !== c.input.text.normalize('NFC'));
    expect(decomposed.length).toBeGreaterThan(0);
    for (const c of decomposed) {
      const result = parseCccdQr(c.input.text, c.input.today);
      for (const f of CCCD_QR_FIELDS) {
        const v = result[f];
        if (typeof v === 'string') expect(v).toBe(v.normalize('NFC'));
      }
    }
  });
});
