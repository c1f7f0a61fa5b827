// The abstract syntax tree of ombra's openCypher dialect: what the parser produces and the
// binder consumes. Types only (plus the AstNode unions); traversal lives in walk.ts.
//
// Shape rules every node keeps:
//  (A1) Every node has a string `kind` discriminant and a `span` (start inclusive, end
//       exclusive) into the statement's source text, covering every token its grammar rule
//       consumed. Parentheses around an expression are not nodes: they belong to the
//       enclosing rule, so in `(1 + 2) * 3` the `+` spans `1 + 2` and the `*` spans it all.
//       A child's span always lies within its parent's.
//  (A2) Positions are { offset, line, column }: `offset` is a UTF-16 code-unit index into the
//       source (what String.prototype.slice takes); `line` and `column` are 1-based, and the
//       column counts UTF-16 code units from the line start (so an astral character such as
//       an emoji counts 2). Lines end at \n, \r\n or a lone \r.
//  (A3) INTEGER literals are bigint, FLOAT literals number, STRING literals unescaped text
//       (see src/graph/value.ts). A unary minus written directly before an integer or float
//       literal is folded into the literal (so -9223372036854775808 is one IntegerLiteral);
//       `-(1)` stays a Unary.
//  (A4) Nodes are plain immutable data (readonly fields, readonly arrays); the parser never
//       shares one node object between two places in the tree.
//  (A5) Names are kept as written (case preserved); keywords are recognised
//       case-insensitively and never appear in the tree as names unless backtick-quoted or
//       used where any name is allowed (labels, relationship types, property and map keys).

/** A place in the source text. See (A2). */
export interface Position {
  /** UTF-16 code-unit index into the source. */
  readonly offset: number;
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units from the start of the line. */
  readonly column: number;
}

/** The source range a node was parsed from: `start` inclusive, `end` exclusive. */
export interface Span {
  readonly start: Position;
  readonly end: Position;
}

interface NodeBase {
  readonly span: Span;
}

// ── statements ─────────────────────────────────────────────────────────────────────────

/** The root: one statement, optionally prefixed with EXPLAIN or PROFILE. */
export interface Statement extends NodeBase {
  readonly kind: 'Statement';
  /** The whole source text the statement was parsed from (spans index into it). */
  readonly source: string;
  /** `EXPLAIN` or `PROFILE` prefix; only queries take one. */
  readonly mode: 'explain' | 'profile' | null;
  readonly body: Query | SchemaCommand;
}

/**
 * A query: one SingleQuery, or several joined by UNION / UNION ALL. Mixing UNION and
 * UNION ALL in one query is rejected by the parser (InvalidClauseComposition).
 */
export interface Query extends NodeBase {
  readonly kind: 'Query';
  /** At least one part; the parts of a union in source order. */
  readonly parts: readonly SingleQuery[];
  /** True when the parts are joined by UNION ALL (keep duplicates); false for UNION or a single part. */
  readonly unionAll: boolean;
}

/**
 * A sequence of clauses. The parser checks the openCypher clause-order rules: RETURN only
 * last; no reading clause (MATCH, UNWIND, CALL) directly after an updating clause without a
 * WITH between; a top-level query ends with RETURN, an updating clause or a CALL. Splitting
 * into parts at each WITH is left to the binder.
 */
export interface SingleQuery extends NodeBase {
  readonly kind: 'SingleQuery';
  readonly clauses: readonly Clause[];
}

// ── clauses ────────────────────────────────────────────────────────────────────────────

export type Clause =
  | MatchClause
  | UnwindClause
  | WithClause
  | ReturnClause
  | CreateClause
  | MergeClause
  | SetClause
  | RemoveClause
  | DeleteClause
  | CallClause
  | ForeachClause;

/** `[OPTIONAL] MATCH pattern [WHERE predicate]`. */
export interface MatchClause extends NodeBase {
  readonly kind: 'Match';
  readonly optional: boolean;
  /** Comma-separated pattern parts, at least one. */
  readonly pattern: readonly PatternPart[];
  readonly where: Expression | null;
}

/** `UNWIND expression AS variable`. */
export interface UnwindClause extends NodeBase {
  readonly kind: 'Unwind';
  readonly expression: Expression;
  readonly variable: Variable;
}

