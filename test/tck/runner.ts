// Runs TCK cases against a TckEngine, one fresh database per case.
//
// Steps (FORMAT.md "Steps used in the files"; the keyword Given/When/Then/And is ignored):
//   an empty graph | any graph            open the case's database (empty)
//   the <name> graph                      open it and run graphs/<name>/*.cypher
//   having executed: """q"""              run a setup query; an error fails the case
//   parameters are: | name | value |      parameters for the following queries
//   there exists a procedure <sig>: |..|  TckDatabase.defineProcedure, if the engine has it
//   executing query: """q"""              the query under test (its stats are the side effects)
//   executing control query: """q"""      a query whose result is checked, side effects untouched
//   the result should be, in any order:   rows as a multiset
//   the result should be, in order:       rows as a sequence
//   the result should be (ignoring element order for lists):            multiset, lists unordered
//   the result should be, in order (ignoring element order for lists):  sequence, lists unordered
//   the result should be empty            zero rows
//   a <TYPE> should be raised at <PHASE>: <DETAIL>                       tck-errors.ts
//   the side effects should be: | key | n |   +nodes -nodes +relationships -relationships
//                                             +properties -properties +labels -labels; unlisted = 0
//   no side effects                       every counter 0
// Any other step fails the case naming the step. A query error that no step expects fails the
// case. A case that runs past `timeoutMs` fails (the engine call is abandoned, not killed:
// pool.ts runs cases in worker threads it can terminate, for hangs that never yield).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryStats, Value } from '../../src/cypher/runtime/values.js';
import type { TckDatabase, TckEngine, TckResult } from './engine.js';
import type { GherkinStep, TckCase } from './gherkin.js';
import { checkError, classifyError, parseErrorStep } from './tck-errors.js';
import { compareResult, parseExpectedTable, parseTckValue, toParameterValue } from './tck-values.js';

export type CaseStatus = 'passed' | 'failed';

export interface CaseResult {
  id: string;
  featurePath: string;
  scenarioName: string;
  exampleNumber?: number;
  status: CaseStatus;
  /** Why the case failed (multi-line for result mismatches). */
  reason?: string;
  durationMs: number;
}

export interface RunOptions {
  /** The TCK root (holds features/ and graphs/). */
  tckDir: string;
  /** Per-case time limit; default 10 s. */
  timeoutMs?: number;
}

export const DEFAULT_CASE_TIMEOUT_MS = 10_000;

/** A step failed: the message is the case's failure reason. */
class CaseFailure extends Error {}

const SIDE_EFFECT_KEYS: Readonly<Record<string, keyof QueryStats>> = {
  '+nodes': 'nodesCreated',
  '-nodes': 'nodesDeleted',
  '+relationships': 'relationshipsCreated',
  '-relationships': 'relationshipsDeleted',
  '+properties': 'propertiesSet',
  '-properties': 'propertiesRemoved',
  '+labels': 'labelsAdded',
  '-labels': 'labelsRemoved',
};

const RESULT_STEPS: Readonly<Record<string, { ordered: boolean; listsAsMultisets: boolean }>> = {
  'the result should be, in any order:': { ordered: false, listsAsMultisets: false },
  'the result should be, in order:': { ordered: true, listsAsMultisets: false },
  'the result should be (ignoring element order for lists):': { ordered: false, listsAsMultisets: true },
  'the result should be, in order (ignoring element order for lists):': { ordered: true, listsAsMultisets: true },
};

type Outcome = { ok: true; result: TckResult } | { ok: false; error: unknown; checked: boolean };

class CaseRun {
  private db: TckDatabase | undefined;
  private params: Record<string, Value> = {};
  private outcome: Outcome | undefined;
  private sideEffects: QueryStats | undefined;
  closed = false;

  constructor(
    private readonly engine: TckEngine,
    private readonly tckDir: string,
  ) {}

