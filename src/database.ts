// The facade: one open database — its pager, graph store, query engine, jobs, metrics and
// guards — behind the API applications and the console use.
//
//   const db = Database.open('/data/social.db', { cacheSizePages: 20_000 });
//   ...
//   await db.close();
//
// ':memory:' opens a database that lives in memory only (tests, the TCK, scratch work).

import { resolveConfig, validateOption, CONFIG_SPEC, type CheckpointMode, type OmbraConfig } from './config.js';
import { ConfigError, StorageError } from './errors.js';
import { JobRegistry } from './ops/job.js';
import type { CheckpointReport } from './storage/checkpoint.js';
import { RealFileSystem } from './storage/fs-real.js';
import { SimulatedFileSystem } from './storage/fs-sim.js';
import { Pager, type PagerHooks } from './storage/pager.js';
import type { FileSystem } from './storage/types.js';

export const MEMORY_PATH = ':memory:';

export interface OpenOptions extends Partial<OmbraConfig> {
  /** The file system to use (tests pass a SimulatedFileSystem). Default: the real one. */
  fs?: FileSystem;
  /** Take `<db>-lock` (default true unless read-only). */
  lock?: boolean;
  /** Create the database when it does not exist (default true unless read-only). */
  create?: boolean;
  /** Extra storage hooks (tests); the database's own metrics hooks always run. */
  hooks?: PagerHooks;
}

export class Database {
  readonly jobs = new JobRegistry();
  private closing: Promise<void> | null = null;

  private constructor(
    readonly path: string,
    readonly fs: FileSystem,
    readonly pager: Pager,
    private readonly settings: OmbraConfig,
  ) {}

  /**
   * Open (or create) a database. Cost: recovery reads the WAL once. Throws LockedError when
   * another process writes it, CorruptionError / NOT_A_DATABASE when it cannot be used,
   * ConfigError for a bad option (each names the key and the allowed range).
   */
  static open(path: string, options: OpenOptions = {}): Database {
    const { fs: givenFs, lock, create, hooks, ...overrides } = options;
    const config = resolveConfig(overrides, 'open options');
    let fs = givenFs;
    let filePath = path;
    if (path === MEMORY_PATH) {
      fs = fs ?? memoryFileSystem();
      filePath = '/memory/db';
    }
    fs = fs ?? new RealFileSystem();
    const pager = Pager.open({ fs, path: filePath, config, hooks, lock: path === MEMORY_PATH ? false : lock, create });
    return new Database(path, fs, pager, config);
  }

  /** The effective configuration (a copy). */
  get config(): OmbraConfig {
    return { ...this.settings };
  }

  /**
   * Change settings on the running database (console `:set`). Only options marked live in
   * config.ts may change; others throw CONFIG_INVALID naming the key.
   */
  configure(changes: Partial<OmbraConfig>): void {
    const validated: Partial<OmbraConfig> = {};
    for (const [key, value] of Object.entries(changes)) {
      const spec = (CONFIG_SPEC as Record<string, { live: boolean }>)[key];
      if (spec === undefined) validateOption(key as keyof OmbraConfig, value, 'configure');
      if (!spec!.live) {
        throw new ConfigError('CONFIG_INVALID', `'${key}' cannot be changed while the database is open (it is fixed at open)`, { key });
      }
      (validated as Record<string, unknown>)[key] = validateOption(key as keyof OmbraConfig, value, 'configure');
    }
    Object.assign(this.settings, validated);
    this.pager.configure(validated);
  }

  /** Checkpoint as a job (shows in the Jobs panel and `:jobs`). */
  checkpoint(mode: CheckpointMode = 'passive'): Promise<CheckpointReport> {
    this.assertOpen();
    return this.jobs.run({
      kind: 'checkpoint',
      description: `checkpoint (${mode})`,
      body: async (ctx) => {
        ctx.progress({ phase: `copying the WAL into the database (${mode})` });
        const report = await this.pager.checkpoint(mode);
        ctx.progress({ phase: 'done', done: report.pagesCopied, total: report.pagesCopied });
        return report;
      },
    });
  }

  get isClosed(): boolean {
    return this.pager.isClosed;
  }

  /**
   * Close: cancel running jobs and wait for them, wait for pending commits, checkpoint,
   * release the lock. Idempotent; concurrent calls share one close.
   */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        this.jobs.cancel();
        await this.jobs.idle();
        await this.pager.close();
      })();
    }
    return this.closing;
  }

  private assertOpen(): void {
    if (this.pager.isClosed || this.closing !== null) {
      throw new StorageError('DATABASE_CLOSED', `${this.path} is closed`, { file: this.path });
    }
  }
}

/** A file system in memory for ':memory:' databases: durable until the process ends. */
function memoryFileSystem(): FileSystem {
  const fs = new SimulatedFileSystem();
  fs.mkdir('/memory');
  return fs;
}
