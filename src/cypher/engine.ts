// The query engine: text → parse → bind → plan → compile, cached by query text, and runs of
// prepared queries over a transaction's graph.
//
// Plan cache (C1-C3):
//  (C1) Keyed by the exact query text; parameters are never part of the text, so one plan
//       serves every parameter value.
//  (C2) An entry is valid while the database's schema version (COUNTER.SCHEMA_VERSION, bumped
//       by every index create and drop) and the procedure registry's version are the ones it
//       was planned under; otherwise it is planned again (an index created after planning is
//       used from the next run on).
//  (C3) Least recently used entries are dropped beyond `planCacheSize`.
//  (C4) Plans made inside a transaction that changed the schema are not cached (the caller
//       passes cache: false): only committed schema versions name one schema for good.
// Label counts the planner used to pick access paths may drift as data changes; a cached plan
// stays correct, it may just pick a less selective start point (as in any plan cache).

import { OmbraError, SemanticError } from '../errors.js';
import type { GraphReader } from '../graph/reader.js';
import type { IndexProgress } from '../graph/types.js';
import { GraphWriter } from '../graph/writer.js';
import { bind, ProcedureRegistry, type BinderCatalog, type BoundStatement } from './binder/index.js';
import { compilePlan, Mutations, PlanExecution, ResultReader, CancellationToken, EntityAccess, type CompiledPlan, type ProfileEntry } from './executor/index.js';
import { runSchemaCommand } from './executor/schema.js';
import { parse } from './parser/index.js';
import { childrenOfPlan, describePlan, plan, subqueriesIn, type PlanDescription, type PlanNode } from './planner/index.js';
import { emptyStats, materialize, type EntityReader, type QueryStats, type ResultValue, type Value } from './runtime/values.js';

const NEVER_CANCELLED = new CancellationToken();

export interface QueryEngineOptions {
  /** Procedures callable with CALL (default: the built-ins only). */
  procedures?: ProcedureRegistry;
  /** Plans kept in the cache (C3); default 1000. */
  planCacheSize?: number;
}

export class QueryEngine {
  readonly procedures: ProcedureRegistry;
  private readonly cache = new Map<string, PreparedQuery>();
  private readonly capacity: number;
  /** Cache hits and misses since the engine was made (observability). */
  cacheHits = 0;
  cacheMisses = 0;

  constructor(options: QueryEngineOptions = {}) {
    this.procedures = options.procedures ?? new ProcedureRegistry();
    this.capacity = options.planCacheSize ?? 1000;
  }

  /**
   * The prepared form of `text`, from the cache when still valid (C1-C2), else parsed, bound
   * against `graph`'s catalog and planned. Throws SyntaxQueryError / SemanticError.
   * Cost: a Map lookup and a counter read on a hit; O(query size) otherwise.
   */
  prepare(text: string, graph: GraphReader, options: { cache?: boolean } = {}): PreparedQuery {
    const version = graph.currentSchemaVersion();
    // A transaction that changed the schema and has not committed must not leave its plans
    // behind: if it rolls back, its schema version may later name a different schema.
    if (options.cache === false) return this.compile(text, graph, version);
    const cached = this.cache.get(text);
    if (cached !== undefined && cached.schemaVersion === version && cached.proceduresVersion === this.procedures.version) {
      this.cacheHits++;
      return cached;
    }
    this.cacheMisses++;
    const prepared = this.compile(text, graph, version);
    if (cached !== undefined) this.cache.delete(text);
    this.cache.set(text, prepared);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return prepared;
  }

  /** True when `prepared` may run on `graph` as it is (C2). */
  isCurrent(prepared: PreparedQuery, graph: GraphReader): boolean {
    return prepared.schemaVersion === graph.currentSchemaVersion() && prepared.proceduresVersion === this.procedures.version;
  }

  /** Forget every cached plan. */
  clearCache(): void {
    this.cache.clear();
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  private compile(text: string, graph: GraphReader, version: bigint): PreparedQuery {
    const statement = parse(text);
    const catalog = catalogOf(graph, this.procedures);
    const bound = bind(statement, catalog);
    return new PreparedQuery(text, bound, version, this.procedures.version);
  }
}

function catalogOf(graph: GraphReader, procedures: ProcedureRegistry): BinderCatalog {
  return {
    nodeCount: () => graph.nodeCount(),
    labelNodeCount: (label) => graph.labelNodeCount(label),
    findIndex: (label, key) => {
      const index = graph.findIndex(label, key);
      return index === null ? null : { name: index.name, unique: index.unique };
    },
    procedure: (name) => procedures.lookup(name),
  };
}

export interface RunOptions {
  /** The transaction's graph: a GraphWriter for a statement that writes. */
  readonly graph: GraphReader;
  /** Parameters as runtime values (see toQueryValue). */
  readonly params?: Readonly<Record<string, Value>>;
  readonly token?: CancellationToken;
  /** RESULT_TOO_LARGE beyond this many buffered rows (default 10,000,000). */
  readonly maxIntermediateRows?: number;
  /** Milliseconds before TIMEOUT (0 or absent: none). */
  readonly timeoutMs?: number;
  readonly random?: () => number;
  /** CREATE INDEX progress (nodes indexed, nodes with the label). */
  readonly onIndexProgress?: IndexProgress;
}

/** A statement ready to run: parsed, bound and planned once, run many times. */
export class PreparedQuery {
  readonly isWrite: boolean;
  readonly columns: readonly string[];
  readonly mode: 'explain' | 'profile' | null;
  /** Parameter names the statement needs (PARAMETER_MISSING when one is not given). */
  readonly parameters: ReadonlySet<string>;
  private compiledPlan: CompiledPlan | null = null;

