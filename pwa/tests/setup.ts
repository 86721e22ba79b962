// Global IndexedDB for code that uses the default database; tests that need isolation pass their
// own IDBFactory (see tests/store-harness.ts).
import 'fake-indexeddb/auto';
import { beforeEach } from 'vitest';
import { newDataKey, setDataKey, vaultOpen } from '../src/store/vault';
// Tests run unlocked (a data key in memory) unless they lock on purpose: personal tables are
// encrypted at rest (src/store/encrypted.ts) and refuse reads and writes while locked.
setDataKey(newDataKey());

beforeEach(() => {
  if (!vaultOpen()) setDataKey(newDataKey());
});
