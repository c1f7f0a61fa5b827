import { describe, expect, it } from 'vitest';
import { decodeInput, type KeyEvent } from '../../tui/keys.js';

const k = (name: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean }> = {}): KeyEvent =>
  ({ kind: 'key', name, ctrl: false, meta: false, shift: false, ...mods }) as KeyEvent;

describe('decodeInput', () => {
  it('splits a fast-typed chunk into text and Enter, in order', () => {
    expect(decodeInput('RETURN 1;\r')).toEqual([{ kind: 'text', text: 'RETURN 1;' }, k('enter')]);
  });

  it('turns every newline of a paste into Enter (CR, LF and CR LF alike)', () => {
    expect(decodeInput('a;\nb;\r\nc;\r')).toEqual([
      { kind: 'text', text: 'a;' },
      k('enter'),
      { kind: 'text', text: 'b;' },
      k('enter'),
      { kind: 'text', text: 'c;' },
      k('enter'),
    ]);
  });

  it('keeps a tab inside pasted text but treats a trailing tab as the Tab key', () => {
    expect(decodeInput('a\tb')).toEqual([{ kind: 'text', text: 'a\tb' }]);
    expect(decodeInput('MA\t')).toEqual([{ kind: 'text', text: 'MA' }, k('tab')]);
    expect(decodeInput('\t')).toEqual([k('tab')]);
  });

  it('decodes control keys', () => {
    expect(decodeInput('\u0003')).toEqual([{ kind: 'ctrl', letter: 'c' }]);
    expect(decodeInput('\u007f')).toEqual([k('backspace')]);
    expect(decodeInput('\b')).toEqual([k('backspace')]);
    expect(decodeInput('ab\u0017')).toEqual([{ kind: 'text', text: 'ab' }, { kind: 'ctrl', letter: 'w' }]);
    expect(decodeInput('\u0000\u001c')).toEqual([]);
  });

  it('decodes escape sequences, with Backspace and Delete kept apart', () => {
    expect(decodeInput('\u001b[3~')).toEqual([k('delete')]);
    expect(decodeInput('\u001b[A')).toEqual([k('up')]);
    expect(decodeInput('\u001bOD')).toEqual([k('left')]);
    expect(decodeInput('\u001b[1;5C')).toEqual([k('right', { ctrl: true })]);
    expect(decodeInput('\u001b[H')).toEqual([k('home')]);
    expect(decodeInput('\u001b[4~')).toEqual([k('end')]);
    expect(decodeInput('\u001b[5~')).toEqual([k('pageup')]);
    expect(decodeInput('\u001bOP')).toEqual([k('f1')]);
    expect(decodeInput('\u001b[Z')).toEqual([k('backtab', { shift: true })]);
    expect(decodeInput('\u001b')).toEqual([k('escape')]);
    expect(decodeInput('\u001bb')).toEqual([{ kind: 'meta', char: 'b' }]);
    expect(decodeInput('\u001b\u007f')).toEqual([k('backspace', { meta: true })]);
    expect(decodeInput('\u001b\r')).toEqual([k('enter', { meta: true })]);
  });

  it('drops unknown sequences and bracketed-paste markers instead of inserting them', () => {
    expect(decodeInput('\u001b[99x')).toEqual([]);
    expect(decodeInput('\u001b[200~')).toEqual([]);
    expect(decodeInput('\u0085')).toEqual([]);
  });

  it('keeps non-ASCII text whole', () => {
    expect(decodeInput('名前 😀')).toEqual([{ kind: 'text', text: '名前 😀' }]);
  });
});
