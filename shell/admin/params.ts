// :param name => value, :params — query parameters of the session. The value is an
// openCypher expression evaluated once, without a graph (`:param ids => [1, 2, 3]`,
// `:param since => date ... `), and may use parameters set before it. It is evaluated as
// `RETURN <expression>` in a read-only snapshot, so nothing it says can write; an
// error points into the command line as typed.

import { OmbraError, toOmbraError } from '../../src/errors.js';
import { formatLiteral, stringifyJson, toJsonValue } from '../../src/cypher/runtime/format.js';
import { isValueMap, type ResultMap, type ResultValue } from '../../src/cypher/runtime/values.js';
import type { Database } from '../../src/database.js';
import { float } from '../../src/graph/value.js';
import { paramInputs } from '../statements.js';
import type { AdminCommand, AdminContext, SessionState } from './types.js';
import { usageError } from './usage.js';

const NAME = '[A-Za-z_][A-Za-z0-9_]*|`(?:[^`]|``)+`';
const ASSIGNMENT = new RegExp(`^(${NAME})\\s*=>\\s*([\\s\\S]*)$`);
const PREFIX = 'RETURN ';

function unquote(name: string): string {
  return name.startsWith('`') ? name.slice(1, -1).replaceAll('``', '`') : name;
}

/** A ResultValue as the engine takes a parameter (floats stay FLOAT, integers INTEGER). */
export function toParamInput(value: ResultValue, where: string): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'string') return value;
  if (typeof value === 'number') return float(value);
  if (Array.isArray(value)) return value.map((item, i) => toParamInput(item, `${where}[${i}]`));
  if (isValueMap(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toParamInput((value as ResultMap)[key]!, `${where}.${key}`);
    return out;
  }
  throw new OmbraError('INVALID_ARGUMENT', `${where}: a node, relationship or path cannot be a console parameter (:param evaluates without a graph)`, { where });
}

/** Evaluate `expression` against the session's parameters; errors point into `line` at `offset`. */
export function evaluateExpression(db: Database, state: SessionState, expression: string, line: string, offset: number): ResultValue {
  const txn = db.begin({ readOnly: true });
  try {
    const result = txn.query(`${PREFIX}${expression}`, paramInputs(state));
    if (result.rows.length !== 1 || result.columns.length !== 1) {
      throw new OmbraError('INVALID_ARGUMENT', `the value must be one expression (it gave ${result.rows.length} rows)`, { rows: result.rows.length });
    }
    return result.rows[0]![0]!;
  } catch (error) {
    throw relocate(toOmbraError(error), line, offset);
  } finally {
    txn.rollback();
  }
}

/** Move an error's position from the `RETURN …` text to the command line as typed. */
function relocate(error: OmbraError, line: string, offset: number): OmbraError {
  const column = error.details.column;
  if (typeof column !== 'number' || error.details.line !== 1) return error;
  const at = Math.max(1, offset + column - PREFIX.length);
  const message = error.message.replace(/ at line \d+, column \d+$/, '') + ` at column ${at}`;
  const excerpt = `${line}\n${' '.repeat(at - 1)}^`;
  return new OmbraError(error.code, message, { ...error.details, line: 1, column: at, excerpt }, { cause: error });
}

/** Values as JSON in the shapes of --format json (floats keep their '.0'). */
function reportValues(ctx: AdminContext, title: string, values: ResultMap, text: string): Promise<void> {
  return ctx.emit({ kind: 'report', title, json: stringifyJson(toJsonValue(values)), text });
}

const param: AdminCommand = {
  name: 'param',
  usage: ':param NAME => EXPRESSION',
  summary: 'set the query parameter $NAME to the value of an expression (:param ids => [1, 2, 3]); :param NAME shows it',
  complete: (index) => (index === 0 ? 'params' : 'none'),
  async run(ctx) {
    const shown = new RegExp(`^(${NAME})$`).exec(ctx.args);
    if (shown) {
      const name = unquote(shown[1]!);
      const current = ctx.state.params.get(name);
      if (!current) throw new OmbraError('PARAMETER_MISSING', `no parameter $${name} is set (:params lists them)`, { parameter: name });
      return reportValues(ctx, 'param', { [name]: current.value }, `$${name} => ${formatLiteral(current.value)}`);
    }
    const assignment = ASSIGNMENT.exec(ctx.args);
    if (!assignment || assignment[2]!.trim() === '') throw usageError(param, `expected NAME => EXPRESSION (got '${ctx.args}')`, { args: ctx.args });
    const name = unquote(assignment[1]!);
    const expression = assignment[2]!.trim();
    const offset = ctx.line.indexOf(expression, ctx.line.indexOf('=>') + 2); // 0-based, in the line as typed
    const value = evaluateExpression(ctx.db, ctx.state, expression, ctx.line, offset);
    ctx.state.params.set(name, { input: toParamInput(value, `$${name}`), value });
    await ctx.text(`$${name} => ${formatLiteral(value)}`, 'err');
  },
};

const params: AdminCommand = {
  name: 'params',
  usage: ':params [clear]',
  summary: 'list the query parameters set with :param (clear removes them all)',
  complete: (index) => (index === 0 ? ['clear'] : 'none'),
  async run(ctx) {
    if (ctx.args.toLowerCase() === 'clear') {
      const count = ctx.state.params.size;
      ctx.state.params.clear();
      return ctx.text(`${count} ${count === 1 ? 'parameter' : 'parameters'} cleared`, 'err');
    }
    if (ctx.args !== '') throw usageError(params, `unexpected argument '${ctx.args}'`, { args: ctx.args });
    const entries = [...ctx.state.params].sort(([a], [b]) => a.localeCompare(b));
    const values: ResultMap = {};
    for (const [name, p] of entries) values[name] = p.value;
    const text = entries.length === 0 ? 'no parameters (set one with :param NAME => EXPRESSION)' : entries.map(([name, p]) => `$${name} => ${formatLiteral(p.value)}`).join('\n');
    await reportValues(ctx, 'params', values, text);
  },
};

export const PARAM_COMMANDS: readonly AdminCommand[] = [param, params];
