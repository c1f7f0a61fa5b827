// The bound query: what the binder hands the planner. Variables are resolved to slots of
// one row layout for the whole statement, functions to their definitions, aggregates to
// the slots their results land in, and every semantic rule of openCypher is already
// checked, so the planner and executor never meet an invalid query.
//
// Invariants:
//  (B1) Slots are numbered 0 .. slotCount-1 for the whole statement (every union part,
//       subquery and comprehension included). A slot is written by exactly one binding
//       site: a pattern element, an UNWIND, a projection item (unless it passes a variable
//       through unchanged, which keeps the variable's slot), a YIELD field, a FOREACH or
//       comprehension variable, or an aggregate. So rows can be reused in place: an
//       operator writes only its own slots and never clobbers what an upstream operator wrote.
//  (B2) A Slot expression reads a slot that is bound wherever the expression is evaluated
//       (the binder's scoping guarantees it).
//  (B3) Aggregate expressions appear only in the items and ORDER BY of a projection with
//       `aggregation` set; after the aggregation operator ran they read their slot.
//  (B4) Label, relationship type and property key names are kept as strings; whether they
//       exist is a run-time matter (a name nobody used yet simply matches nothing).

import type { Span } from '../parser/ast.js';
import type { ScalarFunction, StaticType } from '../runtime/function-types.js';
import type { Value } from '../runtime/values.js';
import type { ProcedureDefinition } from './procedures.js';

// ── expressions ────────────────────────────────────────────────────────────────────────

export type BExpr =
  | { readonly kind: 'Literal'; readonly value: Value }
  | { readonly kind: 'Parameter'; readonly name: string }
  | { readonly kind: 'Slot'; readonly slot: number; readonly name: string }
  | { readonly kind: 'Property'; readonly object: BExpr; readonly key: string }
  | { readonly kind: 'Index'; readonly object: BExpr; readonly index: BExpr }
  | { readonly kind: 'Slice'; readonly object: BExpr; readonly from: BExpr | null; readonly to: BExpr | null }
  | { readonly kind: 'HasLabels'; readonly subject: BExpr; readonly labels: readonly string[] }
  | { readonly kind: 'Unary'; readonly operator: '-' | '+' | 'NOT'; readonly operand: BExpr }
  | { readonly kind: 'Arithmetic'; readonly operator: '+' | '-' | '*' | '/' | '%' | '^'; readonly left: BExpr; readonly right: BExpr }
  | { readonly kind: 'Logical'; readonly operator: 'AND' | 'OR' | 'XOR'; readonly left: BExpr; readonly right: BExpr }
  | { readonly kind: 'Comparison'; readonly operands: readonly BExpr[]; readonly operators: readonly ('=' | '<>' | '<' | '>' | '<=' | '>=')[] }
  | { readonly kind: 'StringPredicate'; readonly operator: 'STARTS WITH' | 'ENDS WITH' | 'CONTAINS' | '=~'; readonly left: BExpr; readonly right: BExpr }
  | { readonly kind: 'In'; readonly element: BExpr; readonly list: BExpr }
  | { readonly kind: 'IsNull'; readonly operand: BExpr; readonly negated: boolean }
  | { readonly kind: 'Function'; readonly fn: ScalarFunction; readonly args: readonly BExpr[] }
  | AggregateExpr
  | { readonly kind: 'Case'; readonly test: BExpr | null; readonly alternatives: readonly { when: BExpr; then: BExpr }[]; readonly else: BExpr | null }
  | { readonly kind: 'List'; readonly elements: readonly BExpr[] }
  | { readonly kind: 'Map'; readonly keys: readonly string[]; readonly values: readonly BExpr[] }
  | { readonly kind: 'ListComprehension'; readonly slot: number; readonly list: BExpr; readonly where: BExpr | null; readonly projection: BExpr | null }
  | { readonly kind: 'Quantifier'; readonly quantifier: 'all' | 'any' | 'none' | 'single'; readonly slot: number; readonly list: BExpr; readonly where: BExpr | null }
  | { readonly kind: 'Reduce'; readonly accumulator: number; readonly init: BExpr; readonly slot: number; readonly list: BExpr; readonly expression: BExpr }
  | { readonly kind: 'MapProjection'; readonly subject: BExpr; readonly items: readonly MapProjectionEntry[] }
  | { readonly kind: 'PatternComprehension'; readonly match: BoundMatch; readonly projection: BExpr; readonly outer: readonly number[] }
  /** `outer`: the slots of every variable in scope where the subquery is written (its argument). */
  | { readonly kind: 'Exists'; readonly query: BoundSingleQuery; readonly outer: readonly number[] }
  | { readonly kind: 'PathBuild'; readonly steps: readonly PathStep[] };

