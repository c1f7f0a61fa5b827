// Query parameters from JavaScript: converted once per run into runtime values, following
// the graph API's rules (src/graph/value.ts scalarOfInput): an integral safe number is an
// INTEGER, any other number a FLOAT, float(1) (FloatValue) a FLOAT, a bigint an INTEGER
// (range-checked to 64 bits); arrays are lists, plain objects maps (nested freely), and
// NodeRef / RelationshipRef / PathValue pass through. undefined is null.

import { OmbraError } from '../errors.js';
import { NOT_SCALAR, OUTSIDE_INT64, scalarOfInput } from '../graph/value.js';
import { NodeRef, PathValue, RelationshipRef, isValueMap, type Value, type ValueMap } from './runtime/values.js';

export type ParameterInput = unknown;

/** convertValue's answer for an input it cannot convert (toQueryValue then names where). */
const REFUSED = Symbol('refused');

/** One parameter value as a runtime value. Throws INVALID_ARGUMENT naming the parameter. */
export function toQueryValue(input: unknown, where = 'parameter'): Value {
  // The common case converts without building a location string per list item and map key
  // (an UNWIND $rows of 10,000 rows would build 30,000); a refused value is converted again
  // by the checked walk below, which names the place in its error.
  const value = convertValue(input);
  return value !== REFUSED ? value : toQueryValueChecked(input, where);
}

/** toQueryValue without locations: REFUSED for anything toQueryValueChecked would throw on. */
function convertValue(input: unknown): Value | typeof REFUSED {
  const scalar = scalarOfInput(input);
  if (scalar !== NOT_SCALAR) return scalar === OUTSIDE_INT64 ? REFUSED : scalar;
  if (input instanceof NodeRef || input instanceof RelationshipRef || input instanceof PathValue) return input;
  if (Array.isArray(input)) {
    const out = new Array<Value>(input.length);
    for (let i = 0; i < input.length; i++) {
      const raw: unknown = input[i];
      // undefined may be a hole, which Array.map keeps as a hole: the checked walk does that.
      const item = raw === undefined ? REFUSED : convertValue(raw);
      if (item === REFUSED) return REFUSED;
      out[i] = item;
    }
    return out;
  }
  if (isValueMap(input)) {
    const out: ValueMap = {};
    // for-in over own keys: Object.keys' keys and order, without its array per row
    for (const key in input) {
      if (!Object.prototype.hasOwnProperty.call(input, key)) continue;
      const item = convertValue((input as Record<string, unknown>)[key]);
      if (item === REFUSED) return REFUSED;
      out[key] = item;
    }
    return out;
  }
  return REFUSED;
}

/** toQueryValue, naming the parameter (and list index or map key) of a refused value. */
function toQueryValueChecked(input: unknown, where: string): Value {
  const scalar = scalarOfInput(input);
  if (scalar === OUTSIDE_INT64) throw new OmbraError('INVALID_ARGUMENT', `${where}: integer ${input} is outside the 64-bit range`, { where });
  if (scalar !== NOT_SCALAR) return scalar;
  if (input instanceof NodeRef || input instanceof RelationshipRef || input instanceof PathValue) return input;
  if (Array.isArray(input)) return input.map((item, i) => toQueryValueChecked(item, `${where}[${i}]`));
  if (isValueMap(input)) {
    const out: ValueMap = {};
    for (const key of Object.keys(input)) out[key] = toQueryValueChecked((input as Record<string, unknown>)[key], `${where}.${key}`);
    return out;
  }
  throw new OmbraError('INVALID_ARGUMENT', `${where}: a ${(input as object).constructor?.name ?? typeof input} cannot be a query parameter`, { where });
}

/** Every parameter of a map, converted (see toQueryValue). */
export function toQueryParameters(params: Readonly<Record<string, unknown>> | undefined): Record<string, Value> {
  if (params === undefined) return {};
  // Once per run, so per point lookup: a plain object converts as one map, without a location
  // string per name; anything refused (or another kind of object) takes the checked walk.
  if (isValueMap(params)) {
    const converted = convertValue(params);
    if (converted !== REFUSED) return converted as ValueMap;
  }
  const out: Record<string, Value> = {};
  for (const name of Object.keys(params)) out[name] = toQueryValueChecked(params[name], `parameter $${name}`);
  return out;
}
