// Property values as ombra stores them and as the query engine computes with them.
//
//   openCypher type   JavaScript representation
//   NULL              null
//   BOOLEAN           boolean
//   INTEGER           bigint (exact 64-bit: −2^63 .. 2^63−1)
//   FLOAT             number (IEEE-754 double, including NaN and ±Infinity)
//   STRING            string
//   LIST              PropertyValue[]
//   MAP               PropertyMap (a plain object; only nested inside lists/maps or as
//                     query values — a node or relationship property is never a map)
//
// Keeping INTEGER and FLOAT in different JavaScript types keeps `1` and `1.0` apart, as
// openCypher requires, without wrapping either. The public API accepts plain numbers too:
// an integral number is an INTEGER, any other a FLOAT (toPropertyValue below); use
// `float(1)` to store 1.0.

import { GraphError } from '../errors.js';

export type PropertyValue = null | boolean | bigint | number | string | PropertyValue[] | PropertyMap;
export interface PropertyMap {
  [key: string]: PropertyValue;
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** A FLOAT that happens to be integral, for the public API (`float(1)` stores 1.0). */
export class FloatValue {
  constructor(readonly value: number) {}
}
export function float(value: number): FloatValue {
  return new FloatValue(value);
}

/** What the public API accepts as a property value before normalisation. */
export type PropertyInput =
  | null
  | undefined
  | boolean
  | bigint
  | number
  | string
  | FloatValue
  | PropertyInput[]
  | { [key: string]: PropertyInput };

/**
 * Normalise an API value into a PropertyValue: integral numbers become INTEGER (bigint),
 * others FLOAT; FloatValue becomes FLOAT; bigints are range-checked. Cost: O(size of value).
 * Throws GraphError PROPERTY_TYPE naming the property for anything that cannot be stored.
 */
export function toPropertyValue(input: PropertyInput, where = 'value'): PropertyValue {
  if (input === null || input === undefined) return null;
  switch (typeof input) {
    case 'boolean':
    case 'string':
      return input;
    case 'number':
      return Number.isInteger(input) && Number.isSafeInteger(input) ? BigInt(input) : input;
    case 'bigint':
      if (input < INT64_MIN || input > INT64_MAX) {
        throw new GraphError('PROPERTY_TYPE', `${where}: integer ${input} is outside the 64-bit range`, { where });
      }
      return input;
    case 'object': {
      if (input instanceof FloatValue) return input.value;
      if (Array.isArray(input)) return input.map((item, i) => toPropertyValue(item, `${where}[${i}]`));
      const proto = Object.getPrototypeOf(input);
      if (proto !== Object.prototype && proto !== null) break;
      const out: PropertyMap = {};
      for (const [key, value] of Object.entries(input)) out[key] = toPropertyValue(value, `${where}.${key}`);
      return out;
    }
    default:
      break;
  }
  throw new GraphError('PROPERTY_TYPE', `${where}: a ${describeType(input)} cannot be stored as a property`, { where });
}

export function isPropertyMap(value: unknown): value is PropertyMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** openCypher type name of a property value, for error messages. */
export function propertyTypeName(value: PropertyValue): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return 'BOOLEAN';
    case 'bigint':
      return 'INTEGER';
    case 'number':
      return 'FLOAT';
    case 'string':
      return 'STRING';
    default:
      return Array.isArray(value) ? 'LIST' : 'MAP';
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
