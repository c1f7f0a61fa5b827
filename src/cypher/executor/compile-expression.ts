// Compiling bound expressions into JavaScript closures, once per plan: each node of the
// expression tree becomes one closure `(row, ctx) => Value` that calls its children's
// closures directly, so evaluating a row walks no tree and allocates nothing but results.
// Common shapes get specialised closures (a property of a slot, a comparison of two operands).

import { OmbraError, RuntimeQueryError } from '../../errors.js';
import type { BExpr } from '../binder/index.js';
import { add, divide, modulo, multiply, negate, power, subtract, unaryPlus } from '../runtime/arithmetic.js';
import { equals, greaterThan, greaterThanOrEqual, lessThan, lessThanOrEqual, notEquals, type Ternary } from '../runtime/compare.js';
import { contains, endsWith, hasLabels, indexValue, inList, not, propertyValue, sliceList, startsWith } from '../runtime/operators.js';
import { operatorTypeError } from '../runtime/runtime-errors.js';
import { NodeRef, PathValue, RelationshipRef, isValueMap, type Value, type ValueMap } from '../runtime/values.js';
import type { ExecContext } from './context.js';
import type { Evaluator, Row } from './operator.js';

/** How compiled expressions reach subquery plans (EXISTS, pattern predicates, comprehensions). */
export interface CompileEnv {
  /** Index of the subplan of `expr` in ctx.subplans, instantiating through `instantiate`. */
  subplan(expr: BExpr): { index: number; instantiate: (ctx: ExecContext) => import('./operator.js').Operator };
}

const COMPARE: Record<string, (a: Value, b: Value) => Ternary> = {
  '=': equals,
  '<>': notEquals,
  '<': lessThan,
  '>': greaterThan,
  '<=': lessThanOrEqual,
  '>=': greaterThanOrEqual,
};

const ARITHMETIC: Record<string, (a: Value, b: Value) => Value> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '^': power,
};

