// The help overlay (F1 anywhere, ? in the panels or on an empty REPL line): every key, the app's extra
// keys and the :commands (given by the app, so the list lives in one place). It scrolls
// with ↑/↓/PgUp/PgDn on small terminals; Esc, ? or q closes it.

import { fitLine, Lines, seg, type Line } from './lines.js';
import { wrapToWidth } from './scrollback.js';
import { displayWidth, padEndToWidth } from './text-width.js';
import type { CommandHelp, ExtraKey } from './types.js';

const KEYS: readonly (readonly [string, string] | string)[] = [
  'Anywhere',
  ['F1', 'this help'],
  ['Shift-Tab', 'switch focus between the REPL and the panels'],
  ['Ctrl-C', 'cancel the running statement (drops queued ones) · clear the line · on an empty line, twice to exit'],
  ['Ctrl-D', 'exit, on an empty line'],
  ['PgUp / PgDn', 'page through the output'],
  ['Ctrl-L', 'clear the output'],
  'REPL (has focus at start)',
  ['Enter', 'run the input when its statement is complete (ends with ;), else start a new line'],
  ['?', 'this help, on an empty line'],
  ['Alt-Enter', 'new line without running'],
  ['Tab', 'complete the word before the cursor; on an empty line, focus the panels'],
  ['← → Home End', 'move; Ctrl-A / Ctrl-E line start / end; Ctrl-← → or Alt-B / Alt-F by word'],
  ['Backspace Delete', 'delete; Ctrl-W word back, Ctrl-U to line start, Ctrl-K to line end, Ctrl-Y put back'],
  ['↑ ↓', 'previous / next line, then history (also Ctrl-P / Ctrl-N)'],
  ['Ctrl-R', 'search history; again for an older match; Esc or Ctrl-G gives up'],
  ['while busy', 'Enter queues the statement; it runs when the one before it ends'],
  'Panels (Tab on an empty line)',
  ['p', 'pause / resume the refresh'],
  ['+ / -', 'refresh interval longer / shorter (0.25 s … 10 s)'],
  ['← → ↑ ↓', 'select a panel; Enter expands it, Esc goes back'],
  ['q', 'quit'],
  [':', 'back to the REPL, typing a command'],
];

export interface HelpProps {
  commands: readonly CommandHelp[];
  extraKeys: readonly ExtraKey[];
  width: number;
  height: number;
  scroll: number;
}

/** Every line of the help text at `width`; long descriptions wrap under themselves. */
export function helpLines(commands: readonly CommandHelp[], extraKeys: readonly ExtraKey[], width: number): Line[] {
  const keyWidth = 20;
  const commandWidth = Math.min(34, Math.max(12, ...commands.map((c) => displayWidth(c.usage) + 4)));
  const entry = (key: string, text: string, w: number): Line[] => {
    const head = `  ${key}`;
    const column = Math.max(w, displayWidth(head) + 2);
    const room = width - column;
    if (room < 12) return [fitLine([seg(head, 'strong'), seg(`  ${text}`)], width)];
    return wrapToWidth(text, room).map((part, i) => [seg(padEndToWidth(i === 0 ? head : '', column), 'strong'), seg(part)]);
  };
  const lines: Line[] = [];
  for (const item of KEYS) {
    if (typeof item === 'string') {
      if (lines.length > 0) lines.push([]);
      lines.push([seg(item, 'accent')]);
      if (item.startsWith('Panels')) for (const k of extraKeys) lines.push(...entry(k.key, k.label, keyWidth));
      continue;
    }
    lines.push(...entry(item[0], item[1], keyWidth));
  }
  if (commands.length > 0) {
    lines.push([], [seg('Commands (type in the REPL; statements end with ;)', 'accent')]);
    for (const c of commands) lines.push(...entry(c.usage, c.summary, commandWidth));
  }
  return lines;
}

export function helpView(p: HelpProps): Line[] {
  const all = helpLines(p.commands, p.extraKeys, p.width);
  const body = Math.max(0, p.height - 1);
  const scroll = Math.max(0, Math.min(p.scroll, Math.max(0, all.length - body)));
  const more = all.length > body ? ` · lines ${scroll + 1}-${Math.min(all.length, scroll + body)} of ${all.length}, ↑↓ PgUp PgDn scroll` : '';
  const title: Line = fitLine([seg('Help', 'strong'), seg(` · Esc closes${more}`, 'dim')], p.width);
  return [title, ...all.slice(scroll, scroll + body)];
}

export function HelpOverlay(props: HelpProps) {
  return <Lines lines={helpView(props)} width={props.width} height={props.height} />;
}
