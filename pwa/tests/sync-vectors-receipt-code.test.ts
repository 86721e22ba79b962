// @vitest-environment node
/** Runs sync/vectors/receipt_code.json (shared with the Python core) against src/sync/receipt-code.ts. */
import { describe, expect, it } from 'vitest';
import { ReceiptCodeInvalid } from '../src/sync/core-errors';
import { receiptCode, receiptCodeFor, validateReceiptCode } from '../src/sync/receipt-code';
import { expectCode, hexToBytes, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'code' | 'code_for' | 'validate';
  seed_hex?: string;
  dossier_id?: string;
  received_at_ms?: number;
  input?: string;
  expected?: string;
}

const { cases } = loadVectors<Case>('receipt_code');

describe('receipt code vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.op === 'code') {
      expect(await receiptCode(hexToBytes(c.seed_hex!))).toBe(c.expected);
    } else if (c.op === 'code_for') {
      expect(await receiptCodeFor(c.dossier_id!, c.received_at_ms!)).toBe(c.expected);
    } else if (c.error !== undefined) {
      await expectCode(() => validateReceiptCode(c.input!), c.error);
      expect(() => validateReceiptCode(c.input!)).toThrow(ReceiptCodeInvalid);
    } else {
      expect(validateReceiptCode(c.input!)).toBe(c.expected);
    }
  });
});
