// ombra's openCypher engine.
//
//   parser/    text → Statement (AST)                          SyntaxQueryError
//   binder/    Statement + catalog → BoundStatement (slots)     SemanticError
//   planner/   BoundStatement → PhysicalPlan (operators)
//   executor/  PhysicalPlan → compiled operators → rows over a GraphReader / GraphWriter
//   runtime/   values, operators, functions, aggregates shared by the stages
// Imports run one way: parser → binder → planner → executor (CONVENTIONS §8).
//
// Use:
//   const engine = new QueryEngine();
//   const prepared = engine.prepare('MATCH (p:Person {id: $id}) RETURN p.name', graph);
//   prepared.isWrite                    // known before running: pick the transaction
//   const run = prepared.run({ graph, params: toQueryParameters({ id: 7 }) });
//   for (let row = run.nextResult(); row !== null; row = run.nextResult()) ...
//   run.stats()                         // side effects, counted as the TCK counts them
// EXPLAIN (prepared.explain() or an EXPLAIN prefix) gives the plan without running; PROFILE
// runs and adds rows and time per operator (run.plan() after the last row).

export { QueryEngine, PreparedQuery, QueryRun, type QueryEngineOptions, type RunOptions } from './engine.js';
export { toQueryParameters, toQueryValue } from './parameters.js';
export { CancellationToken, CHECK_INTERVAL_ROWS } from './executor/index.js';
export { ProcedureRegistry, type ProcedureContext, type ProcedureDefinition, type ProcedureField } from './binder/index.js';
export type { PlanDescription } from './planner/index.js';
export {
  NodeRef,
  RelationshipRef,
  PathValue,
  NodeResult,
  RelationshipResult,
  PathResult,
  emptyStats,
  type QueryStats,
  type ResultValue,
  type Value,
} from './runtime/values.js';
