// @vitest-environment node
/** Runs sync/vectors/text.json (shared with the Python core) against src/sync/text.ts. */
import { describe, expect, it } from 'vitest';
import { findBadText, TEXT_LIMITS, textIssue } from '../src/sync/text';
import { loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'check' | 'find' | 'limits';
  input?: unknown;
  expected: unknown;
}

const { cases } = loadVectors<Case>('text');

describe('text rule vectors', () => {
  it.each(cases)('$id $comment', (c) => {
    if (c.op === 'check') {
      const found = textIssue(c.input as string);
      expect(found && { code: found.code, index: found.index }).toEqual(c.expected);
    } else if (c.op === 'find') {
      expect(findBadText(c.input)).toEqual(c.expected);
    } else {
      expect({ ...TEXT_LIMITS }).toEqual(c.expected);
    }
  });
});
