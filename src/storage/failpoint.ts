// Failpoints: named hooks at every durability barrier (CONVENTIONS.md §4, after bbolt's gofail).
// In production no failpoint is armed and `failpoint(name)` is one Map size check.
// A test arms one to crash or fail at that exact step:
//
//   armFailpoint('wal.beforeCommitSync', () => { throw new SimulatedCrash('wal.beforeCommitSync'); });
//
// Names are `<module>.<step>`; every name used in the code is listed where it is called.

type FailpointAction = (name: string) => void;

const armed = new Map<string, FailpointAction>();
const hits = new Map<string, number>();
let counting = false;

/** Run the action armed at `name`, if any. */
export function failpoint(name: string): void {
  if (counting) hits.set(name, (hits.get(name) ?? 0) + 1);
  if (armed.size === 0) return;
  const action = armed.get(name);
  if (action) action(name);
}

export function armFailpoint(name: string, action: FailpointAction): void {
  armed.set(name, action);
}

export function disarmFailpoint(name: string): void {
  armed.delete(name);
}

export function disarmAllFailpoints(): void {
  armed.clear();
}

/** Start recording which failpoints are passed (tests use it to enumerate the barriers of an operation). */
export function recordFailpoints(): void {
  hits.clear();
  counting = true;
}

/** Stop recording and return the names passed, with counts. */
export function recordedFailpoints(): Map<string, number> {
  counting = false;
  return new Map(hits);
}

/** Thrown by a test's failpoint action to stop the process "here" (simulated crash). */
export class SimulatedCrash extends Error {
  constructor(readonly at: string) {
    super(`simulated crash at ${at}`);
    this.name = 'SimulatedCrash';
  }
}

/** The SimulatedCrash behind `error`, following `cause` links (a crash may surface wrapped). */
export function simulatedCrashIn(error: unknown): SimulatedCrash | null {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof SimulatedCrash) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
