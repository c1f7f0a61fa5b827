// What may be stored as a node or relationship property, and when two stored values are equal.
//
// STORABLE (checkStorable): BOOLEAN, INTEGER (bigint in −2^63..2^63−1), FLOAT, STRING, and
// LISTs of those. A list may mix element types ([1, 'a'] is stored as given: the openCypher
// TCK has no scenario refusing it, and the query runtime's toStorableProperty accepts it).
// Refused with GraphError PROPERTY_TYPE:
//   - a MAP, at the top level or inside a list (TCK Set1 [10]: `SET a.maplist = [{num: 1}]`
//     raises InvalidPropertyType);
//   - a list holding null or another list (as in Neo4j; the query runtime refuses the same,
//     so every stored value is one a query could have written);
//   - anything that is not a PropertyValue (undefined, functions, class instances, ...).
// A top-level null is not stored: writers treat it as "remove the property".
//
// EQUALITY (propertyValuesEqual) is openCypher's `=` restricted to storable values, with
// null treated as "not equal" (a predicate that is null filters the row out): INTEGER and
// FLOAT compare by mathematical value (1 = 1.0, but 2^53 + 1 ≠ 2^53 as a float), NaN equals
// nothing, lists are equal when their items are pairwise equal. The property index encoding
// (property-index.ts) gives equal keys exactly to equal values, NaN aside.

import { GraphError } from '../errors.js';
import { INT64_MAX, INT64_MIN, isPropertyMap, type PropertyValue } from './value.js';

/** Check a value for storage under `where` (e.g. "node 12 property 'age'"). Cost: O(list length). */
export function checkStorable(value: unknown, where: string): void {
  if (isStorableScalar(value, where)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) throw propertyType(`${where}: a list holding null cannot be stored (item ${i})`, where);
      if (Array.isArray(item)) throw propertyType(`${where}: a list holding a list cannot be stored (item ${i})`, where);
      if (!isStorableScalar(item, where)) throw propertyType(`${where}: a list holding ${describe(item)} cannot be stored (item ${i})`, where);
    }
    return;
  }
  throw propertyType(`${where}: ${describe(value)} cannot be stored as a property value`, where);
}

/** A boolean, number, string or 64-bit bigint: storable as it is, with no check to run. */
export function isPlainScalar(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX;
    default:
      return false;
  }
}

function isStorableScalar(value: unknown, where: string): boolean {
  if (typeof value === 'bigint' && !isPlainScalar(value)) throw propertyType(`${where}: integer ${value} is outside the 64-bit range`, where);
  return isPlainScalar(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (isPropertyMap(value)) return 'a map';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

function propertyType(message: string, where: string): GraphError {
  return new GraphError('PROPERTY_TYPE', message, { where });
}

/** openCypher equality of two stored values; null or NaN anywhere makes it false. */
export function propertyValuesEqual(a: PropertyValue, b: PropertyValue): boolean {
  if (a === null || b === null) return false;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'bigint') {
    if (tb === 'bigint') return a === b;
    if (tb === 'number') return integerEqualsFloat(a as bigint, b as number);
    return false;
  }
  if (ta === 'number') {
    if (tb === 'number') return a === b; // NaN ≠ NaN, −0 = +0
    if (tb === 'bigint') return integerEqualsFloat(b as bigint, a as number);
    return false;
  }
  if (ta === 'string' || ta === 'boolean') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!propertyValuesEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  return false; // maps are never stored
}

function integerEqualsFloat(i: bigint, f: number): boolean {
  if (!Number.isInteger(f)) return false; // NaN, ±Infinity, fractions
  return BigInt(f) === i;
}

/** True when a value holds NaN anywhere (it then equals nothing, itself included). */
export function containsNaN(value: PropertyValue): boolean {
  if (typeof value === 'number') return value !== value;
  if (Array.isArray(value)) return value.some(containsNaN);
  return false;
}
