// List (and list-or-string) functions: size, head, last, tail, range, reverse, isEmpty, coalesce.
//
//  - null in → null out, except coalesce (first non-null argument, or null).
//  - size(STRING) counts code points; reverse(STRING) reverses code points.
//  - range(start, end[, step]): INTEGERs only — any other type, also an integral FLOAT such as
//    0.0, raises RUNTIME_ARGUMENT InvalidArgumentType (TCK List11 [5]); step 0 raises
//    RUNTIME_ARGUMENT NumberOutOfRange (List11 [4]); a step pointing away from `end` gives [].
//    A range longer than MAX_RANGE_LENGTH elements raises NumberOutOfRange instead of
//    exhausting memory.

import { ANY, codePointLength, fn, listArg, type ScalarFunction } from './function-types.js';
import { functionArgumentError, numberOutOfRange, rangeArgumentTypeError } from './runtime-errors.js';
import { isValueMap, type Value } from './values.js';

/** Upper bound on range() results: 2^25 elements (a few hundred MB of bigints). */
export const MAX_RANGE_LENGTH = 2 ** 25;

function range(args: readonly Value[]): Value {
  for (let i = 0; i < args.length; i++) {
    if (typeof args[i] !== 'bigint') throw rangeArgumentTypeError(i, args[i] ?? null);
  }
  const start = args[0] as bigint;
  const end = args[1] as bigint;
  const step = args.length > 2 ? (args[2] as bigint) : 1n;
  if (step === 0n) throw numberOutOfRange('range', 'the step must not be 0', step);
  const span = end - start;
  if ((span > 0n && step < 0n) || (span < 0n && step > 0n)) return [];
  const count = span / step + 1n;
  if (count > BigInt(MAX_RANGE_LENGTH)) {
    throw numberOutOfRange('range', `the range would have ${count} elements (at most ${MAX_RANGE_LENGTH} are allowed)`, count);
  }
  const out: bigint[] = new Array(Number(count));
  let value = start;
  for (let i = 0; i < out.length; i++, value += step) out[i] = value;
  return out;
}

function size(args: readonly Value[]): Value {
  const value = args[0] ?? null;
  if (value === null) return null;
  if (typeof value === 'string') return BigInt(codePointLength(value));
  if (Array.isArray(value)) return BigInt(value.length);
  throw functionArgumentError('size', 0, value, 'a LIST or a STRING');
}

function reverse(args: readonly Value[]): Value {
  const value = args[0] ?? null;
  if (value === null) return null;
  if (typeof value === 'string') return Array.from(value).reverse().join('');
  if (Array.isArray(value)) return value.slice().reverse();
  throw functionArgumentError('reverse', 0, value, 'a LIST or a STRING');
}

function isEmpty(args: readonly Value[]): Value {
  const value = args[0] ?? null;
  if (value === null) return null;
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
  if (isValueMap(value)) return Object.keys(value).length === 0;
  throw functionArgumentError('isEmpty', 0, value, 'a LIST, a MAP or a STRING');
}

function listFunction(name: string, body: (list: Value[]) => Value): ScalarFunction {
  return fn(name, [['LIST']], name === 'tail' ? 'LIST' : 'ANY', (args) => {
    if (args[0] === null) return null;
    return body(listArg(name, args, 0));
  });
}

export const LIST_FUNCTIONS: readonly ScalarFunction[] = [
  fn('size', [['LIST', 'STRING']], 'INTEGER', size),
  listFunction('head', (list) => (list.length > 0 ? list[0]! : null)),
  listFunction('last', (list) => (list.length > 0 ? list[list.length - 1]! : null)),
  listFunction('tail', (list) => list.slice(1)),
  fn('range', [['INTEGER'], ['INTEGER'], ['INTEGER']], 'LIST', range, { minArgs: 2 }),
  fn('reverse', [['LIST', 'STRING']], 'ANY', reverse),
  fn('isEmpty', [['LIST', 'MAP', 'STRING']], 'BOOLEAN', isEmpty),
  fn('coalesce', [ANY], 'ANY', (args) => args.find((arg) => arg !== null) ?? null, {
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
  }),
];
