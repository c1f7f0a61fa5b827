// Which words are reserved. Keywords are matched case-insensitively on a token's upper-cased
// `keyword` (lexer.ts, L3). A reserved word cannot be an unquoted variable, alias or
// function name; it can still be a label, relationship type, property key or map key
// (openCypher's SchemaName), and any word can be a variable when backtick-quoted.
//
// The set is openCypher 9's reserved words plus the clause keywords this dialect adds
// (CALL, YIELD, FOREACH, EXPLAIN, PROFILE). Words such as COUNT, ANY, NONE, SINGLE, TYPE,
// INDEX or SHOW stay usable as variables, as openCypher allows.

export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // openCypher 9 reserved words
  'ALL', 'ASC', 'ASCENDING', 'BY', 'CREATE', 'DELETE', 'DESC', 'DESCENDING', 'DETACH', 'EXISTS',
  'LIMIT', 'MATCH', 'MERGE', 'ON', 'OPTIONAL', 'ORDER', 'REMOVE', 'RETURN', 'SET', 'SKIP',
  'WHERE', 'WITH', 'UNION', 'UNWIND', 'AND', 'AS', 'CONTAINS', 'DISTINCT', 'ENDS', 'IN', 'IS',
  'NOT', 'OR', 'STARTS', 'XOR', 'CASE', 'ELSE', 'END', 'THEN', 'WHEN', 'NULL', 'TRUE', 'FALSE',
  'CONSTRAINT', 'DO', 'FOR', 'REQUIRE', 'UNIQUE', 'MANDATORY', 'SCALAR', 'OF', 'ADD', 'DROP',
  // clauses and statement prefixes of this dialect
  'CALL', 'YIELD', 'FOREACH', 'EXPLAIN', 'PROFILE',
]);

/** Words that start a clause, for "expected a clause" messages. */
export const CLAUSE_KEYWORDS = [
  'MATCH', 'OPTIONAL MATCH', 'UNWIND', 'WITH', 'RETURN', 'CREATE', 'MERGE', 'SET', 'REMOVE',
  'DELETE', 'DETACH DELETE', 'CALL', 'FOREACH',
] as const;
