// Numeric functions: abs, ceil, floor, round, sign, sqrt, exp, log, log10, e, pi, rand,
// trigonometry, degrees, radians, haversin, and timestamp.
//
//  - null in → null out. A non-number raises RUNTIME_TYPE InvalidArgumentValue.
//  - abs and sign keep INTEGER for an INTEGER argument (abs(-2^63) overflows → IntegerOverflow);
//    sign of a FLOAT is an INTEGER too (sign(NaN) = 0, as Neo4j). Everything else returns FLOAT.
//  - ceil, floor and round return FLOAT, also for an INTEGER argument (Neo4j: round(3) = 3.0).
//  - round(x) rounds half toward +Infinity (round(-2.5) = -2.0, Java's Math.round);
//    round(x, precision[, mode]) rounds the shortest decimal form of x (decimal-round.ts) with
//    mode HALF_UP (ties away from zero) unless given one of UP, DOWN, CEILING, FLOOR, HALF_UP,
//    HALF_DOWN, HALF_EVEN (case-insensitive); precision must be an INTEGER.
//  - Domain errors give IEEE results rather than errors: sqrt(-1) = NaN, log(0) = -Infinity.

import { ROUNDING_MODES, roundDecimal, type RoundingMode } from './decimal-round.js';
import { NUMBER, anyNull, fn, integerArg, numberArg, stringArg, type ScalarFunction } from './function-types.js';
import { functionArgumentError, integerOverflow } from './runtime-errors.js';
import type { Value } from './values.js';

/** A FLOAT function of one number. */
function unary(name: string, body: (x: number) => number): ScalarFunction {
  return fn(name, [NUMBER], 'FLOAT', (args) => (args[0] === null ? null : body(numberArg(name, args, 0))));
}

function abs(args: readonly Value[]): Value {
  const value = args[0] ?? null;
  if (value === null) return null;
  if (typeof value === 'bigint') {
    if (value === -(2n ** 63n)) throw integerOverflow('abs', [value]);
    return value < 0n ? -value : value;
  }
  return Math.abs(numberArg('abs', args, 0));
}

function sign(args: readonly Value[]): Value {
  const value = args[0] ?? null;
  if (value === null) return null;
  if (typeof value === 'bigint') return value > 0n ? 1n : value < 0n ? -1n : 0n;
  const x = numberArg('sign', args, 0);
  return x > 0 ? 1n : x < 0 ? -1n : 0n;
}

function roundingMode(args: readonly Value[]): RoundingMode {
  if (args.length < 3) return 'HALF_UP';
  const mode = stringArg('round', args, 2).toUpperCase() as RoundingMode;
  if (!ROUNDING_MODES.includes(mode)) {
    throw functionArgumentError('round', 2, args[2] ?? null, `one of ${ROUNDING_MODES.join(', ')}`);
  }
  return mode;
}

function round(args: readonly Value[]): Value {
  if (anyNull(args)) return null;
  const x = numberArg('round', args, 0);
  if (args.length === 1) return Math.round(x) + 0; // + 0 turns -0 into 0
  const precision = integerArg('round', args, 1);
  const mode = roundingMode(args);
  const scale = precision > 400n ? 400 : precision < -400n ? -400 : Number(precision);
  return roundDecimal(x, scale, mode);
}

export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  fn('abs', [NUMBER], 'ANY', abs),
  fn('sign', [NUMBER], 'INTEGER', sign),
  unary('ceil', Math.ceil),
  unary('floor', Math.floor),
  fn('round', [NUMBER, ['INTEGER'], ['STRING']], 'FLOAT', round, { minArgs: 1 }),
  unary('sqrt', Math.sqrt),
  unary('exp', Math.exp),
  unary('log', Math.log),
  unary('log10', Math.log10),
  unary('sin', Math.sin),
  unary('cos', Math.cos),
  unary('tan', Math.tan),
  unary('cot', (x) => 1 / Math.tan(x)),
  unary('asin', Math.asin),
  unary('acos', Math.acos),
  unary('atan', Math.atan),
  fn('atan2', [NUMBER, NUMBER], 'FLOAT', (args) =>
    anyNull(args) ? null : Math.atan2(numberArg('atan2', args, 0), numberArg('atan2', args, 1)),
  ),
  unary('degrees', (x) => (x * 180) / Math.PI),
  unary('radians', (x) => (x * Math.PI) / 180),
  unary('haversin', (x) => (1 - Math.cos(x)) / 2),
  fn('e', [], 'FLOAT', () => Math.E),
  fn('pi', [], 'FLOAT', () => Math.PI),
  fn('rand', [], 'FLOAT', (_args, ctx) => ctx.random(), { deterministic: false }),
  fn('timestamp', [], 'INTEGER', (_args, ctx) => BigInt(Math.trunc(ctx.statementTimeMs))),
];
