/**
 * Versioned IndexedDB schema of the "langso" database (Dexie syntax: first entry = primary key,
 * `++` = auto-increment, `[a+b]` = compound key, the rest are secondary indexes; non-indexed
 * properties are stored but not listed).
 *
 * Rules for changing it:
 *  - NEVER edit a published version's `stores`; append a new entry with version n+1 that lists only
 *    the tables that change (Dexie carries the others over) and an `upgrade` that migrates rows.
 *  - Every new version gets a test in tests/store-upgrade.test.ts (one `upgradeFrom(...)` call).
 *  - An upgrade must never drop the outbox: pending mutations are the only copy of volunteer work.
 */
import type { Transaction } from 'dexie';

export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

export const DB_NAME = 'langso';

export const SCHEMA_HISTORY: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      /** key/value settings: session, device_id, cursor, language (see META_KEYS). */
      meta: 'key',
      /** Villages of the user's commune that the sync loop has pulled. */
      villages: 'id, commune_id',
      /** Households; search_key covers head name, address and member names. */
      households: 'id, village_id, search_key',
      /** Household members; search_key = searchKey(full_name). */
      members: 'id, household_id, search_key',
      /** Procedure catalogue entries, one row per (code, version). */
      procedures: '[code+version], code',
      /** Dossiers drafted or synced on this device. */
      dossiers: 'id, household_id, status, sync_state, updated_at',
      /** Pending mutations in send order; written with strict durability (see db.ts). */
      outbox: '++seq, entity_id',
      /** Content-addressed attachments (photos of papers), with upload state. */
      blobs: 'sha256, state',
      /** Server acknowledgements of submitted mutations / dossiers. */
      receipts: 'id, dossier_id',
      /** Local-vs-server conflicts that need a human decision. */
      conflicts: 'id, entity_id',
    },
  },
  {
    version: 2,
    stores: {
      /**
       * Signed mutations (src/store/outbox.ts). `state` = pending | done | conflict | rejected;
       * only pending rows are sent. Acknowledged rows stay (with the server's result) as the
       * device's record of what it sent.
       */
      outbox: '++seq, entity_id, state',
      /** Supplement requests and other server tasks pulled for this volunteer. */
      tasks: 'id, dossier_id, status',
      /** Signed results of dossiers (pull entity `result`). */
      results: 'id, dossier_id',
      /** Conflicts by status, for the conflict inbox. */
      conflicts: 'id, entity_id, status',
    },
    // v1 outbox rows had no state: every one of them is still unsent.
    upgrade: async (tx) => {
      await tx.table('outbox').toCollection().modify((row: { state?: string }) => {
        if (row.state === undefined) row.state = 'pending';
      });
      await tx.table('conflicts').toCollection().modify((row: { status?: string }) => {
        if (row.status === undefined) row.status = 'open';
      });
    },
  },
  {
    version: 3,
    stores: {
      /** Dossier wizard working state, one row per dossier (src/features/dossier/types.ts). */
      dossier_drafts: 'dossier_id, household_id, updated_at',
      /** Satisfaction ratings recorded on this device (also queued as `rating` mutations). */
      dossier_ratings: 'id, dossier_id',
    },
  },
  {
    version: 4,
    stores: {
      /**
       * Personal tables are encrypted at rest from v4 (src/store/encrypted.ts): only keys and the
       * indexes below stay in clear, so the name-derived `search_key` indexes go; search runs on
       * an in-memory index built after unlock (src/store/search-index.ts).
       */
      households: 'id, village_id',
      members: 'id, household_id',
    },
    // Rows are sealed at the first unlock after the update (sealExisting): the key is not known
    // here. Nothing to rewrite yet; the drop of the search_key indexes is Dexie's.
  },
];

export const CURRENT_VERSION: number = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]!.version;
