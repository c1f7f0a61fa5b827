// The openCypher front end: parse(text) → Statement, or a SyntaxQueryError (code SYNTAX)
// and nothing else. Knows nothing of storage or the catalog (CONVENTIONS §8).
//
// Reading the tree (details and invariants in ast.ts):
//   Statement { mode, body }          body: Query | CreateIndex | DropIndex | ShowIndexes
//   Query { parts: SingleQuery[], unionAll }
//   SingleQuery { clauses: Clause[] } flat, in source order; split into parts at each With
//   Match { optional, pattern: PatternPart[], where }
//   PatternPart { variable, shortest, path: PathPattern { nodes[], relationships[] } }
//     relationships[i] joins nodes[i] and nodes[i + 1]; direction is relative to that order
//   With/Return { projection: Projection { distinct, star, items, orderBy, skip, limit } }
//     each ProjectionItem keeps `text`; columnName(item) = alias ?? text
//   Expressions: one `kind` each; a < b < c is one Comparison; literals are bigint/number/string
// walk(), findAll(), childrenOf() traverse any node; opensScope() marks nodes whose
// variables stay inside them (comprehensions, quantifiers, reduce, EXISTS, FOREACH).

export { parse } from './parser.js';
export type * from './ast.js';
export { childrenOf, columnName, findAll, isExpression, opensScope, walk, type Visitor } from './walk.js';
export { excerptAt, type SyntaxErrorDetail } from './syntax-error.js';
