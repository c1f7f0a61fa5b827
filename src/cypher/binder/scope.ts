// Scopes: which variable names are visible at a point of the query, each with its slot and
// what the binder knows of its type.
//
// A Scope is an immutable-by-convention Map: clauses that add variables copy it first, so a
// subquery or comprehension can add names without leaking them out. Hidden slots (anonymous
// pattern elements, aggregate results) are never in a scope.

import type { StaticType } from '../runtime/function-types.js';

/** A static type with, for lists, the element type when every element is known to share it. */
export interface TypeInfo {
  readonly type: StaticType;
  readonly element?: StaticType;
}

export interface Variable {
  readonly name: string;
  readonly slot: number;
  readonly info: TypeInfo;
}

export type Scope = Map<string, Variable>;

export const ANY_TYPE: TypeInfo = { type: 'ANY' };
export const NODE_TYPE: TypeInfo = { type: 'NODE' };
export const RELATIONSHIP_TYPE: TypeInfo = { type: 'RELATIONSHIP' };
export const PATH_TYPE: TypeInfo = { type: 'PATH' };
export const RELATIONSHIP_LIST_TYPE: TypeInfo = { type: 'LIST', element: 'RELATIONSHIP' };

/** Allocates the slots of one statement (bound.ts B1). */
export class SlotAllocator {
  private readonly names: string[] = [];

  /** A fresh slot; `name` is for plans and messages (anonymous elements get `  anon_N`). */
  allocate(name: string | null): number {
    const slot = this.names.length;
    this.names.push(name ?? `  anon_${slot}`);
    return slot;
  }

  get count(): number {
    return this.names.length;
  }

  nameOf(slot: number): string {
    return this.names[slot] ?? `slot ${slot}`;
  }

  get slotNames(): readonly string[] {
    return this.names;
  }
}

/** User-visible variable names in scope, sorted (for `RETURN *` / `WITH *`). */
export function visibleNames(scope: Scope): string[] {
  return [...scope.keys()].sort();
}
