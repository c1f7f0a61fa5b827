// The physical plan: a tree of operators over slot-indexed rows (binder/bound.ts B1), what
// the executor builds and runs. Every operator except the leaves (Argument) reads rows from
// `input`; Optional, Merge, Foreach and Union also run inner plans, each starting at its own
// Argument leaf, which yields the row the outer operator hands it.
//
// Invariants:
//  (PL1) An operator writes only the slots it binds (`bindsOf`), so rows flow through a
//        pipeline in place; Eager, Sort, Top, Aggregation, Distinct-free operators that buffer
//        rows copy them.
//  (PL2) Every slot an operator's expressions read is available at its input (the Argument
//        leaf lists the slots bound outside its plan).
//  (PL3) A plan never reads the graph above an updating operator in the same pipeline without
//        an Eager between them (plan-query.ts inserts them), so reads never see a half-applied
//        clause and updates never feed the scan they came from.

import type {
  AggregateExpr,
  BExpr,
  BoundCreatePath,
  BoundSetItem,
  ProcedureDefinition,
} from '../binder/index.js';

export type ExpandDirection = 'out' | 'in' | 'both';

export type IndexSeek =
  | { readonly kind: 'equal'; readonly value: BExpr }
  | { readonly kind: 'in'; readonly list: BExpr }
  | {
      readonly kind: 'range';
      readonly lower: { readonly value: BExpr; readonly inclusive: boolean } | null;
      readonly upper: { readonly value: BExpr; readonly inclusive: boolean } | null;
    };

export interface SortKey {
  readonly expression: BExpr;
  readonly descending: boolean;
}

export type PlanNode =
  | { readonly op: 'Argument'; readonly slots: readonly number[] }
  | { readonly op: 'AllNodesScan'; input: PlanNode; readonly slot: number }
  | { readonly op: 'NodeByLabelScan'; input: PlanNode; readonly slot: number; readonly label: string }
  | { readonly op: 'NodeIndexSeek'; input: PlanNode; readonly slot: number; readonly label: string; readonly key: string; readonly index: string; readonly seek: IndexSeek }
  | { readonly op: 'NodeByIdSeek'; input: PlanNode; readonly slot: number; readonly ids: BExpr; readonly many: boolean }
  | {
      readonly op: 'Expand';
      input: PlanNode;
      readonly from: number;
      readonly relationship: number;
      readonly to: number;
      readonly direction: ExpandDirection;
      readonly types: readonly string[];
      /** 'into' when `to` is already bound: only relationships reaching it. */
      readonly mode: 'all' | 'into';
      /** Relationship slots (single) and list slots (variable length) the new relationship must differ from. */
      readonly distinctFrom: readonly number[];
      readonly distinctFromLists: readonly number[];
    }
  | {
      readonly op: 'VarExpand';
      input: PlanNode;
      readonly from: number;
      readonly relationship: number;
      readonly to: number;
      readonly direction: ExpandDirection;
      readonly types: readonly string[];
      readonly min: number;
      readonly max: number | null;
      readonly mode: 'all' | 'into';
      /** Write the relationship list reversed (the pattern was expanded from its right end). */
      readonly reverse: boolean;
      /** Inline properties every relationship on the path must have. */
      readonly properties: readonly { key: string; value: BExpr }[];
      readonly distinctFrom: readonly number[];
      readonly distinctFromLists: readonly number[];
    }
  | {
      readonly op: 'ProjectEndpoints';
      input: PlanNode;
      readonly relationship: number;
      readonly left: number;
      readonly right: number;
      readonly direction: 'outgoing' | 'incoming' | 'both';
      readonly types: readonly string[];
      readonly leftBound: boolean;
      readonly rightBound: boolean;
      /** True when `relationship` holds a list (a bound variable-length relationship). */
      readonly list: boolean;
      /** Length bounds for a list. */
      readonly min: number;
      readonly max: number | null;
    }
  | {
      readonly op: 'ShortestPath';
      input: PlanNode;
      readonly from: number;
      readonly to: number;
      readonly relationship: number;
      readonly pathSlot: number | null;
      readonly direction: ExpandDirection;
      readonly types: readonly string[];
      readonly min: number;
      readonly max: number | null;
      readonly all: boolean;
      /** Inline properties every relationship on the path must have. */
      readonly properties: readonly { key: string; value: BExpr }[];
    }
  | { readonly op: 'DegreeCount'; input: PlanNode; readonly from: number; readonly slot: number; readonly direction: 'out' | 'in'; readonly types: readonly string[] }
  | { readonly op: 'Filter'; input: PlanNode; readonly predicate: BExpr }
  | { readonly op: 'Projection'; input: PlanNode; readonly items: readonly { slot: number; expression: BExpr }[] }
  | { readonly op: 'Aggregation'; input: PlanNode; readonly groups: readonly { slot: number; expression: BExpr }[]; readonly aggregates: readonly AggregateExpr[] }
  | { readonly op: 'Distinct'; input: PlanNode; readonly slots: readonly number[] }
  | { readonly op: 'Sort'; input: PlanNode; readonly keys: readonly SortKey[] }
  | { readonly op: 'Top'; input: PlanNode; readonly keys: readonly SortKey[]; readonly limit: BExpr; readonly skip: BExpr | null }
  | { readonly op: 'Skip'; input: PlanNode; readonly count: BExpr }
  | { readonly op: 'Limit'; input: PlanNode; readonly count: BExpr }
  | { readonly op: 'Unwind'; input: PlanNode; readonly slot: number; readonly expression: BExpr }
  | { readonly op: 'Optional'; input: PlanNode; inner: PlanNode; readonly nullSlots: readonly number[] }
  | { readonly op: 'Eager'; input: PlanNode }
  | { readonly op: 'Create'; input: PlanNode; readonly paths: readonly BoundCreatePath[] }
  | {
      readonly op: 'Merge';
      input: PlanNode;
      match: PlanNode;
      readonly create: BoundCreatePath;
      readonly onMatch: readonly BoundSetItem[];
      readonly onCreate: readonly BoundSetItem[];
      /** Inline property checks of the pattern, for the null check before creating. */
      readonly nullChecks: readonly { key: string; value: BExpr }[];
    }
  | { readonly op: 'SetItems'; input: PlanNode; readonly items: readonly BoundSetItem[] }
  | { readonly op: 'Delete'; input: PlanNode; readonly detach: boolean; readonly expressions: readonly BExpr[] }
  | { readonly op: 'Foreach'; input: PlanNode; readonly slot: number; readonly list: BExpr; inner: PlanNode }
  | { readonly op: 'ProcedureCall'; input: PlanNode; readonly procedure: ProcedureDefinition; readonly args: readonly BExpr[]; readonly yields: readonly { field: string; slot: number }[] }
  | { readonly op: 'Union'; readonly parts: PlanNode[]; readonly all: boolean; readonly slots: readonly number[] }
  | { readonly op: 'ProduceResults'; input: PlanNode; readonly columns: readonly string[]; readonly slots: readonly number[] };

