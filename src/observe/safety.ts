// Write guards: the checks every write (and every maintenance operation) passes before it
// touches storage — read-only, shutting down, maintenance mode, the I/O circuit breaker.
//
// CIRCUIT BREAKER. Each I/O error the pager reports (PagerHooks.onIoError) counts as a
// failure; a durable commit resets the count while the breaker is closed. After
// circuitBreakerThreshold consecutive failures the breaker opens: writes are refused with
// CIRCUIT_OPEN (reads go on) until an operator resets it (`db.resetCircuitBreaker()`),
// because a disk that keeps failing needs a person to look, not a retry storm.
//
// Invariants:
//  (G1) Once open, the breaker stays open until reset(); no success can close it (no write
//       is allowed to succeed while it is open).
//  (G2) assertWritable checks, in order: shutting down (SHUTTING_DOWN), read-only
//       (READ_ONLY), maintenance mode for data writes (MAINTENANCE_MODE), breaker open
//       (CIRCUIT_OPEN). Maintenance operations (checkpoint, compact, repair) pass
//       maintenance mode: that is what the mode is for.

import { SafetyError, StorageError, type OmbraError } from '../errors.js';

export type WriteKind = 'data' | 'maintenance';

export class CircuitBreaker {
  consecutiveFailures = 0;
  open = false;
  openedAtMs: number | null = null;
  lastError: string | null = null;

  constructor(public threshold: number) {}

  /** Count one I/O failure; returns true when this failure opened the breaker. */
  recordFailure(error: OmbraError, nowMs: number = Date.now()): boolean {
    this.consecutiveFailures++;
    this.lastError = `${error.code}: ${error.message}`;
    if (this.open || this.consecutiveFailures < this.threshold) return false;
    this.open = true;
    this.openedAtMs = nowMs;
    return true;
  }

  /** A successful durable write: the failures were not consecutive after all (G1: only while closed). */
  recordSuccess(): void {
    if (!this.open) this.consecutiveFailures = 0;
  }

  reset(): void {
    this.open = false;
    this.openedAtMs = null;
    this.consecutiveFailures = 0;
    this.lastError = null;
  }
}

export class WriteGuard {
  maintenanceMode = false;
  shuttingDown = false;

  constructor(readonly breaker: CircuitBreaker) {}

  /** Throw the reason a write of this kind cannot start now (G2), or return. Cost: four compares. */
  assertWritable(kind: WriteKind, target: { path: string; readOnly: boolean }): void {
    if (this.shuttingDown) {
      throw new SafetyError('SHUTTING_DOWN', `${target.path} is shutting down: no new work is accepted`, { file: target.path });
    }
    if (target.readOnly) throw new StorageError('READ_ONLY', `${target.path} is open read-only`, { file: target.path });
    if (kind === 'data' && this.maintenanceMode) {
      throw new SafetyError('MAINTENANCE_MODE', `${target.path} is in maintenance mode: writes are refused until it is turned off`, { file: target.path });
    }
    if (this.breaker.open) {
      throw new SafetyError(
        'CIRCUIT_OPEN',
        `writes to ${target.path} are refused: the I/O circuit breaker opened after ${this.breaker.consecutiveFailures} consecutive I/O failures` +
          `${this.breaker.lastError ? ` (last: ${this.breaker.lastError})` : ''}; fix the storage, then reset it`,
        { file: target.path, consecutiveFailures: this.breaker.consecutiveFailures, threshold: this.breaker.threshold },
      );
    }
  }
}