  async run(steps: readonly GherkinStep[]): Promise<void> {
    for (const step of steps) await this.step(step);
    if (this.outcome !== undefined && !this.outcome.ok && !this.outcome.checked) {
      throw new CaseFailure(`the query raised an error no step expected: ${classifyError(this.outcome.error).summary}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed || this.db === undefined) return;
    this.closed = true;
    await this.db.close();
  }

  private async database(): Promise<TckDatabase> {
    if (this.db === undefined) {
      try {
        this.db = await this.engine.openDatabase();
      } catch (error) {
        throw new CaseFailure(`openDatabase failed: ${classifyError(error).summary}`);
      }
    }
    return this.db;
  }

  private docString(step: GherkinStep): string {
    if (step.docString === undefined) throw new CaseFailure(`step "${step.text}" (line ${step.line}) has no query`);
    return step.docString;
  }

  private async setup(query: string, what: string): Promise<void> {
    const db = await this.database();
    try {
      await db.execute(query, this.params);
    } catch (error) {
      throw new CaseFailure(`${what} failed: ${classifyError(error).summary}\n${query}`);
    }
  }

  private async step(step: GherkinStep): Promise<void> {
    const text = step.text;
    if (text === 'an empty graph' || text === 'any graph') {
      await this.database();
      return;
    }
    const graph = /^the (\S+) graph$/.exec(text);
    if (graph !== null) return this.loadGraph(graph[1]!);
    if (text === 'having executed:') return this.setup(this.docString(step), 'setup query');
    if (text === 'parameters are:') return this.parameters(step);
    const procedure = /^there exists a procedure (.+):$/.exec(text);
    if (procedure !== null) return this.defineProcedure(procedure[1]!, step);
    if (text === 'executing query:' || text === 'executing control query:') {
      await this.execute(this.docString(step), text === 'executing query:');
      return;
    }
    const resultMode = RESULT_STEPS[text];
    if (resultMode !== undefined) return this.checkResult(step, resultMode);
    if (text === 'the result should be empty') {
      const result = this.result(step);
      if (result.rows.length !== 0) throw new CaseFailure(`expected no rows, got ${result.rows.length}`);
      return;
    }
    const expectedError = parseErrorStep(text);
    if (expectedError !== undefined) {
      if (this.outcome === undefined) throw new CaseFailure(`step "${text}" comes before any query`);
      if (this.outcome.ok) throw new CaseFailure(`expected ${expectedError.type} at ${expectedError.phase}: ${expectedError.detail}, but the query succeeded with ${this.outcome.result.rows.length} row(s)`);
      this.outcome.checked = true;
      const reason = checkError(this.outcome.error, expectedError);
      if (reason !== null) throw new CaseFailure(reason);
      return;
    }
    if (text === 'the side effects should be:') return this.checkSideEffects(step.table ?? []);
    if (text === 'no side effects') return this.checkSideEffects([]);
    throw new CaseFailure(`unsupported step: ${step.keyword} ${text} (line ${step.line})`);
  }

  private async loadGraph(name: string): Promise<void> {
    const dir = join(this.tckDir, 'graphs', name);
    let files: string[];
    try {
      files = readdirSync(dir).filter((file) => file.endsWith('.cypher')).sort();
    } catch {
      throw new CaseFailure(`named graph ${name} not found at ${dir}`);
    }
    if (files.length === 0) throw new CaseFailure(`named graph ${name} has no .cypher files in ${dir}`);
    for (const file of files) await this.setup(readFileSync(join(dir, file), 'utf8'), `loading graph ${name} (${file})`);
  }

  private parameters(step: GherkinStep): void {
    for (const row of step.table ?? []) {
      if (row.length !== 2) throw new CaseFailure(`parameter rows need 2 cells, got ${row.length} (line ${step.line})`);
      try {
        this.params[row[0]!] = toParameterValue(parseTckValue(row[1]!));
      } catch (error) {
        throw new CaseFailure(`bad parameter ${row[0]}: ${(error as Error).message}`);
      }
    }
  }

  private async defineProcedure(signature: string, step: GherkinStep): Promise<void> {
    const db = await this.database();
    if (db.defineProcedure === undefined) throw new CaseFailure(`the engine does not support procedures (${signature})`);
    try {
      await db.defineProcedure(signature, step.table ?? []);
    } catch (error) {
      throw new CaseFailure(`defining procedure ${signature} failed: ${classifyError(error).summary}`);
    }
  }

  private async execute(query: string, underTest: boolean): Promise<void> {
    const db = await this.database();
    if (this.outcome !== undefined && !this.outcome.ok && !this.outcome.checked) {
      throw new CaseFailure(`the previous query raised an error no step expected: ${classifyError(this.outcome.error).summary}`);
    }
    try {
      const result = await db.execute(query, this.params);
      this.outcome = { ok: true, result };
      if (underTest) this.sideEffects = result.stats;
    } catch (error) {
      this.outcome = { ok: false, error, checked: false };
      if (underTest) this.sideEffects = undefined;
    }
  }

  private result(step: GherkinStep): TckResult {
    if (this.outcome === undefined) throw new CaseFailure(`step "${step.text}" comes before any query`);
    if (!this.outcome.ok) {
      this.outcome.checked = true;
      throw new CaseFailure(`expected a result, but the query raised ${classifyError(this.outcome.error).summary}`);
    }
    return this.outcome.result;
  }

  private checkResult(step: GherkinStep, mode: { ordered: boolean; listsAsMultisets: boolean }): void {
    const result = this.result(step);
    let expected;
    try {
      expected = parseExpectedTable(step.table ?? []);
    } catch (error) {
      throw new CaseFailure(`cannot read the expected table: ${(error as Error).message}`);
    }
    const reason = compareResult(result, expected, mode);
    if (reason !== null) throw new CaseFailure(reason);
  }

  private checkSideEffects(table: readonly string[][]): void {
    if (this.sideEffects === undefined) throw new CaseFailure('side effects are checked but no query under test succeeded');
    const expected: Partial<Record<keyof QueryStats, number>> = {};
    for (const row of table) {
      const field = SIDE_EFFECT_KEYS[row[0] ?? ''];
      const count = Number(row[1]);
      if (field === undefined || !Number.isInteger(count)) throw new CaseFailure(`unknown side effect row | ${row.join(' | ')} |`);
      expected[field] = count;
    }
    const differences: string[] = [];
    for (const [key, field] of Object.entries(SIDE_EFFECT_KEYS)) {
      const want = expected[field] ?? 0;
      const got = this.sideEffects[field];
      if (want !== got) differences.push(`${key}: expected ${want}, got ${got}`);
    }
    if (differences.length > 0) throw new CaseFailure(`side effects differ: ${differences.join('; ')}`);
  }
}

function timeout(ms: number): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CaseFailure(`timed out after ${ms} ms`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Run one case on a fresh database. Never throws: failures become a failed CaseResult. */
export async function runCase(engine: TckEngine, tckCase: TckCase, options: RunOptions): Promise<CaseResult> {
  const started = performance.now();
  const base = {
    id: tckCase.id,
    featurePath: tckCase.featurePath,
    scenarioName: tckCase.scenarioName,
    ...(tckCase.exampleNumber === undefined ? {} : { exampleNumber: tckCase.exampleNumber }),
  };
  const run = new CaseRun(engine, options.tckDir);
  const limit = timeout(options.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS);
  let reason: string | undefined;
  try {
    await Promise.race([run.run(tckCase.steps), limit.promise]);
  } catch (error) {
    reason = error instanceof CaseFailure ? error.message : `harness error: ${(error as Error)?.stack ?? String(error)}`;
  } finally {
    limit.cancel();
  }
  if (reason === undefined || !reason.startsWith('timed out')) {
    try {
      await run.close();
    } catch (error) {
      reason ??= `closing the database failed: ${classifyError(error).summary}`;
    }
  }
  const durationMs = Math.round(performance.now() - started);
  return reason === undefined ? { ...base, status: 'passed', durationMs } : { ...base, status: 'failed', reason, durationMs };
}

/** Run cases one after another in this thread. */
export async function runCases(
  engine: TckEngine,
  cases: readonly TckCase[],
  options: RunOptions & { onResult?: (result: CaseResult) => void },
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const tckCase of cases) {
    const result = await runCase(engine, tckCase, options);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
