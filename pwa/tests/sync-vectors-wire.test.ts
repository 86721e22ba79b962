// @vitest-environment node
/** Runs sync/vectors/wire.json (shared with the Python core) against src/sync/wire.ts. */
import { describe, expect, it } from 'vitest';
import type { Json } from '../src/sync/canonical';
import { mutationHash } from '../src/sync/mutations';
import { verify } from '../src/sync/signatures';
import { attachmentRefs, compactPayload, compactResult, expandPayload, receiptRecord } from '../src/sync/wire';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'compact' | 'expand' | 'receipt_record' | 'attachment_refs' | 'compact_result';
  [key: string]: unknown;
}

const { cases } = loadVectors<Case>('wire');
const utf8 = new TextEncoder();

describe('protocol 2 wire vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    const s = (k: string) => c[k] as string;
    if (c.op === 'compact') {
      expect(compactPayload(s('payload'))).toBe(c.expected);
    } else if (c.op === 'expand' && c.error !== undefined) {
      await expectCode(() => expandPayload(s('compact'), s('device'), c.n as number, s('prev')), c.error);
    } else if (c.op === 'expand') {
      const full = expandPayload(s('compact'), s('device'), c.n as number, s('prev'));
      expect(full).toBe(c.expected);
      expect(await mutationHash(utf8.encode(full))).toBe(c.expected_hash);
      await verify('Ed25519', s('public_key'), utf8.encode(full), s('sig'));
    } else if (c.op === 'receipt_record') {
      const record = await receiptRecord(s('commune_id'), s('dossier_id'), s('content_hash'), s('key_id'), c.received_ms as number);
      expect(record).toBe(c.expected);
      await verify('Ed25519', s('public_key'), utf8.encode(record), s('sig'));
    } else if (c.op === 'attachment_refs') {
      expect(attachmentRefs(c.fields as never)).toEqual(c.expected);
    } else {
      expect(compactResult(c.result as Record<string, Json>, c.fields as never)).toEqual(c.expected);
    }
  });
});
