// Global IndexedDB for code that uses the default database; tests that need isolation pass their
// own IDBFactory (see tests/store-harness.ts).
import 'fake-indexeddb/auto';
