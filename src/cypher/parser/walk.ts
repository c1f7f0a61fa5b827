// Generic traversal of the AST, so later stages can find variables, aggregates, parameters
// or pattern predicates without re-listing every node kind.
//
//  (W1) childrenOf() lists a node's direct children in source order and is exhaustive:
//       adding a node kind to ast.ts without listing its children here fails to compile.
//  (W2) walk() and findAll() are iterative (an explicit stack), so the deep left-leaning
//       trees of long chains like `a + b + c + ...` cannot overflow the call stack.
//  (W3) Traversal does not know about scopes; opensScope() names the nodes that bind
//       variables for their own children only, for visitors that must stop or push a scope.

import { OmbraError } from '../../errors.js';
import type { AstNode, Expression, ProjectionItem } from './ast.js';

/** The direct children of `node`, in source order (W1). Cost: O(number of children). */
export function childrenOf(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const add = (child: AstNode | null | undefined): void => {
    if (child !== null && child !== undefined) out.push(child);
  };
  const addAll = (children: readonly AstNode[] | null): void => {
    if (children !== null) for (const child of children) out.push(child);
  };
  switch (node.kind) {
    case 'Statement':
      add(node.body);
      break;
    case 'Query':
      addAll(node.parts);
      break;
    case 'SingleQuery':
      addAll(node.clauses);
      break;
    case 'Match':
      addAll(node.pattern);
      add(node.where);
      break;
    case 'Unwind':
      add(node.expression);
      add(node.variable);
      break;
    case 'With':
      add(node.projection);
      add(node.where);
      break;
    case 'Return':
      add(node.projection);
      break;
    case 'Projection':
      addAll(node.items);
      addAll(node.orderBy);
      add(node.skip);
      add(node.limit);
      break;
    case 'ProjectionItem':
      add(node.expression);
      add(node.alias);
      break;
    case 'SortItem':
      add(node.expression);
      break;
    case 'Create':
      addAll(node.pattern);
      break;
    case 'Merge':
      add(node.pattern);
      addAll(node.actions);
      break;
    case 'MergeAction':
      addAll(node.items);
      break;
    case 'Set':
      addAll(node.items);
      break;
    case 'SetProperty':
      add(node.property);
      add(node.value);
      break;
    case 'SetAllProperties':
      add(node.variable);
      add(node.value);
      break;
    case 'SetLabels':
      add(node.variable);
      addAll(node.labels);
      break;
    case 'Remove':
      addAll(node.items);
      break;
    case 'RemoveProperty':
      add(node.property);
      break;
    case 'RemoveLabels':
      add(node.variable);
      addAll(node.labels);
      break;
    case 'Delete':
      addAll(node.expressions);
      break;
    case 'Call':
      add(node.procedure);
      addAll(node.arguments);
      add(node.yield);
      break;
    case 'Yield':
      addAll(node.items);
      add(node.where);
      break;
    case 'YieldItem':
      add(node.field);
      add(node.alias);
      break;
    case 'Foreach':
      add(node.variable);
      add(node.list);
      addAll(node.clauses);
      break;
    case 'CreateIndex':
      add(node.name);
      add(node.label);
      addAll(node.properties);
      break;
    case 'DropIndex':
      add(node.name);
      add(node.label);
      addAll(node.properties);
      break;
    case 'PatternPart':
      add(node.variable);
      add(node.path);
      break;
    case 'PathPattern':
      for (let i = 0; i < node.nodes.length; i++) {
        add(node.nodes[i]);
        add(node.relationships[i]);
      }
      break;
    case 'NodePattern':
      add(node.variable);
      addAll(node.labels);
      add(node.properties);
      break;
    case 'RelationshipPattern':
      add(node.variable);
      addAll(node.types);
      add(node.length);
      add(node.properties);
      break;
    case 'ListLiteral':
      addAll(node.elements);
      break;
    case 'MapLiteral':
      addAll(node.entries);
      break;
    case 'MapEntry':
      add(node.key);
      add(node.value);
      break;
    case 'PropertyAccess':
      add(node.object);
      add(node.key);
      break;
    case 'IndexAccess':
      add(node.object);
      add(node.index);
      break;
    case 'SliceAccess':
      add(node.object);
      add(node.from);
      add(node.to);
      break;
    case 'LabelTest':
      add(node.subject);
      addAll(node.labels);
      break;
    case 'Unary':
    case 'Not':
      add(node.operand);
      break;
    case 'Binary':
    case 'Logical':
    case 'StringPredicate':
      add(node.left);
      add(node.right);
      break;
    case 'Comparison':
      addAll(node.operands);
      break;
    case 'InList':
      add(node.element);
      add(node.list);
      break;
    case 'IsNull':
      add(node.operand);
      break;
    case 'FunctionCall':
      add(node.name);
      addAll(node.arguments);
      break;
    case 'Case':
      add(node.test);
      addAll(node.alternatives);
      add(node.else);
      break;
    case 'CaseAlternative':
      add(node.when);
      add(node.then);
      break;
    case 'ListComprehension':
      add(node.variable);
      add(node.list);
      add(node.where);
      add(node.projection);
      break;
    case 'PatternComprehension':
      add(node.variable);
      add(node.pattern);
      add(node.where);
      add(node.projection);
      break;
    case 'Quantifier':
      add(node.variable);
      add(node.list);
      add(node.where);
      break;
    case 'Reduce':
      add(node.accumulator);
      add(node.init);
      add(node.variable);
      add(node.list);
      add(node.expression);
      break;
    case 'ExistsSubquery':
      add(node.query);
      break;
    case 'PatternPredicate':
      add(node.pattern);
      break;
    case 'MapProjection':
      add(node.subject);
      addAll(node.items);
      break;
    case 'PropertySelector':
      add(node.key);
      break;
    case 'LiteralEntry':
      add(node.key);
      add(node.value);
      break;
    case 'VariableSelector':
      add(node.variable);
      break;
    case 'ShowIndexes':
    case 'VariableLength':
    case 'IntegerLiteral':
    case 'FloatLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'Parameter':
    case 'Variable':
    case 'Name':
    case 'QualifiedName':
    case 'CountStar':
    case 'AllPropertiesSelector':
      break;
    default: {
      const unknown: never = node;
      throw new OmbraError('INTERNAL', `childrenOf: unknown AST node kind ${(unknown as AstNode).kind}`);
    }
  }
  return out;
}

