// The four openCypher relations between values (CIP2016-06-14, as the TCK checks them).
//
//  EQUALITY (=, <>, IN)           three-valued: null involved → null. Numbers compare by
//                                 mathematical value, INTEGER against FLOAT exactly (no
//                                 rounding through double, also beyond 2^53); NaN equals
//                                 nothing. Lists: sizes differ → false, else the three-valued
//                                 AND of element equalities (false wins over null). Maps: key
//                                 sets differ → false, else the AND over values. Nodes and
//                                 relationships by id, paths by their node and relationship
//                                 ids. Values of different types are unequal (false).
//  COMPARABILITY (< <= > >=)      numbers with numbers, strings with strings (Unicode code
//                                 point order, i.e. UTF-8 byte order, the order indexes use),
//                                 booleans (false < true), lists lexicographically element by
//                                 element (an incomparable element makes the result null; a
//                                 proper prefix is smaller: [1] < [1, 0], [1, null] >= [1]).
//                                 NaN against any number → false for all four operators.
//                                 Everything else — different types, maps, nodes,
//                                 relationships, paths, null — is incomparable → null.
//                                 (The CIP lets implementations order maps and entities; the
//                                 TCK never compares them with <, and Neo4j answers null, so
//                                 ombra does too.)
//  ORDERABILITY (ORDER BY, min,   a total order: MAP < NODE < RELATIONSHIP < LIST < PATH <
//  max)                           STRING < BOOLEAN < NUMBER < NULL. INTEGER and FLOAT
//                                 interleave by value (1 and 1.0 sort together), NaN after
//                                 +Infinity. Maps: by sorted key list, then values in key
//                                 order; nodes and relationships by id; paths as the list
//                                 node, rel, node, ...; lists lexicographically by
//                                 orderability.
//  EQUIVALENCE (DISTINCT,         equality where null ≡ null and NaN ≡ NaN (also nested), so
//  grouping)                      it is reflexive; 1 ≡ 1.0 and 0.0 ≡ -0.0 because they are
//                                 equal. orderCompare(a, b) === 0 exactly when equivalent(a, b)
//                                 (checked by property tests).
//
// groupKey() maps a value to a JavaScript Map key such that two values get the same key
// exactly when they are equivalent, so grouping and DISTINCT can hash.

import { NodeRef, PathValue, RelationshipRef, isValueMap, type Value, type ValueMap } from './values.js';

export type Ternary = boolean | null;

// ── numbers and strings ─────────────────────────────────────────────────────

/** Exact comparison of an INTEGER with a FLOAT: -1, 0, 1, or NaN when the float is NaN. */
export function compareIntegerWithFloat(integer: bigint, float: number): number {
  if (Number.isNaN(float)) return Number.NaN;
  if (float === Number.POSITIVE_INFINITY) return -1;
  if (float === Number.NEGATIVE_INFINITY) return 1;
  const whole = Math.trunc(float);
  const wholeBig = BigInt(whole); // exact: every finite double's integer part is an integer
  if (integer < wholeBig) return -1;
  if (integer > wholeBig) return 1;
  const fraction = float - whole;
  return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

/** Compare two numbers by value: -1, 0, 1, or NaN when either is NaN. */
export function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint') {
    if (typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    return compareIntegerWithFloat(a, b);
  }
  if (typeof b === 'bigint') return 0 - compareIntegerWithFloat(b, a); // 0 - x: never -0
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}

// UTF-16 code units D800–DFFF (surrogates, i.e. code points above FFFF) must sort after
// E000–FFFF for code point order; shifting both ranges fixes that in one comparison.
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Compare strings in Unicode code point order: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) < codePointRank(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

function isNumber(value: Value): value is bigint | number {
  return typeof value === 'bigint' || typeof value === 'number';
}

function sameKeys(a: ValueMap, b: ValueMap): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
  return true;
}

function samePath(a: PathValue, b: PathValue): boolean {
  if (a.nodes.length !== b.nodes.length) return false;
  for (let i = 0; i < a.nodes.length; i++) if (a.nodes[i]!.id !== b.nodes[i]!.id) return false;
  for (let i = 0; i < a.relationships.length; i++) if (a.relationships[i]!.id !== b.relationships[i]!.id) return false;
  return true;
}

// ── equality ────────────────────────────────────────────────────────────────

