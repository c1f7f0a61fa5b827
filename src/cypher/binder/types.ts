// Static types: what the binder can tell about an expression's type before running it, and
// the compile-time type errors the TCK expects (InvalidArgumentType) for operands whose type
// is known to be wrong, e.g. `123 AND true`, `properties(1)`, `x % 2` with x a STRING.
//
// An operator check asks the runtime itself: it applies the operator to a sample value of
// each known type and reports an error when the runtime would throw. So the static check can
// never reject something the runtime accepts. Unknown types ('ANY') and null are never errors.

import { add, divide, modulo, multiply, negate, power, subtract, unaryPlus } from '../runtime/arithmetic.js';
import type { StaticType } from '../runtime/function-types.js';
import { NodeRef, PathValue, RelationshipRef, typeName, type Value } from '../runtime/values.js';
import type { BExpr } from './bound.js';
import { ANY_TYPE, type TypeInfo } from './scope.js';

const SAMPLES: Partial<Record<StaticType, Value>> = {
  BOOLEAN: true,
  INTEGER: 1n,
  FLOAT: 1.5,
  STRING: 's',
  LIST: [],
  MAP: {},
  NODE: new NodeRef(0),
  RELATIONSHIP: new RelationshipRef(0, 'T', 0, 0),
  PATH: new PathValue([new NodeRef(0)], []),
};

/** The static type of a runtime constant. */
export function typeOfValue(value: Value): TypeInfo {
  const type = typeName(value) as StaticType;
  if (type === 'LIST' && Array.isArray(value) && value.length > 0) {
    const first = typeName(value[0]!) as StaticType;
    if (first !== 'NULL' && value.every((item) => typeName(item) === first)) return { type, element: first };
  }
  return { type };
}

const BOOLEAN_TYPE: TypeInfo = { type: 'BOOLEAN' };

/** What the binder knows of an expression's type; `slotType` answers for variables. */
export function typeOf(expr: BExpr, slotType: (slot: number) => TypeInfo): TypeInfo {
  switch (expr.kind) {
    case 'Literal':
      return typeOfValue(expr.value);
    case 'Slot':
      return slotType(expr.slot);
    case 'Function':
      return { type: expr.fn.returns };
    case 'Aggregate':
      if (expr.name === 'count' || expr.name === 'count*') return { type: 'INTEGER' };
      if (expr.name === 'collect') return { type: 'LIST' };
      if (expr.name === 'avg' || expr.name === 'stDev' || expr.name === 'stDevP' || expr.name === 'percentileCont') return { type: 'FLOAT' };
      return ANY_TYPE;
    case 'Arithmetic': {
      const left = typeOf(expr.left, slotType).type;
      const right = typeOf(expr.right, slotType).type;
      if (left === 'INTEGER' && right === 'INTEGER' && expr.operator !== '^') return { type: 'INTEGER' };
      if ((left === 'FLOAT' || left === 'INTEGER') && (right === 'FLOAT' || right === 'INTEGER')) return { type: 'FLOAT' };
      if (expr.operator === '+' && (left === 'LIST' || right === 'LIST')) return { type: 'LIST' };
      if (expr.operator === '+' && left === 'STRING' && right === 'STRING') return { type: 'STRING' };
      return ANY_TYPE;
    }
    case 'List': {
      const elements = expr.elements.map((e) => typeOf(e, slotType).type);
      const first = elements[0];
      if (first !== undefined && first !== 'ANY' && first !== 'NULL' && elements.every((t) => t === first)) return { type: 'LIST', element: first };
      return { type: 'LIST' };
    }
    case 'ListComprehension':
    case 'PatternComprehension':
      return { type: 'LIST' };
    case 'Slice':
      return typeOf(expr.object, slotType).type === 'LIST' ? typeOf(expr.object, slotType) : ANY_TYPE;
    case 'Map':
    case 'MapProjection':
      return { type: 'MAP' };
    case 'PathBuild':
      return { type: 'PATH' };
    case 'Comparison':
    case 'StringPredicate':
    case 'In':
    case 'IsNull':
    case 'HasLabels':
    case 'Exists':
    case 'Quantifier':
    case 'Logical':
      return BOOLEAN_TYPE;
    case 'Unary':
      if (expr.operator === 'NOT') return BOOLEAN_TYPE;
      return typeOf(expr.operand, slotType);
    default:
      return ANY_TYPE;
  }
}

/** The element type of a list expression, when known. */
export function elementTypeOf(expr: BExpr, slotType: (slot: number) => TypeInfo): TypeInfo {
  const info = typeOf(expr, slotType);
  return info.type === 'LIST' && info.element !== undefined ? { type: info.element } : ANY_TYPE;
}

const ARITHMETIC: Record<string, (a: Value, b: Value) => Value> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '^': power,
};

/**
 * True when an operator is certain to fail at run time for operands of these static types
 * (never for ANY or NULL). Division by zero does not count: samples are never zero.
 */
export function operatorAlwaysFails(operator: string, operands: readonly StaticType[]): boolean {
  if (operator === 'AND' || operator === 'OR' || operator === 'XOR' || operator === 'NOT') {
    return operands.some((type) => type !== 'BOOLEAN' && type !== 'NULL' && type !== 'ANY');
  }
  const values: Value[] = [];
  for (const type of operands) {
    const sample = SAMPLES[type];
    if (sample === undefined) return false;
    values.push(sample);
  }
  try {
    if (operator === 'unary-') negate(values[0]!);
    else if (operator === 'unary+') unaryPlus(values[0]!);
    else {
      const apply = ARITHMETIC[operator];
      if (apply === undefined) return false;
      apply(values[0]!, values[1]!);
    }
    return false;
  } catch {
    return true;
  }
}

/** Types property access (`x.key`) can never apply to. */
export function propertyAccessAlwaysFails(type: StaticType): boolean {
  return type === 'BOOLEAN' || type === 'INTEGER' || type === 'FLOAT' || type === 'STRING' || type === 'LIST' || type === 'PATH';
}

