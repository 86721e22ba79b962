// @vitest-environment node
/** Runs sync/vectors/states.json (shared with the Python core) against src/sync/states.ts. */
import { describe, expect, it } from 'vitest';
import { StateError } from '../src/sync/core-errors';
import { ACTIONS, allowedActions, CLOCK, LABELS_EN, LABELS_VI, STATES, TERMINAL, transition, type State } from '../src/sync/states';
import { expectCode, loadVectors, type VectorCase } from './vectors';

interface Case extends VectorCase {
  op: 'transition' | 'describe';
  state: string;
  action?: string;
  actor?: string;
  expected?: unknown;
}

const { cases } = loadVectors<Case>('states');

describe('state vectors', () => {
  it.each(cases)('$id $comment', async (c) => {
    if (c.op === 'describe') {
      const s = c.state as State;
      expect({
        label_vi: LABELS_VI[s],
        label_en: LABELS_EN[s],
        terminal: TERMINAL.has(s),
        clock: CLOCK[s],
        actions: allowedActions(s),
      }).toEqual(c.expected);
    } else if (c.error !== undefined) {
      await expectCode(() => transition(c.state, c.action!, c.actor!), c.error);
      expect(() => transition(c.state, c.action!, c.actor!)).toThrow(StateError);
    } else {
      const t = transition(c.state, c.action!, c.actor!);
      expect({ state: t.target, outcome: t.outcome }).toEqual(c.expected);
    }
  });

  it('covers every state × action pair', () => {
    const pairs = new Set(cases.filter((c) => c.rule === 'ST3').map((c) => `${c.state}/${c.action}`));
    expect(pairs).toEqual(new Set(STATES.flatMap((s) => ACTIONS.map((a) => `${s}/${a}`))));
  });

  it('names the state in Vietnamese first in an illegal-transition message', () => {
    expect(() => transition('withdrawn', 'submit', 'volunteer')).toThrow(/^Không thể «nộp hồ sơ» khi hồ sơ ở trạng thái «Đã rút hồ sơ» \/ /);
  });
});
