// @vitest-environment node
/** Runs sync/vectors/signatures.json (shared with the Python core) against src/sync/signatures.ts. */
import { describe, expect, it } from 'vitest';
import { b64uDecode } from '../src/sync/b64u';
import { SignatureError } from '../src/sync/core-errors';
import { deviceKeyFromBytes, generateDeviceKey, keyId, sign, verify } from '../src/sync/signatures';
import { expectCode, hexToBytes, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'verify' | 'sign' | 'public_key' | 'key_id';
  alg: string;
  public_key?: string;
  private_key?: string;
  message_hex?: string;
  signature?: string;
  expected?: string;
  expected_ok?: true;
}

const { cases } = loadVectors<Case>('signatures');

describe('signature vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    switch (c.op) {
      case 'verify': {
        const run = () => verify(c.alg, c.public_key!, hexToBytes(c.message_hex!), c.signature!);
        if (c.error !== undefined) {
          await expectCode(run, c.error);
          await expect(run()).rejects.toBeInstanceOf(SignatureError);
        } else {
          expect(c.expected_ok).toBe(true);
          await expect(run()).resolves.toBeUndefined();
        }
        break;
      }
      case 'sign': {
        const key = await deviceKeyFromBytes(c.alg, b64uDecode(c.private_key!));
        expect(await sign(c.alg, key.privateKey, hexToBytes(c.message_hex!))).toBe(c.expected);
        break;
      }
      case 'public_key': {
        const key = await deviceKeyFromBytes(c.alg, b64uDecode(c.private_key!));
        expect(key.publicKey).toBe(c.expected);
        expect(key.privateKey.extractable).toBe(false);
        break;
      }
      case 'key_id':
        expect(await keyId(c.alg, c.public_key!)).toBe(c.expected);
        break;
    }
  });
});

describe('device keys', () => {
  it('generates a non-extractable key whose signatures verify with the exported public key', async () => {
    const key = await generateDeviceKey();
    expect(['Ed25519', 'ES256']).toContain(key.alg);
    expect(key.privateKey.extractable).toBe(false);
    const message = new TextEncoder().encode('{"a":1}');
    await expect(verify(key.alg, key.publicKey, message, await sign(key.alg, key.privateKey, message))).resolves.toBeUndefined();
  });

  it('ES256 signatures from a vector key verify (signing is randomised, so not compared)', async () => {
    const c = cases.find((x) => x.op === 'public_key' && x.alg === 'ES256')!;
    const key = await deviceKeyFromBytes('ES256', b64uDecode(c.private_key!));
    const message = new TextEncoder().encode('xin chào');
    await expect(verify('ES256', key.publicKey, message, await sign('ES256', key.privateKey, message))).resolves.toBeUndefined();
  });

  it('refuses to sign with a key of another algorithm', async () => {
    const c = cases.find((x) => x.op === 'public_key' && x.alg === 'Ed25519')!;
    const key = await deviceKeyFromBytes('Ed25519', b64uDecode(c.private_key!));
    await expectCode(() => sign('ES256', key.privateKey, new Uint8Array()), 'bad_alg');
  });
});