/** `WITH projection [WHERE predicate]`. */
export interface WithClause extends NodeBase {
  readonly kind: 'With';
  readonly projection: Projection;
  readonly where: Expression | null;
}

/** `RETURN projection`. */
export interface ReturnClause extends NodeBase {
  readonly kind: 'Return';
  readonly projection: Projection;
}

/** The body shared by WITH and RETURN: `[DISTINCT] items [ORDER BY ...] [SKIP n] [LIMIT n]`. */
export interface Projection extends NodeBase {
  readonly kind: 'Projection';
  readonly distinct: boolean;
  /** True when the item list starts with `*` (all variables in scope), e.g. `RETURN *, a.x AS y`. */
  readonly star: boolean;
  /** The explicit items; empty only when `star` is true. */
  readonly items: readonly ProjectionItem[];
  /** Null when there is no ORDER BY; otherwise at least one item. */
  readonly orderBy: readonly SortItem[] | null;
  readonly skip: Expression | null;
  readonly limit: Expression | null;
}

/**
 * One projected column: `expression [AS alias]`. `text` is the expression exactly as written
 * (source slice of the item without the alias, including any parentheses; comments and
 * inner whitespace kept): the column name of an unaliased item, e.g. `count(DISTINCT a.name)`.
 */
export interface ProjectionItem extends NodeBase {
  readonly kind: 'ProjectionItem';
  readonly expression: Expression;
  readonly alias: Variable | null;
  readonly text: string;
}

/** One ORDER BY key. `ASC`/`ASCENDING` (the default) or `DESC`/`DESCENDING`. */
export interface SortItem extends NodeBase {
  readonly kind: 'SortItem';
  readonly expression: Expression;
  readonly descending: boolean;
}

/** `CREATE pattern`. Directions, single types and fixed lengths are the binder's to check. */
export interface CreateClause extends NodeBase {
  readonly kind: 'Create';
  readonly pattern: readonly PatternPart[];
}

/** `MERGE patternPart (ON CREATE SET ... | ON MATCH SET ...)*`, actions in source order. */
export interface MergeClause extends NodeBase {
  readonly kind: 'Merge';
  readonly pattern: PatternPart;
  readonly actions: readonly MergeAction[];
}

export interface MergeAction extends NodeBase {
  readonly kind: 'MergeAction';
  readonly on: 'create' | 'match';
  readonly items: readonly SetItem[];
}

/** `SET item, item, ...`. */
export interface SetClause extends NodeBase {
  readonly kind: 'Set';
  readonly items: readonly SetItem[];
}

export type SetItem = SetPropertyItem | SetAllPropertiesItem | SetLabelsItem;

/** `target.key = value`, where the target is any atom: `n.p = 1`, `(CASE ... END).p = 1`. */
export interface SetPropertyItem extends NodeBase {
  readonly kind: 'SetProperty';
  readonly property: PropertyAccess;
  readonly value: Expression;
}

/** `n = map` (mode 'replace') or `n += map` (mode 'merge'). */
export interface SetAllPropertiesItem extends NodeBase {
  readonly kind: 'SetAllProperties';
  readonly variable: Variable;
  readonly mode: 'replace' | 'merge';
  readonly value: Expression;
}

/** `n:Label:Other`. */
export interface SetLabelsItem extends NodeBase {
  readonly kind: 'SetLabels';
  readonly variable: Variable;
  readonly labels: readonly Name[];
}

/** `REMOVE item, item, ...`. */
export interface RemoveClause extends NodeBase {
  readonly kind: 'Remove';
  readonly items: readonly RemoveItem[];
}

export type RemoveItem = RemovePropertyItem | RemoveLabelsItem;

/** `REMOVE target.key`. */
export interface RemovePropertyItem extends NodeBase {
  readonly kind: 'RemoveProperty';
  readonly property: PropertyAccess;
}

/** `REMOVE n:Label:Other`. */
export interface RemoveLabelsItem extends NodeBase {
  readonly kind: 'RemoveLabels';
  readonly variable: Variable;
  readonly labels: readonly Name[];
}

/** `[DETACH] DELETE expression, ...`. A label test (`DELETE n:L`) is rejected by the parser (InvalidDelete). */
export interface DeleteClause extends NodeBase {
  readonly kind: 'Delete';
  readonly detach: boolean;
  readonly expressions: readonly Expression[];
}

