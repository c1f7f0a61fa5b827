// Tab completion for both REPLs: the word before the cursor is completed from what fits
// where it stands.
//
//   :ch|                      command names
//   :checkpoint tr|           the command's own values (modes, formats, on/off...)
//   :backup /var/ba|          file paths (also :source); directories end with '/'
//   :set cache|  :set logLevel w|   live option names, then that option's values
//   (n:Per|   (a)-[:KN|       labels inside ( ), relationship types inside [ ]
//   n.na|                     property keys
//   $i|                       parameters set with :param
//   MAT|  coll|               keywords and function names (in the case typed)
//
// Nothing is offered inside a string literal or a comment. Catalog names come from the
// database (CompletionSource); a name that is not an identifier is offered in backticks.

import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { RESERVED_WORDS } from '../src/cypher/parser/keywords.js';
import { formatName } from '../src/cypher/runtime/format.js';
import { functionNames } from '../src/cypher/runtime/functions.js';
import { LIVE_KEYS, liveValues } from './admin/settings.js';
import type { AdminCommand } from './admin/types.js';
import type { Completion } from './protocol.js';

export interface CompletionSource {
  labels(): string[];
  relationshipTypes(): string[];
  propertyKeys(): string[];
  params(): string[];
  readonly commands: readonly AdminCommand[];
  /** Directory relative paths resolve against. */
  readonly cwd: string;
}

const EXTRA_KEYWORDS = ['SHOW', 'INDEX', 'INDEXES', 'IF', 'FOR'];
const AGGREGATES = ['count', 'sum', 'avg', 'min', 'max', 'collect', 'stDev', 'stDevP', 'percentileCont', 'percentileDisc'];
const KEYWORDS = [...new Set([...RESERVED_WORDS, ...EXTRA_KEYWORDS])].sort();
const FUNCTIONS = [...new Set([...functionNames(), ...AGGREGATES])].sort();

const NONE = (cursor: number): Completion => ({ items: [], start: cursor });

export function completeInput(line: string, cursor: number, source: CompletionSource): Completion {
  const at = Math.max(0, Math.min(cursor, line.length));
  const before = line.slice(0, at);
  if (/^\s*:/.test(before)) return completeCommand(before, at, source);
  return completeCypher(before, at, source);
}

function completeCommand(before: string, cursor: number, source: CompletionSource): Completion {
  const nameMatch = /^(\s*):(\S*)$/.exec(before);
  if (nameMatch) {
    const typed = nameMatch[2]!.toLowerCase();
    const items = source.commands.filter((c) => c.name.startsWith(typed)).map((c) => `:${c.name}`);
    return { items, start: nameMatch[1]!.length };
  }
  const head = /^(\s*):(\S+)(\s+)/.exec(before);
  if (!head) return NONE(cursor);
  const command = source.commands.find((c) => c.name === head[2]!.toLowerCase());
  if (!command?.complete) return NONE(cursor);
  const argsStart = head[0].length;
  const args = before.slice(argsStart);
  const current = /\S*$/.exec(args)![0];
  const previous = args.slice(0, args.length - current.length).split(/\s+/).filter(Boolean);
  const kind = command.complete(previous.length, previous);
  const start = cursor - current.length;
  if (kind === 'none') return NONE(cursor);
  if (kind === 'cypher') return completeCypher(args, cursor, source);
  if (kind === 'files') return { items: completeFiles(current, source.cwd), start };
  const pick = (candidates: readonly string[]): Completion => ({ items: byPrefix(candidates, current), start });
  if (kind === 'config-keys') return pick(LIVE_KEYS);
  if (kind === 'config-values') return pick(liveValues(previous[0] ?? ''));
  if (kind === 'params') return pick(source.params());
  return pick(kind);
}

function byPrefix(candidates: readonly string[], typed: string): string[] {
  const lower = typed.toLowerCase();
  return candidates.filter((c) => c.toLowerCase().startsWith(lower));
}

