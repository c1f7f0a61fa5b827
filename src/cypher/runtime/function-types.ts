// Shapes shared by the scalar function families (functions-*.ts) and their registry
// (functions.ts), plus small argument helpers every family uses.

import { functionArgumentError } from './runtime-errors.js';
import type { EntityReader, Value } from './values.js';

/** Static types the binder may know for an argument ('ANY' when it does not know). */
export type StaticType =
  | 'ANY'
  | 'NULL'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'FLOAT'
  | 'STRING'
  | 'LIST'
  | 'MAP'
  | 'NODE'
  | 'RELATIONSHIP'
  | 'PATH';

/** What a function may use besides its arguments. */
export interface FunctionContext {
  readonly reader: EntityReader;
  /** Milliseconds since the epoch at statement start: timestamp() is constant within a statement. */
  readonly statementTimeMs: number;
  /** A uniform double in [0, 1) for rand(); seedable for tests. */
  readonly random: () => number;
}

export interface ScalarFunction {
  /** Canonical spelling; lookup is case-insensitive. */
  readonly name: string;
  readonly minArgs: number;
  /** Number.POSITIVE_INFINITY for variadic functions (coalesce). */
  readonly maxArgs: number;
  /**
   * Accepted static types per argument position; a variadic function's last entry applies
   * to every further argument. ['ANY'] accepts everything.
   */
  readonly parameters: readonly (readonly StaticType[])[];
  readonly returns: StaticType;
  /** False for rand(): the planner must not fold or cache it. */
  readonly deterministic: boolean;
  /** Arguments arrive evaluated, INTEGER as bigint. Throws RuntimeQueryError on bad input. */
  evaluate(args: readonly Value[], ctx: FunctionContext): Value;
}

export const NUMBER: readonly StaticType[] = ['INTEGER', 'FLOAT'];
export const ANY: readonly StaticType[] = ['ANY'];

/** Declare a function (keeps the family files terse). */
export function fn(
  name: string,
  parameters: readonly (readonly StaticType[])[],
  returns: StaticType,
  evaluate: (args: readonly Value[], ctx: FunctionContext) => Value,
  options: { minArgs?: number; maxArgs?: number; deterministic?: boolean } = {},
): ScalarFunction {
  return {
    name,
    minArgs: options.minArgs ?? parameters.length,
    maxArgs: options.maxArgs ?? parameters.length,
    parameters,
    returns,
    deterministic: options.deterministic ?? true,
    evaluate,
  };
}

/** The argument as a double (INTEGER converted); throws InvalidArgumentValue for non-numbers. */
export function numberArg(name: string, args: readonly Value[], index: number): number {
  const value = args[index] ?? null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw functionArgumentError(name, index, value, 'a number');
}

/** The argument as an INTEGER; throws InvalidArgumentValue for anything else (null included). */
export function integerArg(name: string, args: readonly Value[], index: number): bigint {
  const value = args[index] ?? null;
  if (typeof value === 'bigint') return value;
  throw functionArgumentError(name, index, value, 'an INTEGER');
}

export function stringArg(name: string, args: readonly Value[], index: number): string {
  const value = args[index] ?? null;
  if (typeof value === 'string') return value;
  throw functionArgumentError(name, index, value, 'a STRING');
}

export function listArg(name: string, args: readonly Value[], index: number): Value[] {
  const value = args[index] ?? null;
  if (Array.isArray(value)) return value;
  throw functionArgumentError(name, index, value, 'a LIST');
}

/** True when any argument is null (most functions then return null). */
export function anyNull(args: readonly Value[]): boolean {
  for (const arg of args) if (arg === null) return true;
  return false;
}

// Strings are measured and cut in Unicode code points (as Neo4j does), with a fast path for
// the common case of text without surrogate pairs.
const SURROGATE = /[\uD800-\uDFFF]/;

export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Code points [start, start + length) of text; length undefined means to the end. */
export function codePointSlice(text: string, start: number, length?: number): string {
  if (!SURROGATE.test(text)) return length === undefined ? text.slice(start) : text.slice(start, start + length);
  const points = Array.from(text);
  return (length === undefined ? points.slice(start) : points.slice(start, start + length)).join('');
}