export type PlanOp = PlanNode['op'];

/** A planned query: the operator tree and what the executor needs around it. */
export interface PhysicalPlan {
  readonly root: PlanNode;
  /** Row width: every slot of the statement, planner-added slots included. */
  readonly slotCount: number;
  /** Plans of EXISTS subqueries, pattern predicates and pattern comprehensions, by expression. */
  readonly subplans: ReadonlyMap<BExpr, PlanNode>;
  readonly columns: readonly string[];
  /** Names of the slots, for EXPLAIN. */
  readonly slotNames: readonly string[];
}

/** The inputs of a node (the `input` chain plus inner plans), for generic walks. */
export function childrenOfPlan(node: PlanNode): PlanNode[] {
  switch (node.op) {
    case 'Argument':
      return [];
    case 'Union':
      return node.parts;
    case 'Optional':
      return [node.input, node.inner];
    case 'Merge':
      return [node.input, node.match];
    case 'Foreach':
      return [node.input, node.inner];
    default:
      return [node.input];
  }
}

/** Slots a node writes on the rows it passes (PL1). */
export function bindsOf(node: PlanNode): readonly number[] {
  switch (node.op) {
    case 'Argument':
      return node.slots;
    case 'AllNodesScan':
    case 'NodeByLabelScan':
    case 'NodeIndexSeek':
    case 'NodeByIdSeek':
    case 'Unwind':
    case 'DegreeCount':
      return [node.slot];
    case 'Expand':
    case 'VarExpand':
      return node.mode === 'all' ? [node.relationship, node.to] : [node.relationship];
    case 'ProjectEndpoints':
      return [...(node.leftBound ? [] : [node.left]), ...(node.rightBound ? [] : [node.right])];
    case 'ShortestPath':
      return node.pathSlot === null ? [node.relationship] : [node.relationship, node.pathSlot];
    case 'Projection':
      return node.items.map((item) => item.slot);
    case 'Aggregation':
      return [...node.groups.map((g) => g.slot), ...node.aggregates.map((a) => a.slot)];
    case 'Optional':
      return node.nullSlots;
    case 'Create':
      return node.paths.flatMap((p) => [...p.nodes.map((n) => n.slot), ...p.relationships.map((r) => r.slot), ...(p.pathSlot === null ? [] : [p.pathSlot])]);
    case 'Merge':
      return [...node.create.nodes.map((n) => n.slot), ...node.create.relationships.map((r) => r.slot), ...(node.create.pathSlot === null ? [] : [node.create.pathSlot])];
    case 'ProcedureCall':
      return node.yields.map((y) => y.slot);
    case 'Union':
      return node.slots;
    default:
      return [];
  }
}