/** `a = b` with three-valued logic. Cost: O(size of the smaller value). */
export function equals(a: Value, b: Value): Ternary {
  if (a === null || b === null) return null;
  if (isNumber(a)) return isNumber(b) ? compareNumbers(a, b) === 0 : false;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    let unknown = false;
    for (let i = 0; i < a.length; i++) {
      const r = equals(a[i]!, b[i]!);
      if (r === false) return false;
      if (r === null) unknown = true;
    }
    return unknown ? null : true;
  }
  if (a instanceof NodeRef) return b instanceof NodeRef && a.id === b.id;
  if (a instanceof RelationshipRef) return b instanceof RelationshipRef && a.id === b.id;
  if (a instanceof PathValue) return b instanceof PathValue && samePath(a, b);
  if (!isValueMap(b) || !sameKeys(a, b)) return false;
  let unknown = false;
  for (const key of Object.keys(a)) {
    const r = equals(a[key]!, b[key]!);
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

/** `a <> b`: the negation of equality (null stays null). */
export function notEquals(a: Value, b: Value): Ternary {
  const r = equals(a, b);
  return r === null ? null : !r;
}

// ── comparability ───────────────────────────────────────────────────────────

/**
 * Compare for `<`, `<=`, `>`, `>=`: -1, 0 or 1; NaN when the values are numbers and one is
 * NaN (every operator then answers false); null when they are incomparable.
 */
export function compareValues(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (isNumber(a)) return isNumber(b) ? compareNumbers(a, b) : null;
  if (typeof a === 'string') return typeof b === 'string' ? compareStrings(a, b) : null;
  if (typeof a === 'boolean') return typeof b === 'boolean' ? (a === b ? 0 : a ? 1 : -1) : null;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i]!, b[i]!);
      if (c !== 0) return c; // null, NaN, -1 or 1 decides
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  return null;
}

export function lessThan(a: Value, b: Value): Ternary {
  const c = compareValues(a, b);
  return c === null ? null : c < 0;
}
export function lessThanOrEqual(a: Value, b: Value): Ternary {
  const c = compareValues(a, b);
  return c === null ? null : c <= 0;
}
export function greaterThan(a: Value, b: Value): Ternary {
  const c = compareValues(a, b);
  return c === null ? null : c > 0;
}
export function greaterThanOrEqual(a: Value, b: Value): Ternary {
  const c = compareValues(a, b);
  return c === null ? null : c >= 0;
}

// ── orderability and equivalence ────────────────────────────────────────────

const RANK_MAP = 0;
const RANK_NODE = 1;
const RANK_RELATIONSHIP = 2;
const RANK_LIST = 3;
const RANK_PATH = 4;
const RANK_STRING = 5;
const RANK_BOOLEAN = 6;
const RANK_NUMBER = 7;
const RANK_NULL = 8;

function orderRank(value: Value): number {
  if (value === null) return RANK_NULL;
  switch (typeof value) {
    case 'bigint':
    case 'number':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    case 'boolean':
      return RANK_BOOLEAN;
    default:
      break;
  }
  if (Array.isArray(value)) return RANK_LIST;
  if (value instanceof NodeRef) return RANK_NODE;
  if (value instanceof RelationshipRef) return RANK_RELATIONSHIP;
  if (value instanceof PathValue) return RANK_PATH;
  return RANK_MAP;
}

function orderNumbers(a: bigint | number, b: bigint | number): number {
  const aNaN = typeof a === 'number' && Number.isNaN(a);
  const bNaN = typeof b === 'number' && Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return compareNumbers(a, b);
}

