/**
 * Which databases may hold unsigned legacy outbox rows (see outbox.ts sealLegacyDrafts). Finding
 * them means opening every pending row, which costs a decryption each now that the outbox is
 * encrypted; so a database is scanned once per page load and again only after an unsigned row was
 * created (the outbox `creating` hook in db.ts marks it: an old tab's code path).
 */
const clean = new WeakSet<object>();

export function legacyScanNeeded(d: object): boolean {
  return !clean.has(d);
}

export function markLegacyScanned(d: object): void {
  clean.add(d);
}

export function markLegacyDraftCreated(d: object): void {
  clean.delete(d);
}
