// Which runtime values can be stored as node or relationship properties (SET, CREATE, MERGE).
//
// Storable: BOOLEAN, INTEGER, FLOAT, STRING, and LISTs whose elements are all of those
// (mixed element types are allowed: ombra's storage keeps any PropertyValue list). Not
// storable: maps, nodes, relationships, paths, nested lists, and lists holding null — the
// TCK (Set1 [10]) expects `SET a.maplist = [{num: 1}]` to fail with InvalidPropertyType.
// A top-level null is not an error: it means "remove the property".

import type { PropertyValue } from '../../graph/value.js';
import { propertyTypeError } from './runtime-errors.js';
import type { Value } from './values.js';

/**
 * Check a value for storage under `where` (e.g. "n.name"): returns it as a PropertyValue, or
 * null for "remove this property". Throws RUNTIME_TYPE InvalidPropertyType otherwise.
 * Cost: O(length of a list value).
 */
export function toStorableProperty(value: Value, where: string): PropertyValue {
  if (value === null || isStorableScalar(value)) return value as PropertyValue;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isStorableScalar(item)) throw propertyTypeError(`${where} (a list element)`, item);
    }
    return value.slice() as PropertyValue[];
  }
  throw propertyTypeError(where, value);
}

function isStorableScalar(value: Value): boolean {
  const kind = typeof value;
  return kind === 'boolean' || kind === 'bigint' || kind === 'number' || kind === 'string';
}
