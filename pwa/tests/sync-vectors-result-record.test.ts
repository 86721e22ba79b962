// @vitest-environment node
/** Runs sync/vectors/result_record.json and receipts.json (shared with the Python core) against
 * src/sync/result-record.ts and src/sync/receipts.ts. */
import { describe, expect, it } from 'vitest';
import { checkReceipt, receiptPayload, receiptText } from '../src/sync/receipts';
import { checkCompact, compactText, fromCompact, initials, makeRecord, recordText, type PublishedKey } from '../src/sync/result-record';
import { loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  [key: string]: unknown;
}

const res = loadVectors<Case>('result_record').cases;
const rcp = loadVectors<Case>('receipts').cases;

describe('result record vectors', () => {
  it.each(res)('$id $comment', async (c) => {
    const rec = (): ReturnType<typeof makeRecord> => makeRecord(c['record'] as Record<string, unknown>);
    switch (c.op) {
      case 'record_text':
        return expect(recordText(rec())).toBe(c['expected']);
      case 'initials':
        return expect(initials(c['name'] as string)).toBe(c['expected']);
      case 'compact':
        return expect(compactText(rec(), c['sig'] as string)).toBe(c['expected']);
      case 'parse_compact':
        if (c.error) return expect(() => fromCompact(c['text'] as string)).toThrow();
        {
          const [record, sig] = fromCompact(c['text'] as string);
          return expect({ record, sig }).toEqual(c['expected']);
        }
      case 'check_compact': {
        const [verdict, record] = await checkCompact(c['text'] as string, c['keys'] as PublishedKey[]);
        return expect({ verdict, record: record ?? null }).toEqual(c['expected']);
      }
      default:
        throw new Error(`unknown op ${c.op}`);
    }
  });
});

describe('receipt vectors', () => {
  it.each(rcp)('$id $comment', async (c) => {
    if (c.op === 'payload') {
      const payload = await receiptPayload(c['commune_id'] as string, c['content_hash'] as string, c['dossier_id'] as string, c['key_id'] as string, c['received_ms'] as number);
      expect({ payload, text: receiptText(payload) }).toEqual(c['expected']);
    } else {
      const got = await checkReceipt(c['receipt'], c['dossier_id'] as string, c['content_hash'] as string, c['keys'] as never);
      expect(got).toEqual(c['expected']);
    }
  });
});
