/**
 * Typed errors of the TypeScript sync core, twin of sync/errors.py. Callers branch on `code`
 * (stable, may carry a `:detail` suffix), never on the message.
 */
export class SyncError extends Error {
  readonly code: string;

  constructor(message: string, code = 'sync_error') {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }

  /** The code without its `:<detail>` suffix. */
  get kind(): string {
    return this.code.split(':', 1)[0]!;
  }
}
