// Semantic errors of the binder, in the shape every query error has (syntax-error.ts):
// details { line, column, offset, excerpt, detail }, the message ending "at line L, column C".
// `detail` is the openCypher TCK error detail (test/tck/tck-errors.ts maps code + detail to
// the TCK's error type).

import { SemanticError, type ErrorCode } from '../../errors.js';
import type { Position, Span } from '../parser/ast.js';
import { excerptAt } from '../parser/index.js';

export type SemanticDetail =
  | 'UndefinedVariable'
  | 'VariableAlreadyBound'
  | 'VariableTypeConflict'
  | 'InvalidArgumentType'
  | 'UnknownFunction'
  | 'InvalidNumberOfArguments'
  | 'InvalidAggregation'
  | 'AmbiguousAggregationExpression'
  | 'NestedAggregation'
  | 'InvalidClauseComposition'
  | 'ColumnNameConflict'
  | 'NoSingleRelationshipType'
  | 'NonConstantExpression'
  | 'NegativeIntegerArgument'
  | 'InvalidParameterUse'
  | 'RequiresDirectedRelationship'
  | 'CreatingVarLength'
  | 'DifferentColumnsInUnion'
  | 'RelationshipUniquenessViolation'
  | 'NoVariablesInScope'
  | 'NoExpressionAlias'
  | 'ProcedureNotFound'
  | 'InvalidDelete'
  | 'UnexpectedSyntax';

const CODE_OF: Partial<Record<SemanticDetail, ErrorCode>> = {
  UndefinedVariable: 'SEMANTIC_UNDEFINED_VARIABLE',
  VariableAlreadyBound: 'SEMANTIC_VARIABLE_ALREADY_BOUND',
  VariableTypeConflict: 'SEMANTIC_VARIABLE_TYPE_CONFLICT',
  InvalidArgumentType: 'SEMANTIC_INVALID_ARGUMENT_TYPE',
  UnknownFunction: 'SEMANTIC_UNKNOWN_FUNCTION',
  InvalidAggregation: 'SEMANTIC_INVALID_AGGREGATION',
  AmbiguousAggregationExpression: 'SEMANTIC_INVALID_AGGREGATION',
  NestedAggregation: 'SEMANTIC_INVALID_AGGREGATION',
  InvalidClauseComposition: 'SEMANTIC_INVALID_CLAUSE',
  ColumnNameConflict: 'SEMANTIC_COLUMN_NAME_CONFLICT',
};

/** A SemanticError at `at` (a span's start or a position) of `source`. */
export function semanticError(source: string, at: Span | Position, detail: SemanticDetail, message: string, extra: Record<string, unknown> = {}): SemanticError {
  const position = 'start' in at ? at.start : at;
  const code = CODE_OF[detail] ?? 'SEMANTIC_OTHER';
  return new SemanticError(code, `${message} at line ${position.line}, column ${position.column}`, {
    ...extra,
    line: position.line,
    column: position.column,
    offset: position.offset,
    excerpt: excerptAt(source, position),
    detail,
  });
}

/** Add the source position to an error raised by a runtime helper at bind time (resolveFunction, ...). */
export function withPosition(error: SemanticError, source: string, span: Span): SemanticError {
  const position = span.start;
  return new SemanticError(error.code, `${error.message} at line ${position.line}, column ${position.column}`, {
    ...error.details,
    line: position.line,
    column: position.column,
    offset: position.offset,
    excerpt: excerptAt(source, position),
  });
}
