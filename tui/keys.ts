// Turning terminal input into key events, in order. Ink reads stdin and splits each chunk
// at escape sequences; a piece without ESC may still hold many keys, because pasted text and
// fast typists (or a slow SSH link) deliver `RETURN 1;⏎` or several pasted lines in one read.
// decodeInput() splits such a piece into text runs and keys so each is handled exactly as if
// typed one at a time:
//   CR, LF or CR LF → enter;  DEL, BS → backspace;  Ctrl-letter → ctrl;  other C0 → ignored.
//   TAB → the tab key when it ends the piece (a typed Tab), else literal text (pasted indentation).
// Escape sequences (arrows, Home/End, Delete, PgUp/PgDn, F1, Alt-letter, Shift-Tab, and the
// xterm modifier forms such as ESC[1;5D) map to named keys; unknown sequences are dropped so
// they never reach the line buffer as garbage.

import type { Key } from 'ink';

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backtab'
  | 'backspace'
  | 'delete'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'insert'
  | 'f1';

export type KeyEvent =
  | { kind: 'text'; text: string }
  | { kind: 'key'; name: KeyName; ctrl: boolean; meta: boolean; shift: boolean }
  /** Ctrl-A … Ctrl-Z except those that are keys of their own (Tab, Enter, Backspace). */
  | { kind: 'ctrl'; letter: string }
  /** Alt (Meta) with a character: Alt-b, Alt-f, Alt-d, Alt-Backspace is a key with meta. */
  | { kind: 'meta'; char: string };

const ESC = '\u001b';

function key(name: KeyName, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}): KeyEvent {
  return { kind: 'key', name, ctrl: mods.ctrl ?? false, meta: mods.meta ?? false, shift: mods.shift ?? false };
}

const CSI_LETTER: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', Z: 'backtab', P: 'f1' };
const CSI_TILDE: Record<string, KeyName> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
  '11': 'f1',
};
const SS3: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', P: 'f1' };

/** Decode one escape sequence (as ink delivers it: one sequence per piece). */
function decodeEscape(sequence: string): KeyEvent[] {
  if (sequence === ESC) return [key('escape')];
  let body = sequence.slice(1);
  let meta = false;
  if (body.startsWith(ESC)) {
    // ESC ESC [ A: Alt with an arrow on terminals that send a second ESC.
    meta = true;
    body = body.slice(1);
  }
  if (body.startsWith('[')) {
    const m = /^\[\[?([\d;]*)([A-Za-z~^$])$/.exec(body);
    if (!m) return [];
    const [, params = '', final] = m;
    const parts = params.split(';');
    const modifier = Number(parts[1] ?? '1') - 1;
    const mods = { shift: (modifier & 1) !== 0, meta: meta || (modifier & 2) !== 0 || (modifier & 8) !== 0, ctrl: (modifier & 4) !== 0 };
    if (final === '~' || final === '^' || final === '$') {
      if (params === '200' || params === '201') return []; // bracketed paste markers
      const name = CSI_TILDE[parts[0] ?? ''];
      return name ? [key(name, { ...mods, ctrl: mods.ctrl || final === '^', shift: mods.shift || final === '$' })] : [];
    }
    const name = CSI_LETTER[final!];
    if (name === 'backtab') return [key('backtab', { shift: true })];
    return name ? [key(name, mods)] : [];
  }
  if (body.startsWith('O') && body.length === 2) {
    const name = SS3[body[1]!];
    return name ? [key(name, { meta })] : [];
  }
  // ESC followed by one character: Alt-char.
  if (body === '\u007f' || body === '\b') return [key('backspace', { meta: true })];
  if (body === '\r' || body === '\n') return [key('enter', { meta: true })];
  if (body.length > 0 && !body.startsWith(ESC)) return [{ kind: 'meta', char: body }];
  return [];
}

/** Decode one piece of input as ink's reader delivers it. */
export function decodeInput(piece: string): KeyEvent[] {
  if (piece.length === 0) return [];
  if (piece.startsWith(ESC)) return decodeEscape(piece);
  const events: KeyEvent[] = [];
  let text = '';
  const flush = (): void => {
    if (text) events.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < piece.length; i++) {
    const ch = piece[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') {
      flush();
      events.push(key('enter'));
      if (ch === '\r' && piece[i + 1] === '\n') i++;
    } else if (ch === '\t') {
      if (i === piece.length - 1) {
        flush();
        events.push(key('tab'));
      } else text += ch;
    } else if (code === 0x7f || code === 0x08) {
      flush();
      events.push(key('backspace'));
    } else if (code >= 0x01 && code <= 0x1a) {
      flush();
      events.push({ kind: 'ctrl', letter: String.fromCharCode(code + 0x60) });
    } else if (code < 0x20 || (code >= 0x80 && code <= 0x9f)) {
      // NUL, Ctrl-\ … Ctrl-_, C1 controls: nothing to do with them, never insert them.
      flush();
    } else text += ch;
  }
  flush();
  return events;
}

/**
 * The same events from ink's useInput arguments, for ink versions without the raw input
 * emitter. Lossy where ink is: Backspace (DEL) and Delete (ESC[3~) both arrive as
 * `key.delete`, so both delete backwards here.
 */
export function decodeInkKey(input: string, k: Key): KeyEvent[] {
  const mods = { ctrl: k.ctrl, meta: k.meta && !k.escape, shift: k.shift };
  if (k.return) return [key('enter', { meta: mods.meta })];
  if (k.tab) return [k.shift ? key('backtab', { shift: true }) : key('tab')];
  if (k.backspace || k.delete) return [key('backspace', { meta: mods.meta })];
  if (k.escape && input === '') return [key('escape')];
  if (k.upArrow) return [key('up', mods)];
  if (k.downArrow) return [key('down', mods)];
  if (k.leftArrow) return [key('left', mods)];
  if (k.rightArrow) return [key('right', mods)];
  if (k.home) return [key('home', mods)];
  if (k.end) return [key('end', mods)];
  if (k.pageUp) return [key('pageup', mods)];
  if (k.pageDown) return [key('pagedown', mods)];
  if (k.ctrl && /^[a-z]$/.test(input)) return [{ kind: 'ctrl', letter: input }];
  if (k.meta && input.length === 1) return [{ kind: 'meta', char: input }];
  return decodeInput(input);
}
