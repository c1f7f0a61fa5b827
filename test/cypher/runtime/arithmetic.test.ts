import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RuntimeQueryError } from '../../../src/errors.js';
import {
  add,
  applyArithmetic,
  divide,
  modulo,
  multiply,
  negate,
  power,
  subtract,
  unaryPlus,
} from '../../../src/cypher/runtime/arithmetic.js';
import { NodeRef, type Value } from '../../../src/cypher/runtime/values.js';
import { SOAK, testSeed } from '../../support/rng.js';
import { int64Arb } from './support.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function errorOf(body: () => unknown): RuntimeQueryError {
  try {
    body();
  } catch (error) {
    if (error instanceof RuntimeQueryError) return error;
    throw error;
  }
  throw new Error('expected a RuntimeQueryError');
}

describe('arithmetic (TCK Mathematical*, List4, Precedence)', () => {
  it.each<[string, () => Value, Value]>([
    ['a.version + 5 (Mathematical2 [1])', () => add(99n, 5n), 104n],
    ['12 / 4 * 3 - 2 * 4 (Mathematical8 [1])', () => subtract(multiply(divide(12n, 4n), 3n), multiply(2n, 4n)), 1n],
    ['12 / 4 * (3 - 2 * 4) (Mathematical8 [2])', () => multiply(divide(12n, 4n), subtract(3n, multiply(2n, 4n))), -15n],
    ['7 / 2 truncates', () => divide(7n, 2n), 3n],
    ['-7 / 2 truncates toward zero', () => divide(-7n, 2n), -3n],
    ['-7 % 2 takes the dividend sign', () => modulo(-7n, 2n), -1n],
    ['7 % -2', () => modulo(7n, -2n), 1n],
    ['7.0 / 2', () => divide(7, 2n), 3.5],
    ['1 + 1.0 is FLOAT', () => add(1n, 1), 2],
    ['-7.5 % 2', () => modulo(-7.5, 2n), -1.5],
    ['2 ^ 3 is FLOAT', () => power(2n, 3n), 8],
    ['1.0 / 0 is Infinity', () => divide(1, 0n), Number.POSITIVE_INFINITY],
    ['0.0 / 0.0 is NaN', () => divide(0, 0), Number.NaN],
    ["'a' + 'b'", () => add('a', 'b'), 'ab'],
    ["'a' + 1", () => add('a', 1n), 'a1'],
    ["1.0 + 'a'", () => add(1, 'a'), '1.0a'],
    ["'v' + true", () => add('v', true), 'vtrue'],
    ['[1, 10, 100] + [4, 5] (List4 [1])', () => add([1n, 10n, 100n], [4n, 5n]), [1n, 10n, 100n, 4n, 5n]],
    ['[false, true] + false (List4 [2])', () => add([false, true], false), [false, true, false]],
    ['1 + [2]', () => add(1n, [2n]), [1n, 2n]],
    ['[] + [[1]]', () => add([], [[1n]]), [[1n]]],
    ['null + 1', () => add(null, 1n), null],
    ['[1] + null', () => add([1n], null), null],
    ['null / 0', () => divide(null, 0n), null],
    ['-(5)', () => negate(5n), -5n],
    ['-(1.5)', () => negate(1.5), -1.5],
    ['-null', () => negate(null), null],
    ['+(2)', () => unaryPlus(2n), 2n],
    ['dispatch %', () => applyArithmetic('%', 7n, 3n), 1n],
  ])('%s', (_name, body, expected) => {
    expect(body()).toEqual(expected);
  });

  it.each<[string, () => Value]>([
    ['max + 1', () => add(INT64_MAX, 1n)],
    ['min - 1', () => subtract(INT64_MIN, 1n)],
    ['max * 2', () => multiply(INT64_MAX, 2n)],
    ['min / -1', () => divide(INT64_MIN, -1n)],
    ['-min', () => negate(INT64_MIN)],
  ])('integer overflow: %s → RUNTIME_ARITHMETIC IntegerOverflow', (_name, body) => {
    const error = errorOf(body);
    expect(error.code).toBe('RUNTIME_ARITHMETIC');
    expect(error.details.detail).toBe('IntegerOverflow');
  });

  it.each<[string, () => Value]>([
    ['1 / 0', () => divide(1n, 0n)],
    ['1 % 0', () => modulo(1n, 0n)],
  ])('%s → RUNTIME_ARITHMETIC DivisionByZero', (_name, body) => {
    const error = errorOf(body);
    expect(error.code).toBe('RUNTIME_ARITHMETIC');
    expect(error.details.detail).toBe('DivisionByZero');
  });

  it.each<[string, () => Value, string[]]>([
    ["1 - 'a'", () => subtract(1n, 'a'), ['INTEGER', 'STRING']],
    ['true + 1', () => add(true, 1n), ['BOOLEAN', 'INTEGER']],
    ["{} + 'a'", () => add({}, 'a'), ['MAP', 'STRING']],
    ["node + 'a'", () => add(new NodeRef(1), 'a'), ['NODE', 'STRING']],
    ["'a' * 2", () => multiply('a', 2n), ['STRING', 'INTEGER']],
    ['-true', () => negate(true), ['BOOLEAN']],
    ["2 ^ 'x'", () => power(2n, 'x'), ['INTEGER', 'STRING']],
  ])('%s → RUNTIME_TYPE InvalidArgumentType naming operator and types', (_name, body, types) => {
    const error = errorOf(body);
    expect(error.code).toBe('RUNTIME_TYPE');
    expect(error.details.detail).toBe('InvalidArgumentType');
    expect(error.details.types).toEqual(types);
    expect(typeof error.details.operator).toBe('string');
  });
});

describe('integer arithmetic matches BigInt math with overflow detection (property)', () => {
  const seed = testSeed();
  const runs = SOAK ? 50_000 : 2_000;
  const ops: [string, (a: Value, b: Value) => Value, (a: bigint, b: bigint) => bigint | undefined][] = [
    ['+', add, (a, b) => a + b],
    ['-', subtract, (a, b) => a - b],
    ['*', multiply, (a, b) => a * b],
    ['/', divide, (a, b) => (b === 0n ? undefined : a / b)],
    ['%', modulo, (a, b) => (b === 0n ? undefined : a % b)],
  ];

  for (const [symbol, op, reference] of ops) {
    it(`a ${symbol} b`, () => {
      fc.assert(
        fc.property(int64Arb, int64Arb, (a, b) => {
          const exact = reference(a, b);
          if (exact === undefined) {
            expect(errorOf(() => op(a, b)).details.detail).toBe('DivisionByZero');
          } else if (exact < INT64_MIN || exact > INT64_MAX) {
            expect(errorOf(() => op(a, b)).details.detail).toBe('IntegerOverflow');
          } else {
            expect(op(a, b)).toBe(exact);
          }
        }),
        { seed, numRuns: runs },
      );
    });
  }
});
