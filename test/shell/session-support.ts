// Helpers for the console session tests: an in-memory database, a session, and runs that
// collect their events.
import { Database } from '../../src/database.js';
import type { OutputEvent, RunOutcome } from '../../shell/protocol.js';
import { ShellSession, type ShellSessionOptions } from '../../shell/session.js';

export interface Collected {
  outcome: RunOutcome;
  events: OutputEvent[];
  /** Every rows event's cells, concatenated. */
  cells: string[][];
  json: string[];
  csv: string[];
  errors: Extract<OutputEvent, { kind: 'error' }>[];
  texts: string[];
  reports: Extract<OutputEvent, { kind: 'report' }>[];
  end: Extract<OutputEvent, { kind: 'end' }> | undefined;
}

export function memoryDb(): Database {
  return Database.open(':memory:', { logLevel: 'silent', checkpointIntervalMs: 0 });
}

export function newSession(options: Partial<ShellSessionOptions> = {}): ShellSession {
  return new ShellSession({ db: options.db ?? memoryDb(), timing: false, ...options });
}

export async function collect(session: ShellSession, input: string): Promise<Collected> {
  const events: OutputEvent[] = [];
  const outcome = await session.run(input, (event) => {
    events.push(event);
  });
  return summarize(events, outcome);
}

export function summarize(events: OutputEvent[], outcome: RunOutcome): Collected {
  const rows = events.filter((e): e is Extract<OutputEvent, { kind: 'rows' }> => e.kind === 'rows');
  return {
    outcome,
    events,
    cells: rows.flatMap((e) => e.cells),
    json: rows.flatMap((e) => e.json ?? []),
    csv: rows.flatMap((e) => e.csv ?? []),
    errors: events.filter((e): e is Extract<OutputEvent, { kind: 'error' }> => e.kind === 'error'),
    texts: events.filter((e): e is Extract<OutputEvent, { kind: 'text' }> => e.kind === 'text').map((e) => e.text),
    reports: events.filter((e): e is Extract<OutputEvent, { kind: 'report' }> => e.kind === 'report'),
    end: events.find((e): e is Extract<OutputEvent, { kind: 'end' }> => e.kind === 'end'),
  };
}
