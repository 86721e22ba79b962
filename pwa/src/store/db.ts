import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import { DB_NAME, SCHEMA_HISTORY, type SchemaVersion } from './schema';
import type {
  BlobRow,
  ConflictRow,
  DossierRow,
  HouseholdRow,
  MemberRow,
  MetaRow,
  OutboxRow,
  ProcedureRow,
  ReceiptRow,
  ResultRow,
  TaskRow,
  VillageRow,
} from './types';

/**
 * The local store. Everything the UI shows comes from here; only the sync loop talks to the network.
 */
export class LangsoDB extends Dexie {
  meta!: EntityTable<MetaRow, 'key'>;
  villages!: EntityTable<VillageRow, 'id'>;
  households!: EntityTable<HouseholdRow, 'id'>;
  members!: EntityTable<MemberRow, 'id'>;
  procedures!: Dexie.Table<ProcedureRow, [string, number]>;
  dossiers!: EntityTable<DossierRow, 'id'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  blobs!: EntityTable<BlobRow, 'sha256'>;
  receipts!: EntityTable<ReceiptRow, 'id'>;
  conflicts!: EntityTable<ConflictRow, 'id'>;
  tasks!: EntityTable<TaskRow, 'id'>;
  results!: EntityTable<ResultRow, 'id'>;

  /**
   * @param versions schema history to declare; defaults to all of it. Tests pass a prefix to
   *   create databases "as an older app version would have".
   */
  constructor(name: string = DB_NAME, options: DexieOptions = {}, versions: readonly SchemaVersion[] = SCHEMA_HISTORY) {
    // 'strict' durability: a committed outbox write has reached disk before the UI says "saved"
    // (Chrome defaults to 'relaxed', which can lose the last writes on power loss). Applied to the
    // whole DB: writes are small and user-paced, and bulk sync pulls use few large transactions.
    super(name, { chromeTransactionDurability: 'strict', ...options });
    for (const v of versions) {
      const declared = this.version(v.version).stores(v.stores);
      if (v.upgrade) declared.upgrade(v.upgrade);
    }
    // Every row added to the outbox is unsynced until the server acknowledges it — also the unsigned
    // drafts written by older code paths — so pendingSummary and the logout guard always see it.
    this.outbox.hook('creating', (_key, row) => {
      if (row.state === undefined) row.state = 'pending';
    });
  }
}

let instance: LangsoDB | undefined;

/** The app-wide database. When a newer tab upgrades the schema, this one closes and asks for a reload. */
export function db(): LangsoDB {
  if (!instance) {
    instance = new LangsoDB();
    instance.on('versionchange', () => {
      instance?.close();
      window.dispatchEvent(new CustomEvent('langso:db-outdated'));
      return false;
    });
  }
  return instance;
}

/** Replace the app-wide database (tests only). */
export function setDbForTests(next: LangsoDB | undefined): void {
  instance = next;
}
