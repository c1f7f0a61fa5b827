import { describe, expect, it } from 'vitest';
import * as ed from '../../tui/line-editor.js';

const at = (text: string, cursor = text.length, history: string[] = []): ed.EditorState => ({ ...ed.emptyEditor(history), text, cursor });

describe('line editor', () => {
  it('inserts at the cursor and moves by grapheme', () => {
    let s = ed.insertText(at('MATCH'), ' (n)');
    expect(s.text).toBe('MATCH (n)');
    s = at('a😀b', 1);
    s = ed.moveRight(s);
    expect(s.cursor).toBe(3);
    s = ed.backspace(s);
    expect(s.text).toBe('ab');
    s = at('e\u0301x', 2);
    expect(ed.moveLeft(s).cursor).toBe(0);
  });

  it('deletes forward and backward, and does nothing at the ends', () => {
    expect(ed.deleteForward(at('abc', 1)).text).toBe('ac');
    expect(ed.deleteForward(at('abc', 3)).text).toBe('abc');
    expect(ed.backspace(at('abc', 0)).text).toBe('abc');
  });

  it('kills words and line halves, and yanks them back', () => {
    let s = ed.deleteWordBack(at('MATCH (n) RETURN n.name'));
    expect(s.text).toBe('MATCH (n) RETURN ');
    expect(s.killed).toBe('n.name');
    s = ed.yank(s);
    expect(s.text).toBe('MATCH (n) RETURN n.name');
    expect(ed.killToLineStart(at('abc def', 4)).text).toBe('def');
    expect(ed.killToLineEnd(at('abc def', 3)).text).toBe('abc');
    expect(ed.deleteWordForward(at('abc def', 3)).text).toBe('abc');
    expect(ed.deleteWordBackAlnum(at('n.name')).text).toBe('n.');
  });

  it('moves by word, and Home/End stay on the cursor line', () => {
    expect(ed.moveWordLeft(at('MATCH (n)', 9)).cursor).toBe(7);
    expect(ed.moveWordRight(at('MATCH (n)', 0)).cursor).toBe(5);
    const multi = at('MATCH (n)\nRETURN n;', 13);
    expect(ed.moveHome(multi).cursor).toBe(10);
    expect(ed.moveEnd(multi).cursor).toBe(19);
    expect(ed.killToLineStart(multi).text).toBe('MATCH (n)\nURN n;');
  });

  it('moves between lines before walking history', () => {
    let s = at('MATCH (n)\nRETURN n;', 19, ['RETURN 1;']);
    s = ed.up(s);
    expect(s.cursor).toBe(9);
    s = ed.up(s);
    expect(s.text).toBe('RETURN 1;');
    s = ed.down(s);
    expect(s.text).toBe('MATCH (n)\nRETURN n;');
    expect(s.historyIndex).toBeNull();
  });

  it('walks history and restores the draft', () => {
    let s = at('draft', 5, ['one;', 'two;']);
    s = ed.historyPrevious(s);
    expect(s.text).toBe('two;');
    s = ed.historyPrevious(s);
    expect(s.text).toBe('one;');
    s = ed.historyPrevious(s);
    expect(s.text).toBe('one;');
    s = ed.historyNext(ed.historyNext(s));
    expect(s.text).toBe('draft');
  });

  it('records entries without consecutive duplicates and caps the history', () => {
    let s = at('', 0, ['a;', 'b;']);
    s = ed.commitEntry(s, 'b;', 3);
    expect(s.history).toEqual(['a;', 'b;']);
    s = ed.commitEntry(s, 'c;', 3);
    s = ed.commitEntry(s, 'd;', 3);
    expect(s.history).toEqual(['b;', 'c;', 'd;']);
    expect(s.text).toBe('');
  });

  it('searches history backwards incrementally (Ctrl-R)', () => {
    const history = ['MATCH (a) RETURN a;', 'RETURN 1;', 'MATCH (b) RETURN b;', ':checkpoint'];
    let s = ed.searchBackward(at('typed', 5, history));
    s = ed.searchType(s, 'match');
    expect(s.text).toBe('MATCH (b) RETURN b;');
    s = ed.searchBackward(s);
    expect(s.text).toBe('MATCH (a) RETURN a;');
    s = ed.searchBackward(s);
    expect(s.text).toBe('MATCH (a) RETURN a;');
    s = ed.searchType(s, 'zzz');
    expect(s.search?.matchIndex).toBeNull();
    expect(ed.searchCancel(s).text).toBe('typed');
    s = ed.searchBackspace(ed.searchBackspace(ed.searchBackspace(s)));
    expect(s.text).toBe('MATCH (b) RETURN b;');
    const accepted = ed.searchAccept(s);
    expect(accepted.search).toBeNull();
    expect(accepted.text).toBe('MATCH (b) RETURN b;');
  });
});