export function compileExpression(expr: BExpr, env: CompileEnv): Evaluator {
  const c = (e: BExpr): Evaluator => compileExpression(e, env);
  switch (expr.kind) {
    case 'Literal': {
      const value = expr.value;
      return () => value;
    }
    case 'Parameter': {
      const name = expr.name;
      return (_row, ctx) => ctx.params[name] ?? null;
    }
    case 'Slot':
    case 'Aggregate': {
      const slot = expr.slot;
      return (row) => row[slot] ?? null;
    }
    case 'Property':
      return compileProperty(expr.object, expr.key, c);
    case 'Index': {
      const object = c(expr.object);
      const index = c(expr.index);
      return (row, ctx) => indexValue(object(row, ctx), index(row, ctx), ctx.entities);
    }
    case 'Slice': {
      const object = c(expr.object);
      const from = expr.from === null ? null : c(expr.from);
      const to = expr.to === null ? null : c(expr.to);
      return (row, ctx) => sliceList(object(row, ctx), from === null ? undefined : from(row, ctx), to === null ? undefined : to(row, ctx));
    }
    case 'HasLabels': {
      const subject = c(expr.subject);
      const labels = expr.labels;
      return (row, ctx) => {
        const value = subject(row, ctx);
        if (value instanceof RelationshipRef) return labels.length === 1 && labels[0] === value.typeName;
        return hasLabels(value, labels, ctx.entities);
      };
    }
    case 'Unary': {
      const operand = c(expr.operand);
      if (expr.operator === 'NOT') return (row, ctx) => not(operand(row, ctx));
      if (expr.operator === '-') return (row, ctx) => negate(operand(row, ctx));
      return (row, ctx) => unaryPlus(operand(row, ctx));
    }
    case 'Arithmetic': {
      const left = c(expr.left);
      const right = c(expr.right);
      const apply = ARITHMETIC[expr.operator]!;
      return (row, ctx) => apply(left(row, ctx), right(row, ctx));
    }
    case 'Logical':
      return compileLogical(expr.operator, c(expr.left), c(expr.right));
    case 'Comparison':
      return compileComparison(expr.operands.map(c), expr.operators);
    case 'StringPredicate': {
      const left = c(expr.left);
      const right = c(expr.right);
      switch (expr.operator) {
        case 'STARTS WITH':
          return (row, ctx) => startsWith(left(row, ctx), right(row, ctx));
        case 'ENDS WITH':
          return (row, ctx) => endsWith(left(row, ctx), right(row, ctx));
        case 'CONTAINS':
          return (row, ctx) => contains(left(row, ctx), right(row, ctx));
        case '=~':
          return (row, ctx) => regexMatch(left(row, ctx), right(row, ctx));
      }
      break;
    }
    case 'In': {
      const element = c(expr.element);
      const list = c(expr.list);
      return (row, ctx) => inList(element(row, ctx), list(row, ctx));
    }
    case 'IsNull': {
      const operand = c(expr.operand);
      return expr.negated ? (row, ctx) => operand(row, ctx) !== null : (row, ctx) => operand(row, ctx) === null;
    }
    case 'Function': {
      const fn = expr.fn;
      const args = expr.args.map(c);
      if (args.length === 0) return (_row, ctx) => fn.evaluate([], ctx.fn);
      if (args.length === 1) {
        const a = args[0]!;
        return (row, ctx) => fn.evaluate([a(row, ctx)], ctx.fn);
      }
      return (row, ctx) => {
        const values = new Array<Value>(args.length);
        for (let i = 0; i < args.length; i++) values[i] = args[i]!(row, ctx);
        return fn.evaluate(values, ctx.fn);
      };
    }
    case 'Case':
      return compileCase(expr, c);
    case 'List': {
      const elements = expr.elements.map(c);
      return (row, ctx) => {
        const out = new Array<Value>(elements.length);
        for (let i = 0; i < elements.length; i++) out[i] = elements[i]!(row, ctx);
        return out;
      };
    }
    case 'Map': {
      const keys = expr.keys;
      const values = expr.values.map(c);
      return (row, ctx) => {
        const out: ValueMap = {};
        for (let i = 0; i < keys.length; i++) out[keys[i]!] = values[i]!(row, ctx);
        return out;
      };
    }
    case 'ListComprehension': {
      const list = c(expr.list);
      const where = expr.where === null ? null : c(expr.where);
      const projection = expr.projection === null ? null : c(expr.projection);
      const slot = expr.slot;
      return (row, ctx) => {
        const value = list(row, ctx);
        if (value === null) return null;
        if (!Array.isArray(value)) throw operatorTypeError('list comprehension', [value]);
        const out: Value[] = [];
        for (const item of value) {
          row[slot] = item;
          if (where !== null && where(row, ctx) !== true) continue;
          out.push(projection === null ? item : projection(row, ctx));
        }
        return out;
      };
    }
    case 'Quantifier':
      return compileQuantifier(expr.quantifier, expr.slot, c(expr.list), expr.where === null ? null : c(expr.where));
    case 'Reduce': {
      const init = c(expr.init);
      const list = c(expr.list);
      const body = c(expr.expression);
      const { slot, accumulator } = expr;
      return (row, ctx) => {
        let acc = init(row, ctx);
        const value = list(row, ctx);
        if (value === null) return null;
        if (!Array.isArray(value)) throw operatorTypeError('reduce', [value]);
        for (const item of value) {
          row[accumulator] = acc;
          row[slot] = item;
          acc = body(row, ctx);
        }
        return acc;
      };
    }
    case 'MapProjection':
      return compileMapProjection(expr, c);
    case 'PathBuild':
      return compilePath(expr.steps);
    case 'Exists': {
      const { index, instantiate } = env.subplan(expr);
      return (row, ctx) => {
        const op = (ctx.subplans[index] ??= instantiate(ctx));
        op.reset(row);
        return op.next() !== null;
      };
    }
    case 'PatternComprehension': {
      const { index, instantiate } = env.subplan(expr);
      const projection = c(expr.projection);
      return (row, ctx) => {
        const op = (ctx.subplans[index] ??= instantiate(ctx));
        op.reset(row);
        const out: Value[] = [];
        for (let r = op.next(); r !== null; r = op.next()) {
          ctx.tick();
          out.push(projection(r, ctx));
        }
        return out;
      };
    }
  }
  throw new OmbraError('INTERNAL', `cannot compile expression ${(expr as BExpr).kind}`);
}

