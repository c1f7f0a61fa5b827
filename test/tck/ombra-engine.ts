// The TCK adapter for the ombra query engine — NOT WIRED YET.
//
// The TCK cli (cli.ts, worker.ts) gets its engine only from here. Until the executor's
// author replaces this file with an adapter over the real engine, openDatabase() fails with
// OmbraError INTERNAL, so every case fails and says why; nothing pretends to pass.
//
// The adapter to write: openDatabase() opens a fresh, empty ombra database (e.g. in a temp
// directory); execute() runs the query with the parameters, materialises the rows
// (src/cypher/runtime/values.ts materialize) and returns them with the statement's
// QueryStats; errors propagate as the ombra errors the engine raised; close() closes the
// database and removes its files.

import { OmbraError } from '../../src/errors.js';
import type { TckDatabase, TckEngine } from './engine.js';

export function createOmbraTckEngine(): TckEngine {
  return {
    name: 'ombra (not wired)',
    openDatabase(): Promise<TckDatabase> {
      return Promise.reject(
        new OmbraError('INTERNAL', 'the ombra query engine is not wired to the TCK yet', {
          adapter: 'test/tck/ombra-engine.ts',
        }),
      );
    },
  };
}
