// A Gherkin reader for the openCypher TCK feature files, and their expansion into runnable
// cases.
//
// Supported (all the TCK uses): `Feature:`, one optional `Background:`, `Scenario:`,
// `Scenario Outline:` with one or more `Examples:` tables, tags (`@ignore` ...), `#` comment
// lines, steps (Given/When/Then/And/But/*), doc strings between `"""` lines (indentation of
// the opening delimiter removed, content otherwise literal), and data tables whose cells
// undo the Gherkin escapes `\|` → `|`, `\n` → newline, `\\` → `\` (any other backslash stays).
//
// A runnable case is one Scenario, or one Examples row of a Scenario Outline with every
// `<name>` in the scenario name, step text, doc strings and table cells replaced by that
// row's value. Background steps come first in every case of the feature.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface GherkinStep {
  keyword: string;
  text: string;
  docString?: string;
  table?: string[][];
  line: number;
}

export interface GherkinExamples {
  header: string[];
  rows: string[][];
  line: number;
}

export interface GherkinScenario {
  name: string;
  outline: boolean;
  tags: string[];
  steps: GherkinStep[];
  examples: GherkinExamples[];
  line: number;
}

export interface GherkinFeature {
  /** Path relative to the features directory, with '/' separators. */
  path: string;
  name: string;
  background: GherkinStep[];
  scenarios: GherkinScenario[];
}

export interface TckCase {
  /** Stable id: `<feature path>:<scenario line>` plus `#<example number>` for outline rows. */
  id: string;
  featurePath: string;
  featureName: string;
  scenarioName: string;
  scenarioLine: number;
  /** 1-based row number across the outline's Examples tables; undefined for plain scenarios. */
  exampleNumber?: number;
  tags: string[];
  steps: GherkinStep[];
}

/** A Gherkin syntax problem, with the file and line. */
export class GherkinSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly line: number,
    message: string,
  ) {
    super(`${path}:${line}: ${message}`);
    this.name = 'GherkinSyntaxError';
  }
}

const STEP = /^(Given|When|Then|And|But|\*)\s+(.*)$/;

/** Undo the Gherkin cell escapes: \| → |, \n → newline, \\ → \ (other backslashes stay). */
function unescapeCell(raw: string): string {
  return raw.replace(/\\([|n\\])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
}

/** Split a table row into cells (surrounding blanks trimmed), undoing the Gherkin escapes. */
export function parseTableRow(line: string): string[] {
  const text = line.trim();
  const cells: string[] = [];
  let start = 1;
  for (let i = 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\') {
      i++; // an escape pair never ends a cell
    } else if (ch === '|') {
      cells.push(unescapeCell(text.slice(start, i).trim()));
      start = i + 1;
    }
  }
  return cells;
}

