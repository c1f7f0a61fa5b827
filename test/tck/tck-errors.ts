// How an ombra error maps onto the TCK's error expectations
// ("Then a <TYPE> should be raised at <PHASE>: <DETAIL>").
//
// PHASE: SyntaxQueryError and SemanticError are compile-time errors, RuntimeQueryError a
// run-time error; other ombra errors take the phase of their code in the table below.
//
// TYPE, from the error code:
//
//   ombra code                      phase         TCK type                      default detail
//   SYNTAX                          compile time  SyntaxError                   UnexpectedSyntax
//   SEMANTIC_UNDEFINED_VARIABLE     compile time  SyntaxError                   UndefinedVariable
//   SEMANTIC_VARIABLE_ALREADY_BOUND compile time  SyntaxError                   VariableAlreadyBound
//   SEMANTIC_VARIABLE_TYPE_CONFLICT compile time  SyntaxError                   VariableTypeConflict
//   SEMANTIC_INVALID_ARGUMENT_TYPE  compile time  SyntaxError (or TypeError*)   InvalidArgumentType
//   SEMANTIC_UNKNOWN_FUNCTION       compile time  SyntaxError                   UnknownFunction
//   SEMANTIC_INVALID_AGGREGATION    compile time  SyntaxError                   InvalidAggregation
//   SEMANTIC_INVALID_CLAUSE         compile time  SyntaxError                   InvalidClauseComposition
//   SEMANTIC_COLUMN_NAME_CONFLICT   compile time  SyntaxError                   ColumnNameConflict
//   SEMANTIC_OTHER                  compile time  SyntaxError                   (details.detail)
//   PARAMETER_MISSING               compile time  ParameterMissing              MissingParameter
//   RUNTIME_TYPE                    runtime       TypeError                     (details.detail)
//   RUNTIME_ARGUMENT                runtime       ArgumentError                 (details.detail)
//   RUNTIME_ARITHMETIC              runtime       ArithmeticError               (details.detail)
//   RUNTIME_CLAUSE_ARGUMENT         runtime       SyntaxError                   (details.detail)
//   RUNTIME_DELETED_ENTITY          runtime       EntityNotFound                DeletedEntityAccess
//   RUNTIME_OTHER                   runtime       (from the detail only)        (details.detail)
//   NODE_HAS_RELATIONSHIPS          runtime       ConstraintVerificationFailed  DeleteConnectedNode
//   CONSTRAINT_UNIQUE               runtime       ConstraintValidationFailed    (details.detail)
//   PROPERTY_TYPE                   runtime       TypeError                     InvalidPropertyType
//   NODE_NOT_FOUND, RELATIONSHIP_NOT_FOUND runtime EntityNotFound               (details.detail)
//
// then these details decide the type whatever the code (the TCK always classes them so):
//
//   NegativeIntegerArgument → SyntaxError        MergeReadOwnWrites   → SemanticError
//   ProcedureNotFound       → ProcedureError     DeleteConnectedNode  → ConstraintVerificationFailed
//   DeletedEntityAccess     → EntityNotFound     MissingParameter     → ParameterMissing
//
// * The TCK names the same compile-time type check both ways: "SyntaxError ...
//   InvalidArgumentType" for function arguments (Graph3, Graph9, List6, ...) and "TypeError
//   ... InvalidArgumentType" for property access on a non-map (Map1 [6], Graph6 [9]). A
//   SEMANTIC_INVALID_ARGUMENT_TYPE error therefore satisfies either; this is the only place
//   the harness accepts more than one type.
//
// DETAIL: `details.detail` when the error carries one, else the code's default above.
// A case passes when type and phase match and the detail matches or is `*`.

import { OmbraError, RuntimeQueryError, SemanticError, SyntaxQueryError, type ErrorCode } from '../../src/errors.js';

export type TckErrorType =
  | 'SyntaxError'
  | 'SemanticError'
  | 'TypeError'
  | 'ArgumentError'
  | 'ArithmeticError'
  | 'EntityNotFound'
  | 'ConstraintVerificationFailed'
  | 'ConstraintValidationFailed'
  | 'ParameterMissing'
  | 'ProcedureError';

export type TckPhase = 'compile time' | 'runtime';

interface CodeMapping {
  phase: TckPhase;
  type?: TckErrorType;
  detail?: string;
  alsoAccepted?: TckErrorType[];
}