/** Cypher completion of `text`, which ends at `cursor` in the line. */
function completeCypher(text: string, cursor: number, source: CompletionSource): Completion {
  if (insideLiteralOrComment(text)) return NONE(cursor);
  const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(text)?.[0] ?? '';
  const start = cursor - word.length;
  const wordStart = text.length - word.length;
  const mark = text[wordStart - 1];
  const names = (candidates: string[]): Completion => ({ items: byPrefix(candidates, word).map(formatName), start });
  if (mark === '$') return names(source.params());
  if (mark === '.' && /[A-Za-z0-9_`)\]]/.test(text[wordStart - 2] ?? '')) return names(source.propertyKeys());
  if (mark === ':' || mark === '|') {
    const bracket = openBracket(text.slice(0, wordStart - 1));
    if (bracket === '[') return names(source.relationshipTypes());
    if (bracket === '(' && mark === ':') return names(source.labels());
    if (mark === ':') return names([...source.labels(), ...source.relationshipTypes()]);
    return NONE(cursor);
  }
  if (word === '' || /[0-9]/.test(mark ?? '')) return NONE(cursor);
  const lower = word === word.toLowerCase() && word !== word.toUpperCase();
  const keywords = byPrefix(KEYWORDS, word).map((k) => (lower ? k.toLowerCase() : k));
  const functions = byPrefix(FUNCTIONS, word);
  return { items: [...keywords, ...functions], start };
}

/** The innermost '(' or '[' still open at the end of `text` (literals and comments skipped). */
function openBracket(text: string): '(' | '[' | null {
  const stack: string[] = [];
  for (const ch of scanCode(text).code) {
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch === ')' || ch === ']' || ch === '}') stack.pop();
  }
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i] === '(' || stack[i] === '[') return stack[i] as '(' | '[';
  return null;
}

type ScanMode = 'code' | "'" | '"' | '`' | 'line' | 'block';

/**
 * `text` with the insides of strings, backtick names and comments blanked, and whether one of
 * them is still open at the end (the same lexical rules as split.ts).
 */
function scanCode(text: string): { code: string; open: boolean } {
  let mode: ScanMode = 'code';
  let code = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (mode === 'code') {
      if (ch === "'" || ch === '"' || ch === '`') mode = ch;
      else if (ch === '/' && next === '/') mode = 'line';
      else if (ch === '/' && next === '*') {
        mode = 'block';
        code += ' ';
        i++;
      }
      code += mode === 'code' ? ch : ' ';
      continue;
    }
    code += ch === '\n' ? ch : ' ';
    if ((mode === "'" || mode === '"') && ch === '\\') {
      code += ' ';
      i++;
    } else if (mode === ch) mode = 'code';
    else if (mode === 'line' && ch === '\n') mode = 'code';
    else if (mode === 'block' && ch === '*' && next === '/') {
      code += ' ';
      i++;
      mode = 'code';
    }
  }
  return { code, open: mode !== 'code' };
}

function insideLiteralOrComment(text: string): boolean {
  return scanCode(text).open;
}

/** Paths completing `typed` (relative to `cwd`; '~/' is the home directory). */
export function completeFiles(typed: string, cwd: string): string[] {
  const expanded = typed === '~' ? `${homedir()}/` : typed.startsWith('~/') ? homedir() + typed.slice(1) : typed;
  const slash = expanded.lastIndexOf('/');
  const dirPart = slash >= 0 ? expanded.slice(0, slash + 1) : '';
  const base = slash >= 0 ? expanded.slice(slash + 1) : expanded;
  const dir = dirPart === '' ? cwd : isAbsolute(dirPart) ? dirPart : resolve(cwd, dirPart);
  let entries: { name: string; isDirectory(): boolean }[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const shownDir = slash >= 0 ? typed.slice(0, typed.length - base.length) : '';
  return entries
    .filter((entry) => entry.name.startsWith(base) && (base.startsWith('.') || !entry.name.startsWith('.')))
    .map((entry) => `${shownDir}${entry.name}${entry.isDirectory() ? '/' : ''}`)
    .sort();
}

