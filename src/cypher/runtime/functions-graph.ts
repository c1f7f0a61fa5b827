// Graph-element functions: id, labels, type, keys, properties, startNode, endNode, length,
// nodes, relationships, exists.
//
//  - null in → null out (exists(null) is false: it asks whether a property is present).
//  - A value of the wrong kind found at run time raises RUNTIME_TYPE InvalidArgumentValue
//    (TCK Graph3 [9], Graph4 [6]); the binder rejects statically known wrong kinds first.
//  - keys() and properties() also take a MAP; keys() of a map lists keys whose value is null.

import { fn, type FunctionContext, type ScalarFunction, type StaticType } from './function-types.js';
import { functionArgumentError } from './runtime-errors.js';
import { NodeRef, PathValue, RelationshipRef, isValueMap, type Value, type ValueMap } from './values.js';

function single(
  name: string,
  accepts: readonly StaticType[],
  returns: StaticType,
  expected: string,
  body: (value: Value, ctx: FunctionContext) => Value | undefined,
): ScalarFunction {
  return fn(name, [accepts], returns, (args, ctx) => {
    const value = args[0] ?? null;
    if (value === null) return null;
    const result = body(value, ctx);
    if (result === undefined) throw functionArgumentError(name, 0, value, expected);
    return result;
  });
}

function properties(value: Value, ctx: FunctionContext): ValueMap | undefined {
  if (value instanceof NodeRef) return ctx.reader.nodeProperties(value.id);
  if (value instanceof RelationshipRef) return ctx.reader.relationshipProperties(value.id);
  if (isValueMap(value)) return { ...value };
  return undefined;
}

export const GRAPH_FUNCTIONS: readonly ScalarFunction[] = [
  single('id', ['NODE', 'RELATIONSHIP'], 'INTEGER', 'a NODE or a RELATIONSHIP', (value) =>
    value instanceof NodeRef || value instanceof RelationshipRef ? BigInt(value.id) : undefined,
  ),
  single('labels', ['NODE'], 'LIST', 'a NODE', (value, ctx) =>
    value instanceof NodeRef ? ctx.reader.nodeLabels(value.id) : undefined,
  ),
  single('type', ['RELATIONSHIP'], 'STRING', 'a RELATIONSHIP', (value) =>
    value instanceof RelationshipRef ? value.typeName : undefined,
  ),
  single('keys', ['NODE', 'RELATIONSHIP', 'MAP'], 'LIST', 'a NODE, a RELATIONSHIP or a MAP', (value, ctx) => {
    const map = properties(value, ctx);
    return map === undefined ? undefined : Object.keys(map);
  }),
  single('properties', ['NODE', 'RELATIONSHIP', 'MAP'], 'MAP', 'a NODE, a RELATIONSHIP or a MAP', properties),
  single('startNode', ['RELATIONSHIP'], 'NODE', 'a RELATIONSHIP', (value) =>
    value instanceof RelationshipRef ? new NodeRef(value.startId) : undefined,
  ),
  single('endNode', ['RELATIONSHIP'], 'NODE', 'a RELATIONSHIP', (value) =>
    value instanceof RelationshipRef ? new NodeRef(value.endId) : undefined,
  ),
  single('length', ['PATH'], 'INTEGER', 'a PATH', (value) =>
    value instanceof PathValue ? BigInt(value.relationships.length) : undefined,
  ),
  single('nodes', ['PATH'], 'LIST', 'a PATH', (value) => (value instanceof PathValue ? value.nodes.slice() : undefined)),
  single('relationships', ['PATH'], 'LIST', 'a PATH', (value) =>
    value instanceof PathValue ? value.relationships.slice() : undefined,
  ),
  fn('exists', [['ANY']], 'BOOLEAN', (args) => args[0] !== null && args[0] !== undefined),
];
