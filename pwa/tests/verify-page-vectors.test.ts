// @vitest-environment node
/**
 * The public verification page's own script (backend/public_status/static/verify.js, served to any
 * phone as plain JavaScript with no build) is a third reader of the signed result record: it runs
 * the same vectors as sync/result_record.py and src/sync/result-record.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadVectors, type VectorCase } from './vectors';

interface Parsed {
  record: Record<string, unknown>;
  sig: string;
}
interface VerifyPage {
  parseCompact(text: string): Parsed | null;
  check(text: string, keys: { keys: unknown }): Promise<{ verdict: string; parsed?: Parsed }>;
}
// Loaded by URL so the type checker leaves the untyped page script alone.
const PAGE = new URL('../../backend/public_status/static/verify.js', import.meta.url).href;
const { check, parseCompact } = (await import(/* @vite-ignore */ PAGE)) as VerifyPage;

interface Case extends VectorCase {
  [key: string]: unknown;
}

const cases = loadVectors<Case>('result_record').cases;
const parseCases = cases.filter((c) => c.op === 'parse_compact');
const checkCases = cases.filter((c) => c.op === 'check_compact');

describe('the /v page script runs the result record vectors', () => {
  it.each(parseCases)('$id $comment', (c) => {
    const parsed = parseCompact(c['text'] as string);
    if (c.error) expect(parsed).toBeNull();
    else expect({ record: parsed?.record, sig: parsed?.sig }).toEqual(c['expected']);
  });

  it.each(checkCases)('$id $comment', async (c) => {
    const got = await check(c['text'] as string, { keys: c['keys'] });
    const expected = c['expected'] as { verdict: string; record: unknown };
    expect(got.verdict).toBe(expected.verdict);
    if (expected.record) expect(got.parsed?.record).toEqual(expected.record);
  });
});
