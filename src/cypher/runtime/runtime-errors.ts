// Constructors for the run-time errors of the expression runtime. Each carries the
// openCypher TCK detail name in `details.detail`, so the TCK harness (test/tck/tck-errors.ts)
// can check it and a program can act on it without parsing the message.
//
//   code                 details.detail                 raised for
//   RUNTIME_TYPE         InvalidArgumentType            an operator or access applied to a value of the wrong type
//   RUNTIME_TYPE         InvalidArgumentValue           a function given a value of a type it does not take
//   RUNTIME_TYPE         MapElementAccessByNonString    map[key] with a key that is not a STRING
//   RUNTIME_TYPE         InvalidPropertyType            a value that cannot be stored as a property
//   RUNTIME_ARGUMENT     NumberOutOfRange               a numeric argument outside the function's domain
//   RUNTIME_ARGUMENT     InvalidArgumentType            range() given a non-INTEGER bound or step
//   RUNTIME_ARITHMETIC   IntegerOverflow                INTEGER arithmetic leaving −2^63 .. 2^63−1
//   RUNTIME_ARITHMETIC   DivisionByZero                 INTEGER / 0 or INTEGER % 0

import { RuntimeQueryError, type ErrorCode } from '../../errors.js';
import { typeName, type ResultValue, type Value } from './values.js';

export type RuntimeDetail =
  | 'InvalidArgumentType'
  | 'InvalidArgumentValue'
  | 'MapElementAccessByNonString'
  | 'InvalidPropertyType'
  | 'NumberOutOfRange'
  | 'IntegerOverflow'
  | 'DivisionByZero';

function runtimeError(code: ErrorCode, detail: RuntimeDetail, message: string, details: Record<string, unknown>): RuntimeQueryError {
  return new RuntimeQueryError(code, message, { detail, ...details });
}

/** An operator (`+`, `-`, `[]`, ...) applied to operands it does not take. */
export function operatorTypeError(operator: string, operands: readonly (Value | ResultValue)[]): RuntimeQueryError {
  const types = operands.map((operand) => typeName(operand));
  const shown = types.length === 1 ? `a ${types[0]}` : types.join(' and ');
  return runtimeError('RUNTIME_TYPE', 'InvalidArgumentType', `operator ${operator} cannot be applied to ${shown}`, {
    operator,
    types,
  });
}

/** A function argument of a type the function does not accept (found at run time). */
export function functionArgumentError(fn: string, index: number, value: Value, expected: string): RuntimeQueryError {
  const actual = typeName(value);
  return runtimeError(
    'RUNTIME_TYPE',
    'InvalidArgumentValue',
    `${fn}(): argument ${index + 1} must be ${expected}, got ${actual}`,
    { function: fn, argument: index + 1, expected, actual },
  );
}

/** A numeric argument outside what the function accepts (range step 0, percentile 1.5, ...). */
export function numberOutOfRange(fn: string, message: string, value: Value): RuntimeQueryError {
  return runtimeError('RUNTIME_ARGUMENT', 'NumberOutOfRange', `${fn}(): ${message}`, {
    function: fn,
    value: describeForDetails(value),
  });
}

/** range() with a bound or step that is not an INTEGER (the TCK classes this as an ArgumentError). */
export function rangeArgumentTypeError(index: number, value: Value): RuntimeQueryError {
  const actual = typeName(value);
  return runtimeError('RUNTIME_ARGUMENT', 'InvalidArgumentType', `range(): argument ${index + 1} must be an INTEGER, got ${actual}`, {
    function: 'range',
    argument: index + 1,
    actual,
  });
}

export function mapKeyTypeError(key: Value): RuntimeQueryError {
  return runtimeError('RUNTIME_TYPE', 'MapElementAccessByNonString', `a map can only be indexed by a STRING, got ${typeName(key)}`, {
    actual: typeName(key),
  });
}

export function propertyTypeError(where: string, value: Value): RuntimeQueryError {
  return runtimeError('RUNTIME_TYPE', 'InvalidPropertyType', `${where}: a ${typeName(value)} cannot be stored as a property value`, {
    where,
    actual: typeName(value),
  });
}

export function integerOverflow(operator: string, operands: readonly bigint[]): RuntimeQueryError {
  return runtimeError(
    'RUNTIME_ARITHMETIC',
    'IntegerOverflow',
    `integer overflow: ${operands.join(` ${operator} `)} is outside the 64-bit range`,
    { operator, operands: operands.map(String) },
  );
}

export function divisionByZero(operator: string, dividend: bigint): RuntimeQueryError {
  return runtimeError('RUNTIME_ARITHMETIC', 'DivisionByZero', `integer division by zero: ${dividend} ${operator} 0`, {
    operator,
    dividend: String(dividend),
  });
}

function describeForDetails(value: Value): unknown {
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === null || typeof value !== 'object') return value;
  return typeName(value);
}