export interface Visitor {
  /** Called before a node's children; return false to skip its children (and its leave). */
  enter?(node: AstNode, parent: AstNode | null): boolean | void;
  /** Called after all of a node's children. */
  leave?(node: AstNode, parent: AstNode | null): void;
}

/** Depth-first, pre-order (enter) and post-order (leave) traversal from `root` (W2). O(nodes). */
export function walk(root: AstNode, visitor: Visitor): void {
  type Frame = { node: AstNode; parent: AstNode | null; leaving: boolean };
  const stack: Frame[] = [{ node: root, parent: null, leaving: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.leaving) {
      visitor.leave?.(frame.node, frame.parent);
      continue;
    }
    if (visitor.enter?.(frame.node, frame.parent) === false) continue;
    if (visitor.leave !== undefined) stack.push({ node: frame.node, parent: frame.parent, leaving: true });
    const children = childrenOf(frame.node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent: frame.node, leaving: false });
  }
}

/**
 * Every node under `root` (inclusive), in source order, for which `match` holds. With
 * `descend`, children of a node for which it returns false are not searched (for example,
 * `(n) => !opensScope(n)` to stay in the current scope).
 */
export function findAll<T extends AstNode>(
  root: AstNode,
  match: (node: AstNode) => node is T,
  descend?: (node: AstNode) => boolean,
): T[] {
  const found: T[] = [];
  walk(root, {
    enter(node) {
      if (match(node)) found.push(node);
      return node === root || descend === undefined || descend(node);
    },
  });
  return found;
}

const EXPRESSION_KINDS: ReadonlySet<string> = new Set<Expression['kind']>([
  'IntegerLiteral',
  'FloatLiteral',
  'StringLiteral',
  'BooleanLiteral',
  'NullLiteral',
  'ListLiteral',
  'MapLiteral',
  'Parameter',
  'Variable',
  'PropertyAccess',
  'IndexAccess',
  'SliceAccess',
  'LabelTest',
  'Unary',
  'Not',
  'Binary',
  'Logical',
  'Comparison',
  'StringPredicate',
  'InList',
  'IsNull',
  'FunctionCall',
  'CountStar',
  'Case',
  'ListComprehension',
  'PatternComprehension',
  'Quantifier',
  'Reduce',
  'ExistsSubquery',
  'PatternPredicate',
  'MapProjection',
]);

export function isExpression(node: AstNode): node is Expression {
  return EXPRESSION_KINDS.has(node.kind);
}

/**
 * Nodes whose variables are visible only inside them (W3): comprehensions, quantifiers,
 * reduce, EXISTS subqueries, FOREACH.
 */
export function opensScope(node: AstNode): boolean {
  switch (node.kind) {
    case 'ListComprehension':
    case 'PatternComprehension':
    case 'Quantifier':
    case 'Reduce':
    case 'ExistsSubquery':
    case 'Foreach':
      return true;
    default:
      return false;
  }
}

/** The result column name of a projection item: its alias, else its text as written. */
export function columnName(item: ProjectionItem): string {
  return item.alias?.name ?? item.text;
}
