/**
 * Loads the language-neutral vectors from the repository's sync/vectors/<name>.json (the single
 * copy, shared with the Python core). Test-only: uses node:fs, so test files that import it run in
 * the node environment.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export interface VectorCase {
  readonly id: string;
  readonly rule: string;
  readonly op?: string;
  readonly comment: string;
  readonly error?: string;
  readonly [key: string]: unknown;
}

export interface VectorFile<C extends VectorCase> {
  readonly description: string;
  readonly spec: string;
  readonly cases: C[];
}

export function loadVectors<C extends VectorCase = VectorCase>(name: string): VectorFile<C> {
  const url = new URL(`../../sync/vectors/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as VectorFile<C>;
}

export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Run `fn` (sync or async) and assert it fails with exactly `code`. */
export async function expectCode(fn: () => unknown, code: string): Promise<void> {
  let caught: unknown = undefined;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected error ${code}`).toBeInstanceOf(Error);
  expect((caught as { code?: unknown }).code).toBe(code);
}
