// The state of one execution of a compiled plan: the graph it reads (and writes), the
// parameters, cancellation, limits, and the instantiated subquery operators.
//
// One ExecContext per execution; operators and compiled expressions receive it and keep no
// per-execution state of their own outside the operator instances it owns.

import { OmbraError } from '../../errors.js';
import type { GraphReader } from '../../graph/reader.js';
import type { FunctionContext } from '../runtime/function-types.js';
import type { Value } from '../runtime/values.js';
import { CancellationToken, CHECK_INTERVAL_ROWS } from './cancellation.js';
import { EntityAccess } from './entity-access.js';
import type { Mutations } from './mutations.js';
import type { Operator } from './operator.js';

const MASK = CHECK_INTERVAL_ROWS - 1;

export interface ExecOptions {
  readonly graph: GraphReader;
  /** Set for statements that write (the graph is then a GraphWriter). */
  readonly mutations: Mutations | null;
  readonly params: Readonly<Record<string, Value>>;
  readonly token: CancellationToken;
  /** Rows one sort, aggregation, distinct, collect or eager buffer may hold (RESULT_TOO_LARGE beyond). */
  readonly maxIntermediateRows: number;
  /** rand(); default Math.random. */
  readonly random?: () => number;
  /** PROFILE: rows and inclusive time per plan node are counted here. */
  readonly profile?: Map<object, ProfileEntry> | null;
}

export interface ProfileEntry {
  rows: number;
  /** Inclusive: time in this operator and everything it pulled from. */
  timeMs: number;
}

export class ExecContext implements FunctionContext {
  // Set per execution (constructor or rebind); operators read them at use time.
  graph: GraphReader;
  entities: EntityAccess;
  mutations!: Mutations | null;
  params!: Readonly<Record<string, Value>>;
  token!: CancellationToken;
  maxIntermediateRows!: number;
  /** What scalar functions get: this context itself (FunctionContext). */
  readonly fn: FunctionContext = this;
  /** rand(); seedable for tests. */
  random!: () => number;
  private startedAtMs = -1;
  profile!: Map<object, ProfileEntry> | null;
  /** Instantiated subquery plans, by subplan index (created on first use). */
  readonly subplans: (Operator | undefined)[] = [];
  private ticks = 0;

  constructor(options: ExecOptions) {
    this.graph = options.graph;
    this.entities = new EntityAccess(options.graph);
    this.rebind(options);
  }

  /**
   * Bind this context (and the operators made for it) to an execution: its options, and the
   * statement clock and tick count start over. The constructor binds the first; PlanExecution
   * rebinds pooled contexts, only for read-only, unprofiled executions.
   */
  rebind(options: ExecOptions): void {
    if (options.graph !== this.graph) {
      this.graph = options.graph;
      this.entities = new EntityAccess(options.graph);
    }
    this.mutations = options.mutations;
    this.params = options.params;
    this.token = options.token;
    this.maxIntermediateRows = options.maxIntermediateRows;
    this.profile = options.profile ?? null;
    this.random = options.random ?? Math.random;
    this.startedAtMs = -1;
    this.ticks = 0;
  }

  /** FunctionContext: the reader functions read entities through. */
  get reader(): EntityAccess {
    return this.entities;
  }

  /** FunctionContext: the statement's clock (timestamp() is constant within a statement); read on first use. */
  get statementTimeMs(): number {
    if (this.startedAtMs < 0) this.startedAtMs = Date.now();
    return this.startedAtMs;
  }

  /** Count one unit of work; every CHECK_INTERVAL_ROWS units, check for cancellation and timeout. */
  tick(): void {
    if ((++this.ticks & MASK) === 0) this.token.check();
  }

  /** The writer, or INTERNAL when a read-only execution reaches an update (a planner bug). */
  get writes(): Mutations {
    if (this.mutations === null) throw new OmbraError('INTERNAL', 'an updating operator ran in a read-only execution');
    return this.mutations;
  }

  /** RESULT_TOO_LARGE once a buffer passes maxIntermediateRows. */
  checkBuffered(rows: number, where: string): void {
    if (rows > this.maxIntermediateRows) {
      throw new OmbraError(
        'RESULT_TOO_LARGE',
        `${where} holds more than maxIntermediateRows (${this.maxIntermediateRows}) rows; narrow the query (WHERE, LIMIT) or raise maxIntermediateRows`,
        { where, maxIntermediateRows: this.maxIntermediateRows },
      );
    }
  }
}
