/**
 * Dossier state machine mirroring the national public-service portal (SPEC §ST), twin of
 * sync/states.py: pure data plus `transition`. CLOCK says which states run, pause or end the
 * legal deadline clock (used with working-days.ts).
 */
import { ActorNotAllowed, IllegalTransition, StateError } from './core-errors';

export const STATES = [
  'draft',
  'submitted',
  'received',
  'not_received',
  'processing',
  'supplement_requested',
  'done',
  'result_returned',
  'withdrawn',
  'stopped',
] as const;
export const ACTIONS = [
  'submit',
  'receive',
  'refuse',
  'start',
  'request_supplement',
  'supplement',
  'approve',
  'reject',
  'return_result',
  'withdraw',
  'stop',
] as const;
export const ACTORS = ['volunteer', 'officer', 'system'] as const;

export type State = (typeof STATES)[number];
export type Action = (typeof ACTIONS)[number];
export type Actor = (typeof ACTORS)[number];
export type Outcome = 'approved' | 'rejected';
export type ClockState = 'not_started' | 'running' | 'paused' | 'ended';

export const LABELS_VI: Readonly<Record<State, string>> = {
  draft: 'Bản nháp',
  submitted: 'Đã nộp, chờ tiếp nhận',
  received: 'Đã tiếp nhận',
  not_received: 'Không tiếp nhận',
  processing: 'Đang xử lý',
  supplement_requested: 'Yêu cầu bổ sung hồ sơ',
  done: 'Đã có kết quả',
  result_returned: 'Đã trả kết quả',
  withdrawn: 'Đã rút hồ sơ',
  stopped: 'Dừng xử lý',
};
export const LABELS_EN: Readonly<Record<State, string>> = {
  draft: 'Draft',
  submitted: 'Submitted, awaiting receipt',
  received: 'Received',
  not_received: 'Not received (refused at intake)',
  processing: 'Processing',
  supplement_requested: 'Supplement requested',
  done: 'Result ready',
  result_returned: 'Result returned',
  withdrawn: 'Withdrawn',
  stopped: 'Processing stopped',
};
export const ACTION_LABELS_VI: Readonly<Record<Action, string>> = {
  submit: 'nộp hồ sơ',
  receive: 'tiếp nhận',
  refuse: 'từ chối tiếp nhận',
  start: 'bắt đầu xử lý',
  request_supplement: 'yêu cầu bổ sung',
  supplement: 'bổ sung hồ sơ',
  approve: 'duyệt (có kết quả)',
  reject: 'từ chối giải quyết',
  return_result: 'trả kết quả',
  withdraw: 'rút hồ sơ',
  stop: 'dừng xử lý',
};

export interface TransitionRule {
  readonly sources: readonly State[];
  readonly target: State;
  readonly actors: readonly Actor[];
  readonly outcome: Outcome | null;
}

const rule = (sources: State[], target: State, actors: Actor[], outcome: Outcome | null = null): TransitionRule => ({
  sources,
  target,
  actors,
  outcome,
});

/** ST3. */
export const TRANSITIONS: Readonly<Record<Action, TransitionRule>> = {
  submit: rule(['draft'], 'submitted', ['volunteer']),
  receive: rule(['submitted'], 'received', ['officer']),
  refuse: rule(['submitted'], 'not_received', ['officer']),
  start: rule(['received'], 'processing', ['officer', 'system']),
  request_supplement: rule(['processing'], 'supplement_requested', ['officer']),
  supplement: rule(['supplement_requested'], 'processing', ['volunteer']),
  approve: rule(['processing'], 'done', ['officer'], 'approved'),
  reject: rule(['processing'], 'done', ['officer'], 'rejected'),
  return_result: rule(['done'], 'result_returned', ['volunteer', 'officer']),
  withdraw: rule(['draft', 'submitted', 'received', 'processing', 'supplement_requested'], 'withdrawn', ['volunteer']),
  stop: rule(['received', 'processing', 'supplement_requested'], 'stopped', ['officer']),
};

export const TERMINAL: ReadonlySet<State> = new Set<State>(['not_received', 'result_returned', 'withdrawn', 'stopped']);
export const CLOCK: Readonly<Record<State, ClockState>> = {
  draft: 'not_started',
  submitted: 'not_started',
  received: 'running',
  processing: 'running',
  supplement_requested: 'paused',
  not_received: 'ended',
  done: 'ended',
  result_returned: 'ended',
  withdrawn: 'ended',
  stopped: 'ended',
};

/** Result of a legal transition; `outcome` is set only by approve/reject. */
export interface Transition {
  readonly source: State;
  readonly action: Action;
  readonly target: State;
  readonly outcome: Outcome | null;
}

const oneOf = <T extends string>(list: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (list as readonly string[]).includes(value);

function asState(value: string): State {
  if (oneOf(STATES, value)) return value;
  throw new StateError(`Trạng thái không tồn tại / unknown state: ${JSON.stringify(value)}`, 'unknown_state');
}

export function isState(value: unknown): value is State {
  return oneOf(STATES, value);
}

export function isAction(value: unknown): value is Action {
  return oneOf(ACTIONS, value);
}

/** Actions legal from `state`, in ACTIONS order (for UI menus). Throws unknown_state. */
export function allowedActions(state: string): Action[] {
  const s = asState(state);
  return ACTIONS.filter((a) => TRANSITIONS[a].sources.includes(s));
}

/**
 * Apply `action` by `actor` to a dossier in `state` (ST5). Check order: unknown_state →
 * unknown_action → unknown_actor → illegal_transition (includes every action from a terminal
 * state) → actor_not_allowed.
 */
export function transition(state: string, action: string, actor: string): Transition {
  const s = asState(state);
  if (!oneOf(ACTIONS, action)) {
    throw new StateError(`Thao tác không tồn tại / unknown action: ${JSON.stringify(action)}`, 'unknown_action');
  }
  if (!oneOf(ACTORS, actor)) {
    throw new StateError(`Vai trò không tồn tại / unknown actor: ${JSON.stringify(actor)}`, 'unknown_actor');
  }
  const r = TRANSITIONS[action];
  if (!r.sources.includes(s)) {
    throw new IllegalTransition(
      `Không thể «${ACTION_LABELS_VI[action]}» khi hồ sơ ở trạng thái «${LABELS_VI[s]}» / ` +
        `action '${action}' is not allowed from state '${s}'`,
    );
  }
  if (!r.actors.includes(actor)) {
    throw new ActorNotAllowed(
      `Vai trò «${actor}» không được «${ACTION_LABELS_VI[action]}» / actor '${actor}' may not perform '${action}'`,
    );
  }
  return { source: s, action, target: r.target, outcome: r.outcome };
}

/** ST1's labels as message-catalogue entries `status.<state>` (the officer console's i18n). */
export function stateMessages(labels: Readonly<Record<State, string>>): { [K in State as `status.${K}`]: string } {
  return Object.fromEntries(STATES.map((s) => [`status.${s}`, labels[s]])) as { [K in State as `status.${K}`]: string };
}
