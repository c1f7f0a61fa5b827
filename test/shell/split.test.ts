import { describe, expect, it } from 'vitest';
import { isCompleteInput, splitInput } from '../../shell/split.js';

describe('splitInput', () => {
  it('splits statements on semicolons outside strings, backticks and comments', () => {
    const text = "RETURN 'a;b' AS x; MATCH (n:`we;ird`) RETURN n // c;\n; /* ; */ RETURN 1;";
    expect(splitInput(text)).toEqual({
      units: ["RETURN 'a;b' AS x;", 'MATCH (n:`we;ird`) RETURN n // c;\n;', 'RETURN 1;'],
      starts: [0, 19, 63],
      rest: '',
    });
  });

  it('keeps an unfinished multi-line statement as the rest', () => {
    expect(splitInput('MATCH (n)\nWHERE n.x = 1\n')).toEqual({ units: [], starts: [], rest: 'MATCH (n)\nWHERE n.x = 1\n' });
    expect(splitInput('RETURN 1; RETURN')).toEqual({ units: ['RETURN 1;'], starts: [0], rest: 'RETURN' });
  });

  it('treats a line starting with a colon as one command', () => {
    expect(splitInput(':checkpoint truncate\nRETURN 1;\n:quit\n')).toEqual({
      units: [':checkpoint truncate', 'RETURN 1;', ':quit'],
      starts: [0, 21, 31],
      rest: '',
    });
  });

  it('comments between units belong to none: a commented :command is still a command', () => {
    const text = '// set the person\n:param who => 1\n/* then */\n// ask\nRETURN $who; // done\n:stats\n';
    const { units, starts, rest } = splitInput(text);
    expect(units).toEqual([':param who => 1', 'RETURN $who;', ':stats']);
    expect(starts.map((at, i) => text.slice(at, at + units[i]!.length))).toEqual(units);
    expect(rest).toBe('');
    // A comment that has not ended yet waits for the rest of the input (it may hide a ';').
    expect(splitInput('RETURN 1; // tail')).toEqual({ units: ['RETURN 1;'], starts: [0], rest: '// tail' });
    expect(splitInput('/* a; b')).toEqual({ units: [], starts: [], rest: '/* a; b' });
    expect(splitInput('// RETURN 1;\nRETURN 2;').starts).toEqual([13]);
  });

  it('handles escaped quotes', () => {
    expect(splitInput("RETURN 'it\\'s;';").units).toEqual(["RETURN 'it\\'s;';"]);
  });

  it('tells when input is complete', () => {
    expect(isCompleteInput('RETURN 1;')).toBe(true);
    expect(isCompleteInput('RETURN 1')).toBe(false);
    expect(isCompleteInput(':help')).toBe(true);
    expect(isCompleteInput("RETURN ';")).toBe(false);
    expect(isCompleteInput('')).toBe(false);
    expect(isCompleteInput('RETURN 1; // note')).toBe(true);
    expect(isCompleteInput('RETURN 1; /* note */')).toBe(true);
    expect(isCompleteInput('RETURN 1;\n:quit')).toBe(true);
    expect(isCompleteInput('RETURN 1; /* open')).toBe(false);
    expect(isCompleteInput('// why\n:stats')).toBe(true);
    expect(isCompleteInput('// only a comment')).toBe(false);
  });
});
