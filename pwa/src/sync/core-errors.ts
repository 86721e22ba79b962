/**
 * Error classes of the TypeScript sync core, twin of the hierarchy in sync/errors.py (SPEC §ERR).
 * All derive from SyncError (errors.ts); callers branch on `code`, never on the message.
 * Messages are Vietnamese first, then English, separated by " / ".
 */
import { SyncError } from './errors';

/** JSON is not acceptable under the RFC 8785 profile (SPEC §CAN). */
export class CanonicalError extends SyncError {
  constructor(message: string, code = 'not_canonical') {
    super(message, code);
  }
}

/** Base of signature errors (SPEC §SIG). */
export class SignatureError extends SyncError {
  constructor(message: string, code = 'bad_signature') {
    super(message, code);
  }
}
export class SignatureInvalid extends SignatureError {
  constructor(message: string) {
    super(message, 'bad_signature');
  }
}
export class MalformedKey extends SignatureError {
  constructor(message: string) {
    super(message, 'bad_key');
  }
}
export class UnsupportedAlgorithm extends SignatureError {
  constructor(message: string) {
    super(message, 'bad_alg');
  }
}

/** Malformed hybrid logical clock string or argument (SPEC §HLC). */
export class HlcError extends SyncError {
  constructor(message: string, code = 'bad_hlc') {
    super(message, code);
  }
}
export class ClockDrift extends HlcError {
  constructor(message: string) {
    super(message, 'clock_drift');
  }
}

/** A mutation payload violates the envelope rules (SPEC §MUT). */
export class MutationInvalid extends SyncError {
  constructor(message: string, code = 'bad_payload') {
    super(message, code);
  }
}

/** Merge inputs are unusable (SPEC §MRG). */
export class MergeError extends SyncError {
  constructor(message: string, code = 'bad_merge_input') {
    super(message, code);
  }
}
export class ConflictStale extends MergeError {
  constructor(message: string) {
    super(message, 'conflict_stale');
  }
}

/** Dossier state machine errors (SPEC §ST). */
export class StateError extends SyncError {
  constructor(message: string, code = 'illegal_transition') {
    super(message, code);
  }
}
export class IllegalTransition extends StateError {
  constructor(message: string) {
    super(message, 'illegal_transition');
  }
}
export class ActorNotAllowed extends StateError {
  constructor(message: string) {
    super(message, 'actor_not_allowed');
  }
}

export class ReceiptCodeInvalid extends SyncError {
  constructor(message: string, code = 'bad_receipt_code') {
    super(message, code);
  }
}

export class WorkingDaysError extends SyncError {
  constructor(message: string, code = 'bad_working_days_input') {
    super(message, code);
  }
}

/** An identity function got an argument outside its domain: a caller bug, not bad data. */
export class IdentityError extends SyncError {
  constructor(message: string, code: string) {
    super(message, code);
  }
}
