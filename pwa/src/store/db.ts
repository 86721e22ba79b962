import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import { ENCRYPTED_FROM_VERSION, encryptionMiddleware } from './encrypted';
import { markLegacyDraftCreated } from './legacy-drafts';
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

type Durability = NonNullable<DexieOptions['chromeTransactionDurability']>;

/**
 * The local store. Everything the UI shows comes from here; only the sync loop talks to the network.
 *
 * Durability: transactions of this instance commit with 'strict' durability (a committed outbox
 * write has reached disk before the UI says "saved"; Chrome's default 'relaxed' can lose the last
 * writes on power loss). Data that is only a copy of the server's — pulled pages and the pull
 * cursor — is written through `relaxed()`, a second connection to the same database with the same
 * schema history whose commits do not wait for the disk flush (docs/benchmarks.md, "Village load
 * and search (PWA)"). A page and its cursor still commit in one transaction, so a crash after a
 * relaxed commit loses at most pages that the next sync pulls again.
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

  /** This connection's commit durability. */
  readonly durability: Durability;
  private readonly dexieOptions: DexieOptions;
  private readonly versions: readonly SchemaVersion[];
  private relaxedTwin: LangsoDB | undefined;

  /**
   * @param versions schema history to declare; defaults to all of it. Tests pass a prefix to
   *   create databases "as an older app version would have".
   */
  constructor(name: string = DB_NAME, options: DexieOptions = {}, versions: readonly SchemaVersion[] = SCHEMA_HISTORY) {
    const merged: DexieOptions = { chromeTransactionDurability: 'strict', ...options };
    super(name, merged);
    this.durability = merged.chromeTransactionDurability ?? 'strict';
    this.dexieOptions = merged;
    this.versions = versions;
    for (const v of versions) {
      const declared = this.version(v.version).stores(v.stores);
      if (v.upgrade) declared.upgrade(v.upgrade);
    }
    // Personal tables are sealed at rest (src/store/encrypted.ts) from schema v4 on; a database
    // declared with an older history stands for an app version that stored them in clear.
    if (versions.some((v) => v.version >= ENCRYPTED_FROM_VERSION)) this.use(encryptionMiddleware);
    // Every row added to the outbox is unsynced until the server acknowledges it — also the unsigned
    // drafts written by older code paths — so pendingSummary and the logout guard always see it.
    this.outbox.hook('creating', (_key, row) => {
      if (row.state === undefined) row.state = 'pending';
      if (row.payload === undefined) markLegacyDraftCreated(this);
    });
  }

  /**
   * The same database (same name, IndexedDB factory and schema history) through a second
   * connection with relaxed commit durability, created on first use and closed with this one.
   *
   * ONLY for writes the server can replay: applying pull pages together with their cursor. Never
   * for the outbox, drafts, keys or anything else that exists only on this device.
   *
   * A `versionchange` on the second connection (another tab upgrading the schema) is handed to
   * this instance's `versionchange` listeners, so whatever closes this one closes both and the
   * upgrade is never blocked by the twin.
   */
  relaxed(): LangsoDB {
    if (this.durability === 'relaxed') return this;
    if (!this.relaxedTwin) {
      const twin = new LangsoDB(this.name, { ...this.dexieOptions, chromeTransactionDurability: 'relaxed' }, this.versions);
      twin.on('versionchange', (ev) => {
        this.on('versionchange').fire(ev);
        // Listeners normally closed us along with this instance; if none did, this connection
        // must still not hold the upgrade up (Dexie's own default for a versionchange).
        if (twin.isOpen()) twin.close({ disableAutoOpen: false });
        return false;
      });
      this.relaxedTwin = twin;
    }
    return this.relaxedTwin;
  }

  /** Closes the relaxed twin too (same options), so no connection of this app outlives the other. */
  override close(closeOptions?: { disableAutoOpen: boolean }): void {
    this.relaxedTwin?.close(closeOptions);
    super.close(closeOptions);
  }
}

let instance: LangsoDB | undefined;

/**
 * The app-wide database. When a newer tab upgrades the schema, both connections (strict and
 * relaxed) close and the app asks for a reload, once.
 */
export function db(): LangsoDB {
  if (!instance) {
    const d = new LangsoDB();
    let announced = false;
    d.on('versionchange', () => {
      d.close();
      if (!announced) {
        announced = true;
        window.dispatchEvent(new CustomEvent('langso:db-outdated'));
      }
      return false;
    });
    instance = d;
    // Rows as the app sees them (opened while unlocked; VaultLocked otherwise), for the end-to-end
    // tests that inspect the device's store: the raw IndexedDB holds only ciphertext now. Exposes
    // nothing the unlocked app does not show anyway.
    (globalThis as Record<string, unknown>)['__langsoRows'] = (table: string): Promise<unknown[]> => d.table(table).toArray();
  }
  return instance;
}

/** Replace the app-wide database (tests only). */
export function setDbForTests(next: LangsoDB | undefined): void {
  instance = next;
}