/**
 * `CALL ns.proc(args) [YIELD ...]`. `arguments` is null for the implicit form without
 * parentheses (`CALL db.labels`), which the parser accepts only in a standalone call.
 */
export interface CallClause extends NodeBase {
  readonly kind: 'Call';
  readonly procedure: QualifiedName;
  readonly arguments: readonly Expression[] | null;
  readonly yield: YieldClause | null;
  /** True when the CALL is the whole query (openCypher's standalone call). */
  readonly standalone: boolean;
}

/** `YIELD *` (standalone calls only) or `YIELD field [AS var], ... [WHERE predicate]`. */
export interface YieldClause extends NodeBase {
  readonly kind: 'Yield';
  readonly star: boolean;
  /** Empty when `star` is true. */
  readonly items: readonly YieldItem[];
  readonly where: Expression | null;
}

/** One yielded field: `field` or `field AS alias`. */
export interface YieldItem extends NodeBase {
  readonly kind: 'YieldItem';
  readonly field: Name;
  readonly alias: Variable | null;
}

/** `FOREACH (variable IN list | clause ...)`; the inner clauses are updating clauses. */
export interface ForeachClause extends NodeBase {
  readonly kind: 'Foreach';
  readonly variable: Variable;
  readonly list: Expression;
  readonly clauses: readonly Clause[];
}

// ── schema commands ────────────────────────────────────────────────────────────────────

export type SchemaCommand = CreateIndexCommand | DropIndexCommand | ShowIndexesCommand;

/**
 * `CREATE [UNIQUE] INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.prop, ...)`,
 * `CREATE INDEX ON :Label(prop, ...)`, or
 * `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.prop IS UNIQUE`
 * (also the older `ON (n:Label) ASSERT n.prop IS UNIQUE`): constraints are unique indexes.
 */
export interface CreateIndexCommand extends NodeBase {
  readonly kind: 'CreateIndex';
  readonly name: Name | null;
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  /** Which syntax was used, for messages: `CREATE [UNIQUE] INDEX` or `CREATE CONSTRAINT`. */
  readonly syntax: 'index' | 'constraint';
  readonly label: Name;
  /** At least one; more than one is a composite index (the executor may refuse it). */
  readonly properties: readonly Name[];
}

/** `DROP INDEX name [IF EXISTS]`, `DROP CONSTRAINT name [IF EXISTS]` or `DROP INDEX ON :Label(prop, ...)`. */
export interface DropIndexCommand extends NodeBase {
  readonly kind: 'DropIndex';
  /** Set for the by-name forms; null for `ON :Label(prop)`. */
  readonly name: Name | null;
  readonly ifExists: boolean;
  readonly syntax: 'index' | 'constraint';
  /** Set (with `properties`) for `DROP INDEX ON :Label(prop)`; null for the by-name forms. */
  readonly label: Name | null;
  readonly properties: readonly Name[];
}

/** `SHOW INDEXES` (or `SHOW INDEX`). */
export interface ShowIndexesCommand extends NodeBase {
  readonly kind: 'ShowIndexes';
}

// ── patterns ───────────────────────────────────────────────────────────────────────────

/** One comma-separated part of a pattern: `[p =] [shortestPath(] path [)]`. */
export interface PatternPart extends NodeBase {
  readonly kind: 'PatternPart';
  /** The path variable of `p = ...`, else null. */
  readonly variable: Variable | null;
  /** `shortestPath(...)` → 'shortest', `allShortestPaths(...)` → 'allShortest'. */
  readonly shortest: 'shortest' | 'allShortest' | null;
  readonly path: PathPattern;
}

/**
 * A chain `(a)-[r]->(b)<-[s]-(c)`: `nodes.length === relationships.length + 1` and
 * `relationships[i]` joins `nodes[i]` (left) and `nodes[i + 1]` (right).
 */
export interface PathPattern extends NodeBase {
  readonly kind: 'PathPattern';
  readonly nodes: readonly NodePattern[];
  readonly relationships: readonly RelationshipPattern[];
}