const BY_CODE: Partial<Record<ErrorCode, CodeMapping>> = {
  SYNTAX: { phase: 'compile time', type: 'SyntaxError', detail: 'UnexpectedSyntax' },
  SEMANTIC_UNDEFINED_VARIABLE: { phase: 'compile time', type: 'SyntaxError', detail: 'UndefinedVariable' },
  SEMANTIC_VARIABLE_ALREADY_BOUND: { phase: 'compile time', type: 'SyntaxError', detail: 'VariableAlreadyBound' },
  SEMANTIC_VARIABLE_TYPE_CONFLICT: { phase: 'compile time', type: 'SyntaxError', detail: 'VariableTypeConflict' },
  SEMANTIC_INVALID_ARGUMENT_TYPE: {
    phase: 'compile time',
    type: 'SyntaxError',
    detail: 'InvalidArgumentType',
    alsoAccepted: ['TypeError'],
  },
  SEMANTIC_UNKNOWN_FUNCTION: { phase: 'compile time', type: 'SyntaxError', detail: 'UnknownFunction' },
  SEMANTIC_INVALID_AGGREGATION: { phase: 'compile time', type: 'SyntaxError', detail: 'InvalidAggregation' },
  SEMANTIC_INVALID_CLAUSE: { phase: 'compile time', type: 'SyntaxError', detail: 'InvalidClauseComposition' },
  SEMANTIC_COLUMN_NAME_CONFLICT: { phase: 'compile time', type: 'SyntaxError', detail: 'ColumnNameConflict' },
  SEMANTIC_OTHER: { phase: 'compile time', type: 'SyntaxError' },
  PARAMETER_MISSING: { phase: 'compile time', type: 'ParameterMissing', detail: 'MissingParameter' },
  RUNTIME_TYPE: { phase: 'runtime', type: 'TypeError' },
  RUNTIME_ARGUMENT: { phase: 'runtime', type: 'ArgumentError' },
  RUNTIME_ARITHMETIC: { phase: 'runtime', type: 'ArithmeticError' },
  RUNTIME_CLAUSE_ARGUMENT: { phase: 'runtime', type: 'SyntaxError' },
  RUNTIME_DELETED_ENTITY: { phase: 'runtime', type: 'EntityNotFound', detail: 'DeletedEntityAccess' },
  RUNTIME_OTHER: { phase: 'runtime' },
  NODE_HAS_RELATIONSHIPS: { phase: 'runtime', type: 'ConstraintVerificationFailed', detail: 'DeleteConnectedNode' },
  CONSTRAINT_UNIQUE: { phase: 'runtime', type: 'ConstraintValidationFailed' },
  PROPERTY_TYPE: { phase: 'runtime', type: 'TypeError', detail: 'InvalidPropertyType' },
  NODE_NOT_FOUND: { phase: 'runtime', type: 'EntityNotFound' },
  RELATIONSHIP_NOT_FOUND: { phase: 'runtime', type: 'EntityNotFound' },
};

const BY_DETAIL: Readonly<Record<string, TckErrorType>> = {
  NegativeIntegerArgument: 'SyntaxError',
  MergeReadOwnWrites: 'SemanticError',
  ProcedureNotFound: 'ProcedureError',
  DeleteConnectedNode: 'ConstraintVerificationFailed',
  DeletedEntityAccess: 'EntityNotFound',
  MissingParameter: 'ParameterMissing',
};

export interface ClassifiedError {
  /** The TCK type this error counts as, if any. */
  type?: TckErrorType;
  /** Further TCK types the error satisfies (see the header's footnote). */
  alsoAccepted: TckErrorType[];
  phase?: TckPhase;
  detail?: string;
  /** How the error shows in a failure reason: code and message. */
  summary: string;
}

/** Classify anything an engine threw. Non-ombra errors get no type or phase. */
export function classifyError(error: unknown): ClassifiedError {
  if (!(error instanceof OmbraError)) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { alsoAccepted: [], summary: `not an ombra error (${message})` };
  }
  const mapping = BY_CODE[error.code];
  const detail = typeof error.details.detail === 'string' ? error.details.detail : mapping?.detail;
  let phase = mapping?.phase;
  if (error instanceof SyntaxQueryError || error instanceof SemanticError) phase = 'compile time';
  else if (error instanceof RuntimeQueryError) phase = 'runtime';
  const type = (detail !== undefined ? BY_DETAIL[detail] : undefined) ?? mapping?.type;
  const out: ClassifiedError = { alsoAccepted: mapping?.alsoAccepted ?? [], summary: `${error.code}: ${error.message}` };
  if (type !== undefined) out.type = type;
  if (phase !== undefined) out.phase = phase;
  if (detail !== undefined) out.detail = detail;
  return out;
}

export interface ExpectedError {
  type: string;
  phase: TckPhase | 'any time';
  /** A detail name, or '*' for any. */
  detail: string;
}

const ERROR_STEP = /^an? (\w+) should be raised at (compile time|runtime|any time): (\S+)$/;

/** Parse the text of a `Then a TYPE should be raised at PHASE: DETAIL` step. */
export function parseErrorStep(text: string): ExpectedError | undefined {
  const match = ERROR_STEP.exec(text.trim());
  if (match === null) return undefined;
  return { type: match[1]!, phase: match[2] as ExpectedError['phase'], detail: match[3]! };
}

/** null when the error meets the expectation, else why not. */
export function checkError(error: unknown, expected: ExpectedError): string | null {
  const actual = classifyError(error);
  const wanted = `${expected.type} at ${expected.phase}: ${expected.detail}`;
  const got = `${actual.type ?? '(no TCK type)'} at ${actual.phase ?? '(unknown phase)'}: ${actual.detail ?? '(no detail)'}`;
  const typeOk = actual.type === expected.type || actual.alsoAccepted.includes(expected.type as TckErrorType);
  const phaseOk = expected.phase === 'any time' ? actual.phase !== undefined : actual.phase === expected.phase;
  const detailOk = expected.detail === '*' || actual.detail === expected.detail;
  if (typeOk && phaseOk && detailOk) return null;
  return `expected ${wanted}, got ${got} [${actual.summary}]`;
}