/** An aggregate call; `name` is the canonical aggregate name, or 'count*' for count(*). */
export interface AggregateExpr {
  readonly kind: 'Aggregate';
  readonly name: string;
  readonly distinct: boolean;
  readonly args: readonly BExpr[];
  /** Where the aggregation operator leaves the result (B3). */
  readonly slot: number;
}

export type MapProjectionEntry =
  | { readonly kind: 'property'; readonly key: string }
  | { readonly kind: 'all' }
  | { readonly kind: 'entry'; readonly key: string; readonly value: BExpr };

/** One element of a named path, in pattern order. */
export type PathStep =
  | { readonly kind: 'node'; readonly slot: number }
  /** A single relationship slot, or (`list`) the slot of a variable-length relationship list. */
  | { readonly kind: 'relationship'; readonly slot: number; readonly list: boolean };

// ── patterns ───────────────────────────────────────────────────────────────────────────

export interface BoundNodePattern {
  readonly slot: number;
  readonly name: string | null;
  readonly labels: readonly string[];
  /** Inline property map entries (`{key: value}`). */
  readonly properties: readonly { key: string; value: BExpr }[];
  readonly span: Span;
}

export type BoundDirection = 'outgoing' | 'incoming' | 'both';

export interface BoundRelationshipPattern {
  readonly slot: number;
  readonly name: string | null;
  /** Relative to the path's reading order: left node → right node for 'outgoing'. */
  readonly direction: BoundDirection;
  /** Alternatives; empty = any type. */
  readonly types: readonly string[];
  /** Null for one hop; for `*min..max` (max null = unbounded). */
  readonly length: { readonly min: number; readonly max: number | null } | null;
  readonly properties: readonly { key: string; value: BExpr }[];
  readonly span: Span;
}

export interface BoundPathPattern {
  /** Slot of `p` in `p = (...)`, else null. */
  readonly pathSlot: number | null;
  readonly shortest: 'shortest' | 'allShortest' | null;
  readonly nodes: readonly BoundNodePattern[];
  readonly relationships: readonly BoundRelationshipPattern[];
}

export interface BoundMatch {
  readonly kind: 'Match';
  readonly optional: boolean;
  readonly parts: readonly BoundPathPattern[];
  readonly where: BExpr | null;
  /** Slots first bound by this clause (optional match sets them to null when nothing matches). */
  readonly newSlots: readonly number[];
}

// ── clauses ────────────────────────────────────────────────────────────────────────────

export interface BoundUnwind {
  readonly kind: 'Unwind';
  readonly expression: BExpr;
  readonly slot: number;
}

export interface ProjectionItemBinding {
  readonly name: string;
  readonly slot: number;
  /** Evaluated on the input row, or (with aggregation) on the aggregated row. */
  readonly expression: BExpr;
  /** True when the item passes a variable through in its own slot (`WITH a`). */
  readonly passThrough: boolean;
}

export interface BoundProjection {
  readonly kind: 'Projection';
  readonly clause: 'WITH' | 'RETURN';
  readonly items: readonly ProjectionItemBinding[];
  readonly distinct: boolean;
  /** Set when some item aggregates: grouping keys are the items without aggregates. */
  readonly aggregation: {
    readonly groups: readonly { slot: number; expression: BExpr }[];
    readonly aggregates: readonly AggregateExpr[];
  } | null;
  readonly orderBy: readonly { expression: BExpr; descending: boolean }[] | null;
  readonly skip: BExpr | null;
  readonly limit: BExpr | null;
  /** WITH ... WHERE, evaluated after ORDER BY / SKIP / LIMIT. */
  readonly where: BExpr | null;
  /**
   * True when WHERE reads a variable the projection drops (`WITH a.x AS x WHERE a.y = 1`):
   * it is then evaluated right after the items are computed, before DISTINCT and ORDER BY.
   */
  readonly whereBeforeProjectionEnds: boolean;
}

/** A property map or other write value for one pattern element of CREATE / MERGE. */
export interface BoundCreateNode {
  readonly slot: number;
  /** False when the variable was bound before: the node is reused, not created. */
  readonly create: boolean;
  readonly labels: readonly string[];
  /** A map expression (literal or parameter), or null. */
  readonly properties: BExpr | null;
}

export interface BoundCreateRelationship {
  readonly slot: number;
  readonly type: string;
  /** Index into the path's nodes of the start and end nodes (direction resolved). */
  readonly startIndex: number;
  readonly endIndex: number;
  /** A map expression (literal or parameter), or null. */
  readonly properties: BExpr | null;
}