/** `(variable:Label:Other {key: value})` or `(variable:Label $param)`; every part optional. */
export interface NodePattern extends NodeBase {
  readonly kind: 'NodePattern';
  readonly variable: Variable | null;
  readonly labels: readonly Name[];
  readonly properties: MapLiteral | Parameter | null;
}

/**
 * `-[variable:TYPE|OTHER*min..max {props}]->`. Direction is relative to the path's reading
 * order: 'outgoing' `-->` (left node → right node), 'incoming' `<--`, 'undirected' `--`,
 * and 'both' for `<-->` (matches either way like 'undirected'; CREATE/MERGE reject both).
 */
export interface RelationshipPattern extends NodeBase {
  readonly kind: 'RelationshipPattern';
  readonly direction: 'outgoing' | 'incoming' | 'undirected' | 'both';
  readonly variable: Variable | null;
  /** Alternative types (`:A|B` or `:A|:B`); empty means any type. */
  readonly types: readonly Name[];
  /** Null for a single hop; set for `*`, `*2`, `*..3`, `*2..`, `*1..3`. */
  readonly length: VariableLength | null;
  readonly properties: MapLiteral | Parameter | null;
}

/**
 * The range of a variable-length relationship. `*` → {min: null, max: null}, `*2` →
 * {2, 2}, `*..3` → {null, 3}, `*2..` → {2, null}. Null means "not written" (the binder
 * applies openCypher's defaults: min 1, max unbounded). Bounds are exact safe integers.
 */
export interface VariableLength extends NodeBase {
  readonly kind: 'VariableLength';
  readonly min: number | null;
  readonly max: number | null;
}

// ── expressions ────────────────────────────────────────────────────────────────────────

export type Expression =
  | IntegerLiteral
  | FloatLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | ListLiteral
  | MapLiteral
  | Parameter
  | Variable
  | PropertyAccess
  | IndexAccess
  | SliceAccess
  | LabelTest
  | Unary
  | Not
  | Binary
  | Logical
  | Comparison
  | StringPredicate
  | InList
  | IsNull
  | FunctionCall
  | CountStar
  | CaseExpression
  | ListComprehension
  | PatternComprehension
  | Quantifier
  | Reduce
  | ExistsSubquery
  | PatternPredicate
  | MapProjection;

/** An INTEGER literal (decimal, `0x` hex or `0o` octal), range-checked to 64 bits. */
export interface IntegerLiteral extends NodeBase {
  readonly kind: 'IntegerLiteral';
  readonly value: bigint;
  /** The literal as written, including a folded leading minus (e.g. `-0x1F`). */
  readonly text: string;
}

/** A FLOAT literal (`1.5`, `.5`, `1e10`, `1.5E-3`); finite by construction. */
export interface FloatLiteral extends NodeBase {
  readonly kind: 'FloatLiteral';
  readonly value: number;
  readonly text: string;
}

/** A string literal, escapes resolved. */
export interface StringLiteral extends NodeBase {
  readonly kind: 'StringLiteral';
  readonly value: string;
}

export interface BooleanLiteral extends NodeBase {
  readonly kind: 'BooleanLiteral';
  readonly value: boolean;
}

export interface NullLiteral extends NodeBase {
  readonly kind: 'NullLiteral';
}

/** `[a, b, c]`. */
export interface ListLiteral extends NodeBase {
  readonly kind: 'ListLiteral';
  readonly elements: readonly Expression[];
}

/** `{key: value, ...}`; keys may be keywords or backtick-quoted. Duplicate keys are kept in order. */
export interface MapLiteral extends NodeBase {
  readonly kind: 'MapLiteral';
  readonly entries: readonly MapEntry[];
}

export interface MapEntry extends NodeBase {
  readonly kind: 'MapEntry';
  readonly key: Name;
  readonly value: Expression;
}

/** `$name` or `$0` (name '0'). */
export interface Parameter extends NodeBase {
  readonly kind: 'Parameter';
  readonly name: string;
}

/** A variable reference or binding site. */
export interface Variable extends NodeBase {
  readonly kind: 'Variable';
  readonly name: string;
}

/** A label, relationship type, property key, map key, index name or procedure field. */
export interface Name extends NodeBase {
  readonly kind: 'Name';
  readonly name: string;
}

