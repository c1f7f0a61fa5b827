// The TCK adapter for the ombra query engine: every scenario runs on a fresh in-memory
// database (Database.open(':memory:')), through the public query API (db.query).
//
//  - Parameters: TCK cells are already runtime values (INTEGER bigint, FLOAT number). The
//    public API reads an integral JS number as an INTEGER, so FLOATs are wrapped in
//    FloatValue (float()) to stay FLOATs.
//  - Results: db.query materialises rows (entities with labels and properties), which is
//    what the TCK compares; stats are the statement's QueryStats.
//  - Procedures (`And there exists a procedure name(in :: T?) :: (out :: T?):` + table): a
//    procedure whose rows are the table's rows whose input columns equal the arguments.

import { Database } from '../../src/database.js';
import { OmbraError } from '../../src/errors.js';
import { float } from '../../src/graph/value.js';
import type { ProcedureDefinition, ProcedureField } from '../../src/cypher/binder/procedures.js';
import { equals } from '../../src/cypher/runtime/compare.js';
import { isValueMap, type Value } from '../../src/cypher/runtime/values.js';
import type { TckDatabase, TckEngine, TckResult } from './engine.js';
import { parseTckValue, toParameterValue } from './tck-values.js';

/** FLOATs as FloatValue, everything else as is (lists and maps recursively). */
function toApiParameter(value: Value): unknown {
  if (typeof value === 'number') return float(value);
  if (Array.isArray(value)) return value.map(toApiParameter);
  if (isValueMap(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toApiParameter(value[key]!);
    return out;
  }
  return value;
}

const FIELD = /^\s*(\w+)\s*::\s*(\w+)(\?)?\s*$/;
const SIGNATURE = /^([\w.]+)\s*\(([^)]*)\)\s*::\s*\(([^)]*)\)\s*$/;

function parseFields(text: string, signature: string): ProcedureField[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = FIELD.exec(part);
    if (match === null) throw new OmbraError('INVALID_ARGUMENT', `cannot read procedure field "${part}" in ${signature}`);
    return { name: match[1]!, type: match[2]!.toUpperCase() as ProcedureField['type'], nullable: match[3] === '?' };
  });
}

/** A test procedure from a TCK signature and its table (header = inputs then outputs). */
export function tckProcedure(signature: string, table: readonly string[][]): ProcedureDefinition {
  const match = SIGNATURE.exec(signature.trim());
  if (match === null) throw new OmbraError('INVALID_ARGUMENT', `cannot read procedure signature ${signature}`);
  const inputs = parseFields(match[2]!, signature);
  const outputs = parseFields(match[3]!, signature);
  const header = table[0] ?? [];
  const rows = table.slice(1).map((row) => row.map((cell) => toParameterValue(parseTckValue(cell))));
  const inputColumns = inputs.map((input) => header.indexOf(input.name));
  const outputColumns = outputs.map((output) => header.indexOf(output.name));
  return {
    name: match[1]!,
    inputs,
    outputs,
    writes: false,
    *invoke(args) {
      for (const row of rows) {
        const matches = inputColumns.every((column, i) => {
          const expected = row[column] ?? null;
          const given = args[i] ?? null;
          return (expected === null && given === null) || equals(expected, given) === true;
        });
        if (matches) yield outputColumns.map((column) => row[column] ?? null);
      }
    },
  };
}

class OmbraTckDatabase implements TckDatabase {
  constructor(private readonly db: Database) {}

  execute(query: string, params: Record<string, Value>): Promise<TckResult> {
    try {
      const apiParams: Record<string, unknown> = {};
      for (const key of Object.keys(params)) apiParams[key] = toApiParameter(params[key]!);
      const result = this.db.query(query, apiParams);
      return Promise.resolve({ columns: result.columns, rows: result.rows, stats: result.stats });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  defineProcedure(signature: string, table: string[][]): Promise<void> {
    try {
      this.db.procedures.register(tckProcedure(signature, table));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export function createOmbraTckEngine(): TckEngine {
  return {
    name: 'ombra',
    openDatabase(): Promise<TckDatabase> {
      return Promise.resolve(new OmbraTckDatabase(Database.open(':memory:', { logDestination: 'none' })));
    },
  };
}