function compileProperty(objectExpr: BExpr, key: string, c: (e: BExpr) => Evaluator): Evaluator {
  if (objectExpr.kind === 'Slot') {
    const slot = objectExpr.slot;
    return (row, ctx) => {
      const value = row[slot] ?? null;
      if (value instanceof NodeRef) return ctx.entities.nodeProperty(value.id, key);
      if (value instanceof RelationshipRef) return ctx.entities.relationshipProperty(value.id, key);
      return propertyValue(value, key, ctx.entities);
    };
  }
  const object = c(objectExpr);
  return (row, ctx) => propertyValue(object(row, ctx), key, ctx.entities);
}

function asBoolean(operator: string, value: Value): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  throw operatorTypeError(operator, [value]);
}

function compileLogical(operator: 'AND' | 'OR' | 'XOR', left: Evaluator, right: Evaluator): Evaluator {
  switch (operator) {
    case 'AND':
      return (row, ctx) => {
        const a = asBoolean('AND', left(row, ctx));
        if (a === false) return false;
        const b = asBoolean('AND', right(row, ctx));
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case 'OR':
      return (row, ctx) => {
        const a = asBoolean('OR', left(row, ctx));
        if (a === true) return true;
        const b = asBoolean('OR', right(row, ctx));
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case 'XOR':
      return (row, ctx) => {
        const a = asBoolean('XOR', left(row, ctx));
        const b = asBoolean('XOR', right(row, ctx));
        return a === null || b === null ? null : a !== b;
      };
  }
}

function compileComparison(operands: readonly Evaluator[], operators: readonly string[]): Evaluator {
  if (operands.length === 2) {
    const [left, right] = operands as [Evaluator, Evaluator];
    const compare = COMPARE[operators[0]!]!;
    return (row, ctx) => compare(left(row, ctx), right(row, ctx));
  }
  const compares = operators.map((op) => COMPARE[op]!);
  return (row, ctx) => {
    let result: Ternary = true;
    let previous = operands[0]!(row, ctx);
    for (let i = 0; i < compares.length; i++) {
      const next = operands[i + 1]!(row, ctx);
      const r = compares[i]!(previous, next);
      if (r === false) return false;
      if (r === null) result = null;
      previous = next;
    }
    return result;
  };
}

function compileCase(expr: Extract<BExpr, { kind: 'Case' }>, c: (e: BExpr) => Evaluator): Evaluator {
  const test = expr.test === null ? null : c(expr.test);
  const whens = expr.alternatives.map((a) => c(a.when));
  const thens = expr.alternatives.map((a) => c(a.then));
  const otherwise = expr.else === null ? null : c(expr.else);
  if (test !== null) {
    return (row, ctx) => {
      const value = test(row, ctx);
      for (let i = 0; i < whens.length; i++) if (equals(value, whens[i]!(row, ctx)) === true) return thens[i]!(row, ctx);
      return otherwise === null ? null : otherwise(row, ctx);
    };
  }
  return (row, ctx) => {
    for (let i = 0; i < whens.length; i++) if (whens[i]!(row, ctx) === true) return thens[i]!(row, ctx);
    return otherwise === null ? null : otherwise(row, ctx);
  };
}

function compileQuantifier(quantifier: 'all' | 'any' | 'none' | 'single', slot: number, list: Evaluator, where: Evaluator | null): Evaluator {
  return (row, ctx) => {
    const value = list(row, ctx);
    if (value === null) return null;
    if (!Array.isArray(value)) throw operatorTypeError(`${quantifier}()`, [value]);
    let trues = 0;
    let nulls = 0;
    for (const item of value) {
      row[slot] = item;
      const r = where === null ? item : where(row, ctx);
      if (r === true) {
        trues++;
        if (quantifier === 'any') return true;
        if (quantifier === 'none') return false;
        if (quantifier === 'single' && trues > 1) return false;
      } else if (r === null) nulls++;
      else if (r === false) {
        if (quantifier === 'all') return false;
      } else throw operatorTypeError(`${quantifier}()`, [r]);
    }
    switch (quantifier) {
      case 'all':
        return nulls > 0 ? null : true;
      case 'any':
        return nulls > 0 ? null : false;
      case 'none':
        return nulls > 0 ? null : true;
      case 'single':
        return nulls > 0 ? null : trues === 1;
    }
  };
}

function compileMapProjection(expr: Extract<BExpr, { kind: 'MapProjection' }>, c: (e: BExpr) => Evaluator): Evaluator {
  const subject = c(expr.subject);
  const items = expr.items.map((item) => (item.kind === 'entry' ? { ...item, evaluate: c(item.value) } : { ...item, evaluate: null }));
  return (row, ctx) => {
    const value = subject(row, ctx);
    if (value === null) return null;
    const out: ValueMap = {};
    for (const item of items) {
      if (item.kind === 'all') {
        const all = allProperties(value, ctx);
        for (const key of Object.keys(all)) out[key] = all[key]!;
      } else if (item.kind === 'property') {
        out[item.key] = propertyValue(value, item.key, ctx.entities);
      } else {
        out[item.key] = item.evaluate!(row, ctx);
      }
    }
    return out;
  };
}

function allProperties(value: Value, ctx: ExecContext): ValueMap {
  if (value instanceof NodeRef) return ctx.entities.nodeProperties(value.id);
  if (value instanceof RelationshipRef) return ctx.entities.relationshipProperties(value.id);
  if (isValueMap(value)) return value;
  throw operatorTypeError('map projection', [value]);
}

function compilePath(steps: readonly ({ kind: 'node'; slot: number } | { kind: 'relationship'; slot: number; list: boolean })[]): Evaluator {
  return (row) => {
    const nodes: NodeRef[] = [];
    const relationships: RelationshipRef[] = [];
    let skipNextNode = false;
    for (const step of steps) {
      const value = row[step.slot] ?? null;
      if (value === null) return null;
      if (step.kind === 'node') {
        if (skipNextNode) {
          skipNextNode = false;
          continue;
        }
        nodes.push(value as NodeRef);
      } else if (!step.list) {
        relationships.push(value as RelationshipRef);
      } else {
        let current = nodes[nodes.length - 1]!.id;
        for (const rel of value as RelationshipRef[]) {
          relationships.push(rel);
          current = rel.startId === current ? rel.endId : rel.startId;
          nodes.push(new NodeRef(current));
        }
        skipNextNode = true;
      }
    }
    return new PathValue(nodes, relationships);
  };
}

const regexCache = new Map<string, RegExp>();

/** `text =~ pattern`: a full match of a Java-style regular expression; null unless both are strings. */
function regexMatch(text: Value, pattern: Value): Value {
  if (typeof text !== 'string' || typeof pattern !== 'string') return null;
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    let source = pattern;
    let flags = 'u';
    const inline = /^\(\?([imsx]+)\)/.exec(source);
    if (inline !== null) {
      if (inline[1]!.includes('i')) flags += 'i';
      if (inline[1]!.includes('s')) flags += 's';
      if (inline[1]!.includes('m')) flags += 'm';
      source = source.slice(inline[0].length);
    }
    try {
      regex = new RegExp(`^(?:${source})$`, flags);
    } catch (error) {
      throw new RuntimeQueryError('RUNTIME_ARGUMENT', `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`, {
        detail: 'InvalidArgumentValue',
        pattern,
      });
    }
    if (regexCache.size > 256) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  return regex.test(text);
}

export type { Row };