/** A possibly namespaced function or procedure name: `db.labels` → namespace ['db'], name 'labels'. */
export interface QualifiedName extends NodeBase {
  readonly kind: 'QualifiedName';
  readonly namespace: readonly string[];
  readonly name: string;
}

/** `object.key`. */
export interface PropertyAccess extends NodeBase {
  readonly kind: 'PropertyAccess';
  readonly object: Expression;
  readonly key: Name;
}

/** `object[index]` (list element or dynamic map/property key). */
export interface IndexAccess extends NodeBase {
  readonly kind: 'IndexAccess';
  readonly object: Expression;
  readonly index: Expression;
}

/** `object[from..to]`, either bound may be omitted. */
export interface SliceAccess extends NodeBase {
  readonly kind: 'SliceAccess';
  readonly object: Expression;
  readonly from: Expression | null;
  readonly to: Expression | null;
}

/** `subject:Label:Other` — true when the node has all the labels (or the relationship the type). */
export interface LabelTest extends NodeBase {
  readonly kind: 'LabelTest';
  readonly subject: Expression;
  readonly labels: readonly Name[];
}

/** Unary `-x` or `+x` (not folded into a literal, see (A3)). */
export interface Unary extends NodeBase {
  readonly kind: 'Unary';
  readonly operator: '-' | '+';
  readonly operand: Expression;
}

