import { describe, expect, it } from 'vitest';
import { isCompleteInput, splitInput } from '../../shell/split.js';

describe('splitInput', () => {
  it('splits statements on semicolons outside strings, backticks and comments', () => {
    const text = "RETURN 'a;b' AS x; MATCH (n:`we;ird`) RETURN n // c;\n; /* ; */ RETURN 1;";
    expect(splitInput(text)).toEqual({
      units: ["RETURN 'a;b' AS x;", 'MATCH (n:`we;ird`) RETURN n // c;\n;', '/* ; */ RETURN 1;'],
      rest: '',
    });
  });

  it('keeps an unfinished multi-line statement as the rest', () => {
    expect(splitInput('MATCH (n)\nWHERE n.x = 1\n')).toEqual({ units: [], rest: 'MATCH (n)\nWHERE n.x = 1\n' });
    expect(splitInput('RETURN 1; RETURN')).toEqual({ units: ['RETURN 1;'], rest: 'RETURN' });
  });

  it('treats a line starting with a colon as one command', () => {
    expect(splitInput(':checkpoint truncate\nRETURN 1;\n:quit\n')).toEqual({
      units: [':checkpoint truncate', 'RETURN 1;', ':quit'],
      rest: '',
    });
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
  });
});