export interface BoundCreatePath {
  readonly pathSlot: number | null;
  readonly nodes: readonly BoundCreateNode[];
  readonly relationships: readonly BoundCreateRelationship[];
}

export interface BoundCreate {
  readonly kind: 'Create';
  readonly paths: readonly BoundCreatePath[];
}

export type BoundSetItem =
  | { readonly kind: 'SetProperty'; readonly target: BExpr; readonly key: string; readonly value: BExpr }
  | { readonly kind: 'SetAll'; readonly target: BExpr; readonly mode: 'replace' | 'merge'; readonly value: BExpr }
  | { readonly kind: 'SetLabels'; readonly target: BExpr; readonly labels: readonly string[] }
  | { readonly kind: 'RemoveProperty'; readonly target: BExpr; readonly key: string }
  | { readonly kind: 'RemoveLabels'; readonly target: BExpr; readonly labels: readonly string[] };

export interface BoundSet {
  readonly kind: 'Set';
  readonly items: readonly BoundSetItem[];
}

export interface BoundMerge {
  readonly kind: 'Merge';
  /** The pattern as a match (new slots are the ones MERGE binds). */
  readonly match: BoundMatch;
  /** The same pattern as a create. */
  readonly create: BoundCreatePath;
  readonly onMatch: readonly BoundSetItem[];
  readonly onCreate: readonly BoundSetItem[];
}

export interface BoundDelete {
  readonly kind: 'Delete';
  readonly detach: boolean;
  readonly expressions: readonly BExpr[];
}

export interface BoundForeach {
  readonly kind: 'Foreach';
  readonly slot: number;
  readonly list: BExpr;
  readonly clauses: readonly BoundClause[];
}

export interface BoundCall {
  readonly kind: 'Call';
  readonly procedure: ProcedureDefinition;
  /** Argument expressions, one per input; for an implicit-argument standalone call, parameters by name. */
  readonly args: readonly BExpr[];
  /** Output fields taken, each into its slot. */
  readonly yields: readonly { field: string; slot: number; name: string }[];
  readonly where: BExpr | null;
  /** A standalone call's result columns (every yielded field); null inside a query. */
  readonly columns: readonly string[] | null;
}

export type BoundClause =
  | BoundMatch
  | BoundUnwind
  | BoundProjection
  | BoundCreate
  | BoundMerge
  | BoundSet
  | BoundDelete
  | BoundForeach
  | BoundCall;

export interface BoundSingleQuery {
  readonly clauses: readonly BoundClause[];
  /** Result columns (empty for a query that ends with an update or is a subquery without RETURN). */
  readonly columns: readonly string[];
  /** The slots holding each column, after the last clause. */
  readonly columnSlots: readonly number[];
}

// ── statements ─────────────────────────────────────────────────────────────────────────

/** What the binder read from the catalog, for the planner (only the binder reads the catalog). */
export interface CatalogFacts {
  readonly nodeCount: number;
  /** Nodes per label named in the query. */
  readonly labelCounts: ReadonlyMap<string, number>;
  /** Indexes on labels named in the query, by `label\u0000key`. */
  readonly indexes: ReadonlyMap<string, { name: string; unique: boolean }>;
}

export interface BoundQueryStatement {
  readonly kind: 'Query';
  readonly parts: readonly BoundSingleQuery[];
  readonly unionAll: boolean;
  readonly columns: readonly string[];
  readonly slotCount: number;
  /** Name of each slot (anonymous ones are `  anon_N`), for plans and messages. */
  readonly slotNames: readonly string[];
  readonly isWrite: boolean;
  readonly mode: 'explain' | 'profile' | null;
  /** Parameter names the statement uses. */
  readonly parameters: ReadonlySet<string>;
  readonly catalog: CatalogFacts;
}

export type BoundSchemaCommand =
  | { readonly kind: 'CreateIndex'; readonly name: string | null; readonly label: string; readonly key: string; readonly unique: boolean; readonly ifNotExists: boolean }
  | { readonly kind: 'DropIndex'; readonly name: string | null; readonly label: string | null; readonly key: string | null; readonly ifExists: boolean }
  | { readonly kind: 'ShowIndexes' };

export interface BoundSchemaStatement {
  readonly kind: 'Schema';
  readonly command: BoundSchemaCommand;
  readonly columns: readonly string[];
  readonly isWrite: boolean;
  readonly mode: null;
  readonly parameters: ReadonlySet<string>;
}

export type BoundStatement = BoundQueryStatement | BoundSchemaStatement;

/** Static type of an expression as far as the binder knows it. */
export type { StaticType };
