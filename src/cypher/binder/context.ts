// State shared by every part of one statement's binding: the slot allocator, what each slot
// is known to hold, the parameters used, and the names the catalog facts are gathered for.

import type { SemanticError } from '../../errors.js';
import type { Position, Span } from '../parser/ast.js';
import type { BinderCatalog } from './catalog.js';
import { semanticError, type SemanticDetail } from './errors.js';
import { ANY_TYPE, SlotAllocator, type TypeInfo } from './scope.js';

export class BindContext {
  readonly slots = new SlotAllocator();
  readonly slotTypes: TypeInfo[] = [];
  readonly parameters = new Set<string>();
  /** Labels and property keys named anywhere in the statement (for CatalogFacts). */
  readonly labels = new Set<string>();
  readonly propertyKeys = new Set<string>();
  isWrite = false;

  constructor(
    readonly source: string,
    readonly catalog: BinderCatalog,
  ) {}

  allocate(name: string | null, info: TypeInfo = ANY_TYPE): number {
    const slot = this.slots.allocate(name);
    this.slotTypes[slot] = info;
    return slot;
  }

  typeOfSlot(slot: number): TypeInfo {
    return this.slotTypes[slot] ?? ANY_TYPE;
  }

  error(at: Span | Position, detail: SemanticDetail, message: string, extra?: Record<string, unknown>): SemanticError {
    return semanticError(this.source, at, detail, message, extra);
  }
}
