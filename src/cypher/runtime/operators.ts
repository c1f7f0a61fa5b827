// The non-arithmetic operators: three-valued logic, IN, string predicates, element access
// (list[i], map[key], entity[key]), list slicing, property access and label tests.
//
// Semantics checked against the TCK (expressions/boolean, list, map, string, null, graph):
//  - AND / OR / XOR / NOT use Kleene logic (false AND null = false, true OR null = true,
//    anything XOR null = null); a non-boolean operand raises RUNTIME_TYPE InvalidArgumentType.
//  - x IN list: true if some element equals x; else null if some comparison was null
//    (including x null and the list non-empty); else false. `null IN []` is false.
//  - STARTS WITH / ENDS WITH / CONTAINS: null unless both operands are strings (no error).
//  - list[i]: i must be an INTEGER (negative counts from the end; out of range → null).
//    map[k] and entity[k]: k must be a STRING (else MapElementAccessByNonString). A null
//    container or index gives null; any other container raises InvalidArgumentType.
//  - list[a..b]: bounds as in Python (negative from the end, clamped, empty when a >= b); an
//    omitted bound is open, a null bound makes the result null.

import { equals, type Ternary } from './compare.js';
import { mapKeyTypeError, operatorTypeError } from './runtime-errors.js';
import { NodeRef, RelationshipRef, isValueMap, type EntityReader, type Value } from './values.js';

function asBoolean(operator: string, value: Value): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  throw operatorTypeError(operator, [value]);
}

export function and(a: Value, b: Value): Ternary {
  const x = asBoolean('AND', a);
  const y = asBoolean('AND', b);
  if (x === false || y === false) return false;
  return x === null || y === null ? null : true;
}

export function or(a: Value, b: Value): Ternary {
  const x = asBoolean('OR', a);
  const y = asBoolean('OR', b);
  if (x === true || y === true) return true;
  return x === null || y === null ? null : false;
}

export function xor(a: Value, b: Value): Ternary {
  const x = asBoolean('XOR', a);
  const y = asBoolean('XOR', b);
  return x === null || y === null ? null : x !== y;
}

export function not(a: Value): Ternary {
  const x = asBoolean('NOT', a);
  return x === null ? null : !x;
}

/** `value IN list` with three-valued equality. Cost: O(size of list). */
export function inList(value: Value, list: Value): Ternary {
  if (list === null) return null;
  if (!Array.isArray(list)) throw operatorTypeError('IN', [value, list]);
  let unknown = false;
  for (const item of list) {
    const r = equals(value, item);
    if (r === true) return true;
    if (r === null) unknown = true;
  }
  return unknown ? null : false;
}

export function startsWith(a: Value, b: Value): Ternary {
  return typeof a === 'string' && typeof b === 'string' ? a.startsWith(b) : null;
}

export function endsWith(a: Value, b: Value): Ternary {
  return typeof a === 'string' && typeof b === 'string' ? a.endsWith(b) : null;
}

export function contains(a: Value, b: Value): Ternary {
  return typeof a === 'string' && typeof b === 'string' ? a.includes(b) : null;
}

function entityProperty(entity: NodeRef | RelationshipRef, key: string, reader: EntityReader): Value {
  return entity instanceof NodeRef ? reader.nodeProperty(entity.id, key) : reader.relationshipProperty(entity.id, key);
}

/** `container[index]`: list element, map value or entity property. */
export function indexValue(container: Value, index: Value, reader: EntityReader): Value {
  if (container === null || index === null) return null;
  if (Array.isArray(container)) {
    if (typeof index !== 'bigint') throw operatorTypeError('[]', [container, index]);
    const n = BigInt(container.length);
    const i = index < 0n ? index + n : index;
    return i >= 0n && i < n ? container[Number(i)]! : null;
  }
  if (isValueMap(container)) {
    if (typeof index !== 'string') throw mapKeyTypeError(index);
    return Object.prototype.hasOwnProperty.call(container, index) ? container[index]! : null;
  }
  if (container instanceof NodeRef || container instanceof RelationshipRef) {
    if (typeof index !== 'string') throw mapKeyTypeError(index);
    return entityProperty(container, index, reader);
  }
  throw operatorTypeError('[]', [container, index]);
}

function sliceBound(bound: bigint, length: number): number {
  const n = BigInt(length);
  const i = bound < 0n ? bound + n : bound;
  return i < 0n ? 0 : i > n ? length : Number(i);
}

/** `list[from..to]`; pass undefined for an omitted bound. */
export function sliceList(list: Value, from: Value | undefined, to: Value | undefined): Value {
  if (list === null || from === null || to === null) return null;
  if (!Array.isArray(list)) throw operatorTypeError('[..]', [list]);
  if (from !== undefined && typeof from !== 'bigint') throw operatorTypeError('[..]', [list, from]);
  if (to !== undefined && typeof to !== 'bigint') throw operatorTypeError('[..]', [list, to]);
  const start = from === undefined ? 0 : sliceBound(from, list.length);
  const end = to === undefined ? list.length : sliceBound(to, list.length);
  return start < end ? list.slice(start, end) : [];
}

/** `value.key` for a node, relationship or map (null gives null). */
export function propertyValue(value: Value, key: string, reader: EntityReader): Value {
  if (value === null) return null;
  if (value instanceof NodeRef || value instanceof RelationshipRef) return entityProperty(value, key, reader);
  if (isValueMap(value)) return Object.prototype.hasOwnProperty.call(value, key) ? value[key]! : null;
  throw operatorTypeError(`.${key}`, [value]);
}

/** `node:A:B` — true when the node has every label; null for null. */
export function hasLabels(value: Value, labels: readonly string[], reader: EntityReader): Ternary {
  if (value === null) return null;
  if (!(value instanceof NodeRef)) throw operatorTypeError(`:${labels.join(':')}`, [value]);
  for (const label of labels) if (!reader.nodeHasLabel(value.id, label)) return false;
  return true;
}
