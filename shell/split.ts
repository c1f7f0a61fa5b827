// Splitting console input into units: a statement ends with ';' outside strings, backticks
// and comments, and may span lines; a line that starts with ':' is an admin command.
// Comments between units belong to no unit, so a commented script's `// set up\n:param x => 1`
// is a command. Both REPLs (the line shell and the dashboard) use this, so pasted text
// behaves the same.

export interface SplitResult {
  /** Complete units, in order: statements with their ';', or ':command' lines; never blank or only comments. */
  units: string[];
  /** Offset in the text where each unit starts (for line numbers of scripts). */
  starts: number[];
  /** Text of an unfinished statement (or comment) still waiting for its end. */
  rest: string;
}

type Mode = 'code' | 'single' | 'double' | 'backtick' | 'line-comment' | 'block-comment';

/** Split `text` into complete units and the unfinished rest. */
export function splitInput(text: string): SplitResult {
  const units: string[] = [];
  const starts: number[] = [];
  let mode: Mode = 'code';
  let start = 0;
  let i = 0;
  let atUnitStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (atUnitStart) {
      // Skip blank space and comments between units; a ':' first on a line makes the line a
      // command. A comment not closed yet waits in `rest` for the rest of the input.
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
        i++;
        start = i;
        continue;
      }
      if (ch === '/' && (next === '/' || next === '*')) {
        const end = next === '/' ? text.indexOf('\n', i + 2) : text.indexOf('*/', i + 2);
        if (end < 0) return { units, starts, rest: text.slice(i) };
        i = next === '/' ? end + 1 : end + 2;
        start = i;
        continue;
      }
      atUnitStart = false;
      if (ch === ':') {
        const end = text.indexOf('\n', i);
        if (end < 0) return { units, starts, rest: text.slice(i) };
        const command = text.slice(i, end).trim();
        units.push(command);
        starts.push(i);
        i = end + 1;
        start = i;
        atUnitStart = true;
        continue;
      }
    }
    switch (mode) {
      case 'code':
        if (ch === "'") mode = 'single';
        else if (ch === '"') mode = 'double';
        else if (ch === '`') mode = 'backtick';
        else if (ch === '/' && next === '/') {
          mode = 'line-comment';
          i++;
        } else if (ch === '/' && next === '*') {
          mode = 'block-comment';
          i++;
        } else if (ch === ';') {
          const unit = text.slice(start, i + 1).trim();
          if (unit !== ';') {
            units.push(unit);
            starts.push(start);
          }
          start = i + 1;
          atUnitStart = true;
        }
        break;
      case 'single':
      case 'double':
        if (ch === '\\') i++;
        else if ((mode === 'single' && ch === "'") || (mode === 'double' && ch === '"')) mode = 'code';
        break;
      case 'backtick':
        if (ch === '`') mode = 'code';
        break;
      case 'line-comment':
        if (ch === '\n') mode = 'code';
        break;
      case 'block-comment':
        if (ch === '*' && next === '/') {
          mode = 'code';
          i++;
        }
        break;
    }
    i++;
  }
  return { units, starts, rest: atUnitStart ? '' : text.slice(start) };
}

/** True when `text` holds nothing but complete units (Enter may submit it). */
export function isCompleteInput(text: string): boolean {
  // A ':command' is a whole line even without its newline; a trailing comment after the
  // last ';' is not an unfinished statement.
  const { units, rest } = splitInput(`${text}\n`);
  return units.length > 0 && isOnlyComments(rest);
}

/** True when `text` is blank or holds only comments. */
export function isOnlyComments(text: string): boolean {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '').trim() === '';
}