/** `NOT operand`. */
export interface Not extends NodeBase {
  readonly kind: 'Not';
  readonly operand: Expression;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '^';

/** Arithmetic (and list/string concatenation for `+`). All left-associative, `^` included. */
export interface Binary extends NodeBase {
  readonly kind: 'Binary';
  readonly operator: ArithmeticOperator;
  readonly left: Expression;
  readonly right: Expression;
}

/** Three-valued `AND`, `OR`, `XOR`. */
export interface Logical extends NodeBase {
  readonly kind: 'Logical';
  readonly operator: 'AND' | 'OR' | 'XOR';
  readonly left: Expression;
  readonly right: Expression;
}

export type ComparisonOperator = '=' | '<>' | '<' | '>' | '<=' | '>=';

/**
 * A comparison chain: `a < b <= c` has operands [a, b, c] and operators ['<', '<=']
 * and means `a < b AND b <= c` with `b` evaluated once. A plain `a = b` has two operands.
 * Invariant: operands.length === operators.length + 1 >= 2.
 */
export interface Comparison extends NodeBase {
  readonly kind: 'Comparison';
  readonly operands: readonly Expression[];
  readonly operators: readonly ComparisonOperator[];
}

/** `STARTS WITH`, `ENDS WITH`, `CONTAINS` and regular-expression match `=~`. */
export interface StringPredicate extends NodeBase {
  readonly kind: 'StringPredicate';
  readonly operator: 'STARTS WITH' | 'ENDS WITH' | 'CONTAINS' | '=~';
  readonly left: Expression;
  readonly right: Expression;
}

/** `element IN list`. */
export interface InList extends NodeBase {
  readonly kind: 'InList';
  readonly element: Expression;
  readonly list: Expression;
}

/** `operand IS NULL`, or `IS NOT NULL` when `negated`. */
export interface IsNull extends NodeBase {
  readonly kind: 'IsNull';
  readonly operand: Expression;
  readonly negated: boolean;
}

/** `ns.name([DISTINCT] args)`. Which names are aggregates is the binder's to know. */
export interface FunctionCall extends NodeBase {
  readonly kind: 'FunctionCall';
  readonly name: QualifiedName;
  readonly distinct: boolean;
  readonly arguments: readonly Expression[];
}

/** `count(*)`. */
export interface CountStar extends NodeBase {
  readonly kind: 'CountStar';
}

/**
 * `CASE [test] WHEN a THEN b ... [ELSE c] END`. With a `test` (simple form) each `when`
 * is compared to it for equality; without (generic form) each `when` is a predicate.
 */
export interface CaseExpression extends NodeBase {
  readonly kind: 'Case';
  readonly test: Expression | null;
  /** At least one. */
  readonly alternatives: readonly CaseAlternative[];
  readonly else: Expression | null;
}

export interface CaseAlternative extends NodeBase {
  readonly kind: 'CaseAlternative';
  readonly when: Expression;
  readonly then: Expression;
}

/** `[variable IN list [WHERE predicate] [| projection]]`; `variable` is scoped to the brackets. */
export interface ListComprehension extends NodeBase {
  readonly kind: 'ListComprehension';
  readonly variable: Variable;
  readonly list: Expression;
  readonly where: Expression | null;
  readonly projection: Expression | null;
}

/**
 * `[[p =] (a)-->(b) [WHERE predicate] | projection]`: a list with one projection per match
 * of the path. New variables in the path (and `p`) are scoped to the brackets.
 */
export interface PatternComprehension extends NodeBase {
  readonly kind: 'PatternComprehension';
  readonly variable: Variable | null;
  readonly pattern: PathPattern;
  readonly where: Expression | null;
  readonly projection: Expression;
}

/** `all|any|none|single(variable IN list [WHERE predicate])`. */
export interface Quantifier extends NodeBase {
  readonly kind: 'Quantifier';
  readonly quantifier: 'all' | 'any' | 'none' | 'single';
  readonly variable: Variable;
  readonly list: Expression;
  readonly where: Expression | null;
}

/** `reduce(accumulator = init, variable IN list | expression)`. */
export interface Reduce extends NodeBase {
  readonly kind: 'Reduce';
  readonly accumulator: Variable;
  readonly init: Expression;
  readonly variable: Variable;
  readonly list: Expression;
  readonly expression: Expression;
}

/**
 * `EXISTS { ... }`. Both written forms are normalised into a query: the pattern form
 * `EXISTS { (a)-->(b) WHERE p }` becomes a SingleQuery holding one MATCH (form 'pattern');
 * the full form `EXISTS { MATCH ... RETURN ... }` is kept as written (form 'query'), and
 * may end with any clause. Which clauses are allowed inside is the binder's to check.
 */
export interface ExistsSubquery extends NodeBase {
  readonly kind: 'ExistsSubquery';
  readonly form: 'pattern' | 'query';
  readonly query: Query;
}

/**
 * A relationship pattern used as a boolean (`WHERE (a)-[:KNOWS]->(b)`): true when at
 * least one match exists. The parser accepts it only in predicate positions: a WHERE
 * expression (of a clause, comprehension, quantifier or YIELD) reached through AND, OR,
 * XOR and NOT only, or as the argument of `exists(...)`; elsewhere it is UnexpectedSyntax.
 */
export interface PatternPredicate extends NodeBase {
  readonly kind: 'PatternPredicate';
  readonly pattern: PathPattern;
}

/** `subject {.key, .*, key: expression, variable}`. */
export interface MapProjection extends NodeBase {
  readonly kind: 'MapProjection';
  readonly subject: Variable;
  readonly items: readonly MapProjectionItem[];
}

export type MapProjectionItem = PropertySelector | AllPropertiesSelector | LiteralEntry | VariableSelector;

/** `.key` inside a map projection: copies subject.key. */
export interface PropertySelector extends NodeBase {
  readonly kind: 'PropertySelector';
  readonly key: Name;
}

/** `.*` inside a map projection: copies all properties of the subject. */
export interface AllPropertiesSelector extends NodeBase {
  readonly kind: 'AllPropertiesSelector';
}

/** `key: expression` inside a map projection. */
export interface LiteralEntry extends NodeBase {
  readonly kind: 'LiteralEntry';
  readonly key: Name;
  readonly value: Expression;
}

/** A bare `variable` inside a map projection: adds `variable: variable`. */
export interface VariableSelector extends NodeBase {
  readonly kind: 'VariableSelector';
  readonly variable: Variable;
}

// ── unions over every node ─────────────────────────────────────────────────────────────

/** Every node that can appear in a tree. */
export type AstNode =
  | Statement
  | Query
  | SingleQuery
  | Clause
  | Projection
  | ProjectionItem
  | SortItem
  | MergeAction
  | SetItem
  | RemoveItem
  | YieldClause
  | YieldItem
  | SchemaCommand
  | PatternPart
  | PathPattern
  | NodePattern
  | RelationshipPattern
  | VariableLength
  | Expression
  | MapEntry
  | Name
  | QualifiedName
  | CaseAlternative
  | MapProjectionItem;

export type AstKind = AstNode['kind'];
