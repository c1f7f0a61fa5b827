import { describe, expect, it } from 'vitest';
import { RuntimeQueryError, SemanticError } from '../../../src/errors.js';
import {
  callFunction,
  checkArgumentTypes,
  findArgumentTypeMismatch,
  functionNames,
  lookupFunction,
  resolveFunction,
} from '../../../src/cypher/runtime/functions.js';
import { MAX_RANGE_LENGTH } from '../../../src/cypher/runtime/functions-list.js';
import { formatLiteral } from '../../../src/cypher/runtime/format.js';
import { NodeRef, PathValue, RelationshipRef, type Value } from '../../../src/cypher/runtime/values.js';
import { context, sampleGraph } from './support.js';

const { reader, ann, bob, knows } = sampleGraph();
const ctx = context(reader);
const path = new PathValue([ann, bob], [knows]);

function call(name: string, ...args: Value[]): Value {
  return callFunction(name, args, ctx);
}

function runtimeError(body: () => unknown): RuntimeQueryError {
  try {
    body();
  } catch (error) {
    if (error instanceof RuntimeQueryError) return error;
    throw error;
  }
  throw new Error('expected a RuntimeQueryError');
}

type Case = [string, Value[], Value];

/** A test title for values (vitest's %j cannot print bigints). */
function show(...values: Value[]): string {
  return values.map((value) => formatLiteral(value)).join(', ');
}

function table(cases: Case[]): void {
  it.each(cases.map(([name, args, expected]) => [`${name}(${show(...args)}) → ${show(expected)}`, name, args, expected] as const))('%s', (_title, name, args, expected) => {
    const result = call(name, ...args);
    if (typeof expected === 'number' && Number.isNaN(expected)) expect(Number.isNaN(result as number)).toBe(true);
    else expect(result).toEqual(expected);
  });
}

