// The in-process ConsoleBackend: the database and the ShellSession run on the caller's
// thread. The line shell uses it (there is no dashboard to keep drawing, and a sink that
// returns a promise — stdout's 'drain' — reaches the engine as backpressure, session.ts SS4),
// and so do tests. The dashboard uses the worker backend instead (worker-backend.ts).

import type { Database } from '../src/database.js';
import type { MetricsSnapshot } from '../src/observe/snapshot.js';
import type { Completion, ConsoleBackend, RunOutcome } from './protocol.js';
import { ShellSession, type EventSink, type ShellSessionOptions } from './session.js';

export interface LocalBackendOptions extends Omit<ShellSessionOptions, 'db'> {
  /** Close the database with the backend (default true: the backend owns it). */
  closeDatabase?: boolean;
}

export class LocalBackend implements ConsoleBackend {
  readonly session: ShellSession;
  private closing: Promise<void> | null = null;

  constructor(
    readonly db: Database,
    private readonly options: LocalBackendOptions = {},
  ) {
    this.session = new ShellSession({ ...options, db });
  }

  /** Run one unit; a sink that returns a promise is awaited before more rows are pulled. */
  run(input: string, onEvent: EventSink): Promise<RunOutcome> {
    return this.session.run(input, onEvent);
  }

  cancel(): void {
    this.session.cancel();
  }

  async complete(line: string, cursor: number): Promise<Completion> {
    return this.session.complete(line, cursor);
  }

  async metrics(): Promise<MetricsSnapshot> {
    return this.db.metrics();
  }

  /** Roll back an open transaction, then close the database (when owned). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.session.close();
      } finally {
        if (this.options.closeDatabase ?? true) await this.db.close();
      }
    })();
    return this.closing;
  }
}
