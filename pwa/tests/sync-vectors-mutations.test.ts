// @vitest-environment node
/** Runs sync/vectors/mutations.json (shared with the Python core) against src/sync/mutations.ts. */
import { describe, expect, it } from 'vitest';
import { b64uDecode } from '../src/sync/b64u';
import { SyncError } from '../src/sync/errors';
import {
  checkChain,
  chainVerdictCode,
  decodeSignedMutation,
  MUTATION_KEYS,
  signMutation,
  type MutationPayload,
} from '../src/sync/mutations';
import { deviceKeyFromBytes } from '../src/sync/signatures';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'decode' | 'chain';
  payload?: string;
  sig?: string;
  alg?: string;
  public_key?: string;
  expected?: unknown;
  expected_hash?: string;
  last_n?: number;
  last_hash?: string;
  n?: number;
  prev?: string;
}

const { cases } = loadVectors<Case>('mutations');
const decodeCases = cases.filter((c) => c.op === 'decode');
const chainCases = cases.filter((c) => c.op === 'chain');

describe('mutation vectors: decode', () => {
  it.each(decodeCases)('$id $comment', async (c) => {
    const run = () => decodeSignedMutation(c.payload!, c.sig!, c.alg!, c.public_key!);
    if (c.error !== undefined) {
      await expectCode(run, c.error);
      await expect(run()).rejects.toBeInstanceOf(SyncError);
      return;
    }
    const m = await run();
    expect(Object.fromEntries(MUTATION_KEYS.map((k) => [k, m[k]]))).toEqual(c.expected);
    expect(m.hash).toBe(c.expected_hash);
    expect(m.payload).toEqual(new TextEncoder().encode(c.payload));
  });
});

describe('mutation vectors: chain', () => {
  it.each(chainCases)('$id $comment', (c) => {
    const verdict = checkChain(c.last_n!, c.last_hash!, { n: c.n!, prev: c.prev! });
    expect(verdict).toBe(c.expected);
    expect(chainVerdictCode(verdict)).toBe(verdict === 'gap' ? 'chain_gap' : verdict === 'fork' ? 'chain_fork' : null);
  });
});

describe('mutation chain and signing', () => {
  it('the second valid vector links to the first by hash', () => {
    expect((decodeCases[1]!.expected as { prev: string }).prev).toBe(decodeCases[0]!.expected_hash);
  });

  it('signMutation reproduces the Ed25519 vector push item byte for byte', async () => {
    const seed = loadVectors('signatures').cases.find((c) => c.id === 'SIG-001')!;
    const key = await deviceKeyFromBytes('Ed25519', b64uDecode(seed.private_key as string));
    const first = decodeCases[0]!;
    expect(key.publicKey).toBe(first.public_key);
    const item = await signMutation(first.expected as MutationPayload, 'Ed25519', key.privateKey);
    expect(item).toEqual({ payload: first.payload, sig: first.sig });
  });

  it('signMutation refuses an invalid payload before signing', async () => {
    const seed = loadVectors('signatures').cases.find((c) => c.id === 'SIG-001')!;
    const key = await deviceKeyFromBytes('Ed25519', b64uDecode(seed.private_key as string));
    const bad = { ...(decodeCases[0]!.expected as MutationPayload), n: 0 };
    await expectCode(() => signMutation(bad, 'Ed25519', key.privateKey), 'bad_field:n');
  });
});
