// Per-database caches shared by every GraphReader / GraphWriter of one open database:
// catalog names (catalog.ts CatalogCache) and index definitions (IndexSchema).
//
// Correctness under rollback (see catalog.ts CACHE): read transactions publish into these
// caches, because a read snapshot is always a committed state. Write transactions keep what
// they load or create in per-transaction views; once one has committed, committed() adds its
// catalog names (a commit is committed state as well).
//
// The schema cache is keyed by COUNTER.SCHEMA_VERSION, which every index create and drop
// bumps. Along the committed history each version is committed once, and a writer starts at
// the newest commit, so a writer whose version equals the cached one has not changed the
// schema and may use the cached definitions.
//
// A failed WAL sync rewinds the pager to its last durable commit (pager.ts R4) and bumps its
// epoch: commits the caches may have seen can be gone. attach() notices a new epoch on a
// transaction and starts from empty caches.

import { COUNTER } from '../storage/meta.js';
import type { PageStore } from '../storage/types.js';
import { CatalogCache, publishCommitted, type CatalogView, type IndexDefinition } from './catalog.js';

const NO_DEFINITIONS: readonly IndexDefinition[] = Object.freeze([]);

/** The index definitions visible to one transaction, with lookups by name and label. */
export class IndexSchema {
  readonly byName = new Map<string, IndexDefinition>();
  private readonly byLabel = new Map<number, IndexDefinition[]>();

  constructor(readonly definitions: readonly IndexDefinition[]) {
    for (const def of definitions) {
      this.byName.set(def.name, def);
      const list = this.byLabel.get(def.labelId);
      if (list === undefined) this.byLabel.set(def.labelId, [def]);
      else list.push(def);
    }
  }

  /** Definitions on a label (empty array when none). Cost: a Map lookup. */
  forLabel(labelId: number): readonly IndexDefinition[] {
    return this.byLabel.get(labelId) ?? NO_DEFINITIONS;
  }

  /** The index on (label, key), if any. */
  find(labelId: number, keyId: number): IndexDefinition | undefined {
    const list = this.byLabel.get(labelId);
    if (list === undefined) return undefined;
    for (const def of list) if (def.keyId === keyId) return def;
    return undefined;
  }

  get isEmpty(): boolean {
    return this.definitions.length === 0;
  }
}

/** Caches of one open database; create one per open database and pass it to every reader. */
export class GraphShared {
  /** Replaced (not cleared) on a rewind, so views made before keep a consistent object. */
  catalog = new CatalogCache();
  private schema: { version: bigint; schema: IndexSchema } | null = null;
  private epoch: number | undefined;

  /** Called by each reader and writer on construction. Cost: a property read. */
  attach(store: PageStore): void {
    const epoch = (store as { epoch?: unknown }).epoch;
    if (typeof epoch !== 'number' || epoch === this.epoch) return;
    if (this.epoch !== undefined) this.invalidate();
    this.epoch = epoch;
  }

  /**
   * Call after the write transaction `store` has committed (returned from commit, or
   * commitAsync resolved): the catalog names it loaded or created join the cache. Nothing
   * when a rewind happened since it began (its epoch is not the cache's). Cost: a WeakMap lookup.
   */
  committed(store: PageStore): void {
    if ((store as { epoch?: unknown }).epoch !== this.epoch) return;
    publishCommitted(store, this.catalog);
  }

  /** Forget everything cached (after a rewind, a restore, or any out-of-band change of the file). */
  invalidate(): void {
    this.catalog = new CatalogCache();
    this.schema = null;
  }

  /** Index definitions of a transaction: cached when its schema version is the cached one, else loaded. */
  schemaFor(store: PageStore, catalog: CatalogView): IndexSchema {
    const version = store.getCounter(COUNTER.SCHEMA_VERSION);
    const cached = this.schema;
    if (cached !== null && cached.version === version) return cached.schema;
    const schema = new IndexSchema(catalog.loadIndexDefinitions());
    if (!store.writable && (cached === null || version > cached.version)) this.schema = { version, schema };
    return schema;
  }
}
