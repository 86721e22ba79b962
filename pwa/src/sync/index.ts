/**
 * The TypeScript sync core (twin of the Python package sync/, normative text sync/SPEC.md and
 * sync/SPEC-identity.md). Pure functions only; everything is tree-shakeable, import what you use.
 * forms.ts (owned separately) is imported directly, not re-exported here.
 */
export * from './core-errors';
export { SyncError } from './errors';
export * from './b64u';
export * from './canonical';
export * from './hashing';
export * from './signatures';
export * from './hlc';
export * from './states';
export * from './mutations';
export * from './merge';
export * from './receipt-code';
export * from './working-days';
export * from './identity';
export * from './text';
