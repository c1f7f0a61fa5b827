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

/** scalarOfInput's answers for input that is not a scalar (a list, a map, any other object) and for a bigint beyond 64 bits. */
export const NOT_SCALAR = Symbol('not a scalar');
export const OUTSIDE_INT64 = Symbol('outside 64 bits');

/**
 * The scalar rules of API input, shared by property values (toPropertyValue) and query
 * parameters (cypher/parameters.ts): null and undefined are null, booleans and strings are
 * themselves, an integral safe number is an INTEGER (bigint) and any other number a FLOAT,
 * float(x) is the FLOAT x, a bigint is an INTEGER when it fits 64 bits. Each caller reports
 * OUTSIDE_INT64 and NOT_SCALAR its own way.
 */
export function scalarOfInput(input: unknown): null | boolean | bigint | number | string | typeof NOT_SCALAR | typeof OUTSIDE_INT64 {
  if (input === null || input === undefined) return null;
  switch (typeof input) {
    case 'boolean':
    case 'string':
      return input;
    case 'number':
      return Number.isInteger(input) && Number.isSafeInteger(input) ? BigInt(input) : input;
    case 'bigint':
      return input < INT64_MIN || input > INT64_MAX ? OUTSIDE_INT64 : input;
    default:
      return input instanceof FloatValue ? input.value : NOT_SCALAR;
  }
}

/**
 * Normalise an API value into a PropertyValue: scalars by scalarOfInput, arrays into lists,
 * plain objects into maps. Cost: O(size of value).
 * Throws GraphError PROPERTY_TYPE naming the property for anything that cannot be stored.
 */
export function toPropertyValue(input: PropertyInput, where = 'value'): PropertyValue {
  const scalar = scalarOfInput(input);
  if (scalar === OUTSIDE_INT64) throw new GraphError('PROPERTY_TYPE', `${where}: integer ${input} is outside the 64-bit range`, { where });
  if (scalar !== NOT_SCALAR) return scalar;
  if (Array.isArray(input)) return input.map((item, i) => toPropertyValue(item, `${where}[${i}]`));
  if (typeof input === 'object' && input !== null) {
    const proto = Object.getPrototypeOf(input);
    if (proto === Object.prototype || proto === null) {
      const out: PropertyMap = {};
      for (const [key, value] of Object.entries(input)) out[key] = toPropertyValue(value, `${where}.${key}`);
      return out;
    }
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
