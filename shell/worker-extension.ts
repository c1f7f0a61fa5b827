// A module the engine worker loads beside the database, for apps that need code next to the
// engine (the demo builds its graph and drives a workload there). The module exports
// `attachWorkerExtension`; the UI thread calls its actions by name (WorkerBackend.action()).

import type { Database } from '../src/database.js';

export interface WorkerExtensionHost {
  readonly db: Database;
  /** A line for the console's scrollback (progress of a build, a workload toggled...). */
  note(text: string): void;
}

export interface WorkerExtension {
  /** Named actions the UI thread may call; each returns a line to show. */
  actions: Record<string, () => string | Promise<string>>;
  /** Stop everything the extension started, before the database closes. */
  close(): Promise<void>;
}

export type AttachWorkerExtension = (host: WorkerExtensionHost, options: unknown) => WorkerExtension | Promise<WorkerExtension>;
