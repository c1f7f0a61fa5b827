// Arithmetic operators with openCypher semantics.
//
//  - null in any operand → null (checked first, so `[1] + null` is null too).
//  - INTEGER op INTEGER stays INTEGER, computed exactly in bigint; a result outside
//    −2^63 .. 2^63−1 raises RUNTIME_ARITHMETIC 'IntegerOverflow' (the TCK has no run-time case;
//    the detail reuses its compile-time name for an out-of-range integer literal).
//  - INTEGER / INTEGER truncates toward zero; INTEGER % INTEGER takes the sign of the
//    dividend (both as in Java, hence Neo4j); a zero divisor raises RUNTIME_ARITHMETIC
//    'DivisionByZero'.
//  - Any FLOAT operand makes the operation FLOAT (IEEE: 1.0 / 0 = Infinity, 0.0 / 0.0 = NaN;
//    % is fmod, sign of the dividend). An INTEGER operand converts to the nearest double.
//  - `^` is always FLOAT.
//  - `+` also concatenates: STRING + STRING; STRING + (INTEGER | FLOAT | BOOLEAN) and the
//    reverse render the non-string with toString() (as Neo4j does: 'a' + 1 = 'a1',
//    'v' + 1.0 = 'v1.0'); LIST + LIST concatenates; LIST + x appends x; x + LIST prepends x.
//  - Anything else raises RUNTIME_TYPE 'InvalidArgumentType' naming the operator and types.

import { formatFloat } from './format-number.js';
import { divisionByZero, integerOverflow, operatorTypeError } from './runtime-errors.js';
import { isInt64, type Value } from './values.js';

function checkedInteger(result: bigint, operator: string, a: bigint, b: bigint): bigint {
  if (!isInt64(result)) throw integerOverflow(operator, [a, b]);
  return result;
}

function isNumber(value: Value): value is bigint | number {
  return typeof value === 'bigint' || typeof value === 'number';
}

/** Text of a scalar for string concatenation (same as toString()). */
function concatText(value: Value): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return value.toString();
    case 'number':
      return formatFloat(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return undefined;
  }
}

export function add(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInteger(a + b, '+', a, b);
  if (isNumber(a) && isNumber(b)) return Number(a) + Number(b);
  if (Array.isArray(a)) return Array.isArray(b) ? a.concat(b) : [...a, b];
  if (Array.isArray(b)) return [a, ...b];
  if (typeof a === 'string' || typeof b === 'string') {
    const left = concatText(a);
    const right = concatText(b);
    if (left !== undefined && right !== undefined) return left + right;
  }
  throw operatorTypeError('+', [a, b]);
}

export function subtract(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInteger(a - b, '-', a, b);
  if (isNumber(a) && isNumber(b)) return Number(a) - Number(b);
  throw operatorTypeError('-', [a, b]);
}

export function multiply(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') return checkedInteger(a * b, '*', a, b);
  if (isNumber(a) && isNumber(b)) return Number(a) * Number(b);
  throw operatorTypeError('*', [a, b]);
}

export function divide(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw divisionByZero('/', a);
    return checkedInteger(a / b, '/', a, b); // bigint division truncates toward zero
  }
  if (isNumber(a) && isNumber(b)) return Number(a) / Number(b);
  throw operatorTypeError('/', [a, b]);
}

export function modulo(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw divisionByZero('%', a);
    return a % b; // sign of the dividend; |result| < |b| so it cannot overflow
  }
  if (isNumber(a) && isNumber(b)) return Number(a) % Number(b);
  throw operatorTypeError('%', [a, b]);
}

export function power(a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (isNumber(a) && isNumber(b)) return Math.pow(Number(a), Number(b));
  throw operatorTypeError('^', [a, b]);
}

/** Unary minus. */
export function negate(a: Value): Value {
  if (a === null) return null;
  if (typeof a === 'bigint') {
    const result = -a;
    if (!isInt64(result)) throw integerOverflow('-', [0n, a]);
    return result;
  }
  if (typeof a === 'number') return -a;
  throw operatorTypeError('unary -', [a]);
}

/** Unary plus: the number itself. */
export function unaryPlus(a: Value): Value {
  if (a === null || isNumber(a)) return a;
  throw operatorTypeError('unary +', [a]);
}

export type BinaryArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '^';

/** Dispatch by operator symbol (for an executor that keeps the operator as data). */
export function applyArithmetic(operator: BinaryArithmeticOperator, a: Value, b: Value): Value {
  switch (operator) {
    case '+':
      return add(a, b);
    case '-':
      return subtract(a, b);
    case '*':
      return multiply(a, b);
    case '/':
      return divide(a, b);
    case '%':
      return modulo(a, b);
    case '^':
      return power(a, b);
  }
}