/** Parse one feature file's text. */
export function parseFeature(text: string, path: string): GherkinFeature {
  const lines = text.split(/\r?\n/);
  const feature: GherkinFeature = { path, name: '', background: [], scenarios: [] };
  let tags: string[] = [];
  let steps: GherkinStep[] | undefined;
  let scenario: GherkinScenario | undefined;
  let examples: GherkinExamples | undefined;
  let step: GherkinStep | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    const lineNumber = i + 1;
    if (line === '' || line.startsWith('#')) continue;

    if (line.startsWith('"""')) {
      if (step === undefined) throw new GherkinSyntaxError(path, lineNumber, 'a doc string outside a step');
      const indent = raw.indexOf('"""');
      const body: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        const content = lines[i]!;
        if (content.trim() === '"""') {
          closed = true;
          break;
        }
        const strip = Math.min(indent, content.length - content.trimStart().length);
        body.push(content.slice(strip).replaceAll('\\"\\"\\"', '"""'));
      }
      if (!closed) throw new GherkinSyntaxError(path, lineNumber, 'unterminated doc string');
      step.docString = body.join('\n');
      continue;
    }

    if (line.startsWith('|')) {
      const cells = parseTableRow(line);
      if (examples !== undefined) {
        if (examples.header.length === 0) examples.header = cells;
        else examples.rows.push(cells);
      } else if (step !== undefined) {
        (step.table ??= []).push(cells);
      } else {
        throw new GherkinSyntaxError(path, lineNumber, 'a table row outside a step or Examples');
      }
      continue;
    }

    if (line.startsWith('@')) {
      tags.push(...line.split(/\s+/).filter((tag) => tag.startsWith('@')));
      continue;
    }

    const keyword = /^(Feature|Background|Scenario Outline|Scenario Template|Scenario|Example|Examples|Scenarios):\s*(.*)$/.exec(line);
    if (keyword !== null) {
      const [, kind, name] = keyword as unknown as [string, string, string];
      step = undefined;
      examples = undefined;
      if (kind === 'Feature') {
        feature.name = name;
        tags = [];
      } else if (kind === 'Background') {
        steps = feature.background;
        scenario = undefined;
      } else if (kind === 'Examples' || kind === 'Scenarios') {
        if (scenario === undefined || !scenario.outline) throw new GherkinSyntaxError(path, lineNumber, 'Examples outside a Scenario Outline');
        examples = { header: [], rows: [], line: lineNumber };
        scenario.examples.push(examples);
        tags = [];
      } else {
        scenario = { name, outline: kind === 'Scenario Outline' || kind === 'Scenario Template', tags, steps: [], examples: [], line: lineNumber };
        feature.scenarios.push(scenario);
        steps = scenario.steps;
        tags = [];
      }
      continue;
    }

    const match = STEP.exec(line);
    if (match !== null) {
      if (steps === undefined) throw new GherkinSyntaxError(path, lineNumber, 'a step outside a scenario');
      step = { keyword: match[1]!, text: match[2]!.trim(), line: lineNumber };
      steps.push(step);
      examples = undefined;
      continue;
    }

    // Free text: a feature or scenario description. Only allowed before the first step.
    if (step !== undefined) throw new GherkinSyntaxError(path, lineNumber, `unexpected line: ${line}`);
  }
  return feature;
}

function substitute(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/<([^<>\n]+)>/g, (whole, name: string) => values.get(name) ?? whole);
}

function substituteStep(step: GherkinStep, values: ReadonlyMap<string, string>): GherkinStep {
  const out: GherkinStep = { keyword: step.keyword, text: substitute(step.text, values), line: step.line };
  if (step.docString !== undefined) out.docString = substitute(step.docString, values);
  if (step.table !== undefined) out.table = step.table.map((row) => row.map((cell) => substitute(cell, values)));
  return out;
}

/** The runnable cases of one feature, in file order. */
export function expandCases(feature: GherkinFeature): TckCase[] {
  const cases: TckCase[] = [];
  for (const scenario of feature.scenarios) {
    const base = { featurePath: feature.path, featureName: feature.name, scenarioLine: scenario.line, tags: scenario.tags };
    if (!scenario.outline) {
      cases.push({
        ...base,
        id: `${feature.path}:${scenario.line}`,
        scenarioName: scenario.name,
        steps: [...feature.background, ...scenario.steps],
      });
      continue;
    }
    let exampleNumber = 0;
    for (const examples of scenario.examples) {
      for (const row of examples.rows) {
        exampleNumber++;
        const values = new Map(examples.header.map((name, i) => [name, row[i] ?? '']));
        cases.push({
          ...base,
          id: `${feature.path}:${scenario.line}#${exampleNumber}`,
          scenarioName: substitute(scenario.name, values),
          exampleNumber,
          steps: [...feature.background, ...scenario.steps].map((step) => substituteStep(step, values)),
        });
      }
    }
  }
  return cases;
}

/** Every .feature file below `featuresDir`, parsed, sorted by path. */
export function loadFeatures(featuresDir: string): GherkinFeature[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.feature')) files.push(full);
    }
  };
  walk(featuresDir);
  return files
    .map((file) => relative(featuresDir, file).split(sep).join('/'))
    .sort()
    .map((path) => parseFeature(readFileSync(join(featuresDir, path), 'utf8'), path));
}

/** A human-readable name for a case: feature path, scenario name, example number. */
export function caseTitle(tckCase: TckCase): string {
  const example = tckCase.exampleNumber === undefined ? '' : ` (example ${tckCase.exampleNumber})`;
  return `${tckCase.featurePath}: ${tckCase.scenarioName}${example}`;
}