  constructor(
    readonly text: string,
    readonly statement: BoundStatement,
    readonly schemaVersion: bigint,
    readonly proceduresVersion: number,
  ) {
    // EXPLAIN never runs the statement, so it never writes.
    this.isWrite = statement.isWrite && statement.mode !== 'explain';
    this.columns = statement.columns;
    this.mode = statement.mode;
    this.parameters = statement.parameters;
  }

  /** The compiled plan (null for schema commands); planned on first use. */
  get compiled(): CompiledPlan | null {
    if (this.statement.kind !== 'Query') return null;
    return (this.compiledPlan ??= compilePlan(plan(this.statement)));
  }

  /** The plan tree without running anything (EXPLAIN); null for schema commands. */
  explain(): PlanDescription | null {
    const compiled = this.compiled;
    return compiled === null ? null : describePlan(compiled.plan);
  }

  /** Start running. Rows are produced as QueryRun.next() is called. */
  run(options: RunOptions): QueryRun {
    return new QueryRun(this, options);
  }
}

/** One run of a prepared query. Call next() until null; stats() once done. */
export class QueryRun {
  readonly columns: readonly string[];
  private execution: PlanExecution | null = null;
  private schemaRows: Value[][] | null = null;
  private schemaIndex = 0;
  private readonly mutations: Mutations | null;
  private readonly profile: Map<object, ProfileEntry> | null;
  /** Reads entities for results (deleted ones from their snapshot). */
  readonly resultReader: EntityReader;

  constructor(
    readonly prepared: PreparedQuery,
    options: RunOptions,
  ) {
    this.columns = prepared.columns;
    const statement = prepared.statement;
    const params = options.params ?? {};
    for (const name of prepared.parameters) {
      if (prepared.mode !== 'explain' && !Object.prototype.hasOwnProperty.call(params, name)) {
        throw new SemanticError('PARAMETER_MISSING', `the query uses parameter $${name}, which was not given`, { detail: 'MissingParameter', parameter: name });
      }
    }
    const graph = options.graph;
    if (prepared.isWrite && !(graph instanceof GraphWriter)) {
      throw new OmbraError('INVALID_ARGUMENT', 'this statement writes: run it in a write transaction', {});
    }
    this.mutations = prepared.isWrite && graph instanceof GraphWriter && statement.kind === 'Query' ? new Mutations(graph) : null;
    this.resultReader = new ResultReader(new EntityAccess(graph), this.mutations);
    this.profile = prepared.mode === 'profile' ? new Map() : null;
    if (statement.kind === 'Schema') {
      this.schemaRows = runSchemaCommand(statement.command, graph, options.onIndexProgress).rows;
      return;
    }
    if (prepared.mode === 'explain') return;
    const timeoutMs = options.timeoutMs ?? 0;
    // Without a token or a time limit nothing can stop the run: share one token that never fires.
    const token = options.token ?? (timeoutMs > 0 ? new CancellationToken() : NEVER_CANCELLED);
    if (token !== NEVER_CANCELLED) {
      token.startTimer(timeoutMs);
      token.check();
    }
    this.execution = new PlanExecution(prepared.compiled!, {
      graph,
      mutations: this.mutations,
      params,
      token,
      maxIntermediateRows: options.maxIntermediateRows ?? 10_000_000,
      random: options.random,
      profile: this.profile,
    });
  }

  /** The next row (runtime values, in column order), or null when done. */
  next(): Value[] | null {
    if (this.schemaRows !== null) return this.schemaIndex < this.schemaRows.length ? this.schemaRows[this.schemaIndex++]! : null;
    if (this.execution === null) return null;
    if (this.columns.length === 0) {
      // A statement without RETURN has no rows; running it is its side effects.
      this.execution.drain();
      return null;
    }
    return this.execution.next();
  }

  /** The next row materialised for output (entities with labels and properties), or null. */
  nextResult(): ResultValue[] | null {
    const row = this.next();
    if (row === null) return null;
    const out = new Array<ResultValue>(row.length);
    for (let i = 0; i < row.length; i++) out[i] = materialize(row[i]!, this.resultReader);
    return out;
  }

  /** Run to the end, discarding rows (a write statement's side effects all happen). */
  drain(): void {
    while (this.next() !== null);
  }

  /** Side effects so far, counted as the TCK counts them. */
  stats(): QueryStats {
    return this.mutations === null ? emptyStats() : this.mutations.stats();
  }

  /** Entities written (for metrics). */
  get writes(): number {
    return this.mutations?.writes ?? 0;
  }

  /** EXPLAIN: the plan; PROFILE: the plan with rows and time per operator (after the last row). */
  plan(): PlanDescription | undefined {
    const compiled = this.prepared.compiled;
    if (compiled === null || this.prepared.mode === null) return undefined;
    const profile = this.profile;
    if (profile === null) return describePlan(compiled.plan);
    return describePlan(compiled.plan, (node: PlanNode, description) => {
      const entry = profile.get(node);
      description.rows = entry?.rows ?? 0;
      let own = entry?.timeMs ?? 0;
      for (const child of childrenOfPlan(node)) own -= profile.get(child)?.timeMs ?? 0;
      for (const sub of subqueriesIn(node)) own -= profile.get(compiled.plan.subplans.get(sub)!)?.timeMs ?? 0;
      description.timeMs = Math.max(0, Math.round(own * 1000) / 1000);
    });
  }
}
