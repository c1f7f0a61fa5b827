// Type conversion: toInteger, toFloat, toString, toBoolean and their ...OrNull variants.
//
//   function    accepts (others raise RUNTIME_TYPE InvalidArgumentValue, TCK TypeConversion1-4)
//   toInteger   INTEGER; FLOAT (truncated toward zero); BOOLEAN (1/0); STRING (integer text,
//               else decimal text truncated: '1.7' → 1; anything else → null)
//   toFloat     FLOAT; INTEGER; STRING (decimal text, 'NaN', 'Infinity'; else null)
//   toString    STRING; INTEGER; FLOAT (formatFloat: '1.0', '2.3'); BOOLEAN
//   toBoolean   BOOLEAN; INTEGER (non-zero is true); STRING ('true'/'false', any case, surrounding
//               whitespace ignored; else null)
//
// Surrounding whitespace is ignored in numeric text as well (as Java's Double.parseDouble does).
// toInteger of NaN, ±Infinity or a FLOAT outside the 64-bit range raises RUNTIME_ARGUMENT
// NumberOutOfRange rather than inventing a number. The ...OrNull variants never raise: they
// return null wherever the plain function would raise.

import { fn, type ScalarFunction, type StaticType } from './function-types.js';
import { formatFloat } from './format-number.js';
import { functionArgumentError, numberOutOfRange } from './runtime-errors.js';
import { isInt64, type Value } from './values.js';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_FLOAT_TEXT = /^[+-]?(NaN|Infinity)$/;

/** Truncate a finite double to an INTEGER, or undefined when it has no 64-bit value. */
function truncateToInteger(value: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  const result = BigInt(Math.trunc(value));
  return isInt64(result) ? result : undefined;
}

function parseInteger(text: string): bigint | null {
  const trimmed = text.trim();
  if (INTEGER_TEXT.test(trimmed)) {
    const result = BigInt(trimmed);
    return isInt64(result) ? result : null;
  }
  if (DECIMAL_TEXT.test(trimmed)) return truncateToInteger(Number(trimmed)) ?? null;
  return null;
}

function parseFloatText(text: string): number | null {
  const trimmed = text.trim();
  if (DECIMAL_TEXT.test(trimmed) || SPECIAL_FLOAT_TEXT.test(trimmed)) return Number(trimmed);
  return null;
}

// Each converter returns the result, or undefined when the argument's type is not accepted.
type Converter = (value: Exclude<Value, null>) => Value | undefined;

const toInteger: Converter = (value) => {
  switch (typeof value) {
    case 'bigint':
      return value;
    case 'number': {
      const result = truncateToInteger(value);
      if (result === undefined) throw numberOutOfRange('toInteger', `${formatFloat(value)} has no INTEGER value`, value);
      return result;
    }
    case 'boolean':
      return value ? 1n : 0n;
    case 'string':
      return parseInteger(value);
    default:
      return undefined;
  }
};

const toFloat: Converter = (value) => {
  switch (typeof value) {
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'string':
      return parseFloatText(value);
    default:
      return undefined;
  }
};

const toStringValue: Converter = (value) => {
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
};

const toBoolean: Converter = (value) => {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'bigint':
      return value !== 0n;
    case 'string': {
      const word = value.trim().toLowerCase();
      return word === 'true' ? true : word === 'false' ? false : null;
    }
    default:
      return undefined;
  }
};

function converter(
  name: string,
  accepts: readonly StaticType[],
  returns: StaticType,
  expected: string,
  convert: Converter,
): ScalarFunction[] {
  const strict = fn(name, [accepts], returns, (args) => {
    const value = args[0] ?? null;
    if (value === null) return null;
    const result = convert(value);
    if (result === undefined) throw functionArgumentError(name, 0, value, expected);
    return result;
  });
  const lenient = fn(`${name}OrNull`, [['ANY']], returns, (args) => {
    const value = args[0] ?? null;
    if (value === null) return null;
    try {
      return convert(value) ?? null;
    } catch {
      return null;
    }
  });
  return [strict, lenient];
}

export const CONVERT_FUNCTIONS: readonly ScalarFunction[] = [
  ...converter('toInteger', ['INTEGER', 'FLOAT', 'BOOLEAN', 'STRING'], 'INTEGER', 'a number, a BOOLEAN or a STRING', toInteger),
  ...converter('toFloat', ['INTEGER', 'FLOAT', 'STRING'], 'FLOAT', 'a number or a STRING', toFloat),
  ...converter('toString', ['INTEGER', 'FLOAT', 'BOOLEAN', 'STRING'], 'STRING', 'a number, a BOOLEAN or a STRING', toStringValue),
  ...converter('toBoolean', ['BOOLEAN', 'INTEGER', 'STRING'], 'BOOLEAN', 'a BOOLEAN, an INTEGER or a STRING', toBoolean),
];