describe('registry', () => {
  it('looks names up case-insensitively', () => {
    expect(lookupFunction('TOUPPER')?.name).toBe('toUpper');
    expect(lookupFunction('tointeger')?.name).toBe('toInteger');
    expect(lookupFunction('nope')).toBeUndefined();
  });

  it('lists every function the brief names', () => {
    const names = functionNames();
    for (const name of [
      'size', 'length', 'head', 'last', 'tail', 'range', 'keys', 'labels', 'type', 'id', 'properties', 'coalesce',
      'toInteger', 'toFloat', 'toString', 'toBoolean', 'toIntegerOrNull', 'toFloatOrNull', 'toBooleanOrNull',
      'toStringOrNull', 'abs', 'ceil', 'floor', 'round', 'sqrt', 'sign', 'rand', 'exp', 'log', 'log10', 'e', 'pi',
      'sin', 'cos', 'tan', 'cot', 'asin', 'acos', 'atan', 'atan2', 'degrees', 'radians', 'haversin', 'toUpper',
      'toLower', 'trim', 'ltrim', 'rtrim', 'substring', 'replace', 'split', 'left', 'right', 'reverse', 'startNode',
      'endNode', 'nodes', 'relationships', 'exists', 'isEmpty', 'timestamp',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('raises UnknownFunction and InvalidNumberOfArguments as SemanticErrors', () => {
    const unknown = (() => {
      try {
        resolveFunction('frobnicate', 1, { line: 1, column: 8 });
      } catch (error) {
        return error as SemanticError;
      }
      return undefined;
    })();
    expect(unknown).toBeInstanceOf(SemanticError);
    expect(unknown?.code).toBe('SEMANTIC_UNKNOWN_FUNCTION');
    expect(unknown?.details).toMatchObject({ detail: 'UnknownFunction', line: 1, column: 8 });
    expect(() => resolveFunction('size', 2)).toThrowError(expect.objectContaining({ details: expect.objectContaining({ detail: 'InvalidNumberOfArguments' }) }));
    expect(() => resolveFunction('coalesce', 0)).toThrow(SemanticError);
    expect(resolveFunction('coalesce', 7).name).toBe('coalesce');
    expect(resolveFunction('range', 3).name).toBe('range');
  });

  it('checks static argument types for the binder (TCK Graph3 [8], Graph4 [7], Graph9 [5]-[7], List6 [5], Path3)', () => {
    const reject: [string, string][] = [
      ['labels', 'PATH'],
      ['type', 'NODE'],
      ['properties', 'INTEGER'],
      ['properties', 'STRING'],
      ['properties', 'LIST'],
      ['size', 'PATH'],
      ['length', 'NODE'],
      ['length', 'RELATIONSHIP'],
    ];
    for (const [name, type] of reject) {
      const definition = lookupFunction(name)!;
      expect(findArgumentTypeMismatch(definition, [type as never])).not.toBeNull();
      expect(() => checkArgumentTypes(definition, [type as never])).toThrowError(
        expect.objectContaining({ code: 'SEMANTIC_INVALID_ARGUMENT_TYPE', details: expect.objectContaining({ detail: 'InvalidArgumentType' }) }),
      );
    }
    expect(findArgumentTypeMismatch(lookupFunction('labels')!, ['ANY'])).toBeNull();
    expect(findArgumentTypeMismatch(lookupFunction('labels')!, ['NULL'])).toBeNull();
    expect(findArgumentTypeMismatch(lookupFunction('coalesce')!, ['INTEGER', 'STRING', 'NODE'])).toBeNull();
    expect(lookupFunction('rand')!.deterministic).toBe(false);
  });
});

describe('type conversion (TCK TypeConversion1-4)', () => {
  table([
    ['toBoolean', [true], true],
    ['toBoolean', ['true'], true],
    ['toBoolean', ['FALSE'], false],
    ['toBoolean', [null], null],
    ['toBoolean', [''], null],
    ['toBoolean', [' tru '], null],
    ['toBoolean', ['f alse'], null],
    ['toBoolean', [0n], false],
    ['toBoolean', [5n], true],
    ['toInteger', [82.9], 82n],
    ['toInteger', [-82.9], -82n],
    ['toInteger', ['foo'], null],
    ['toInteger', [''], null],
    ['toInteger', [2n], 2n],
    ['toInteger', [2.9], 2n],
    ['toInteger', ['1.7'], 1n],
    ['toInteger', ['2'], 2n],
    ['toInteger', ['42'], 42n],
    ['toInteger', [' 42 '], 42n],
    ['toInteger', ['9223372036854775807'], 9223372036854775807n],
    ['toInteger', ['9223372036854775808'], null],
    ['toInteger', [true], 1n],
    ['toFloat', [3.4], 3.4],
    ['toFloat', [3n], 3],
    ['toFloat', ['5'], 5],
    ['toFloat', ['foo'], null],
    ['toFloat', [''], null],
    ['toFloat', ['1e3'], 1000],
    ['toFloat', ['NaN'], Number.NaN],
    ['toString', [42n], '42'],
    ['toString', [true], 'true'],
    ['toString', [false], 'false'],
    ['toString', [2.3], '2.3'],
    ['toString', [1], '1.0'],
    ['toString', ['apa'], 'apa'],
    ['toString', [null], null],
    ['toIntegerOrNull', [[]], null],
    ['toIntegerOrNull', [Number.NaN], null],
    ['toFloatOrNull', [true], null],
    ['toStringOrNull', [{}], null],
    ['toBooleanOrNull', [1.0], null],
    ['toBooleanOrNull', ['true'], true],
  ]);

  const node = ann;
  const invalid: [string, Value[]][] = [
    ['toBoolean', [[], {}, 1.0, node, knows, path]],
    ['toInteger', [[], {}, node, knows, path]],
    ['toFloat', [true, [], {}, node, knows, path]],
    ['toString', [[], {}, node, knows, path]],
  ];
  for (const [name, values] of invalid) {
    it.each(values.map((v) => [show(v), v] as const))(`${name}(%s) → RUNTIME_TYPE InvalidArgumentValue`, (_title, value) => {
      const error = runtimeError(() => call(name, value));
      expect(error.code).toBe('RUNTIME_TYPE');
      expect(error.details.detail).toBe('InvalidArgumentValue');
    });
  }

  it('toInteger of a FLOAT without an INTEGER value raises NumberOutOfRange', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, 1e19]) {
      expect(runtimeError(() => call('toInteger', x)).details.detail).toBe('NumberOutOfRange');
    }
  });
});

describe('list functions (TCK List6, List9, List11)', () => {
  table([
    ['size', [[1n, 2n, 3n]], 3n],
    ['size', [null], null],
    ['size', ['\u{1F9D0}ab'], 3n],
    ['head', [[1n, 2n]], 1n],
    ['head', [[]], null],
    ['last', [[1n, 2n]], 2n],
    ['last', [[]], null],
    ['tail', [[1n, 2n, 3n]], [2n, 3n]],
    ['tail', [[]], []],
    ['tail', [null], null],
    ['reverse', ['raksO'], 'Oskar'],
    ['reverse', ['a\u{1F600}b'], 'b\u{1F600}a'],
    ['reverse', [[1n, 2n, 3n]], [3n, 2n, 1n]],
    ['isEmpty', [[]], true],
    ['isEmpty', [{}], true],
    ['isEmpty', ['x'], false],
    ['isEmpty', [null], null],
    ['coalesce', [null, null, 3n, 4n], 3n],
    ['coalesce', [null], null],
  ]);

  const withDefaultStep: [bigint, bigint, string][] = [
    [-1236n, -1234n, '[-1236, -1235, -1234]'],
    [-1234n, -1234n, '[-1234]'],
    [-10n, -3n, '[-10, -9, -8, -7, -6, -5, -4, -3]'],
    [-10n, 0n, '[-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0]'],
    [-1n, 0n, '[-1, 0]'],
    [0n, -123n, '[]'],
    [0n, -1n, '[]'],
    [-1n, 1n, '[-1, 0, 1]'],
    [0n, 0n, '[0]'],
    [0n, 1n, '[0, 1]'],
    [0n, 10n, '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]'],
    [6n, 10n, '[6, 7, 8, 9, 10]'],
    [1234n, 1234n, '[1234]'],
    [1234n, 1236n, '[1234, 1235, 1236]'],
  ];
  it.each(withDefaultStep)('range(%s, %s) = %s (List11 [1])', (start, end, expected) => {
    expect(String((call('range', start, end) as bigint[]).join(', '))).toBe(expected.slice(1, -1));
  });

  const withStep: [bigint, bigint, bigint, string][] = [
    [1381n, -3412n, -1298n, '[1381, 83, -1215, -2513]'],
    [0n, -2000n, -1298n, '[0, -1298]'],
    [10n, -10n, -3n, '[10, 7, 4, 1, -2, -5, -8]'],
    [0n, -10n, -3n, '[0, -3, -6, -9]'],
    [0n, -20n, -2n, '[0, -2, -4, -6, -8, -10, -12, -14, -16, -18, -20]'],
    [0n, -10n, -1n, '[0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10]'],
    [0n, -1n, -1n, '[0, -1]'],
    [-1236n, -1234n, 1n, '[-1236, -1235, -1234]'],
    [-10n, 0n, 1n, '[-10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0]'],
    [-1n, 0n, 1n, '[-1, 0]'],
    [0n, 1n, -123n, '[]'],
    [0n, 1n, -1n, '[]'],
    [0n, -123n, 1n, '[]'],
    [0n, -1n, 1n, '[]'],
    [0n, 0n, -1n, '[0]'],
    [0n, 0n, 1n, '[0]'],
    [0n, 1n, 2n, '[0]'],
    [0n, 1n, 1n, '[0, 1]'],
    [0n, 10n, 1n, '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]'],
    [6n, 10n, 1n, '[6, 7, 8, 9, 10]'],
    [1234n, 1234n, 1n, '[1234]'],
    [1234n, 1236n, 1n, '[1234, 1235, 1236]'],
    [-10n, 0n, 3n, '[-10, -7, -4, -1]'],
    [-10n, 10n, 3n, '[-10, -7, -4, -1, 2, 5, 8]'],
    [-2000n, 0n, 1298n, '[-2000, -702]'],
    [-3412n, 1381n, 1298n, '[-3412, -2114, -816, 482]'],
  ];
  it.each(withStep)('range(%s, %s, %s) = %s (List11 [2])', (start, end, step, expected) => {
    expect(`[${(call('range', start, end, step) as bigint[]).join(', ')}]`).toBe(expected);
  });

  it('range is empty exactly when the step points away from the end (List11 [3])', () => {
    for (const stop of [1n, 2n, 500n, 1000n, 1500n]) {
      for (const step of [-1000n, -3n, -2n, -1n, 1n, 2n, 3n, 1000n]) {
        const list = call('range', 0n, stop, step) as bigint[];
        expect(list.length === 0).toBe(step < 0n);
      }
    }
  });

  it.each([
    [0n, 0n],
    [2n, 8n],
    [-2n, 8n],
    [2n, -8n],
  ])('range(%s, %s, 0) → RUNTIME_ARGUMENT NumberOutOfRange (List11 [4])', (start, end) => {
    const error = runtimeError(() => call('range', start, end, 0n));
    expect(error.code).toBe('RUNTIME_ARGUMENT');
    expect(error.details.detail).toBe('NumberOutOfRange');
  });

  const invalidRangeArguments: [Value, Value, Value][] = [
    [true, 1n, 1n],
    [0n, true, 1n],
    [0n, 1n, true],
    [-1.1, 1n, 1n],
    [-0, 1n, 1n],
    [0, 1n, 1n],
    [1.1, 1n, 1n],
    [0n, -1.1, 1n],
    [0n, -0, 1n],
    [0n, 0, 1n],
    [0n, 1.1, 1n],
    [0n, 1n, -1.1],
    [0n, 1n, 1.1],
    ['xyz', 1n, 1n],
    [0n, 'xyz', 1n],
    [0n, 1n, 'xyz'],
    [[0n], 1n, 1n],
    [0n, [1n], 1n],
    [0n, 1n, [1n]],
    [{ start: 0n }, 1n, 1n],
    [0n, { end: 1n }, 1n],
    [0n, 1n, { step: 1n }],
  ];
  it.each(invalidRangeArguments.map((args) => [show(...args), ...args] as const))('range(%s) → RUNTIME_ARGUMENT InvalidArgumentType (List11 [5])', (_title, start, end, step) => {
    const error = runtimeError(() => call('range', start, end, step));
    expect(error.code).toBe('RUNTIME_ARGUMENT');
    expect(error.details.detail).toBe('InvalidArgumentType');
  });

  it('refuses a range too long to hold', () => {
    expect(runtimeError(() => call('range', 0n, BigInt(MAX_RANGE_LENGTH))).details.detail).toBe('NumberOutOfRange');
    expect((call('range', 1000000n, 2000000n) as bigint[]).length).toBe(1000001);
  });
});

describe('graph functions (TCK Graph1-9, Map3, Path)', () => {
  table([
    ['id', [ann], 1n],
    ['id', [knows], 7n],
    ['labels', [bob], ['Person', 'Admin']],
    ['labels', [null], null],
    ['type', [knows], 'KNOWS'],
    ['type', [null], null],
    ['keys', [bob], ['name', 'age']],
    ['keys', [{ k: null, l: 1n }], ['k', 'l']],
    ['keys', [null], null],
    ['properties', [knows], { since: 1999n }],
    ['properties', [{ name: 'Popeye', level: 9001n }], { name: 'Popeye', level: 9001n }],
    ['properties', [null], null],
    ['startNode', [knows], new NodeRef(1)],
    ['endNode', [knows], new NodeRef(2)],
    ['length', [path], 1n],
    ['nodes', [path], [ann, bob]],
    ['relationships', [path], [knows]],
    ['exists', [null], false],
    ['exists', [42n], true],
  ]);

  const wrongKinds: [string, Value][] = [
    ['labels', 1n],
    ['type', 0n],
    ['type', 1.0],
    ['type', true],
    ['type', ''],
    ['type', []],
    ['type', ann],
    ['length', ann],
  ];
  it.each(wrongKinds.map(([name, value]) => [name, show(value), value] as const))('%s(%s) at run time → RUNTIME_TYPE InvalidArgumentValue (Graph3 [9], Graph4 [6])', (name, _title, value) => {
    const error = runtimeError(() => call(name, value));
    expect(error.code).toBe('RUNTIME_TYPE');
    expect(error.details.detail).toBe('InvalidArgumentValue');
  });

  it('propagates the reader error for a deleted node', () => {
    reader.nodes.set(9, { labels: [], properties: {}, deleted: true });
    const error = runtimeError(() => call('labels', new NodeRef(9)));
    expect(error.code).toBe('RUNTIME_DELETED_ENTITY');
    expect(error.details.detail).toBe('DeletedEntityAccess');
  });

  it('reads relationship properties through the reader', () => {
    expect(call('keys', new RelationshipRef(7, 'KNOWS', 1, 2))).toEqual(['since']);
  });
});

describe('string functions (TCK String1-7)', () => {
  table([
    ['substring', ['0123456789', 1n], '123456789'],
    ['substring', ['0123456789', 1n, 3n], '123'],
    ['substring', ['abc', 10n], ''],
    ['substring', ['a\u{1F600}bc', 1n, 2n], '\u{1F600}b'],
    ['substring', [null, 1n], null],
    ['left', ['hello', 2n], 'he'],
    ['left', ['hello', 10n], 'hello'],
    ['right', ['hello', 2n], 'lo'],
    ['right', ['hello', 0n], ''],
    ['right', ['x\u{1F600}', 1n], '\u{1F600}'],
    ['left', [null, 2n], null],
    ['toUpper', ['aBc'], 'ABC'],
    ['toLower', ['aBc'], 'abc'],
    ['toLower', [null], null],
    ['trim', ['  a b  '], 'a b'],
    ['ltrim', ['  a '], 'a '],
    ['rtrim', ['  a '], '  a'],
    ['replace', ['hello', 'l', 'w'], 'hewwo'],
    ['replace', ['abc', '', '-'], '-a-b-c-'],
    ['replace', ['a$b', '$', '$&'], 'a$&b'],
    ['replace', ['abc', null, 'x'], null],
    ['split', ['one1two', '1'], ['one', 'two']],
    ['split', ['a,,b,', ','], ['a', '', 'b', '']],
    ['split', ['abc', ''], ['a', 'b', 'c']],
    ['split', ['a,b;c', [',', ';']], ['a', 'b', 'c']],
    ['split', [null, ','], null],
    ['split', ['a', null], null],
  ]);

  it('raises for negative or missing positions', () => {
    expect(runtimeError(() => call('substring', 'abc', -1n)).details.detail).toBe('NumberOutOfRange');
    expect(runtimeError(() => call('left', 'abc', -1n)).details.detail).toBe('NumberOutOfRange');
    expect(runtimeError(() => call('right', 'abc', null)).details.detail).toBe('InvalidArgumentValue');
    expect(runtimeError(() => call('toUpper', 1n)).details.detail).toBe('InvalidArgumentValue');
  });
});

describe('mathematical functions (TCK Mathematical11-17)', () => {
  table([
    ['abs', [-1n], 1n],
    ['abs', [-1.5], 1.5],
    ['abs', [null], null],
    ['sqrt', [12.96], 3.6],
    ['sqrt', [-1n], Number.NaN],
    ['ceil', [1.7], 2],
    ['ceil', [1n], 1],
    ['floor', [-1.5], -2],
    ['round', [2.5], 3],
    ['round', [-2.5], -2],
    ['round', [-0.4], 0],
    ['round', [3n], 3],
    ['round', [2.675, 2n], 2.68],
    ['round', [-2.55, 1n], -2.6],
    ['round', [1234.5, -2n], 1200],
    ['round', [2.5, 0n, 'HALF_EVEN'], 2],
    ['round', [3.5, 0n, 'half_even'], 4],
    ['round', [2.5, 0n, 'HALF_DOWN'], 2],
    ['round', [2.51, 0n, 'HALF_DOWN'], 3],
    ['round', [2.1, 0n, 'UP'], 3],
    ['round', [-2.1, 0n, 'UP'], -3],
    ['round', [2.9, 0n, 'DOWN'], 2],
    ['round', [-2.1, 0n, 'CEILING'], -2],
    ['round', [-2.1, 0n, 'FLOOR'], -3],
    ['round', [0.004, 1n, 'UP'], 0.1],
    ['round', [0.004, 1n], 0],
    ['round', [1.5, 5n], 1.5],
    ['round', [null, 1n], null],
    ['sign', [-3n], -1n],
    ['sign', [0.5], 1n],
    ['sign', [0n], 0n],
    ['sign', [Number.NaN], 0n],
    ['exp', [0n], 1],
    ['log', [Math.E], 1],
    ['log', [0n], Number.NEGATIVE_INFINITY],
    ['log10', [100n], 2],
    ['e', [], Math.E],
    ['pi', [], Math.PI],
    ['sin', [0n], 0],
    ['cos', [0n], 1],
    ['tan', [0n], 0],
    ['cot', [0n], Number.POSITIVE_INFINITY],
    ['asin', [1n], Math.PI / 2],
    ['acos', [1n], 0],
    ['atan', [1n], Math.PI / 4],
    ['atan2', [1n, 1n], Math.PI / 4],
    ['degrees', [Math.PI], 180],
    ['radians', [180n], Math.PI],
    ['haversin', [0n], 0],
    ['rand', [], 0.25],
    ['timestamp', [], 1_700_000_000_123n],
  ]);

  it('rejects non-numbers and bad rounding modes', () => {
    expect(runtimeError(() => call('abs', 'x')).details.detail).toBe('InvalidArgumentValue');
    expect(runtimeError(() => call('round', 1.5, 0n, 'SIDEWAYS')).details.detail).toBe('InvalidArgumentValue');
    expect(runtimeError(() => call('abs', -(2n ** 63n))).details.detail).toBe('IntegerOverflow');
  });
});
