// The scalar function registry: lookup by name (case-insensitive), arity and static
// argument-type checks for the binder, and evaluation for the executor.
//
// The functions and their semantics live in the family files:
//   functions-list.ts     size head last tail range reverse isEmpty coalesce
//   functions-graph.ts    id labels type keys properties startNode endNode length nodes
//                         relationships exists
//   functions-convert.ts  toInteger toFloat toString toBoolean (+ ...OrNull)
//   functions-math.ts     abs sign ceil floor round sqrt exp log log10 sin cos tan cot asin
//                         acos atan atan2 degrees radians haversin e pi rand timestamp
//   functions-string.ts   toUpper toLower trim ltrim rtrim substring left right replace split
// Aggregates (count, sum, collect, ...) are in aggregates.ts.
//
// Errors the binder raises through this module (SemanticError, with details.detail):
//   SEMANTIC_UNKNOWN_FUNCTION       UnknownFunction            no such function
//   SEMANTIC_OTHER                  InvalidNumberOfArguments   wrong number of arguments
//   SEMANTIC_INVALID_ARGUMENT_TYPE  InvalidArgumentType        an argument's static type is not accepted

import { OmbraError, SemanticError } from '../../errors.js';
import type { FunctionContext, ScalarFunction, StaticType } from './function-types.js';
import { CONVERT_FUNCTIONS } from './functions-convert.js';
import { GRAPH_FUNCTIONS } from './functions-graph.js';
import { LIST_FUNCTIONS } from './functions-list.js';
import { MATH_FUNCTIONS } from './functions-math.js';
import { STRING_FUNCTIONS } from './functions-string.js';
import type { Value } from './values.js';

export type { FunctionContext, ScalarFunction, StaticType } from './function-types.js';

const REGISTRY = new Map<string, ScalarFunction>();
for (const family of [LIST_FUNCTIONS, GRAPH_FUNCTIONS, CONVERT_FUNCTIONS, MATH_FUNCTIONS, STRING_FUNCTIONS]) {
  for (const definition of family) {
    const key = definition.name.toLowerCase();
    if (REGISTRY.has(key)) throw new OmbraError('INTERNAL', `function ${definition.name} is registered twice`);
    REGISTRY.set(key, definition);
  }
}

/** The function with this name (any case), or undefined. */
export function lookupFunction(name: string): ScalarFunction | undefined {
  return REGISTRY.get(name.toLowerCase());
}

/** Canonical names of every scalar function, sorted. */
export function functionNames(): string[] {
  return [...REGISTRY.values()].map((definition) => definition.name).sort();
}

/** Source position for binder errors (1-based), when known. */
export interface SourcePosition {
  line?: number;
  column?: number;
}

/**
 * Find a function and check its argument count; throws SemanticError (UnknownFunction or
 * InvalidNumberOfArguments) otherwise.
 */
export function resolveFunction(name: string, argumentCount: number, position: SourcePosition = {}): ScalarFunction {
  const definition = lookupFunction(name);
  if (definition === undefined) {
    throw new SemanticError('SEMANTIC_UNKNOWN_FUNCTION', `unknown function ${name}()`, {
      detail: 'UnknownFunction',
      function: name,
      ...position,
    });
  }
  if (argumentCount < definition.minArgs || argumentCount > definition.maxArgs) {
    const expected =
      definition.maxArgs === Number.POSITIVE_INFINITY
        ? `at least ${definition.minArgs}`
        : definition.minArgs === definition.maxArgs
          ? `${definition.minArgs}`
          : `${definition.minArgs} to ${definition.maxArgs}`;
    throw new SemanticError(
      'SEMANTIC_OTHER',
      `${definition.name}() takes ${expected} argument${expected === '1' ? '' : 's'}, got ${argumentCount}`,
      { detail: 'InvalidNumberOfArguments', function: definition.name, argumentCount, ...position },
    );
  }
  return definition;
}

function accepts(allowed: readonly StaticType[], actual: StaticType): boolean {
  return actual === 'ANY' || actual === 'NULL' || allowed.includes('ANY') || allowed.includes(actual);
}

/** The first argument whose static type the function does not accept, or null when all fit. */
export function findArgumentTypeMismatch(
  definition: ScalarFunction,
  argumentTypes: readonly StaticType[],
): { argument: number; expected: readonly StaticType[]; actual: StaticType } | null {
  for (let i = 0; i < argumentTypes.length; i++) {
    const allowed = definition.parameters[Math.min(i, definition.parameters.length - 1)];
    if (allowed === undefined) continue;
    const actual = argumentTypes[i]!;
    if (!accepts(allowed, actual)) return { argument: i + 1, expected: allowed, actual };
  }
  return null;
}

/** Throw SemanticError InvalidArgumentType when a statically known argument type is not accepted. */
export function checkArgumentTypes(
  definition: ScalarFunction,
  argumentTypes: readonly StaticType[],
  position: SourcePosition = {},
): void {
  const mismatch = findArgumentTypeMismatch(definition, argumentTypes);
  if (mismatch === null) return;
  throw new SemanticError(
    'SEMANTIC_INVALID_ARGUMENT_TYPE',
    `${definition.name}(): argument ${mismatch.argument} must be ${mismatch.expected.join(' or ')}, got ${mismatch.actual}`,
    { detail: 'InvalidArgumentType', function: definition.name, ...mismatch, ...position },
  );
}

/** Evaluate a function by name (resolving it first); for callers without a bound plan. */
export function callFunction(name: string, args: readonly Value[], ctx: FunctionContext): Value {
  return resolveFunction(name, args.length).evaluate(args, ctx);
}