function orderLists(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = orderCompare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function orderMaps(a: ValueMap, b: ValueMap): number {
  const aKeys = Object.keys(a).sort(compareStrings);
  const bKeys = Object.keys(b).sort(compareStrings);
  const n = Math.min(aKeys.length, bKeys.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(aKeys[i]!, bKeys[i]!);
    if (c !== 0) return c;
  }
  if (aKeys.length !== bKeys.length) return aKeys.length < bKeys.length ? -1 : 1;
  for (const key of aKeys) {
    const c = orderCompare(a[key]!, b[key]!);
    if (c !== 0) return c;
  }
  return 0;
}

function pathAsList(path: PathValue): Value[] {
  const out: Value[] = [path.nodes[0]!];
  for (let i = 0; i < path.relationships.length; i++) out.push(path.relationships[i]!, path.nodes[i + 1]!);
  return out;
}

/** The global sort order (ascending): -1, 0 or 1 for any two values. Cost: O(size of values). */
export function orderCompare(a: Value, b: Value): number {
  const ra = orderRank(a);
  const rb = orderRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case RANK_NULL:
      return 0;
    case RANK_NUMBER:
      return orderNumbers(a as bigint | number, b as bigint | number);
    case RANK_STRING:
      return compareStrings(a as string, b as string);
    case RANK_BOOLEAN:
      return a === b ? 0 : a ? 1 : -1;
    case RANK_LIST:
      return orderLists(a as Value[], b as Value[]);
    case RANK_NODE: {
      const x = (a as NodeRef).id;
      const y = (b as NodeRef).id;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case RANK_RELATIONSHIP: {
      const x = (a as RelationshipRef).id;
      const y = (b as RelationshipRef).id;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case RANK_PATH:
      return orderLists(pathAsList(a as PathValue), pathAsList(b as PathValue));
    default:
      return orderMaps(a as ValueMap, b as ValueMap);
  }
}

/** Equivalence (DISTINCT, grouping): equality with null ≡ null and NaN ≡ NaN. */
export function equivalent(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (isNumber(a)) return isNumber(b) && orderNumbers(a, b) === 0;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equivalent(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof NodeRef) return b instanceof NodeRef && a.id === b.id;
  if (a instanceof RelationshipRef) return b instanceof RelationshipRef && a.id === b.id;
  if (a instanceof PathValue) return b instanceof PathValue && samePath(a, b);
  if (!isValueMap(b) || !sameKeys(a, b)) return false;
  for (const key of Object.keys(a)) if (!equivalent(a[key]!, b[key]!)) return false;
  return true;
}

// ── grouping keys ───────────────────────────────────────────────────────────

/** A JavaScript Map key: equal keys (SameValueZero) ⇔ equivalent values. */
export type GroupKey = null | boolean | number | bigint | string;

// Composite keys are strings that start with COMPOSITE followed by a type letter; a STRING
// value that itself starts with COMPOSITE gets one more COMPOSITE in front, so the two kinds
// never collide. Inside a composite every part is self-delimiting (counts, lengths, ';').
const COMPOSITE = '\u0001';

function isIntegral(value: number): boolean {
  return Number.isInteger(value);
}

function encode(value: Value, out: string[]): void {
  if (value === null) {
    out.push('z');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'T' : 'F');
      return;
    case 'bigint':
      out.push('i', value.toString(), ';');
      return;
    case 'number':
      if (isIntegral(value)) out.push('i', BigInt(value).toString(), ';');
      else out.push('d', String(value), ';');
      return;
    case 'string':
      out.push('s', String(value.length), ':', value);
      return;
    default:
      break;
  }
  if (Array.isArray(value)) {
    out.push('L', String(value.length), '[');
    for (const item of value) encode(item, out);
    out.push(']');
  } else if (value instanceof NodeRef) {
    out.push('N', String(value.id), ';');
  } else if (value instanceof RelationshipRef) {
    out.push('R', String(value.id), ';');
  } else if (value instanceof PathValue) {
    out.push('P', String(value.relationships.length), '(');
    for (const node of value.nodes) out.push(String(node.id), ';');
    for (const rel of value.relationships) out.push(String(rel.id), ';');
    out.push(')');
  } else {
    const keys = Object.keys(value).sort(compareStrings);
    out.push('M', String(keys.length), '{');
    for (const key of keys) {
      out.push(String(key.length), ':', key);
      encode(value[key]!, out);
    }
    out.push('}');
  }
}

/** The grouping key of one value. Cost: O(1) for scalars, O(size) for composites. */
export function groupKey(value: Value): GroupKey {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') {
    return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
  }
  if (typeof value === 'number') {
    if (isIntegral(value) && !Number.isSafeInteger(value)) return BigInt(value);
    return value === 0 ? 0 : value; // -0 and 0 are equivalent
  }
  if (typeof value === 'string') return value.startsWith(COMPOSITE) ? COMPOSITE + value : value;
  const out: string[] = [COMPOSITE];
  encode(value, out);
  return out.join('');
}

/** The grouping key of a row of values (several grouping columns). */
export function rowGroupKey(values: readonly Value[]): GroupKey {
  if (values.length === 1) return groupKey(values[0]!);
  const out: string[] = [COMPOSITE, 'W', String(values.length), '|'];
  for (const value of values) encode(value, out);
  return out.join('');
}
